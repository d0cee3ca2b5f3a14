import { ErrorCode } from '../../../../protocol/errors';
import { useEffect, useRef, useState } from 'react';
import { INVOKE_DEFAULT_TIMEOUT_MS, INVOKE_MAX_TIMEOUT_MS } from '../../../../protocol/admin-connections';
import type { ConnectionRow } from '../../../../protocol/console/clusters';
import { ActionButton, TimeText } from '../../components/ui';
import { useStore } from '../../store';
import { DEFAULT_DRAFT, describeInvokeError, type InvokeEntry } from './invoke-slice';
import { JsonEditor, type JsonEditorHandle } from './json-editor';

const EMPTY: InvokeEntry[] = [];
const NEW_DRAFT = DEFAULT_DRAFT(INVOKE_DEFAULT_TIMEOUT_MS);

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

/** Seconds with one decimal: the waiting clock and cancelled entries. */
export const seconds = (ms: number): string => `${(Math.max(0, ms) / 1000).toFixed(1)} s`;

/** The clock of a pending invoke: re-renders itself a few times a second, nothing else does. */
function Waiting({ e, onCancel }: { e: InvokeEntry; onCancel: () => void }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 100);
    return () => clearInterval(t);
  }, []);
  return (
    <div className="row-line response" data-testid="invoke-pending">
      <span className="badge warn">waiting</span>
      <span>
        <span data-testid="invoke-elapsed">{seconds(now - e.sentAtMs)}</span> of {seconds(e.timeoutMs)} timeout…
      </span>
      <span className="spacer" style={{ flex: 1 }} />
      <button type="button" className="btn small" onClick={onCancel} data-testid="invoke-cancel">
        Cancel
      </button>
    </div>
  );
}

function Outcome({ e, onCancel }: { e: InvokeEntry; onCancel: () => void }) {
  if (e.status === 'pending') return <Waiting e={e} onCancel={onCancel} />;
  if (e.status === 'cancelled') {
    return (
      <div className="muted response" data-testid="invoke-cancelled">
        <span className="badge">cancelled</span> after {seconds((e.cancelledAtMs ?? e.sentAtMs) - e.sentAtMs)} — the server stops waiting at its timeout; a late answer is discarded.
      </div>
    );
  }
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
  const err = e.error ?? { code: ErrorCode.Internal, message: 'unknown error' };
  return (
    <div>
      <div className="row-line muted" style={{ marginBottom: 4 }}>
        <span className="badge bad">{err.code === ErrorCode.InvokeTimeout ? 'timeout' : e.result ? 'client error' : 'failed'}</span>
        {e.result ? <span>{e.result.latencyMs.toFixed(1)} ms</span> : null}
      </div>
      <pre className="response error" data-testid="invoke-error" data-code={err.code}>
        {describeInvokeError(err)}
      </pre>
    </div>
  );
}

const outcomeText = (h: InvokeEntry): string =>
  h.result ? `${h.result.latencyMs.toFixed(0)} ms` : h.status === 'pending' ? '…' : h.status === 'cancelled' ? 'cancelled' : (h.error?.code.replace('SB_ERR_', '').toLowerCase() ?? '');

/**
 * Invoke one connection: the payload and timeout are kept per connection in the store (switching
 * drawer tabs or rows keeps them); a pending invoke shows its clock and can be cancelled.
 */
export function InvokePanel({ clusterId, row, rowKey, blocked }: { clusterId: string; row: ConnectionRow; rowKey: string; blocked: string | null }) {
  const clientId = row.clientId;
  const history = useStore((s) => (clientId ? (s.invoke.history[clientId] ?? EMPTY) : EMPTY));
  const draft = useStore((s) => s.invoke.drafts[rowKey]) ?? NEW_DRAFT;
  const setDraft = useStore((s) => s.setInvokeDraft);
  const send = useStore((s) => s.sendInvoke);
  const cancel = useStore((s) => s.cancelInvoke);
  const [shown, setShown] = useState<number | null>(null);
  const editor = useRef<JsonEditorHandle | null>(null);

  const text = draft.text;
  const timeoutMs = Number(draft.timeout);
  const timeoutProblem = Number.isInteger(timeoutMs) && timeoutMs >= 1 && timeoutMs <= INVOKE_MAX_TIMEOUT_MS ? null : `Timeout must be 1–${INVOKE_MAX_TIMEOUT_MS} ms`;
  const problem = !clientId ? 'The client has not logged in yet' : (blocked ?? jsonProblem(text) ?? timeoutProblem);
  const mine = history.filter((h) => h.rowKey === rowKey);
  const pending = mine.some((h) => h.status === 'pending');

  const doSend = (body: string, ms: number) => {
    if (!clientId) return;
    void send({ clusterId, serverId: row.serverId, connectionId: row.connectionId, rowKey, clientId }, body, ms).then((e) => setShown(e.id));
    setShown(null);
  };
  const submit = () => {
    if (problem === null) doSend(text, timeoutMs);
  };
  // The latest invoke of this connection (the history is per client ID, across its connections).
  const current = shown !== null ? history.find((h) => h.id === shown) : (mine[0] ?? history[0]);

  return (
    <div style={{ display: 'grid', gap: 8 }}>
      <JsonEditor key={rowKey} initial={text} onChange={(t) => setDraft(rowKey, { text: t })} onSubmit={submit} handleRef={editor} testId="invoke-editor" />
      <div className="row-line">
        <label className="muted" htmlFor="invoke-timeout">
          Timeout
        </label>
        <input id="invoke-timeout" className={`input num ${timeoutProblem ? 'invalid' : ''}`} style={{ width: 80 }} value={draft.timeout} onChange={(e) => setDraft(rowKey, { timeout: e.target.value })} data-testid="invoke-timeout" />
        <span className="muted">ms</span>
        <span className="spacer" style={{ flex: 1 }} />
        <span className="muted" style={{ fontSize: 11 }}>
          Ctrl/⌘+Enter
        </span>
        <ActionButton className="primary" blocked={problem} onClick={submit} testId="invoke-send">
          {pending ? 'Send another' : 'Send'}
        </ActionButton>
      </div>
      {jsonProblem(text) && text.trim() !== '' ? <div className="error-text">{jsonProblem(text)}</div> : null}
      {current ? <Outcome e={current} onCancel={() => clientId && cancel(clientId, current.id)} /> : <div className="muted">The reply appears here, with its latency.</div>}
      {history.length > 0 ? (
        <div>
          <div className="muted" style={{ margin: '4px 0' }}>
            History for {clientId} ({history.length})
          </div>
          <div className="history" data-testid="invoke-history">
            {history.map((h) => (
              <div
                key={h.id}
                className="history-item"
                aria-current={current?.id === h.id ? 'true' : undefined}
                onClick={() => setShown(h.id)}
                // A time column before the payload (kept here: styles.css is shared with the table's work).
                style={{ cursor: 'pointer', gridTemplateColumns: '14px auto minmax(0, 1fr) auto auto', background: current?.id === h.id ? 'var(--row-sel)' : undefined }}
              >
                <span className={`dot ${h.status === 'ok' ? 'ok' : h.status === 'pending' ? 'warn' : h.status === 'cancelled' ? '' : 'bad'}`} />
                <TimeText iso={new Date(h.sentAtMs).toISOString()} className="muted history-time" />
                <span className="mono" title={h.text}>
                  {h.text.replace(/\s+/g, ' ')}
                </span>
                <span className="muted" data-testid="invoke-history-outcome">{outcomeText(h)}</span>
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
