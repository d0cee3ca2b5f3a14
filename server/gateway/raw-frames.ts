import { randomBytes } from 'node:crypto';

/**
 * Follows frame boundaries in a raw byte stream without copying payloads: only the 2–14 header
 * bytes of each frame are looked at, the payload is skipped by its length. Raw mode uses it to
 * count messages and to know when it may write a Close frame of its own (only between frames,
 * never into the middle of one) and whether the peer already sent one.
 */
export class FrameCursor {
  private need = 0;
  private readonly hdr = Buffer.alloc(14);
  private hdrLen = 0;
  /** Complete messages seen (final data or continuation frames). */
  messages = 0;
  sawClose = false;

  get atBoundary(): boolean {
    return this.need === 0 && this.hdrLen === 0;
  }

  feed(chunk: Buffer): void {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.need > 0) {
        const take = Math.min(this.need, n - i);
        this.need -= take;
        i += take;
        continue;
      }
      this.hdr[this.hdrLen++] = chunk[i++]!;
      if (this.hdrLen < 2) continue;
      const b1 = this.hdr[1]!;
      const short = b1 & 0x7f;
      const ext = short === 126 ? 2 : short === 127 ? 8 : 0;
      const total = 2 + ext + (b1 & 0x80 ? 4 : 0);
      if (this.hdrLen < total) continue;
      const len = ext === 2 ? this.hdr.readUInt16BE(2) : ext === 8 ? Number(this.hdr.readBigUInt64BE(2)) : short;
      const b0 = this.hdr[0]!;
      const opcode = b0 & 0x0f;
      if (opcode === 0x8) this.sawClose = true;
      else if (b0 & 0x80 && opcode < 0x8) this.messages++;
      this.need = len;
      this.hdrLen = 0;
    }
  }
}

/** A Close frame: unmasked towards a client (we are its server), masked towards an upstream (we are its client). */
export function closeFrame(code: number, reason: string, masked: boolean): Buffer {
  const r = Buffer.from(reason, 'utf8');
  const payload = Buffer.alloc(2 + r.length);
  payload.writeUInt16BE(code, 0);
  r.copy(payload, 2);
  if (!masked) return Buffer.concat([Buffer.from([0x88, payload.length]), payload]);
  const mask = randomBytes(4);
  for (let i = 0; i < payload.length; i++) payload[i] = payload[i]! ^ mask[i & 3]!;
  return Buffer.concat([Buffer.from([0x88, 0x80 | payload.length]), mask, payload]);
}
