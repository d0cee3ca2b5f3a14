import type { OutgoingControl } from '../control/control';
import type { OutgoingManager } from './outgoing-manager';

/** The control surface over this process's outgoing connections. */
export function outgoingControl(m: OutgoingManager): OutgoingControl {
  return {
    list: async () => m.list(),
    get: async (name) => m.get(name),
    create: (input) => m.create(input),
    update: (name, patch) => m.update(name, patch),
    remove: (name) => m.remove(name),
    send: (name, data) => m.send(name, data),
    invoke: (name, data, timeoutMs) => m.invoke(name, data, timeoutMs),
    reconnect: (name) => m.reconnect(name),
    stop: (name, code, reason) => m.stopConnection(name, code, reason),
    start: (name) => m.startConnection(name),
    frames: async (name) => m.frames(name),
  };
}
