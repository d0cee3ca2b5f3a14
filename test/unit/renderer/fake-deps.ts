import type { CallInput, CallName, CallOutput, ConsoleApi } from '../../../protocol/console/contract';
import { createConsoleStore } from '../../../renderer/src/store/create-store';
import type { StoreDeps } from '../../../renderer/src/store/types';

type Replies = { [M in CallName]?: (input: CallInput<M>) => CallOutput<M> | Promise<CallOutput<M>> };

/**
 * A fresh store per test (no state leaks between tests) over a scripted core, with frames run by hand.
 * The real core and transports are exercised by the e2e suite.
 */
export function testStore(replies: Replies = {}) {
  const calls: { method: string; input: unknown }[] = [];
  const frames: (() => void)[] = [];
  let now = 1_000;
  const api: ConsoleApi = {
    async call(method, input) {
      calls.push({ method, input });
      const reply = replies[method] as ((i: unknown) => unknown) | undefined;
      if (!reply) throw new Error(`unexpected call ${method}`);
      return (await reply(input)) as never;
    },
    on: () => () => {},
  };
  const deps: StoreDeps = {
    api,
    errorMessage: (e) => (e instanceof Error ? e.message : String(e)),
    errorInfo: (e) => ({ code: 'SB_ERR_INTERNAL', message: e instanceof Error ? e.message : String(e) }),
    scheduleFrame: (cb) => frames.push(cb),
    now: () => now,
  };
  const store = createConsoleStore(deps);
  return {
    store,
    calls,
    /** Runs the pending animation frames. */
    runFrames() {
      const list = frames.splice(0);
      for (const f of list) f();
      return list.length;
    },
    advance(ms: number) {
      now += ms;
    },
  };
}
