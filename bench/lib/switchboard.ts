// The one place the benchmarks import the Switchboard server from: the runtime's file may move
// (server/server.ts → server/runtime.ts), and then only this line changes.
export { startServer } from '../../server/server';
