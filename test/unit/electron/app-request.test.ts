import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appProtocolHandler, appResponseHeaders, resolveAppPath } from '../../../main/electron/app-request';
import { contentSecurityPolicy } from '../../../main/web-host/csp';

/**
 * The app:// handler over a real directory: a renderer dir with index.html and an asset, next
 * to a secret file the handler must never read. net.fetch is stood in for by a real file read
 * that records what it was asked for.
 */
let base: string;
let rendererDir: string;
const fetched: string[] = [];

const fetchFile = async (fileUrl: string): Promise<Response> => {
  fetched.push(fileUrl);
  const body = await readFile(fileURLToPath(fileUrl));
  const type = fileUrl.endsWith('.html') ? 'text/html' : fileUrl.endsWith('.js') ? 'text/javascript' : 'application/octet-stream';
  return new Response(body, { headers: { 'content-type': type } });
};
const handle = (url: string) => appProtocolHandler(rendererDir, fetchFile)({ url });

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'switchboard-app-request-'));
  rendererDir = join(base, 'renderer');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>console</title>');
  await writeFile(join(rendererDir, 'assets', 'main.js'), 'console.log(1)');
  await writeFile(join(base, 'secret.txt'), 'top secret');
  await writeFile(join(base, 'renderer-evil.txt'), 'sibling with a shared prefix');
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('resolveAppPath', () => {
  it("maps '/' and '' to index.html and paths to files under the renderer dir", () => {
    expect(resolveAppPath(rendererDir, 'app://switchboard/')).toEqual({ kind: 'file', path: join(rendererDir, 'index.html') });
    expect(resolveAppPath(rendererDir, 'app://switchboard')).toEqual({ kind: 'file', path: join(rendererDir, 'index.html') });
    expect(resolveAppPath(rendererDir, 'app://switchboard/assets/main.js?v=1#x')).toEqual({ kind: 'file', path: join(rendererDir, 'assets', 'main.js') });
    expect(resolveAppPath(rendererDir, 'app://switchboard/assets/with%20space.js')).toEqual({ kind: 'file', path: join(rendererDir, 'assets', 'with space.js') });
    // Dot segments that stay inside are fine (the URL parser folds them).
    expect(resolveAppPath(rendererDir, 'app://switchboard/assets/../index.html')).toEqual({ kind: 'file', path: join(rendererDir, 'index.html') });
  });

  it.each([
    ['encoded slashes climbing out', 'app://switchboard/..%2f..%2fsecret.txt'],
    ['encoded dots and slash', 'app://switchboard/%2e%2e%2fsecret.txt'],
    ['a sibling sharing the prefix', 'app://switchboard/..%2Frenderer-evil.txt'],
    ['a deep climb to /etc', 'app://switchboard/..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd'],
    ['another host', 'app://other/index.html'],
    ['an empty host', 'app:///index.html'],
    ['a look-alike host', 'app://switchboard.evil/index.html'],
    ['user info', 'app://user:pw@switchboard/index.html'],
    ['a port', 'app://switchboard:8080/index.html'],
    ['another scheme', 'file:///etc/passwd'],
    ['the renderer dir itself', 'app://switchboard/assets/..%2f'],
  ])('404 for %s', (_name, url) => {
    expect(resolveAppPath(rendererDir, url)).toMatchObject({ kind: 'reject', status: 404 });
  });

  it.each([
    ['bad percent encoding', 'app://switchboard/%E0%A4%A'],
    ['an encoded NUL', 'app://switchboard/index.html%00.js'],
    ['a raw backslash', 'app://switchboard/..\\..\\secret.txt'],
    ['an encoded backslash', 'app://switchboard/..%5C..%5Csecret.txt'],
    ['not a URL', 'not a url'],
  ])('400 for %s', (_name, url) => {
    expect(resolveAppPath(rendererDir, url)).toMatchObject({ kind: 'reject', status: 400 });
  });

  it('folds plain and %2e%2e dot segments before they can climb (still inside → served)', () => {
    expect(resolveAppPath(rendererDir, 'app://switchboard/../../secret.txt')).toEqual({ kind: 'file', path: join(rendererDir, 'secret.txt') });
    expect(resolveAppPath(rendererDir, 'app://switchboard/%2e%2e/%2E%2E/secret.txt')).toEqual({ kind: 'file', path: join(rendererDir, 'secret.txt') });
  });
});

describe('appResponseHeaders', () => {
  it('puts the CSP on HTML only and nosniff on everything', () => {
    const csp = contentSecurityPolicy([]);
    expect(appResponseHeaders('/r/index.html')).toEqual({ 'x-content-type-options': 'nosniff', 'content-security-policy': csp });
    expect(appResponseHeaders('/r/PAGE.HTM')).toEqual({ 'x-content-type-options': 'nosniff', 'content-security-policy': csp });
    expect(appResponseHeaders('/r/assets/main.js')).toEqual({ 'x-content-type-options': 'nosniff' });
    expect(appResponseHeaders(null)).toEqual({ 'x-content-type-options': 'nosniff' });
    // The app's policy allows no network origin beyond its own.
    expect(csp).toContain("connect-src 'self';");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("object-src 'none'");
  });
});

describe('app:// handler', () => {
  it("serves index.html for '/' with the CSP and nosniff", async () => {
    const res = await handle('app://switchboard/');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('<!doctype html><title>console</title>');
    expect(res.headers.get('content-security-policy')).toBe(contentSecurityPolicy([]));
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-type')).toBe('text/html');
  });

  it('serves assets with nosniff and without the CSP', async () => {
    const res = await handle('app://switchboard/assets/main.js');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('console.log(1)');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBeNull();
  });

  it('never reads outside the renderer dir: traversal and other hosts are answered before any read', async () => {
    fetched.length = 0;
    const attempts: [string, number][] = [
      ['app://switchboard/..%2f..%2fsecret.txt', 404],
      ['app://switchboard/%2e%2e%2fsecret.txt', 404],
      ['app://switchboard/..%2Frenderer-evil.txt', 404],
      ['app://other/index.html', 404],
      ['app://switchboard/index.html%00', 400],
      ['app://switchboard/..%5Csecret.txt', 400],
      ['app://switchboard/%E0%A4%A', 400],
    ];
    for (const [url, status] of attempts) {
      const res = await handle(url);
      expect(res.status, url).toBe(status);
      expect(res.headers.get('x-content-type-options'), url).toBe('nosniff');
      expect(await res.text(), url).not.toContain('secret');
    }
    expect(fetched).toEqual([]);
  });

  it('404 for a file that does not exist or a directory', async () => {
    expect((await handle('app://switchboard/missing.js')).status).toBe(404);
    expect((await handle('app://switchboard/assets/')).status).toBe(404);
  });
});
