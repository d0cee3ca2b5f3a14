import { useState, type ReactNode } from 'react';
import { useStore } from '../../../store';
import { errorInfoOf } from '../../../api';
import { fieldOfPath, formFromView, formToConfig, newForm, presetPaths, type ConnectForm as Form, type FormErrors } from './form-model';
import { ParamRows } from './param-rows';
import { validateWsUrl } from '../lib/ws-url';

/** Create or edit a session: every option of the contract's session config. */
export function ConnectForm({ sessionId }: { sessionId: string | null }) {
  const existing = useStore((s) => (sessionId ? s.probe.sessions[sessionId] : undefined));
  const save = useStore((s) => s.probeSaveSession);
  const connect = useStore((s) => s.probeConnect);
  const edit = useStore((s) => s.probeEdit);
  const [f, setF] = useState<Form>(() => (existing ? formFromView(existing.config) : newForm()));
  const [errors, setErrors] = useState<FormErrors>({});
  const [busy, setBusy] = useState(false);
  // The embedded sandbox's channel is the obvious first thing to poke; offer it on a new session.
  const sandboxChannel = useStore((s) => s.app.info?.sandbox?.channelUrl ?? null);
  const set = <K extends keyof Form>(k: K, v: Form[K]) => {
    setF((prev) => ({ ...prev, [k]: v }));
    if (k === 'url') {
      const r = validateWsUrl(String(v));
      setErrors((e) => ({ ...e, url: r.ok ? undefined : r.error }));
    } else if (errors[k]) setErrors((e) => ({ ...e, [k]: undefined }));
  };

  const submit = async (andConnect: boolean) => {
    const r = formToConfig(f);
    if (!r.ok) {
      setErrors(r.errors);
      return;
    }
    setBusy(true);
    try {
      const view = await save(r.config, sessionId ?? undefined);
      if (andConnect) await connect(view.id);
    } catch (err) {
      const info = errorInfoOf(err);
      setErrors({ [info.field ? fieldOfPath(info.field) : 'form']: info.message });
    } finally {
      setBusy(false);
    }
  };

  const text = (k: keyof Form, label: string, props: { placeholder?: string; hint?: string; type?: string; area?: boolean } = {}) => (
    <Row label={label} err={errors[k]} hint={props.hint} htmlFor={`pf-${k}`}>
      {props.area ? (
        <textarea id={`pf-${k}`} className={`input mono ${errors[k] ? 'invalid' : ''}`} rows={3} value={String(f[k])} placeholder={props.placeholder} onChange={(e) => set(k, e.target.value as never)} />
      ) : (
        <input id={`pf-${k}`} className={`input ${errors[k] ? 'invalid' : ''}`} type={props.type ?? 'text'} value={String(f[k])} placeholder={props.placeholder} onChange={(e) => set(k, e.target.value as never)} />
      )}
    </Row>
  );
  const check = (k: keyof Form, label: string) => (
    <label className="check">
      <input type="checkbox" checked={Boolean(f[k])} onChange={(e) => set(k, e.target.checked as never)} /> {label}
    </label>
  );
  const stored = (has: boolean) => (has ? '(stored — leave empty to keep)' : '');

  return (
    <form className="probe-connect" onSubmit={(e) => { e.preventDefault(); void submit(true); }} aria-label="session settings">
      <div className="probe-connect-head">
        <h2>{existing ? `Edit ${existing.config.name}` : 'New WebSocket session'}</h2>
        <span className="spacer" />
        <button type="button" className="btn" onClick={() => edit(null)}>Cancel</button>
        <button type="button" className="btn" disabled={busy} onClick={() => void submit(false)}>Save</button>
        <button type="submit" className="btn primary" disabled={busy}>Save &amp; connect</button>
      </div>
      {errors.form && <div className="banner" role="alert">{errors.form}</div>}
      <div className="probe-connect-body">
        <section>
          <h3>Endpoint</h3>
          {text('url', 'URL', { placeholder: 'wss://example.com/socket', hint: 'ws:// or wss:// only' })}
          {!existing && sandboxChannel && f.url !== sandboxChannel ? (
            <Row label="">
              <button
                type="button"
                className="btn small"
                data-testid="probe-use-sandbox"
                title={`Fill in the local sandbox's demo channel (${sandboxChannel}) with the Switchboard helper`}
                onClick={() => {
                  set('url', sandboxChannel);
                  setF((prev) => ({ ...prev, name: prev.name || 'Local sandbox demo', helper: 'switchboard' }));
                }}
              >
                Use local sandbox channel
              </button>
            </Row>
          ) : null}
          {text('name', 'Name', { placeholder: 'defaults to the host' })}
          <Row label="Query params">
            <ParamRows kind="query" rows={f.query} onChange={(rows) => set('query', rows)} error={errors.query} />
          </Row>
          <Row label="Headers">
            <ParamRows kind="headers" rows={f.headers} onChange={(rows) => set('headers', rows)} error={errors.headers} />
          </Row>
          {text('subprotocols', 'Subprotocols', { placeholder: 'v1.switchboard, stomp (comma separated, in preference order)' })}
          {text('origin', 'Origin', { placeholder: 'https://app.example.com' })}
          {text('handshakeTimeoutMs', 'Handshake timeout (ms)')}
        </section>
        <section>
          <h3>Authentication</h3>
          <Row label="Type">
            <div className="toggle" role="group" aria-label="authentication type">
              {(['none', 'basic', 'bearer', 'api-key'] as const).map((t) => (
                <button key={t} type="button" aria-pressed={f.authType === t} onClick={() => set('authType', t)}>{t}</button>
              ))}
            </div>
          </Row>
          {f.authType === 'basic' && (
            <>
              {text('username', 'Username')}
              {text('password', 'Password', { type: 'password', placeholder: stored(f.hasPassword) })}
            </>
          )}
          {f.authType === 'bearer' && text('token', 'Bearer token', { type: 'password', placeholder: stored(f.hasToken) })}
          {f.authType === 'api-key' && (
            <>
              {text('apiKeyHeader', 'API key header')}
              {text('apiKey', 'API key', { type: 'password', placeholder: stored(f.hasApiKey) })}
            </>
          )}
          <h3>Reconnect &amp; keep-alive</h3>
          {check('reconnect', 'Reconnect automatically (full-jitter backoff)')}
          {f.reconnect && (
            <>
              {text('initialDelayMs', 'Initial delay (ms)')}
              {text('maxDelayMs', 'Delay cap (ms)')}
              {text('maxAttempts', 'Max attempts', { hint: '0 = unlimited' })}
            </>
          )}
          {text('pingIntervalMs', 'Ping every (ms)', { hint: '0 = no periodic ping' })}
          {text('pingPayload', 'Ping payload')}
          <h3>Request/reply pairing</h3>
          {check('correlation', 'Pair requests with replies')}
          {f.correlation && (
            <>
              <Row label="Preset">
                <div className="toggle" role="group" aria-label="pairing preset">
                  {([['switchboard', 'Switchboard', 'id ↔ inReplyTo'], ['jsonrpc', 'JSON-RPC', 'JSON-RPC 2.0: id ↔ id, method vs result/error'], ['custom', 'custom', 'your own JSON paths']] as const).map(([p, label, title]) => (
                    <button key={p} type="button" title={title} aria-pressed={f.pairingPreset === p} onClick={() => set('pairingPreset', p)}>{label}</button>
                  ))}
                </div>
              </Row>
              {f.pairingPreset === 'custom' ? (
                <>
                  {text('requestPath', 'Request id path', { hint: 'JSON path in sent messages, e.g. id or meta.reqId' })}
                  {text('replyPath', 'Reply id path', { hint: 'JSON path in received messages, e.g. inReplyTo (may be the same path)' })}
                </>
              ) : (
                <Row label="">
                  <span className="hint" data-testid="pairing-preset-paths">
                    {f.pairingPreset === 'jsonrpc'
                      ? 'requests carry id + method; replies reuse the id with result or error'
                      : `${presetPaths(f.pairingPreset).requestPath} ↔ ${presetPaths(f.pairingPreset).replyPath}`}
                  </span>
                </Row>
              )}
            </>
          )}
          <h3>Protocol helper</h3>
          <Row label="Helper">
            <div className="toggle" role="group" aria-label="protocol helper">
              {(['none', 'switchboard', 'stomp'] as const).map((t) => (
                <button key={t} type="button" aria-pressed={f.helper === t} onClick={() => set('helper', t)}>{t}</button>
              ))}
            </div>
          </Row>
          {f.helper === 'switchboard' && (
            <>
              {check('autoAnswer', 'Answer server requests automatically')}
              {f.autoAnswer && text('answer', 'Answer (JSON)', { area: true })}
            </>
          )}
        </section>
        <section>
          <h3>TLS</h3>
          {check('tlsEnabled', 'Custom TLS settings')}
          {f.tlsEnabled && (
            <>
              {text('ca', 'CA certificate (PEM)', { area: true, placeholder: '-----BEGIN CERTIFICATE-----' })}
              {text('caPath', 'or CA file path')}
              {text('cert', 'Client certificate (PEM)', { area: true })}
              {text('certPath', 'or certificate path')}
              {text('key', 'Client key (PEM)', { area: true, placeholder: stored(f.hasKey) })}
              {text('keyPath', 'or key path')}
              {text('passphrase', 'Key passphrase', { type: 'password', placeholder: stored(f.hasPassphrase) })}
              {text('servername', 'Server name (SNI)')}
              {check('ignoreCertErrors', 'Ignore certificate errors')}
              {f.ignoreCertErrors && <div className="warning" role="alert">Certificate errors will be ignored: anyone on the path can read and change this session.</div>}
            </>
          )}
          <h3>HTTP proxy</h3>
          {check('proxyEnabled', 'Connect through an HTTP proxy (CONNECT)')}
          {f.proxyEnabled && (
            <>
              {text('proxyUrl', 'Proxy URL', { placeholder: 'http://proxy.local:3128' })}
              {text('proxyUsername', 'Proxy username')}
              {text('proxyPassword', 'Proxy password', { type: 'password', placeholder: stored(f.hasProxyPassword) })}
            </>
          )}
          <h3>Limits</h3>
          {text('maxMessageBytes', 'Max message (bytes)')}
          {text('maxEntries', 'Log entries kept', { hint: 'older entries are dropped and counted' })}
          {text('floodMessagesPerSecond', 'Flood guard (msg/s)')}
        </section>
      </div>
    </form>
  );
}

function Row({ label, err, hint, htmlFor, children }: { label: string; err?: string; hint?: string; htmlFor?: string; children: ReactNode }) {
  return (
    <div className="probe-field">
      <label htmlFor={htmlFor}>{label}</label>
      <div className="field">
        {children}
        {err ? <span className="err" role="alert">{err}</span> : hint ? <span className="hint">{hint}</span> : null}
      </div>
    </div>
  );
}
