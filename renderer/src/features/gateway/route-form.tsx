import { useState } from 'react';
import type { GatewayRouteCreate } from '../../../../protocol/gateway';
import { Field, Modal } from '../../components/ui';
import { useStore } from '../../store';

/** The server's validation error for a field, as the core re-roots it (`route.listen`). */
function fieldOf(err: unknown): { field: string | null; message: string } {
  const e = err as { code?: string; field?: string; message?: string };
  return { field: e.field?.replace(/^route\./, '') ?? null, message: e.message ?? String(err) };
}

/** Create a route; the server validates it and a refusal is shown on the field it names. */
export function RouteForm({ clusterId, onClose }: { clusterId: string; onClose: () => void }) {
  const create = useStore((s) => s.createGatewayRoute);
  const [name, setName] = useState('');
  const [listen, setListen] = useState('ws://127.0.0.1:0');
  const [path, setPath] = useState('/');
  const [upstreams, setUpstreams] = useState('');
  const [mode, setMode] = useState<'frames' | 'raw'>('frames');
  const [error, setError] = useState<{ field: string | null; message: string } | null>(null);
  const on = (f: string) => (error && error.field?.split('.')[0] === f ? error.message : undefined);
  const submit = async () => {
    const route: GatewayRouteCreate = { name, listen, path, upstreams: upstreams.split(/[\s,]+/).filter(Boolean), mode };
    try {
      await create(clusterId, route);
      onClose();
    } catch (err) {
      setError(fieldOf(err));
    }
  };
  return (
    <Modal
      title="New gateway route"
      onClose={onClose}
      testId="gateway-route-form"
      footer={
        <>
          <button className="btn" onClick={onClose}>Cancel</button>
          <button className="btn primary" onClick={() => void submit()} data-testid="gateway-route-save">Create</button>
        </>
      }
    >
      <div className="form-grid">
        <Field label="Name" error={on('name')} htmlFor="gw-name"><input id="gw-name" className="input" value={name} onChange={(e) => setName(e.target.value)} /></Field>
        <Field label="Listen" error={on('listen')} hint="ws://host:port" htmlFor="gw-listen"><input id="gw-listen" className="input" value={listen} onChange={(e) => setListen(e.target.value)} /></Field>
        <Field label="Path prefix" error={on('path')} htmlFor="gw-path"><input id="gw-path" className="input" value={path} onChange={(e) => setPath(e.target.value)} /></Field>
        <Field label="Upstreams" error={on('upstreams')} hint="ws:// or wss:// URLs, comma separated" htmlFor="gw-up"><input id="gw-up" className="input" value={upstreams} onChange={(e) => setUpstreams(e.target.value)} /></Field>
        <Field label="Mode" htmlFor="gw-mode">
          <select id="gw-mode" className="input" value={mode} onChange={(e) => setMode(e.target.value as 'frames' | 'raw')}>
            <option value="frames">frames</option>
            <option value="raw">raw</option>
          </select>
        </Field>
      </div>
      {error && !error.field ? <div className="banner" role="alert">{error.message}</div> : null}
    </Modal>
  );
}
