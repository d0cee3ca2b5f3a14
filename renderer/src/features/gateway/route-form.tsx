import { useState } from 'react';
import type { GatewayRoute, GatewayRouteCreate } from '../../../../protocol/gateway';
import { errorInfoOf } from '../../api';
import { Field, Modal } from '../../components/ui';
import { serverFieldErrors } from '../../lib/form-errors';
import { useStore } from '../../store';
import { routePatch } from './gateway-slice';

/** The server's validation error on the field it names (the core re-roots it: `route.listen`, `patch.path`). */
function fieldOf(err: unknown): { field: string | null; message: string } {
  const [field, message] = Object.entries(serverFieldErrors(errorInfoOf(err), ['route', 'patch']))[0]!;
  return { field: field === '_' ? null : field, message };
}

/**
 * Create a route, or edit one (only the changed fields are sent); the server validates it and a
 * refusal is shown on the field it names.
 */
export function RouteForm({ clusterId, onClose, route }: { clusterId: string; onClose: () => void; route?: GatewayRoute }) {
  const create = useStore((s) => s.createGatewayRoute);
  const update = useStore((s) => s.updateGatewayRoute);
  const [name, setName] = useState(route?.name ?? '');
  const [listen, setListen] = useState(route?.listen ?? 'ws://127.0.0.1:0');
  const [path, setPath] = useState(route?.path ?? '/');
  const [upstreams, setUpstreams] = useState(route?.upstreams.join(', ') ?? '');
  const [mode, setMode] = useState<'frames' | 'raw'>(route?.mode ?? 'frames');
  const [error, setError] = useState<{ field: string | null; message: string } | null>(null);
  const on = (f: string) => (error && error.field?.split('.')[0] === f ? error.message : undefined);
  const submit = async () => {
    const input: GatewayRouteCreate = { name, listen, path, upstreams: upstreams.split(/[\s,]+/).filter(Boolean), mode };
    try {
      if (route) {
        const patch = routePatch(route, input);
        if (patch) await update(clusterId, route.name, patch);
      } else {
        await create(clusterId, input);
      }
      onClose();
    } catch (err) {
      setError(fieldOf(err));
    }
  };
  return (
    <Modal
      title={route ? `Edit route ${route.name}` : 'New gateway route'}
      onClose={onClose}
      testId="gateway-route-form"
      footer={
        <>
          <button className="btn" onClick={onClose}>Cancel</button>
          <button className="btn primary" onClick={() => void submit()} data-testid="gateway-route-save">{route ? 'Save' : 'Create'}</button>
        </>
      }
    >
      <div className="form-grid">
        <Field label="Name" error={on('name')} htmlFor="gw-name"><input id="gw-name" className="input" value={name} disabled={!!route} onChange={(e) => setName(e.target.value)} /></Field>
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
