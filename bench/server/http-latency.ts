// Page latency over HTTP for bench:server: the admin API against a baseline server answering the
// same bytes, over the same kind of client (node:http, one kept-alive socket per target).
// Requests alternate between the two targets so that noise from a shared CPU hits both alike.
import http from 'node:http';

export interface HttpTarget {
  url: string;
  headers?: Record<string, string>;
}

export interface TargetResult {
  /** Milliseconds from request to the parsed body, one per measured request. */
  times: number[];
  bodyBytes: number;
  /** Distinct TCP sockets the requests used: 1 proves keep-alive held for the whole run. */
  sockets: number;
}

interface Probe {
  agent: http.Agent;
  seen: WeakSet<object>;
  sockets: number;
}

/** One GET; resolves with its latency once the body is read and parsed (a client uses the page). */
function get(p: Probe, t: HttpTarget): Promise<{ ms: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.get(t.url, { agent: p.agent, headers: t.headers }, (res) => {
      if (!p.seen.has(res.socket)) {
        p.seen.add(res.socket);
        p.sockets++;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        if (res.statusCode !== 200) return reject(new Error(`GET ${t.url}: HTTP ${res.statusCode} ${body.toString('utf8').slice(0, 200)}`));
        JSON.parse(body.toString('utf8'));
        resolve({ ms: performance.now() - t0, bytes: body.length });
      });
    });
    req.on('error', reject);
  });
}

/** One GET on a fresh connection, answering the body as text (HTTP 200 only). */
export function fetchText(url: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode === 200) resolve(text);
        else reject(new Error(`GET ${url}: HTTP ${res.statusCode} ${text.slice(0, 200)}`));
      });
    }).on('error', reject);
  });
}

/** Measures a and b alternately: `warmup` unrecorded rounds (JIT, sockets), then `iterations`. */
export async function measureAlternating(a: HttpTarget, b: HttpTarget, opts: { warmup: number; iterations: number }): Promise<{ a: TargetResult; b: TargetResult }> {
  const probes = [a, b].map((): Probe => ({ agent: new http.Agent({ keepAlive: true, maxSockets: 1 }), seen: new WeakSet(), sockets: 0 }));
  const results = [a, b].map((): TargetResult => ({ times: [], bodyBytes: 0, sockets: 0 }));
  const targets = [a, b];
  try {
    for (let i = 0; i < opts.warmup + opts.iterations; i++) {
      // Swap the order every round so neither target always runs right after the other.
      for (const k of i % 2 === 0 ? [0, 1] : [1, 0]) {
        const r = await get(probes[k]!, targets[k]!);
        if (i >= opts.warmup) results[k]!.times.push(r.ms);
        results[k]!.bodyBytes = r.bytes;
      }
    }
  } finally {
    for (const p of probes) p.agent.destroy();
  }
  results.forEach((r, k) => (r.sockets = probes[k]!.sockets));
  return { a: results[0]!, b: results[1]! };
}
