import type { ConsoleApi } from '../../../protocol/console/contract';
import type { ErrorInfo } from '../../../protocol/errors';
import type { StoreState } from './create-store';

/** What every slice may reach outside the store; injected so tests can pass a fake core. */
export interface StoreDeps {
  api: ConsoleApi;
  errorMessage(err: unknown): string;
  errorInfo(err: unknown): ErrorInfo;
  /** requestAnimationFrame in the browser; injectable so batching is testable. */
  scheduleFrame(cb: () => void): void;
  now(): number;
}

type SetState = (partial: Partial<StoreState> | ((s: StoreState) => Partial<StoreState>)) => void;
export type SliceCreator<T> = (set: SetState, get: () => StoreState, deps: StoreDeps) => T;
