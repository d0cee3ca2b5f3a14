import { useState } from 'react';
import { clusterCalls } from '../../../../protocol/console/clusters';
import { CloseCode } from '../../../../protocol/close-codes';
import { errorInfoOf } from '../../api';
import { Field, Modal } from '../../components/ui';
import { serverFieldErrors, zodFieldErrors, type FieldErrors } from '../../lib/form-errors';
import { useStore } from '../../store';

/** Confirm, then ask the server to close; the row leaves when the close event arrives (not before). */
export function DisconnectDialog() {
  const key = useStore((s) => s.ui.disconnectRowKey);
  const row = useStore((s) => (key ? s.conns.table.rows.get(key) : undefined));
  const clusterId = useStore((s) => s.conns.clusterId);
  const close = useStore((s) => s.askDisconnect);
  const notify = useStore((s) => s.notify);
  const disconnect = useStore((s) => s.disconnectConnection);
  const [code, setCode] = useState(String(CloseCode.ClosedByAdmin));
  const [reason, setReason] = useState('closed by administrator');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  if (!key || !row || !clusterId) return null;
  const c = row.c;

  const confirm = async () => {
    const input = { clusterId, serverId: c.serverId, connectionId: c.connectionId, code: Number(code), reason };
    const parsed = clusterCalls['connections.disconnect'].input.safeParse(input);
    if (!parsed.success) {
      setErrors(zodFieldErrors(parsed.error, { code: { label: 'Close code' }, reason: { label: 'Reason' } }));
      return;
    }
    setBusy(true);
    try {
      const r = await disconnect(input);
      notify('info', `Closed ${c.clientId ?? c.connectionId} with ${r.code}${r.terminated ? ' (terminated: no close handshake)' : ''}`);
      setErrors({});
      close(null);
    } catch (err) {
      setErrors(serverFieldErrors(errorInfoOf(err)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      title={`Disconnect ${c.clientId ?? c.connectionId}?`}
      onClose={() => close(null)}
      testId="disconnect-dialog"
      footer={
        <>
          <button className="btn" onClick={() => close(null)}>
            Cancel
          </button>
          <button className="btn danger solid" onClick={() => void confirm()} disabled={busy || !!row.closed} data-testid="confirm-disconnect">
            {busy ? 'Closing…' : 'Disconnect'}
          </button>
        </>
      }
    >
      <div className="muted">
        Connection <span className="mono">{c.connectionId}</span> on {c.serverName} ({c.channel}), from {c.remoteAddress}. The client may reconnect.
      </div>
      {errors._ ? <div className="error-text">{errors._}</div> : null}
      <div className="form-grid">
        <Field label="Close code" error={errors.code} hint="1000, 1001 or 3000–4999; 4005 = closed by administrator" htmlFor="dc-code">
          <input id="dc-code" className={`input num ${errors.code ? 'invalid' : ''}`} value={code} onChange={(e) => setCode(e.target.value)} style={{ width: 90 }} data-testid="disconnect-code" />
        </Field>
        <Field label="Reason" error={errors.reason} hint="Sent to the client; at most 123 UTF-8 bytes" htmlFor="dc-reason">
          <input id="dc-reason" className={`input ${errors.reason ? 'invalid' : ''}`} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="disconnect-reason" />
        </Field>
      </div>
    </Modal>
  );
}
