import type { MessageLogEntry, MessageLogPage } from '../../../../protocol/admin-message-log';
import type { SliceCreator } from '../../store/types';

export interface MessageLogState {
  /** `${clusterId}|${serverId}|${connectionId}` of the log shown, or null. */
  of: string | null;
  items: MessageLogEntry[];
  /** What the server said last about the connection and its channel. */
  page: Omit<MessageLogPage, 'items'> | null;
  error: string | null;
  filter: string;
  direction: 'all' | 'received' | 'sent';
}

export interface MessageLogSlice {
  msglog: MessageLogState;
  /** Shows one connection's log and keeps fetching new frames while it is shown. */
  openMessageLog(clusterId: string, serverId: string, connectionId: string): void;
  closeMessageLog(): void;
  pollMessageLog(): Promise<void>;
  setMessageFilter(f: Partial<Pick<MessageLogState, 'filter' | 'direction'>>): void;
  /** Turns capture on or off for the connection's channel (an operator change of the channel). */
  setCapture(capture: { logReceived?: boolean; logSent?: boolean }): Promise<void>;
}

/** Frames the drawer keeps at most (the server keeps its own bound, logMaxMessages per connection). */
export const MESSAGE_VIEW_MAX = 1000;
export const MESSAGE_POLL_MS = 1500;

export const initialMessageLog = (): MessageLogState => ({ of: null, items: [], page: null, error: null, filter: '', direction: 'all' });

// ---- pure helpers (unit tested)

/** Appends new frames (seq > the last kept), keeping the newest MESSAGE_VIEW_MAX. */
export function appendFrames(have: readonly MessageLogEntry[], add: readonly MessageLogEntry[]): MessageLogEntry[] {
  const last = have.length > 0 ? have[have.length - 1]!.seq : 0;
  const fresh = add.filter((e) => e.seq > last);
  if (fresh.length === 0) return have as MessageLogEntry[];
  return [...have, ...fresh].slice(-MESSAGE_VIEW_MAX);
}

export function visibleFrames(items: readonly MessageLogEntry[], filter: string, direction: MessageLogState['direction']): MessageLogEntry[] {
  const f = filter.trim().toLowerCase();
  return items.filter((e) => (direction === 'all' || e.direction === direction) && (f === '' || e.text.toLowerCase().includes(f)));
}

/** Pretty JSON when the frame parses (a truncated frame usually does not: shown as sent). */
export function prettyFrame(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

// ---- slice

export const createMessageLogSlice: SliceCreator<MessageLogSlice> = (set, get, deps) => {
  let poll: ReturnType<typeof setInterval> | null = null;
  let inFlight = false;
  const stop = () => {
    if (poll) clearInterval(poll);
    poll = null;
  };
  const target = () => {
    const of = get().msglog.of;
    if (of === null) return null;
    const [clusterId, serverId, connectionId] = of.split('|') as [string, string, string];
    return { clusterId, serverId, connectionId };
  };
  return {
    msglog: initialMessageLog(),
    openMessageLog(clusterId, serverId, connectionId) {
      const of = `${clusterId}|${serverId}|${connectionId}`;
      if (get().msglog.of !== of) set((s) => ({ msglog: { ...initialMessageLog(), of, filter: s.msglog.filter, direction: s.msglog.direction } }));
      stop();
      void get().pollMessageLog();
      poll = setInterval(() => void get().pollMessageLog(), MESSAGE_POLL_MS);
    },
    closeMessageLog() {
      stop();
    },
    async pollMessageLog() {
      const t = target();
      if (!t || inFlight) return;
      inFlight = true;
      const of = get().msglog.of;
      try {
        const last = get().msglog.items.at(-1)?.seq ?? 0;
        const { items, ...page } = await deps.api.call('connections.messages', { ...t, after: last, limit: 500 });
        if (get().msglog.of !== of) return;
        set((s) => ({ msglog: { ...s.msglog, items: appendFrames(s.msglog.items, items), page, error: null } }));
        // The log of a closed connection no longer grows: stop asking.
        if (page.closedAt !== null) stop();
      } catch (err) {
        if (get().msglog.of === of) set((s) => ({ msglog: { ...s.msglog, error: deps.errorMessage(err) } }));
      } finally {
        inFlight = false;
      }
    },
    setMessageFilter(f) {
      set((s) => ({ msglog: { ...s.msglog, ...f } }));
    },
    async setCapture(capture) {
      const t = target();
      const channel = get().msglog.page?.channel;
      if (!t || !channel) return;
      try {
        await deps.api.call('channels.update', { clusterId: t.clusterId, serverId: t.serverId, name: channel, patch: capture });
        get().notify('info', `Message log of channel ${channel}: ${[capture.logReceived !== undefined ? `received ${capture.logReceived ? 'on' : 'off'}` : '', capture.logSent !== undefined ? `sent ${capture.logSent ? 'on' : 'off'}` : ''].filter(Boolean).join(', ')}`);
      } catch (err) {
        get().notify('error', `Could not change the message log of ${channel}: ${deps.errorMessage(err)}`);
      }
      await get().pollMessageLog();
    },
  };
};
