import { net, protocol } from 'electron';
import { join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { contentSecurityPolicy } from '../web-host/csp';

export const APP_SCHEME = 'app';
export const APP_HOST = 'switchboard';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** Must run before app 'ready': app:// behaves like a secure, standard origin (not file://). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/**
 * Serves the built renderer from `rendererDir` (inside the asar when packaged) with a strict CSP.
 * Paths that would leave the directory, and other hosts, are 404.
 */
export function serveAppProtocol(rendererDir: string): void {
  const root = normalize(rendererDir + sep);
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return new Response('not found', { status: 404 });
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      return new Response('bad path', { status: 400 });
    }
    if (rel === '/' || rel === '') rel = '/index.html';
    const full = normalize(join(root, rel));
    if (!full.startsWith(root) || rel.includes('\0')) return new Response('not found', { status: 404 });
    const res = await net.fetch(pathToFileURL(full).toString()).catch(() => null);
    if (!res || !res.ok) return new Response('not found', { status: 404 });
    const headers = new Headers(res.headers);
    if (full.endsWith('.html')) headers.set('content-security-policy', contentSecurityPolicy([]));
    headers.set('x-content-type-options', 'nosniff');
    return new Response(res.body, { status: 200, headers });
  });
}
