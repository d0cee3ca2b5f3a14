import { useState } from 'react';
import { OutgoingCreateSchema, OutgoingPatchSchema, type Outgoing, type OutgoingCreate } from '../../../../protocol/admin-outgoing';
import { Field, Modal } from '../../components/ui';
import { parseList, parseNumber } from '../../lib/form-errors';
import { useSaveForm, type SavePayload } from '../channels/use-save-form';

type SecurityType = 'none' | 'basic' | 'bearer' | 'apikey';

export interface OutgoingDraft {
  name: string;
  active: boolean;
  address: string;
  kind: 'plain' | 'switchboard';
  clientId: string;
  clientName: string;
  topics: string;
  dataFormat: 'json' | 'text' | 'binary';
  requestPath: string;
  replyPath: string;
  onConnect: string;
  onMessage: string;
  onClose: string;
  securityType: SecurityType;
  username: string;
  /** Password, token or key: empty on edit means "keep the stored one". */
  secret: string;
  header: string;
  reconnect: boolean;
  initialDelayMs: string;
  maxDelayMs: string;
  maxAttempts: string;
  pingInterval: string;
  connectTimeoutMs: string;
  sendQueueMax: string;
  tlsCa: string;
  tlsInsecure: boolean;
}

export function draftOf(o: Outgoing | null): OutgoingDraft {
  return {
    name: o?.name ?? '',
    active: o?.active ?? true,
    address: o?.address ?? 'ws://127.0.0.1:9000/',
    kind: o?.kind ?? 'plain',
    clientId: o?.clientId ?? '',
    clientName: o?.clientName ?? '',
    topics: (o?.topics ?? []).join(', '),
    dataFormat: o?.dataFormat ?? 'json',
    requestPath: o?.correlation?.requestPath ?? (o ? '' : 'id'),
    replyPath: o?.correlation?.replyPath ?? (o ? '' : 'id'),
    onConnect: o?.onConnect ?? '',
    onMessage: o?.onMessage ?? '',
    onClose: o?.onClose ?? '',
    securityType: o?.security.type ?? 'none',
    username: o?.security.username ?? '',
    secret: '',
    header: o?.security.header ?? 'X-API-Key',
    reconnect: o?.autoReconnect.enabled ?? true,
    initialDelayMs: String(o?.autoReconnect.initialDelayMs ?? 500),
    maxDelayMs: String(o?.autoReconnect.maxDelayMs ?? 30_000),
    maxAttempts: String(o?.autoReconnect.maxAttempts ?? 0),
    pingInterval: String(o?.pingInterval ?? 30),
    connectTimeoutMs: String(o?.connectTimeoutMs ?? 10_000),
    sendQueueMax: String(o?.sendQueueMax ?? 100),
    tlsCa: '',
    tlsInsecure: o?.tls?.insecure ?? false,
  };
}

const orNull = (s: string): string | null => (s.trim() === '' ? null : s.trim());

function securityOf(d: OutgoingDraft): OutgoingCreate['security'] {
  switch (d.securityType) {
    case 'none':
      return { type: 'none' };
    case 'basic':
      return { type: 'basic', username: d.username.trim(), password: d.secret };
    case 'bearer':
      return { type: 'bearer', token: d.secret };
    case 'apikey':
      return { type: 'apikey', header: d.header.trim(), key: d.secret };
    default: {
      const never: never = d.securityType;
      return never;
    }
  }
}

/** The draft as an OutgoingCreate input (pure; validated with the protocol schema before sending). */
export function outgoingInputOf(d: OutgoingDraft) {
  const tls = d.tlsCa.trim() !== '' || d.tlsInsecure ? { ...(d.tlsCa.trim() !== '' ? { ca: d.tlsCa } : {}), insecure: d.tlsInsecure } : null;
  return {
    name: d.name.trim(),
    active: d.active,
    address: d.address.trim(),
    kind: d.kind,
    clientId: orNull(d.clientId),
    clientName: orNull(d.clientName),
    topics: parseList(d.topics),
    dataFormat: d.dataFormat,
    correlation: d.requestPath.trim() === '' && d.replyPath.trim() === '' ? null : { requestPath: d.requestPath.trim(), replyPath: d.replyPath.trim() },
    onConnect: orNull(d.onConnect),
    onMessage: orNull(d.onMessage),
    onClose: orNull(d.onClose),
    security: securityOf(d),
    autoReconnect: { enabled: d.reconnect, initialDelayMs: parseNumber(d.initialDelayMs), maxDelayMs: parseNumber(d.maxDelayMs), maxAttempts: parseNumber(d.maxAttempts) },
    pingInterval: parseNumber(d.pingInterval),
    connectTimeoutMs: parseNumber(d.connectTimeoutMs),
    sendQueueMax: parseNumber(d.sendQueueMax),
    tls,
  } satisfies Record<string, unknown>;
}

/**
 * Only what changed. Secrets are never shown, so `security` is sent only when its type, user name
 * or header changed or a new secret was typed; `tls` only when a CA was pasted or insecure toggled.
 */
export function outgoingPatchOf(before: Outgoing, d: OutgoingDraft): Record<string, unknown> {
  const full = outgoingInputOf(d);
  const patch: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(full)) {
    if (k === 'name' || k === 'security' || k === 'tls') continue;
    if (JSON.stringify(before[k as keyof Outgoing]) !== JSON.stringify(v)) patch[k] = v;
  }
  const s = before.security;
  if (d.securityType !== s.type || d.secret !== '' || (d.securityType === 'basic' && d.username.trim() !== (s.username ?? '')) || (d.securityType === 'apikey' && d.header.trim() !== (s.header ?? ''))) {
    patch.security = full.security;
  }
  if (d.tlsCa.trim() !== '' || d.tlsInsecure !== (before.tls?.insecure ?? false)) patch.tls = full.tls;
  return patch;
}

export function OutgoingForm({ outgoing, onSubmit, onClose }: { outgoing: Outgoing | null; onSubmit: (p: SavePayload<OutgoingCreate>) => Promise<void>; onClose: () => void }) {
  const [d, setD] = useState<OutgoingDraft>(() => draftOf(outgoing));
  const set = (p: Partial<OutgoingDraft>) => setD((x) => ({ ...x, ...p }));
  const { errors, busy, submit } = useSaveForm<OutgoingCreate>({
    existingName: outgoing?.name ?? null,
    buildCreate: () => outgoingInputOf(d) as OutgoingCreate,
    createSchema: OutgoingCreateSchema,
    buildPatch: () => (outgoing ? outgoingPatchOf(outgoing, d) : {}),
    patchSchema: OutgoingPatchSchema,
    onSubmit,
    onClose,
    errorRoots: ['outgoing', 'patch'],
  });
  const err = (...keys: string[]) => keys.map((k) => errors[k]).find((e) => e !== undefined);
  const text = (key: keyof OutgoingDraft, label: string, hint: string, errKeys: string[] = [key], opts: { mono?: boolean; disabled?: boolean; type?: string } = {}) => (
    <Field label={label} error={err(...errKeys)} hint={hint} htmlFor={`og-${key}`}>
      <input
        id={`og-${key}`}
        type={opts.type ?? 'text'}
        className={`input ${opts.mono === false ? '' : 'mono'} ${err(...errKeys) ? 'invalid' : ''}`}
        value={String(d[key])}
        disabled={opts.disabled}
        onChange={(e) => set({ [key]: e.target.value })}
        data-testid={`og-${key}`}
      />
    </Field>
  );
  const secretLabel = d.securityType === 'basic' ? 'Password' : d.securityType === 'bearer' ? 'Token' : 'API key';
  const secretKey = d.securityType === 'basic' ? 'security.password' : d.securityType === 'bearer' ? 'security.token' : 'security.key';

  return (
    <Modal
      title={outgoing ? `Edit outgoing connection ${outgoing.name}` : 'New outgoing connection'}
      onClose={onClose}
      wide
      testId="outgoing-form"
      footer={
        <>
          <button className="btn" onClick={onClose}>
            Cancel
          </button>
          <button className="btn primary" onClick={() => void submit()} disabled={busy} data-testid="save-outgoing">
            {busy ? 'Saving…' : outgoing ? 'Save changes' : 'Create'}
          </button>
        </>
      }
    >
      {errors._ ? <div className="error-text" role="alert">{errors._}</div> : null}
      <div className="form-grid">
        {text('name', 'Name', '1–64 letters, digits, . _ -', ['name'], { disabled: outgoing !== null })}
        <Field label="Active" error={errors.active}>
          <label style={{ display: 'flex', gap: 6, alignItems: 'center' }}>
            <input type="checkbox" checked={d.active} onChange={(e) => set({ active: e.target.checked })} data-testid="og-active" /> Keep it connected
          </label>
        </Field>
        {text('address', 'Address', outgoing?.address.includes('=***') ? 'Query values are hidden (***): retype the whole address to change it' : 'ws://host:port/path or wss://…')}
        <Field label="Kind" error={errors.kind} htmlFor="og-kind">
          <select id="og-kind" className="input" value={d.kind} onChange={(e) => set({ kind: e.target.value as OutgoingDraft['kind'] })} data-testid="og-kind">
            <option value="plain">Plain WebSocket endpoint</option>
            <option value="switchboard">Switchboard channel (hello, client protocol)</option>
          </select>
        </Field>
        {d.kind === 'switchboard' ? (
          <>
            {text('clientId', 'Client ID', 'What the hello sends')}
            {text('clientName', 'Client name', 'Optional')}
            {text('topics', 'Topics', 'Subscribed after every login, comma separated', ['topics', 'topics.0'])}
          </>
        ) : (
          <>
            <Field label="Data format" error={errors.dataFormat} htmlFor="og-dataFormat">
              <select id="og-dataFormat" className="input" value={d.dataFormat} onChange={(e) => set({ dataFormat: e.target.value as OutgoingDraft['dataFormat'] })} data-testid="og-dataFormat">
                <option value="json">JSON</option>
                <option value="text">Text</option>
                <option value="binary">Binary (base64)</option>
              </select>
            </Field>
            {text('requestPath', 'Invoke: request key', 'JSON path of the key in a request (e.g. id); empty: send only', ['correlation', 'correlation.requestPath'])}
            {text('replyPath', 'Invoke: reply key', 'JSON path of the same key in the reply (e.g. id, inReplyTo)', ['correlation.replyPath'])}
          </>
        )}
        {text('onConnect', 'onConnect hook', 'Service name, or empty')}
        {text('onMessage', 'onMessage hook', 'Service name, or empty')}
        {text('onClose', 'onClose hook', 'Service name, or empty')}
        <Field label="Security" error={err('security', 'security.type')} htmlFor="og-securityType">
          <select id="og-securityType" className="input" value={d.securityType} onChange={(e) => set({ securityType: e.target.value as SecurityType })} data-testid="og-securityType">
            <option value="none">None</option>
            <option value="basic">Basic (user name, password)</option>
            <option value="bearer">Bearer token</option>
            <option value="apikey">API key</option>
          </select>
        </Field>
        {d.securityType === 'basic' ? text('username', 'User name', '', ['security.username']) : null}
        {d.securityType === 'apikey' && d.kind === 'plain' ? text('header', 'Key header', 'Header that carries the key', ['security.header']) : null}
        {d.securityType !== 'none'
          ? text('secret', secretLabel, outgoing?.security.hasSecret && outgoing.security.type === d.securityType ? 'Stored; leave empty to keep it' : 'Stored sealed; never shown again', [secretKey], { type: 'password' })
          : null}
        <Field label="Reconnect" error={err('autoReconnect', 'autoReconnect.enabled')}>
          <label style={{ display: 'flex', gap: 6, alignItems: 'center' }}>
            <input type="checkbox" checked={d.reconnect} onChange={(e) => set({ reconnect: e.target.checked })} data-testid="og-reconnect" /> Retry with full-jitter backoff
          </label>
        </Field>
        {text('initialDelayMs', 'First retry within (ms)', 'Upper bound of the first delay', ['autoReconnect.initialDelayMs'])}
        {text('maxDelayMs', 'Max delay (ms)', 'Cap of every delay', ['autoReconnect.maxDelayMs'])}
        {text('maxAttempts', 'Max attempts', 'Failures in a row before stopping; 0 = for ever', ['autoReconnect.maxAttempts'])}
        {text('pingInterval', 'Ping interval (s)', '0 = no pings')}
        {text('connectTimeoutMs', 'Connect timeout (ms)', 'The whole dial (and the welcome)')}
        {text('sendQueueMax', 'Send queue', 'Messages held while not open')}
        {d.address.startsWith('wss:') ? (
          <>
            <Field label="CA certificate" error={err('tls.ca')} hint={outgoing?.tls?.hasCa ? 'Stored; paste to replace' : 'PEM; empty = system store'} htmlFor="og-tlsCa">
              <textarea id="og-tlsCa" className="input mono" rows={3} value={d.tlsCa} onChange={(e) => set({ tlsCa: e.target.value })} />
            </Field>
            <Field label="Insecure TLS" error={err('tls', 'tls.insecure')}>
              <label style={{ display: 'flex', gap: 6, alignItems: 'center' }}>
                <input type="checkbox" checked={d.tlsInsecure} onChange={(e) => set({ tlsInsecure: e.target.checked })} data-testid="og-tlsInsecure" /> Accept any certificate (shown on the row)
              </label>
            </Field>
          </>
        ) : null}
      </div>
    </Modal>
  );
}
