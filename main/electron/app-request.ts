import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { contentSecurityPolicy } from '../web-host/csp';
import { APP_HOST, APP_SCHEME } from './app-origin';

/**
 * The app:// handler's decisions, without the electron import: which file a request may read,
 * and which headers its answer carries. app-protocol.ts hands in Electron's net.fetch.
 */

export type AppPathDecision =
  | { kind: 'file'; path: string }
  | { kind: 'reject'; status: 400 | 404; reason: string };

const reject = (status: 400 | 404, reason: string): AppPathDecision => ({ kind: 'reject', status, reason });

/**
 * Maps an app:// request URL to a file under `rendererDir`. Malformed paths (bad percent
 * encoding, NUL, backslashes, which Windows would take as separators) are 400; other hosts,
 * user info, ports and anything that resolves outside the directory are 404. '/' is index.html.
 */
export function resolveAppPath(rendererDir: string, requestUrl: string): AppPathDecision {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return reject(400, 'bad url');
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST || url.username !== '' || url.password !== '') return reject(404, 'not found');
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return reject(400, 'bad path encoding');
  }
  if (path.includes('\0') || path.includes('\\')) return reject(400, 'bad path');
  if (path === '' || path === '/') path = '/index.html';
  const root = resolve(rendererDir);
  // '.' + path keeps resolve() from treating the leading slash as the filesystem root.
  const full = resolve(root, `.${path}`);
  const inside = relative(root, full);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) return reject(404, 'not found');
  return { kind: 'file', path: full };
}

/** nosniff on every answer; the console's CSP on HTML (the only documents the window runs). */
export function appResponseHeaders(filePath: string | null): Record<string, string> {
  const headers: Record<string, string> = { 'x-content-type-options': 'nosniff' };
  const ext = filePath === null ? '' : extname(filePath).toLowerCase();
  if (ext === '.html' || ext === '.htm') headers['content-security-policy'] = contentSecurityPolicy([]);
  return headers;
}

/** Reads one file:// URL (Electron's net.fetch in the app; a plain file read in tests). */
export type FetchFile = (fileUrl: string) => Promise<Response>;

/** The whole app:// request handler: decide, read, add headers. Unreadable files are 404. */
export function appProtocolHandler(rendererDir: string, fetchFile: FetchFile): (request: { url: string }) => Promise<Response> {
  const refuse = (status: number, reason: string) =>
    new Response(reason, { status, headers: { ...appResponseHeaders(null), 'content-type': 'text/plain; charset=utf-8' } });
  return async (request) => {
    const target = resolveAppPath(rendererDir, request.url);
    if (target.kind === 'reject') return refuse(target.status, target.reason);
    const res = await fetchFile(pathToFileURL(target.path).href).catch(() => null);
    if (!res || !res.ok) return refuse(404, 'not found');
    const headers = new Headers(res.headers);
    for (const [name, value] of Object.entries(appResponseHeaders(target.path))) headers.set(name, value);
    return new Response(res.body, { status: 200, headers });
  };
}
