import { useState } from 'react';
import { useStore } from '../../../store';
import { CodeEditor } from './code-editor';
import { HelpersPanel } from './helpers-panel';
import { composerFromTemplate, emptyComposer, formatJson, liveError, type BinaryEncoding, type ComposerMode } from '../state/composer-state';
import { formatMs } from '../log/entry-text';

/** Composer of one session: editor, send, templates, ping and close, and the protocol helpers. */
export function Composer({ id }: { id: string }) {
  const c = useStore((s) => s.probe.composers[id]) ?? emptyComposer();
  const session = useStore((s) => s.probe.sessions[id]);
  const templates = useStore((s) => s.probe.templates);
  const setC = useStore((s) => s.probeSetComposer);
  const send = useStore((s) => s.probeSend);
  const ping = useStore((s) => s.probePing);
  const disconnect = useStore((s) => s.probeDisconnect);
  const saveTemplate = useStore((s) => s.probeSaveTemplate);
  const deleteTemplate = useStore((s) => s.probeDeleteTemplate);
  const notify = useStore((s) => s.notify);
  const [templateName, setTemplateName] = useState('');
  const open = session?.state === 'open';
  const closable = session && ['open', 'connecting', 'reconnecting'].includes(session.state);
  const inlineError = c.error ?? liveError(c);

  // Kept by the core with the session's stats, so the log filter (or paging) cannot hide it.
  const lastRtt = session?.stats.lastRttMs ?? null;

  const doSend = () => {
    if (!open) {
      setC(id, { error: 'the session is not open' });
      return;
    }
    void send(id);
  };
  const setMode = (mode: ComposerMode) => setC(id, { mode, error: null });
  const setEncoding = (encoding: BinaryEncoding) => setC(id, { encoding, error: null });
  const applyTemplate = (tid: string) => {
    const t = templates.find((x) => x.id === tid);
    if (!t) return;
    const patch = composerFromTemplate(t);
    if (patch) setC(id, patch);
    else notify('info', `Template "${t.name}" is a helper frame; it cannot be shown in the editor.`);
  };

  return (
    <div className="probe-composer">
      <div className="row-line">
        <div className="toggle" role="group" aria-label="message type">
          {(['text', 'json', 'binary'] as const).map((m) => (
            <button key={m} type="button" aria-pressed={c.mode === m} onClick={() => setMode(m)}>{m === 'json' ? 'JSON' : m}</button>
          ))}
        </div>
        {c.mode === 'binary' && (
          <div className="toggle" role="group" aria-label="binary input">
            {(['hex', 'base64', 'file'] as const).map((e) => (
              <button key={e} type="button" aria-pressed={c.encoding === e} onClick={() => setEncoding(e)}>{e}</button>
            ))}
          </div>
        )}
        {c.mode === 'json' && (
          <button type="button" className="btn small" onClick={() => { const f = formatJson(c.text); if (f !== null) setC(id, { text: f, error: null }); else setC(id, { error: liveError(c) ?? 'invalid JSON' }); }}>
            Format
          </button>
        )}
        <span className="spacer" />
        <select className="input" aria-label="templates" value="" onChange={(e) => applyTemplate(e.target.value)}>
          <option value="">Templates…</option>
          {templates.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
        </select>
      </div>
      {c.mode === 'binary' && c.encoding === 'file' ? (
        <input className="input mono" aria-label="file path" placeholder="/path/to/payload.bin (read by the console core)" value={c.filePath} onChange={(e) => setC(id, { filePath: e.target.value, error: null })} />
      ) : (
        <div className={`editor probe-editor${inlineError ? ' invalid' : ''}`}>
          <CodeEditor
            value={c.text}
            language={c.mode === 'json' ? 'json' : 'text'}
            onChange={(text) => setC(id, { text, error: null })}
            onSubmit={doSend}
            placeholder={c.mode === 'binary' ? (c.encoding === 'hex' ? '48 65 6c 6c 6f' : 'SGVsbG8=') : c.mode === 'json' ? '{"type":"request","id":1,"data":{}}' : 'text message'}
          />
        </div>
      )}
      <div className="row-line">
        {inlineError ? <span className="err" role="alert" data-testid="composer-error">{inlineError}</span> : <span className="muted">Ctrl/⌘+Enter sends</span>}
        <span className="spacer" />
        <button type="button" className="btn primary" disabled={!open} onClick={doSend}>Send</button>
      </div>
      <div className="row-line">
        <input className="input" aria-label="template name" placeholder="template name" value={templateName} onChange={(e) => setTemplateName(e.target.value)} />
        <button type="button" className="btn small" disabled={templateName.trim() === ''} onClick={() => { void saveTemplate(id, templateName.trim()); setTemplateName(''); }}>Save as template</button>
        {templates.length > 0 && (
          <select className="input" aria-label="delete template" value="" onChange={(e) => e.target.value && void deleteTemplate(e.target.value)}>
            <option value="">Delete template…</option>
            {templates.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
          </select>
        )}
      </div>
      <fieldset className="probe-box">
        <legend>Ping</legend>
        <div className="row-line">
          <input className="input" aria-label="ping payload" placeholder="payload (≤ 125 bytes)" value={c.pingPayload} onChange={(e) => setC(id, { pingPayload: e.target.value })} />
          <button type="button" className="btn small" disabled={!open} onClick={() => void ping(id)}>Ping</button>
          <span className="muted" data-testid="probe-rtt">{lastRtt !== null ? `RTT ${formatMs(lastRtt)}` : 'no pong yet'}</span>
        </div>
      </fieldset>
      <fieldset className="probe-box">
        <legend>Close</legend>
        <div className="row-line">
          <input className={`input narrow ${c.closeError?.includes('code') ? 'invalid' : ''}`} aria-label="close code" value={c.closeCode} onChange={(e) => setC(id, { closeCode: e.target.value, closeError: null })} />
          <input className={`input ${c.closeError?.includes('reason') ? 'invalid' : ''}`} aria-label="close reason" placeholder="reason" value={c.closeReason} onChange={(e) => setC(id, { closeReason: e.target.value, closeError: null })} />
          <button type="button" className="btn danger small" disabled={!closable} onClick={() => void disconnect(id)}>Close</button>
        </div>
        {c.closeError && <span className="err" role="alert">{c.closeError}</span>}
      </fieldset>
      <fieldset className="probe-box">
        <legend>Protocol helper</legend>
        <HelpersPanel initial={session?.config.helper.type === 'stomp' ? 'stomp' : 'switchboard'} composer={c} onFill={(p) => setC(id, p)} />
      </fieldset>
    </div>
  );
}
