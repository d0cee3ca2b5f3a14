import WebSocket from 'ws';
import { ServerFrameSchema, type ServerFrame } from '../../../protocol/client-frames';

type Msg = Extract<ServerFrame, { type: 'message' }>;
type Resp = Extract<ServerFrame, { type: 'response' }>;

/**
 * A minimal protocol client over a real socket for the pub/sub integration tests: every frame it
 * receives is parsed with ServerFrameSchema. Waits are event driven (no sleeps).
 */
export class TestClient {
  readonly frames: ServerFrame[] = [];
  readonly messages: Msg[] = [];
  private waiters: { pred: () => boolean; resolve: () => void }[] = [];
  private nextId = 1;
  private readonly pending = new Map<number, (r: Resp) => void>();
  autoAckEvery = 0;
  private closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const f = ServerFrameSchema.parse(JSON.parse(String(raw)));
      this.frames.push(f);
      if (f.type === 'response' && typeof f.inReplyTo === 'number' && this.pending.has(f.inReplyTo)) {
        this.pending.get(f.inReplyTo)!(f);
        this.pending.delete(f.inReplyTo);
        return;
      }
      if (f.type === 'message') {
        this.messages.push(f);
        if (this.autoAckEvery > 0 && this.messages.length % this.autoAckEvery === 0) this.ack(f.topic, f.seq);
      }
      this.check();
    });
    this.closed = new Promise((r) => ws.on('close', (code, reason) => {
      r({ code, reason: String(reason) });
      this.check();
    }));
  }

  static async connect(url: string, clientId: string): Promise<TestClient> {
    const ws = new WebSocket(url);
    const c = new TestClient(ws);
    await new Promise<void>((res, rej) => {
      ws.once('open', () => res());
      ws.once('error', rej);
    });
    ws.send(JSON.stringify({ type: 'hello', clientId }));
    await c.until(() => c.frames.some((f) => f.type === 'welcome'));
    return c;
  }

  private check(): void {
    this.waiters = this.waiters.filter((w) => {
      if (!w.pred()) return true;
      w.resolve();
      return false;
    });
  }

  until(pred: () => boolean, timeoutMs = 20_000): Promise<void> {
    if (pred()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('timed out waiting for frames')), timeoutMs);
      this.waiters.push({ pred, resolve: () => (clearTimeout(t), resolve()) });
    });
  }

  sendRaw(text: string): void {
    this.ws.send(text);
  }

  async call(frame: { type: 'subscribe' | 'unsubscribe'; topic: string } | { type: 'publish'; topic: string; data: unknown }): Promise<Resp> {
    const id = this.nextId++;
    const answer = new Promise<Resp>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no response to ${frame.type} ${id}`)), 60_000);
      this.pending.set(id, (r) => (clearTimeout(t), resolve(r)));
    });
    this.ws.send(JSON.stringify({ ...frame, id }));
    return answer;
  }

  ack(topic: string, seq: number): void {
    this.ws.send(JSON.stringify({ type: 'ack', topic, seq }));
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.close(1000, 'bye');
    await this.closed;
  }

  whenClosed(): Promise<{ code: number; reason: string }> {
    return this.closed;
  }
}
