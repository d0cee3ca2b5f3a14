import { useState } from 'react';
import { SecurityCreateSchema, SecurityPatchSchema, type Security } from '../../../../protocol/admin-config';
import { Field, Modal } from '../../components/ui';
import { useSaveForm } from './use-save-form';
import type { FieldWords } from '../../../../common/human-issue';

type Kind = 'basic' | 'apikey' | 'jwt';
interface Draft {
  name: string;
  type: Kind;
  username: string;
  password: string;
  key: string;
  algorithm: 'HS256' | 'RS256';
  secret: string;
  publicKey: string;
  issuer: string;
  audience: string;
  /** Client ID patterns, comma separated. */
  clientIds: string;
  /** jwt: the claim that must equal the client ID; '' for none. */
  clientIdClaim: string;
}

const blank = (s: Security | null): Draft => ({
  name: s?.name ?? '',
  type: s?.type ?? 'basic',
  username: s?.username ?? '',
  password: '',
  key: '',
  algorithm: s?.algorithm ?? 'HS256',
  secret: '',
  publicKey: '',
  issuer: s?.issuer ?? '',
  audience: s?.audience ?? '',
  // A new basic or apikey definition must say which client IDs it may claim: nothing is prefilled.
  clientIds: s ? s.clientIds.join(', ') : '',
  clientIdClaim: s ? (s.clientIdClaim ?? '') : 'sub',
});

const list = (text: string): string[] => text.split(',').map((x) => x.trim()).filter((x) => x !== '');

/** Create input: only the fields of the chosen type; empty optional strings are left out. */
export function securityCreateOf(d: Draft): Record<string, unknown> {
  const opt = (k: string, v: string) => (v.trim() === '' ? {} : { [k]: v });
  switch (d.type) {
    case 'basic':
      return { name: d.name.trim(), type: 'basic', username: d.username, password: d.password, clientIds: list(d.clientIds) };
    case 'apikey':
      return { name: d.name.trim(), type: 'apikey', key: d.key, clientIds: list(d.clientIds) };
    case 'jwt':
      return {
        name: d.name.trim(), type: 'jwt', algorithm: d.algorithm, ...(d.algorithm === 'HS256' ? opt('secret', d.secret) : opt('publicKey', d.publicKey)), ...opt('issuer', d.issuer), ...opt('audience', d.audience),
        clientIdClaim: d.clientIdClaim.trim() === '' ? null : d.clientIdClaim.trim(),
        ...(list(d.clientIds).length > 0 ? { clientIds: list(d.clientIds) } : {}),
      };
  }
}

/** Patch: secrets only when typed (blank = keep); issuer/audience cleared with null. */
export function securityPatchOf(before: Security, d: Draft): Record<string, unknown> {
  const p: Record<string, unknown> = {};
  if (JSON.stringify(list(d.clientIds)) !== JSON.stringify(before.clientIds)) p.clientIds = list(d.clientIds);
  if (d.type === 'basic') {
    if (d.username !== (before.username ?? '')) p.username = d.username;
    if (d.password) p.password = d.password;
  } else if (d.type === 'apikey') {
    if (d.key) p.key = d.key;
  } else {
    if (d.algorithm !== before.algorithm) p.algorithm = d.algorithm;
    // Only the key the chosen algorithm uses (a draft may hold both after switching).
    if (d.algorithm === 'HS256' && d.secret) p.secret = d.secret;
    if (d.algorithm === 'RS256' && d.publicKey) p.publicKey = d.publicKey;
    if (d.issuer !== (before.issuer ?? '')) p.issuer = d.issuer === '' ? null : d.issuer;
    if (d.audience !== (before.audience ?? '')) p.audience = d.audience === '' ? null : d.audience;
    const claim = d.clientIdClaim.trim() === '' ? null : d.clientIdClaim.trim();
    if (claim !== (before.clientIdClaim ?? null)) p.clientIdClaim = claim;
  }
  return p;
}

type Submit = (input: { create: Record<string, unknown> } | { name: string; patch: Record<string, unknown> }) => Promise<void>;

/** The fields as the form labels them, for messages in its words. */
const SECURITY_WORDS: Record<string, FieldWords> = {
  name: { label: 'Name' }, type: { label: 'Type' }, username: { label: 'Username' }, password: { label: 'Password' }, key: { label: 'API key' },
  algorithm: { label: 'Algorithm' }, secret: { label: 'Secret' }, publicKey: { label: 'Public key' }, issuer: { label: 'Issuer' },
  audience: { label: 'Audience' }, clientIdClaim: { label: 'Client ID claim' }, clientIds: { label: 'Allowed client IDs' },
};

export function SecurityForm({ security, onSubmit, onClose }: { security: Security | null; onSubmit: Submit; onClose: () => void }) {
  const [d, setD] = useState<Draft>(() => blank(security));
  const set = (p: Partial<Draft>) => setD((x) => ({ ...x, ...p }));
  const editing = security !== null;
  const keepHint = editing && security.hasSecret ? 'Leave empty to keep the stored secret' : undefined;

  const { errors, busy, submit } = useSaveForm({
    existingName: security?.name ?? null,
    buildCreate: () => securityCreateOf(d),
    createSchema: SecurityCreateSchema,
    buildPatch: () => (security ? securityPatchOf(security, d) : {}),
    patchSchema: SecurityPatchSchema,
    onSubmit,
    onClose,
    errorRoots: ['security', 'patch'],
    words: SECURITY_WORDS,
  });

  const text = (key: keyof Draft, label: string, opts: { secret?: boolean; hint?: string; area?: boolean } = {}) => (
    <Field label={label} error={errors[key] ?? errors[`${key}.0`]} hint={opts.hint} htmlFor={`sec-${key}`}>
      {opts.area ? (
        <textarea id={`sec-${key}`} className={`input mono ${errors[key] ? 'invalid' : ''}`} rows={4} value={String(d[key])} onChange={(e) => set({ [key]: e.target.value })} />
      ) : (
        <input id={`sec-${key}`} type={opts.secret ? 'password' : 'text'} autoComplete="off" className={`input mono ${errors[key] ? 'invalid' : ''}`} value={String(d[key])} onChange={(e) => set({ [key]: e.target.value })} data-testid={`sec-${key}`} />
      )}
    </Field>
  );

  return (
    <Modal
      title={editing ? `Edit security definition ${security.name}` : 'New security definition'}
      onClose={onClose}
      wide
      testId="security-form"
      footer={
        <>
          <button className="btn" onClick={onClose}>
            Cancel
          </button>
          <button className="btn primary" onClick={() => void submit()} disabled={busy} data-testid="save-security">
            {busy ? 'Saving…' : editing ? 'Save changes' : 'Create'}
          </button>
        </>
      }
    >
      {errors._ ? <div className="error-text" role="alert">{errors._}</div> : null}
      <div className="form-grid">
        <Field label="Name" error={errors.name} htmlFor="sec-name">
          <input id="sec-name" className={`input mono ${errors.name ? 'invalid' : ''}`} value={d.name} disabled={editing} onChange={(e) => set({ name: e.target.value })} data-testid="sec-name" />
        </Field>
        <Field label="Type" error={errors.type} htmlFor="sec-type">
          <select id="sec-type" className="input" value={d.type} disabled={editing} onChange={(e) => set({ type: e.target.value as Kind })} data-testid="sec-type">
            <option value="basic">Basic (username + password)</option>
            <option value="apikey">API key</option>
            <option value="jwt">JWT</option>
          </select>
        </Field>
        {d.type === 'basic' ? (
          <>
            {text('username', 'Username')}
            {text('password', 'Password', { secret: true, hint: keepHint ?? 'Stored hashed; never shown again' })}
          </>
        ) : null}
        {d.type === 'apikey' ? text('key', 'API key', { secret: true, hint: keepHint ?? 'At least 8 characters; never shown again' }) : null}
        {d.type === 'jwt' ? (
          <>
            <Field label="Algorithm" error={errors.algorithm}>
              <select className="input" value={d.algorithm} onChange={(e) => set({ algorithm: e.target.value as Draft['algorithm'] })}>
                <option value="HS256">HS256 (shared secret)</option>
                <option value="RS256">RS256 (public key)</option>
              </select>
            </Field>
            {d.algorithm === 'HS256' ? text('secret', 'Secret', { secret: true, hint: keepHint ?? 'At least 16 characters' }) : text('publicKey', 'Public key (PEM)', { area: true, hint: keepHint ?? 'SPKI PEM' })}
            {text('issuer', 'Issuer', { hint: 'Optional: required iss claim' })}
            {text('audience', 'Audience', { hint: 'Optional: required aud claim' })}
            {text('clientIdClaim', 'Client ID claim', { hint: 'The claim that must equal the client ID (sub by default); empty: none' })}
          </>
        ) : null}
        {text('clientIds', 'Allowed client IDs', {
          hint: d.type === 'jwt' ? 'Patterns the client ID must also match, comma separated (* = any; empty = any)' : 'Required: patterns these credentials may log in as, comma separated (till-*, kiosk; * = any)',
        })}
      </div>
    </Modal>
  );
}
