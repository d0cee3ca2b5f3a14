import { useRef, useState } from 'react';
import { INVOKE_DEFAULT_TIMEOUT_MS, INVOKE_MAX_TIMEOUT_MS } from '../../../../protocol/admin-connections';
import type { ConnectionRow } from '../../../../protocol/console/clusters';
import { ActionButton } from '../../components/ui';
import { useStore } from '../../store';
import { describeInvokeError, type InvokeEntry } from '../../store/invoke-slice';
import { JsonEditor, type JsonEditorHandle } from './json-editor';

const EMPTY: InvokeEntry[] = [];
const DEFAULT_BODY = '{\n  "ping": true\n}';

/** Why the text cannot be sent, or null when it is valid JSON. */
export function jsonProblem(text: string): string | null {
  if (text.trim() === '') return 'Enter a JSON value to send';
  try {
    JSON.parse(text);
    return null;
  } catch (err) {
    return `Invalid JSON: ${err instanceof Error ? err.message : String(err)}`;
  }
}

function Outcome({ e }: { e: InvokeEntry }) {
  if (e.status === 'pending') return <pre className="response" data-testid="invoke-pending">Waiting for the client (timeout {e.timeoutMs} ms)…</pre>;
  if (e.status === 'ok' && e.result) {
    return (
      <div>
        <div className="row-line muted" style={{ marginBottom: 4 }}>
          <span className="badge ok">answered</span>
          <span data-testid="invoke-latency">{e.result.latencyMs.toFixed(1)} ms</span>
        </div>
        <pre className="response" data-testid="invoke-response">
          {JSON.stringify(e.result.data, null, 2)}
        </pre>
      </div>
    );
  }
  const err = e.error ?? { code: 'SB_ERR_INTERNAL', message: 'unknown error' };
  return (
    <div>
      <div className="row-line muted" style={{ marginBottom: 4 }}>
        <span className="badge bad">{err.code === 'SB_ERR_INVOKE_TIMEOUT' ? 'timeout' : e.result ? 'client error' : 'failed'}</span>
        {e.result ? <span>{e.result.latencyMs.toFixed(1)} ms</span> : null}
      </div>
      <pre className="response error" data-testid="invoke-error" data-code={err.code}>
        {describeInvokeError(err)}
      </pre>
    </div>
  );
}

export function InvokePanel({ clusterId, row, rowKey, blocked }: { clusterId: string; row: ConnectionRow; rowKey: string; blocked: string | null }) {
  const clientId = row.clientId;
  const history = useStore((s) => (clientId ? (s.invoke.history[clientId] ?? EMPTY) : EMPTY));
  const send = useStore((s) => s.sendInvoke);
  const [text, setText] = useState(DEFAULT_BODY);
  const [timeout, setTimeoutMs] = useState(String(INVOKE_DEFAULT_TIMEOUT_MS));
  const [shown, setShown] = useState<number | null>(null);
  const editor = useRef<JsonEditorHandle | null>(null);

  const timeoutMs = Number(timeout);
  const timeoutProblem = Number.isInteger(timeoutMs) && timeoutMs >= 1 && timeoutMs <= INVOKE_MAX_TIMEOUT_MS ? null : `Timeout must be 1–${INVOKE_MAX_TIMEOUT_MS} ms`;
  const problem = !clientId ? 'The client has not logged in yet' : (blocked ?? jsonProblem(text) ?? timeoutProblem);
  const pending = history.some((h) => h.status === 'pending' && h.connectionId === row.connectionId);

  const doSend = (body: string, ms: number) => {
    if (!clientId) return;
    void send({ clusterId, serverId: row.serverId, connectionId: row.connectionId, rowKey, clientId }, body, ms).then((e) => setShown(e.id));
    setShown(null);
  };
  const submit = () => {
    if (problem === null) doSend(text, timeoutMs);
  };
  const current = shown !== null ? history.find((h) => h.id === shown) : history[0];

  return (
    <div style={{ display: 'grid', gap: 8 }}>
      <JsonEditor initial={DEFAULT_BODY} onChange={setText} onSubmit={submit} handleRef={editor} testId="invoke-editor" />
      <div className="row-line">
        <label className="muted" htmlFor="invoke-timeout">
          Timeout
        </label>
        <input id="invoke-timeout" className={`input num ${timeoutProblem ? 'invalid' : ''}`} style={{ width: 80 }} value={timeout} onChange={(e) => setTimeoutMs(e.target.value)} data-testid="invoke-timeout" />
        <span className="muted">ms</span>
        <span className="spacer" style={{ flex: 1 }} />
        <span className="muted" style={{ fontSize: 11 }}>
          Ctrl/⌘+Enter
        </span>
        <ActionButton className="primary" blocked={problem} onClick={submit} testId="invoke-send">
          {pending ? 'Sending…' : 'Send'}
        </ActionButton>
      </div>
      {jsonProblem(text) && text.trim() !== '' ? <div className="error-text">{jsonProblem(text)}</div> : null}
      {current ? <Outcome e={current} /> : <div className="muted">The reply appears here, with its latency.</div>}
      {history.length > 0 ? (
        <div>
          <div className="muted" style={{ margin: '4px 0' }}>
            History for {clientId} ({history.length})
          </div>
          <div className="history" data-testid="invoke-history">
            {history.map((h) => (
              <div key={h.id} className="history-item" onClick={() => setShown(h.id)} style={{ cursor: 'pointer' }}>
                <span className={`dot ${h.status === 'ok' ? 'ok' : h.status === 'pending' ? 'warn' : 'bad'}`} />
                <span className="mono" title={h.text}>
                  {h.text.replace(/\s+/g, ' ')}
                </span>
                <span className="muted">{h.result ? `${h.result.latencyMs.toFixed(0)} ms` : h.status === 'pending' ? '…' : (h.error?.code.replace('SB_ERR_', '').toLowerCase() ?? '')}</span>
                <ActionButton
                  className="small"
                  blocked={blocked}
                  onClick={() => {
                    editor.current?.setText(h.text);
                    doSend(h.text, h.timeoutMs);
                  }}
                >
                  Re-send
                </ActionButton>
              </div>
            ))}
          </div>
        </div>
      ) : null}
    </div>
  );
}
