import { Emitter } from './emitter';

/** Every legal move of a state machine: from each state, the states it may go to. */
export type TransitionTable<S extends string> = Readonly<Record<S, readonly S[]>>;

/** One move of a lifecycle. `reason` says why, in words an operator can read (may be empty). */
export interface Transition<S extends string, R = string> {
  from: S;
  to: S;
  reason: R;
  /** Date.now() of the move. */
  at: number;
}

export class IllegalTransitionError extends Error {
  constructor(readonly machine: string, readonly from: string, readonly to: string) {
    super(`${machine}: illegal transition ${from} → ${to}`);
    this.name = 'IllegalTransitionError';
  }
}

/**
 * One connection-like thing's state as an explicit machine: a transition table, the current
 * state, and typed {from, to, reason} events. An illegal move throws (it is a bug, not a runtime
 * condition). Sessions, event streams, probe sockets, outgoing connections and gateway legs all
 * use this, so their states read the same way everywhere.
 */
export class Lifecycle<S extends string, R = string> {
  private current: S;
  private since: number;
  /** Made on the first onTransition: a server holds one lifecycle per connection and most are never watched. */
  private emitter: Emitter<{ transition: Transition<S, R> }> | null = null;

  constructor(
    readonly name: string,
    private readonly table: TransitionTable<S>,
    initial: S,
    private readonly now: () => number = Date.now,
  ) {
    this.current = initial;
    this.since = now();
  }

  get state(): S {
    return this.current;
  }

  /** Date.now() of the last move (or of construction). */
  get enteredAt(): number {
    return this.since;
  }

  is(...states: S[]): boolean {
    return states.includes(this.current);
  }

  can(to: S): boolean {
    return this.table[this.current].includes(to);
  }

  /** Moves to `to`; throws IllegalTransitionError when the table does not allow it. */
  to(to: S, reason: R): Transition<S, R> {
    const from = this.current;
    if (!this.table[from].includes(to)) throw new IllegalTransitionError(this.name, from, to);
    this.current = to;
    this.since = this.now();
    const t: Transition<S, R> = { from, to, reason, at: this.since };
    this.emitter?.emit('transition', t);
    return t;
  }

  /** Moves only when allowed; returns whether it moved (for races such as a close during a close). */
  tryTo(to: S, reason: R): boolean {
    if (!this.can(to)) return false;
    this.to(to, reason);
    return true;
  }

  /** Returns the disposer. */
  onTransition(listener: (t: Transition<S, R>) => void): () => void {
    return (this.emitter ??= new Emitter()).on('transition', listener);
  }

  dispose(): void {
    this.emitter?.removeAll();
  }
}
