/**
 * Console table benchmark (npm run bench:console), in Debian's Chromium:
 *  - first render of 20k and 100k rows: the real table (store + sort + virtualized grid) vs a bare
 *    @tanstack/react-virtual list of the same rows, measured in the same run;
 *  - longest main-thread task and largest frame gap while 2,000 connection events/s stream in.
 * Goals: first render ≤ 500 ms at 100k rows; no task > 50 ms while streaming.
 */
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import react from '@vitejs/plugin-react';
import { chromium } from '@playwright/test';

/** The page API of renderer/bench/bench-main.tsx (built with the web config, so declared here too). */
interface StreamStats { longestTaskMs: number; maxFrameGapMs: number }
declare global {
  interface Window {
    bench: {
      renderTable(n: number): Promise<number>;
      renderBare(n: number): Promise<number>;
      streamTable(n: number, perSecond: number, seconds: number): Promise<StreamStats>;
      streamBare(n: number, perSecond: number, seconds: number): Promise<StreamStats>;
    };
  }
}

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = resolve(here, '../..');
const outDir = join(repo, 'out/bench-console');
const SIZES = [20_000, 100_000];
const EVENTS_PER_SECOND = 2000;
const STREAM_SECONDS = 5;
const GOAL_FIRST_RENDER_MS = 500;
const GOAL_LONGEST_TASK_MS = 50;

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

async function main() {
  await build({
    configFile: false,
    root: join(repo, 'renderer/bench'),
    base: './',
    logLevel: 'warn',
    plugins: [react()],
    build: { outDir, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4000, minify: !process.env.BENCH_PROFILE },
  });

  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = resolve(outDir, `.${path === '/' ? '/index.html' : path}`);
    if (!file.startsWith(outDir)) return void res.writeHead(403).end();
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--js-flags=--expose-gc', '--no-first-run', '--disable-background-timer-throttling', '--disable-renderer-backgrounding'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
    if (process.env.BENCH_VERBOSE) page.on('console', (m) => console.log(`  [page] ${m.text()}`));
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => document.title === 'bench-ready');

    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const fmt = (ms: number) => `${ms.toFixed(1).padStart(7)} ms`;
    console.log(`\nFirst render (median of 3; bare = plain virtualized list of the same rows)`);
    let firstRender100k = 0;
    for (const n of SIZES) {
      const table: number[] = [];
      const bare: number[] = [];
      for (let i = 0; i < 3; i++) {
        bare.push(await page.evaluate((k) => window.bench.renderBare(k), n));
        table.push(await page.evaluate((k) => window.bench.renderTable(k), n));
      }
      const t = median(table);
      const b = median(bare);
      if (n === 100_000) firstRender100k = t;
      console.log(`  ${String(n).padStart(7)} rows: table ${fmt(t)}  bare ${fmt(b)}  ratio ${(t / b).toFixed(2)}x`);
    }

    console.log(`\nStreaming ${EVENTS_PER_SECOND} events/s for ${STREAM_SECONDS} s over 100,000 rows`);
    // BENCH_PROFILE=1 prints the hottest functions (self time) of the table stream, to find stalls.
    const cdp = process.env.BENCH_PROFILE ? await page.context().newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    const st = await page.evaluate(([n, eps, s]) => window.bench.streamTable(n, eps, s), [100_000, EVENTS_PER_SECOND, STREAM_SECONDS] as const);
    if (cdp) {
      const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples: number[]; timeDeltas: number[] } };
      const self = new Map<number, number>();
      profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
      const byName = new Map<string, number>();
      for (const n of profile.nodes) {
        const name = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
        byName.set(name, (byName.get(name) ?? 0) + (self.get(n.id) ?? 0));
      }
      for (const [name, us] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`    ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`);
    }
    const sb = await page.evaluate(([n, eps, s]) => window.bench.streamBare(n, eps, s), [100_000, EVENTS_PER_SECOND, STREAM_SECONDS] as const);
    console.log(`  table: longest task ${fmt(st.longestTaskMs)}  max frame gap ${fmt(st.maxFrameGapMs)}`);
    console.log(`  bare : longest task ${fmt(sb.longestTaskMs)}  max frame gap ${fmt(sb.maxFrameGapMs)}`);
    console.log(`  ratio (frame gap) ${(st.maxFrameGapMs / Math.max(1, sb.maxFrameGapMs)).toFixed(2)}x   (long tasks are only reported above 50 ms; 0 = none)`);

    const ok1 = firstRender100k <= GOAL_FIRST_RENDER_MS;
    const ok2 = st.longestTaskMs <= GOAL_LONGEST_TASK_MS;
    console.log(`\nGoals`);
    console.log(`  first render at 100k ≤ ${GOAL_FIRST_RENDER_MS} ms: ${firstRender100k.toFixed(0)} ms ${ok1 ? 'OK' : 'MISSED'}`);
    console.log(`  no task > ${GOAL_LONGEST_TASK_MS} ms while streaming: longest ${st.longestTaskMs.toFixed(0)} ms ${ok2 ? 'OK' : 'MISSED'}`);
    console.log(`  (2 shared cores here: absolute numbers are noisy; ratios are the comparable part)\n`);
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
