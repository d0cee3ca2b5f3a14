import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { makeHarness, RecordingSession, settle, type Harness } from './harness';

/**
 * Model-based property test: random sequences of subscribe / unsubscribe / publish / ack /
 * disconnect / reconnect / restart against the engine on a real SQLite file, compared with a
 * plain in-memory model of per-(client, topic) queues with drop-oldest at maxDepth.
 */

const CLIENTS = ['a', 'b', 'c'] as const;
const TOPICS = ['t1', 't2'] as const;
const MAX_DEPTH = 4;

type Cmd =
  | { k: 'sub'; c: number; t: number }
  | { k: 'unsub'; c: number; t: number }
  | { k: 'pub'; t: number; v: number }
  | { k: 'ack'; c: number; t: number }
  | { k: 'down'; c: number }
  | { k: 'up'; c: number }
  | { k: 'restart' };

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  fc.record({ k: fc.constant('sub' as const), c: fc.nat(2), t: fc.nat(1) }),
  fc.record({ k: fc.constant('unsub' as const), c: fc.nat(2), t: fc.nat(1) }),
  { arbitrary: fc.record({ k: fc.constant('pub' as const), t: fc.nat(1), v: fc.nat(1000) }), weight: 4 },
  { arbitrary: fc.record({ k: fc.constant('ack' as const), c: fc.nat(2), t: fc.nat(1) }), weight: 2 },
  fc.record({ k: fc.constant('down' as const), c: fc.nat(2) }),
  fc.record({ k: fc.constant('up' as const), c: fc.nat(2) }),
  { arbitrary: fc.constant({ k: 'restart' as const }), weight: 1 },
);

interface ModelSub { queue: { seq: number; v: number }[]; dropped: number; base: number }

let h: Harness | undefined;
afterEach(() => {
  h?.dispose();
  h = undefined;
});

function modelTest(label: string, asyncStore: boolean, numRuns: number): void {
  it(`keeps queues, seqs, depth and drop counts consistent with the model (${label})`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cmd, { minLength: 1, maxLength: 40 }), async (cmds) => {
        h?.dispose();
        h = makeHarness({ topics: TOPICS.map((name) => ({ name, maxDepth: MAX_DEPTH })) }, undefined, { asyncStore });
        const heads = new Map<string, number>(TOPICS.map((t) => [t, 0]));
        const model = new Map<string, ModelSub>(); // `${client}|${topic}`
        const sessions = new Map<string, RecordingSession>();
        const since = new Map<string, number>(); // `${connectionId}|${topic}` → frame index where the current subscription began
        const current = (sess: RecordingSession, topic: string) =>
          sess.frames.slice(since.get(`${sess.connectionId}|${topic}`) ?? 0).filter((f) => f.type === 'message' && f.topic === topic) as ReturnType<RecordingSession['messages']>;
        let connSeq = 0;
        const connect = (c: string): RecordingSession => {
          const s = new RecordingSession(`conn-${++connSeq}`, c);
          sessions.set(c, s);
          h!.engine.attach(s);
          return s;
        };
        for (const c of CLIENTS) connect(c);

        for (const x of cmds) {
          const client = 'c' in x ? CLIENTS[x.c]! : '';
          const topic = 't' in x ? TOPICS[x.t]! : '';
          const key = `${client}|${topic}`;
          const s = sessions.get(client);
          switch (x.k) {
            case 'sub':
              if (!s) break;
              await h.engine.handleFrame(s, { type: 'subscribe', id: 1, topic });
              expect(s.lastResponse().ok).toBe(true);
              if (!model.has(key)) {
                model.set(key, { queue: [], dropped: 0, base: heads.get(topic)! });
                // seq numbering is per subscription: a new one starts again after the topic's head.
                since.set(`${s.connectionId}|${topic}`, s.frames.length);
              }
              break;
            case 'unsub':
              if (!s) break;
              await h.engine.handleFrame(s, { type: 'unsubscribe', id: 2, topic });
              expect(s.lastResponse().ok).toBe(model.has(key));
              model.delete(key);
              break;
            case 'pub': {
              const r = await h.engine.publish(topic, x.v, { kind: 'admin', id: 'prop' });
              const head = heads.get(topic)! + 1;
              heads.set(topic, head);
              let dropped = 0;
              for (const [k, m] of model) {
                if (!k.endsWith(`|${topic}`)) continue;
                m.queue.push({ seq: head - m.base, v: x.v });
                while (m.queue.length > MAX_DEPTH) {
                  m.queue.shift();
                  m.dropped++;
                  dropped++;
                }
              }
              expect(r.dropped).toBe(dropped);
              break;
            }
            case 'ack': {
              if (!s) break;
              const last = current(s, topic).at(-1);
              const m = model.get(key);
              if (!last || !m) break;
              await h.engine.handleFrame(s, { type: 'ack', topic, seq: last.seq });
              m.queue = m.queue.filter((q) => q.seq > last.seq);
              break;
            }
            case 'down':
              if (!s) break;
              h.engine.detach(s.connectionId);
              sessions.delete(client);
              break;
            case 'up':
              if (s) h.engine.detach(s.connectionId);
              connect(client);
              break;
            case 'restart':
              h = await h.restart();
              sessions.clear();
              break;
          }
          await settle(asyncStore ? 30 : 5);

          for (const topicName of TOPICS) {
            const listed = new Map(h.engine.listTopicSubscriptions(topicName).map((l) => [l.clientId, l]));
            for (const c of CLIENTS) {
              const m = model.get(`${c}|${topicName}`);
              const l = listed.get(c);
              expect(!!l).toBe(!!m);
              if (!m || !l) continue;
              expect(l.depth).toBe(m.queue.length);
              expect(l.dropped).toBe(m.dropped);
              const sess = sessions.get(c);
              if (!sess) continue;
              // A connected session has received every queued message, in order, seqs increasing.
              const got = current(sess, topicName);
              for (let i = 1; i < got.length; i++) expect(got[i]!.seq).toBeGreaterThan(got[i - 1]!.seq);
              const bySeq = new Map(got.map((g) => [g.seq, g.data]));
              for (const q of m.queue) expect(bySeq.get(q.seq)).toBe(q.v);
            }
          }
        }
      }),
      { numRuns },
    );
  });
}

describe('PubSubEngine against a model', () => {
  modelTest('SQLite store', false, 60);
  modelTest('asynchronous store', true, 25);
});
