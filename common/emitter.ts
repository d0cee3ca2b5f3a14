/** A tiny typed emitter: every `on` returns its disposer; listener errors never reach the emitter. */
export class Emitter<Events extends Record<string, unknown>> {
  /** Made on the first `on`: many emitters (one per connection) never get a listener. */
  private listeners: Map<keyof Events, Set<(payload: never) => void>> | null = null;

  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): () => void {
    this.listeners ??= new Map();
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (payload: never) => void);
    return () => {
      set.delete(listener as (payload: never) => void);
    };
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.listeners?.get(event);
    if (!set) return;
    for (const l of [...set]) {
      try {
        (l as (p: Events[K]) => void)(payload);
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }

  removeAll(): void {
    this.listeners?.clear();
  }
}
