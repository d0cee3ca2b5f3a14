// The one place the benchmarks import the Switchboard server from.
export { startServer } from '../../server/runtime';
