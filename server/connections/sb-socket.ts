import { WebSocket } from 'ws';
import { CloseCode } from '../../protocol/close-codes';

/** Reasons for the closes ws performs by itself (it sends them with an empty reason). */
export const WS_DEFAULT_REASONS: Record<number, string> = {
  [CloseCode.MessageTooLarge]: 'message too large',
  1002: 'protocol error',
  1007: 'invalid frame payload',
  [CloseCode.InvalidMessage]: 'too many message fragments',
};

/** Maps a ws receiver error to the close code ws sent for it. */
export function closeCodeOfWsError(err: Error & { code?: string }): number {
  // ws puts the code it closed with on the error under a private symbol; read it when present.
  const sym = Object.getOwnPropertySymbols(err).find((k) => k.description === 'status-code');
  const carried: unknown = sym ? (err as unknown as Record<symbol, unknown>)[sym] : undefined;
  if (typeof carried === 'number') return carried;
  switch (err.code) {
    case 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH':
    case 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH':
      return CloseCode.MessageTooLarge;
    case 'WS_ERR_INVALID_UTF8':
      return 1007;
    case 'WS_ERR_TOO_MANY_BUFFERED_PARTS':
      return CloseCode.InvalidMessage;
    default:
      return 1002;
  }
}

/**
 * The server-side socket class. ws closes by itself on oversized or malformed frames (1009, 1002,
 * 1007, 1008 for too many fragments) with an empty reason; our rule is that every close carries a code and a reason, so close()
 * fills in a reason for those codes.
 */
export class SbSocket extends WebSocket {
  /**
   * The session that owns this socket, for listeners shared by every socket (a function per event
   * and class, not five closures per connection).
   */
  owner: unknown = null;

  override close(code?: number, data?: string | Buffer): void {
    if (code !== undefined && (data === undefined || data.length === 0) && WS_DEFAULT_REASONS[code]) {
      super.close(code, WS_DEFAULT_REASONS[code]);
      return;
    }
    super.close(code, data);
  }
}
