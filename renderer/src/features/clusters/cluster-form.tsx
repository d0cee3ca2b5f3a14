import { useState } from 'react';
import { ClusterSaveSchema, type ClusterProfile, type ClusterSave } from '../../../../protocol/console/clusters';
import { Field, Modal } from '../../components/ui';
import { errorInfoOf } from '../../api';
import { serverFieldErrors, zodFieldErrors, type FieldErrors } from '../../lib/form-errors';
import type { FieldWords } from '../../../../common/human-issue';
import { useStore } from '../../store';

interface ServerDraft {
  id?: string;
  url: string;
  /** '' means "keep the stored token" when the server already has one. */
  token: string;
  hasToken: boolean;
  allowSelfSigned: boolean;
  caFile: string;
}

const blankServer = (): ServerDraft => ({ url: 'http://127.0.0.1:7070', token: '', hasToken: false, allowSelfSigned: false, caFile: '' });

/** Turns the drafts into the saveCluster input (pure; unit tested through the schema). */
/**
 * The server prints its admin URL with the API prefix (`http://host:7070/admin/v1`); the profile
 * wants the API root, so a pasted prefix (and a trailing slash) is dropped instead of refused.
 */
export function adminRootOf(url: string): string {
  return url.trim().replace(/\/admin\/v1\/?$/, '').replace(/\/$/, '');
}

export function toClusterSave(id: string | undefined, name: string, servers: ServerDraft[]): ClusterSave {
  return {
    ...(id ? { id } : {}),
    name,
    servers: servers.map((s) => ({
      ...(s.id ? { id: s.id } : {}),
      url: adminRootOf(s.url),
      // Omitted token = keep the stored one; a typed one replaces it.
      ...(s.token !== '' ? { token: s.token } : s.hasToken ? {} : { token: null }),
      tls: { allowSelfSigned: s.allowSelfSigned, ...(s.caFile.trim() ? { caFile: s.caFile.trim() } : {}) },
    })),
  };
}

/** The fields as the form labels them (per server row), for messages in its words. */
function clusterWords(n: number): Record<string, FieldWords> {
  const out: Record<string, FieldWords> = { name: { label: 'Name' }, servers: { label: 'Servers' } };
  for (let i = 0; i < n; i++) {
    const which = n > 1 ? ` of server ${i + 1}` : '';
    out[`servers.${i}.url`] = { label: `Admin URL${which}` };
    out[`servers.${i}.token`] = { label: `Admin token${which}` };
    out[`servers.${i}.tls.caFile`] = { label: `Extra CA file${which}` };
  }
  return out;
}

export function ClusterForm({ profile, onClose }: { profile: ClusterProfile | null; onClose: () => void }) {
  const save = useStore((s) => s.saveCluster);
  const [name, setName] = useState(profile?.name ?? '');
  const [servers, setServers] = useState<ServerDraft[]>(
    profile
      ? profile.servers.map((s) => ({ id: s.id, url: s.url, token: '', hasToken: s.hasToken, allowSelfSigned: s.tls.allowSelfSigned, caFile: s.tls.caFile ?? '' }))
      : [blankServer()],
  );
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);

  const patch = (i: number, p: Partial<ServerDraft>) => setServers((list) => list.map((s, j) => (j === i ? { ...s, ...p } : s)));

  const submit = async () => {
    const input = toClusterSave(profile?.id, name, servers);
    const parsed = ClusterSaveSchema.safeParse(input);
    if (!parsed.success) {
      setErrors(zodFieldErrors(parsed.error, clusterWords(servers.length)));
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      await save(input);
      onClose();
    } catch (err) {
      setErrors(serverFieldErrors(errorInfoOf(err)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      title={profile ? `Edit cluster "${profile.name}"` : 'Add cluster'}
      onClose={onClose}
      wide
      testId="cluster-form"
      footer={
        <>
          <button className="btn" onClick={onClose}>
            Cancel
          </button>
          <button className="btn primary" onClick={() => void submit()} disabled={busy} data-testid="save-cluster">
            {busy ? 'Saving…' : 'Save'}
          </button>
        </>
      }
    >
      {errors._ ? <div className="error-text" role="alert">{errors._}</div> : null}
      {errors.servers ? <div className="error-text" role="alert">{errors.servers}</div> : null}
      <div className="form-grid">
        <Field label="Name" error={errors.name} htmlFor="cluster-name">
          <input id="cluster-name" className={`input ${errors.name ? 'invalid' : ''}`} value={name} onChange={(e) => setName(e.target.value)} placeholder="Production EU" autoFocus />
        </Field>
      </div>
      {servers.map((s, i) => {
        const e = (f: string) => errors[`servers.${i}.${f}`];
        return (
          <fieldset key={i} className="server-box">
            <legend>Server {i + 1}</legend>
            <div className="form-grid">
              <Field label="Admin URL" error={e('url')} hint="http(s)://host:port of the server's admin API" htmlFor={`srv-url-${i}`}>
                <input id={`srv-url-${i}`} className={`input mono ${e('url') ? 'invalid' : ''}`} value={s.url} onChange={(ev) => patch(i, { url: ev.target.value })} data-testid="server-url" />
              </Field>
              <Field label="Admin token" error={e('token')} hint={s.hasToken ? 'Leave empty to keep the stored token' : 'At least 16 characters; stored by the console, never shown again'} htmlFor={`srv-token-${i}`}>
                <input
                  id={`srv-token-${i}`}
                  type="password"
                  autoComplete="off"
                  className={`input mono ${e('token') ? 'invalid' : ''}`}
                  value={s.token}
                  placeholder={s.hasToken ? '•••••••• (unchanged)' : ''}
                  onChange={(ev) => patch(i, { token: ev.target.value })}
                  data-testid="server-token"
                />
              </Field>
              <Field label="TLS" error={e('tls.allowSelfSigned')}>
                <label style={{ display: 'flex', gap: 6, alignItems: 'center' }}>
                  <input type="checkbox" checked={s.allowSelfSigned} onChange={(ev) => patch(i, { allowSelfSigned: ev.target.checked })} />
                  Allow self-signed certificates
                </label>
                {s.allowSelfSigned ? <div className="warning">⚠ Certificate verification is off for this server: anyone on the path could impersonate it. Use only for development.</div> : null}
              </Field>
              <Field label="Extra CA file" error={e('tls.caFile')} hint="Optional PEM file path on the console machine" htmlFor={`srv-ca-${i}`}>
                <input id={`srv-ca-${i}`} className="input mono" value={s.caFile} onChange={(ev) => patch(i, { caFile: ev.target.value })} placeholder="/etc/ssl/my-ca.pem" />
              </Field>
            </div>
            {servers.length > 1 ? (
              <div>
                <button className="btn small danger" onClick={() => setServers((list) => list.filter((_, j) => j !== i))}>
                  Remove server
                </button>
              </div>
            ) : null}
          </fieldset>
        );
      })}
      <div>
        <button className="btn small" onClick={() => setServers((l) => [...l, blankServer()])}>
          + Add server
        </button>
      </div>
    </Modal>
  );
}
