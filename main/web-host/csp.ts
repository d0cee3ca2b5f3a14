/**
 * The console's Content-Security-Policy, shared by the web host (HTTP header) and the Electron
 * app:// protocol. Scripts only from the bundle; no eval; no plugins, frames or foreign forms.
 * style-src keeps 'unsafe-inline' because CodeMirror injects <style> elements at run time
 * (style-mod falls back to them when adoptedStyleSheets is unavailable); scripts stay strict.
 */
export function contentSecurityPolicy(connectSrc: string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src ${["'self'", ...connectSrc].join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "worker-src 'self' blob:",
  ].join('; ');
}
