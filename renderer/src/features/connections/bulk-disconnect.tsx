import { useState } from 'react';
import { ActionButton, Modal } from '../../components/ui';
import { actionBlockedReason } from '../clusters/clusters-slice';
import { useStore } from '../../store';
import { groupByServer, type BulkRowResult } from './bulk';
import type { Row } from './connection-table';

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
/** Names listed in the question before "and N more". */
const LISTED = 8;

/** Shown while rows are ticked: how many, and what can be done with them. */
export function BulkBar() {
  const checked = useStore((s) => s.conns.checked);
  const rows = useStore((s) => s.conns.table.rows);
  const setChecked = useStore((s) => s.setChecked);
  const clusterState = useStore((s) => (s.conns.clusterId ? s.clusters.states[s.conns.clusterId] : undefined));
  const ticked = [...checked].map((k) => rows.get(k)).filter((r): r is Row => r !== undefined);
  const [asked, setAsked] = useState<{ rows: Row[]; skipped: number } | null>(null);
  const dialog = asked ? <BulkDisconnectDialog rows={asked.rows} skipped={asked.skipped} onClose={() => setAsked(null)} /> : null;
  const closable = [...groupByServer(ticked).values()].flat();
  const blocked = closable.length === 0 ? 'None of the selected connections is open on a live server' : actionBlockedReason(clusterState, closable[0]!.c.serverId);
  // With its rows closed the bar goes, but the dialog stays (same place in the tree, so it keeps
  // its results) to show what happened to each.
  return (
    <>
      {ticked.length > 0 ? (
        <div className="bulk-bar" data-testid="bulk-bar">
          <b data-testid="bulk-count">{ticked.length}</b> selected
          <ActionButton className="small danger" blocked={blocked} onClick={() => setAsked({ rows: closable, skipped: ticked.length - closable.length })} testId="bulk-disconnect">
            Disconnect selected…
          </ActionButton>
          <button className="btn small" onClick={() => setChecked([])} data-testid="bulk-clear">
            Clear selection
          </button>
        </div>
      ) : null}
      {dialog}
    </>
  );
}

/** One question for all of them; then, in the same dialog, what happened to each. */
function BulkDisconnectDialog({ rows, skipped, onClose }: { rows: Row[]; skipped: number; onClose: () => void }) {
  const disconnectRows = useStore((s) => s.disconnectRows);
  // The rows asked about are fixed when the dialog opens: closes arriving meanwhile do not change the question.
  const asked = rows;
  const [busy, setBusy] = useState(false);
  const [results, setResults] = useState<BulkRowResult[] | null>(null);
  const servers = new Set(asked.map((r) => r.c.serverId)).size;
  const run = async () => {
    setBusy(true);
    try {
      setResults(await disconnectRows(asked.map((r) => r.key)));
    } finally {
      setBusy(false);
    }
  };
  const ok = results?.filter((r) => r.ok).length ?? 0;
  return (
    <Modal
      title={results ? `Closed ${ok} of ${results.length}` : `Disconnect ${plural(asked.length, 'connection')}?`}
      onClose={onClose}
      testId="bulk-dialog"
      initialFocus="[data-testid=confirm-cancel]"
      footer={
        results ? (
          <button className="btn" onClick={onClose} data-testid="confirm-cancel">
            Close
          </button>
        ) : (
          <>
            <button className="btn" onClick={onClose} data-testid="confirm-cancel">
              Cancel
            </button>
            <button className="btn danger solid" onClick={() => void run()} disabled={busy} data-testid="confirm-ok">
              {busy ? 'Closing…' : `Disconnect ${asked.length}`}
            </button>
          </>
        )
      }
    >
      {results ? (
        <ul className="bulk-results" data-testid="bulk-results">
          {results.map((r) => (
            <li key={r.key} className={r.ok ? '' : 'bad'} data-testid="bulk-result" data-ok={r.ok ? 'true' : 'false'} data-client-id={r.clientId ?? ''}>
              <span className="mono">{r.clientId ?? r.connectionId}</span> on {r.serverName}: {r.text}
            </li>
          ))}
        </ul>
      ) : (
        <div className="confirm-text" data-testid="confirm-text">
          Closes <b>{plural(asked.length, 'connection')}</b> with 4005 (closed by administrator), one request per server ({plural(servers, 'server')}). The clients may reconnect.
          {skipped > 0 ? <div className="muted">{plural(skipped, 'selected row')} closed or stale, left out.</div> : null}
          <div className="muted mono" style={{ marginTop: 6 }}>
            {asked
              .slice(0, LISTED)
              .map((r) => r.c.clientId ?? r.c.connectionId)
              .join(', ')}
            {asked.length > LISTED ? ` and ${asked.length - LISTED} more` : ''}
          </div>
        </div>
      )}
    </Modal>
  );
}
