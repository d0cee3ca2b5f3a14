// nginx and HAProxy as WebSocket proxies in front of the bench's upstream: each gets a temp config,
// runs in the foreground as our child (one worker / one thread, like the one Node thread it is
// compared with) and is killed at the end.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';

export interface Proxy {
  name: string;
  url: string;
  child: ChildProcess;
  /** The pid whose memory grows with sessions (nginx: its worker). */
  workerPid(): number | null;
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function waitForPort(port: number, child: ChildProcess, what: string): Promise<void> {
  const end = Date.now() + 10_000;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((r) => {
      const s = connect(port, '127.0.0.1', () => { s.destroy(); r(true); });
      s.once('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not listen on ${port}`);
}

const has = (bin: string): boolean => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;

const childrenOf = (pid: number): number[] => {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
};

export async function startNginx(dir: string, upstreamPort: number): Promise<Proxy | null> {
  const bin = ['/usr/sbin/nginx', 'nginx'].find((b) => b.startsWith('/') || has(b));
  if (!bin) return null;
  const port = await freePort();
  const d = join(dir, 'nginx');
  mkdirSync(d, { recursive: true });
  const conf = join(d, 'nginx.conf');
  writeFileSync(conf, `
worker_processes 1;
daemon off;
pid ${d}/nginx.pid;
error_log ${d}/error.log warn;
worker_rlimit_nofile 20000;
events { worker_connections 20000; }
http {
  access_log off;
  client_body_temp_path ${d}/body; proxy_temp_path ${d}/proxy; fastcgi_temp_path ${d}/fcgi; uwsgi_temp_path ${d}/uwsgi; scgi_temp_path ${d}/scgi;
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://127.0.0.1:${upstreamPort};
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection "upgrade";
      proxy_read_timeout 3600s;
      proxy_send_timeout 3600s;
    }
  }
}
`);
  const child = spawn(bin, ['-c', conf, '-p', d, '-e', join(d, 'error.log')], { stdio: ['ignore', 'inherit', 'inherit'] });
  await waitForPort(port, child, 'nginx');
  return { name: 'nginx', url: `ws://127.0.0.1:${port}`, child, workerPid: () => childrenOf(child.pid!)[0] ?? null };
}

export async function startHaproxy(dir: string, upstreamPort: number): Promise<Proxy | null> {
  if (!has('haproxy')) return null;
  const port = await freePort();
  const cfg = join(dir, 'haproxy.cfg');
  writeFileSync(cfg, `
global
  # Two descriptors per proxied connection: this stays under a 20,000-file limit.
  maxconn 9000
  nbthread 1
defaults
  mode http
  timeout connect 5s
  timeout client 1h
  timeout server 1h
  timeout tunnel 1h
frontend f
  bind 127.0.0.1:${port}
  default_backend b
backend b
  server s1 127.0.0.1:${upstreamPort}
`);
  const child = spawn('haproxy', ['-f', cfg, '-db'], { stdio: ['ignore', 'ignore', 'inherit'] });
  await waitForPort(port, child, 'haproxy');
  return { name: 'HAProxy', url: `ws://127.0.0.1:${port}`, child, workerPid: () => child.pid ?? null };
}

/** Resident memory of a process, from /proc (bytes). */
export function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}
