import { useState } from 'react';
import { ChannelCreateSchema, ChannelPatchSchema, type Channel, type Security } from '../../../../protocol/admin-config';
import { Field, Modal } from '../../components/ui';
import { parseList, parseNumber } from '../../lib/form-errors';
import { useSaveForm } from './use-save-form';
import type { FieldWords } from '../../../../common/human-issue';

export interface ChannelDraft {
  name: string;
  active: boolean;
  address: string;
  service: string;
  security: string;
  newTokenWaitTime: string;
  tokenTtl: string;
  pingInterval: string;
  pingsMissedThreshold: string;
  maxMessageBytes: string;
  maxBufferedBytes: string;
  maxBufferedBytesHard: string;
  maxPingsPerSecond: string;
  allowSubscribe: string;
  allowPublish: string;
  duplicateLogin: 'reject' | 'replace';
}

export function draftOf(c: Channel | null): ChannelDraft {
  if (!c) {
    return {
      name: '', active: true, address: 'ws://127.0.0.1:8080/ws', service: 'echo', security: '',
      newTokenWaitTime: '5', tokenTtl: '3600', pingInterval: '30', pingsMissedThreshold: '2', maxMessageBytes: String(1024 * 1024),
      maxBufferedBytes: String(4 * 1024 * 1024), maxBufferedBytesHard: String(16 * 1024 * 1024), maxPingsPerSecond: '10',
      allowSubscribe: '*', allowPublish: '*', duplicateLogin: 'reject',
    };
  }
  return {
    name: c.name, active: c.active, address: c.address, service: c.service, security: c.security ?? '',
    newTokenWaitTime: String(c.newTokenWaitTime), tokenTtl: String(c.tokenTtl), pingInterval: String(c.pingInterval),
    pingsMissedThreshold: String(c.pingsMissedThreshold), maxMessageBytes: String(c.maxMessageBytes),
    maxBufferedBytes: String(c.maxBufferedBytes), maxBufferedBytesHard: String(c.maxBufferedBytesHard), maxPingsPerSecond: String(c.maxPingsPerSecond),
    allowSubscribe: c.allowSubscribe.join(', '), allowPublish: c.allowPublish.join(', '), duplicateLogin: c.duplicateLogin,
  };
}

/** The draft as a ChannelCreate input (pure; validated with the protocol schema before sending). */
export function channelInputOf(d: ChannelDraft) {
  return {
    name: d.name.trim(),
    active: d.active,
    address: d.address.trim(),
    service: d.service.trim(),
    security: d.security === '' ? null : d.security,
    newTokenWaitTime: parseNumber(d.newTokenWaitTime),
    tokenTtl: parseNumber(d.tokenTtl),
    pingInterval: parseNumber(d.pingInterval),
    pingsMissedThreshold: parseNumber(d.pingsMissedThreshold),
    maxMessageBytes: parseNumber(d.maxMessageBytes),
    maxBufferedBytes: parseNumber(d.maxBufferedBytes),
    maxBufferedBytesHard: parseNumber(d.maxBufferedBytesHard),
    maxPingsPerSecond: parseNumber(d.maxPingsPerSecond),
    allowSubscribe: parseList(d.allowSubscribe),
    allowPublish: parseList(d.allowPublish),
    duplicateLogin: d.duplicateLogin,
  };
}

/** Only the fields that differ from the stored channel (an update sends a patch). */
export function channelPatchOf(before: Channel, d: ChannelDraft): Record<string, unknown> {
  const full = channelInputOf(d);
  const patch: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(full)) {
    if (k === 'name') continue;
    const old = before[k as keyof Channel];
    if (JSON.stringify(old) !== JSON.stringify(v)) patch[k] = v;
  }
  return patch;
}

/**
 * Each field as the form labels it: the words, and the documented option name where it differs
 * (docs/configuration.md), plus the unit its number is in — for labels and for error messages.
 */
export const CHANNEL_WORDS: Record<string, FieldWords & { option?: string }> = {
  name: { label: 'Name' },
  active: { label: 'Active' },
  address: { label: 'Address' },
  service: { label: 'Service' },
  security: { label: 'Security' },
  newTokenWaitTime: { label: 'Login wait', option: 'newTokenWaitTime', unit: 'second' },
  tokenTtl: { label: 'Session TTL', option: 'tokenTtl', unit: 'second' },
  pingInterval: { label: 'Ping interval', unit: 'second' },
  pingsMissedThreshold: { label: 'Missed pings', option: 'pingsMissedThreshold' },
  maxMessageBytes: { label: 'Max message size', option: 'maxMessageBytes', unit: 'byte' },
  maxBufferedBytes: { label: 'Send budget', option: 'maxBufferedBytes', unit: 'byte' },
  maxBufferedBytesHard: { label: 'Send budget, hard', option: 'maxBufferedBytesHard', unit: 'byte' },
  maxPingsPerSecond: { label: 'Client pings per second', option: 'maxPingsPerSecond' },
  allowSubscribe: { label: 'May subscribe to', option: 'allowSubscribe' },
  allowPublish: { label: 'May publish to', option: 'allowPublish' },
  duplicateLogin: { label: 'Client ID already logged in', option: 'duplicateLogin' },
};
/** "Login wait (newTokenWaitTime)": the words, and the option name where it differs. */
export const labelOf = (key: string): string => {
  const w = CHANNEL_WORDS[key];
  return w ? (w.option ? `${w.label} (${w.option})` : w.label) : key;
};

type Submit = (input: { create: ReturnType<typeof channelInputOf> } | { name: string; patch: Record<string, unknown> }) => Promise<void>;

export function ChannelForm({ channel, security, onSubmit, onClose }: { channel: Channel | null; security: Security[]; onSubmit: Submit; onClose: () => void }) {
  const [d, setD] = useState<ChannelDraft>(() => draftOf(channel));
  const set = (p: Partial<ChannelDraft>) => setD((x) => ({ ...x, ...p }));

  const { errors, busy, submit } = useSaveForm({
    existingName: channel?.name ?? null,
    buildCreate: () => channelInputOf(d),
    createSchema: ChannelCreateSchema,
    buildPatch: () => (channel ? channelPatchOf(channel, d) : {}),
    patchSchema: ChannelPatchSchema,
    onSubmit,
    onClose,
    errorRoots: ['channel', 'patch'],
    words: CHANNEL_WORDS,
  });

  const num = (key: keyof ChannelDraft, hint: string) => (
    <Field label={labelOf(key)} error={errors[key]} hint={hint} htmlFor={`ch-${key}`}>
      <input id={`ch-${key}`} className={`input num ${errors[key] ? 'invalid' : ''}`} style={{ width: 140 }} value={String(d[key])} onChange={(e) => set({ [key]: e.target.value })} data-testid={`ch-${key}`} />
    </Field>
  );

  return (
    <Modal
      title={channel ? `Edit channel ${channel.name}` : 'New channel'}
      onClose={onClose}
      wide
      testId="channel-form"
      footer={
        <>
          <button className="btn" onClick={onClose}>
            Cancel
          </button>
          <button className="btn primary" onClick={() => void submit()} disabled={busy} data-testid="save-channel">
            {busy ? 'Saving…' : channel ? 'Save changes' : 'Create channel'}
          </button>
        </>
      }
    >
      {errors._ ? <div className="error-text" role="alert">{errors._}</div> : null}
      <div className="form-grid">
        <Field label="Name" error={errors.name} hint="1–64 letters, digits, . _ -" htmlFor="ch-name">
          <input id="ch-name" className={`input mono ${errors.name ? 'invalid' : ''}`} value={d.name} disabled={channel !== null} onChange={(e) => set({ name: e.target.value })} data-testid="ch-name" />
        </Field>
        <Field label="Active" error={errors.active}>
          <label style={{ display: 'flex', gap: 6, alignItems: 'center' }}>
            <input type="checkbox" checked={d.active} onChange={(e) => set({ active: e.target.checked })} data-testid="ch-active" /> Accept connections
          </label>
        </Field>
        <Field label="Address" error={errors.address} hint="ws://host:port/path (port 0 = any free port)" htmlFor="ch-address">
          <input id="ch-address" className={`input mono ${errors.address ? 'invalid' : ''}`} value={d.address} onChange={(e) => set({ address: e.target.value })} data-testid="ch-address" />
        </Field>
        <Field label="Service" error={errors.service} hint="Service that answers client requests" htmlFor="ch-service">
          <input id="ch-service" className={`input mono ${errors.service ? 'invalid' : ''}`} value={d.service} onChange={(e) => set({ service: e.target.value })} data-testid="ch-service" />
        </Field>
        <Field label="Security" error={errors.security} htmlFor="ch-security">
          <select id="ch-security" className="input" value={d.security} onChange={(e) => set({ security: e.target.value })} data-testid="ch-security">
            <option value="">None (anyone may log in)</option>
            {security.map((s) => (
              <option key={s.name} value={s.name}>
                {s.name} ({s.type})
              </option>
            ))}
          </select>
        </Field>
        {num('newTokenWaitTime', 'Seconds to send a valid hello after opening')}
        {num('tokenTtl', 'Seconds of silence after which the session expires (4008)')}
        {num('pingInterval', 'Seconds between server pings')}
        {num('pingsMissedThreshold', 'Unanswered pings before closing with 4002')}
        {num('maxMessageBytes', 'Bytes; larger frames close with 1009')}
        {num('maxBufferedBytes', 'Unread bytes at which pub/sub delivery pauses')}
        {num('maxBufferedBytesHard', 'Unread bytes past which a response or ping closes with 4013')}
        {num('maxPingsPerSecond', 'More close with 4014 (0 = no limit)')}
        <Field label={labelOf('allowSubscribe')} error={errors.allowSubscribe ?? errors['allowSubscribe.0']} hint="Topic patterns, comma separated (* = all)" htmlFor="ch-sub">
          <input id="ch-sub" className="input mono" value={d.allowSubscribe} onChange={(e) => set({ allowSubscribe: e.target.value })} />
        </Field>
        <Field label={labelOf('allowPublish')} error={errors.allowPublish ?? errors['allowPublish.0']} hint="Topic patterns, comma separated (* = all)" htmlFor="ch-pub">
          <input id="ch-pub" className="input mono" value={d.allowPublish} onChange={(e) => set({ allowPublish: e.target.value })} />
        </Field>
        <Field label={labelOf('duplicateLogin')} error={errors.duplicateLogin} hint="A second login of a connected client ID" htmlFor="ch-duplicate">
          <select id="ch-duplicate" className="input" value={d.duplicateLogin} onChange={(e) => set({ duplicateLogin: e.target.value as ChannelDraft['duplicateLogin'] })} data-testid="ch-duplicateLogin">
            <option value="reject">Reject the newcomer (4010)</option>
            <option value="replace">Replace the old connection (4011)</option>
          </select>
        </Field>
      </div>
    </Modal>
  );
}
