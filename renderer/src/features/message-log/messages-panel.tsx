import { useEffect } from 'react';
import type { ConnectionRow } from '../../../../protocol/console/clusters';
import { TimeText } from '../../components/ui';
import { useStore } from '../../store';
import { prettyFrame, visibleFrames } from './message-log-slice';

/** The connection drawer's Messages tab: the frames its channel captures, live while open. */
export function MessagesPanel({ clusterId, row, blocked }: { clusterId: string; row: ConnectionRow; blocked: string | null }) {
  const log = useStore((s) => s.msglog);
  const open = useStore((s) => s.openMessageLog);
  const close = useStore((s) => s.closeMessageLog);
  const setFilter = useStore((s) => s.setMessageFilter);
  const setCapture = useStore((s) => s.setCapture);
  const { serverId, connectionId } = row;

  useEffect(() => {
    open(clusterId, serverId, connectionId);
    return close;
  }, [open, close, clusterId, serverId, connectionId]);

  const mine = log.of === `${clusterId}|${serverId}|${connectionId}`;
  const page = mine ? log.page : null;
  const items = mine ? visibleFrames(log.items, log.filter, log.direction) : [];
  if (mine && log.error && !page) return <div className="error-text" role="alert" data-testid="messages-error">{log.error}</div>;
  if (!page) return <div className="muted">Loading the message log…</div>;
  const capturing = page.capture.received || page.capture.sent;

  return (
    <div style={{ display: 'grid', gap: 6 }} data-testid="messages">
      <div className="row-line" style={{ flexWrap: 'wrap', gap: 8 }}>
        <span className="muted">Capture on channel {page.channel}:</span>
        <label>
          <input type="checkbox" checked={page.capture.received} disabled={blocked !== null} title={blocked ?? undefined} onChange={(e) => void setCapture({ logReceived: e.target.checked })} data-testid="capture-received" /> received
        </label>
        <label>
          <input type="checkbox" checked={page.capture.sent} disabled={blocked !== null} title={blocked ?? undefined} onChange={(e) => void setCapture({ logSent: e.target.checked })} data-testid="capture-sent" /> sent
        </label>
        <span className="muted" title="The server keeps a ring per connection; the oldest frames go first">
          · keeps {page.capture.maxMessages} frames of ≤ {page.capture.maxBytes} bytes{page.dropped > 0 ? ` (${page.dropped} older pushed out)` : ''}
        </span>
      </div>
      {log.error ? <div className="error-text" role="alert">{log.error}</div> : null}
      <div className="row-line" style={{ gap: 6 }}>
        <input className="input" placeholder="Filter text" aria-label="Filter messages" value={log.filter} onChange={(e) => setFilter({ filter: e.target.value })} data-testid="messages-filter" />
        <select className="input" aria-label="Direction" value={log.direction} onChange={(e) => setFilter({ direction: e.target.value as typeof log.direction })} data-testid="messages-direction">
          <option value="all">both directions</option>
          <option value="received">received</option>
          <option value="sent">sent</option>
        </select>
        <span className="muted">{page.closedAt ? <>closed <TimeText iso={page.closedAt} clock /> — kept for a while</> : 'live'}</span>
      </div>
      {log.items.length === 0 ? (
        <div className="muted" data-testid="messages-none">
          {capturing ? 'No frames captured yet.' : `Channel ${page.channel} does not capture frames. Turn on received and/or sent above (credentials in a hello are always redacted).`}
        </div>
      ) : items.length === 0 ? (
        <div className="muted">No frame matches the filter.</div>
      ) : (
        <div className="msglog" style={{ display: 'grid', gap: 4 }}>
          {[...items].reverse().map((e) => (
            <div key={e.seq} className="msg" data-testid="message" data-direction={e.direction} style={{ borderLeft: `3px solid ${e.direction === 'received' ? 'var(--ok)' : 'var(--warn)'}`, paddingLeft: 6 }}>
              <div className="row-line muted" style={{ gap: 8 }}>
                <b>{e.direction === 'received' ? '→ received' : '← sent'}</b>
                <TimeText iso={e.at} clock />
                <span>{e.bytes.toLocaleString()} B</span>
                {e.truncated ? <span className="badge warn">truncated</span> : null}
                {e.redacted ? <span className="badge" title="Credentials replaced before the frame was kept">redacted</span> : null}
              </div>
              <pre className="mono" style={{ margin: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-all', maxHeight: 220, overflow: 'auto' }}>{prettyFrame(e.text)}</pre>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
