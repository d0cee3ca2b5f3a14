/**
 * The origin the console window loads from. Kept free of the electron import so the security
 * decisions (and their unit tests) can share it in plain Node.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'switchboard';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/**
 * True for a URL on the app origin. A prefix test that includes the slash, so look-alikes such
 * as `app://switchboard.evil/` or `app://switchboard@evil/` fail, and so does anything Chromium
 * did not canonicalize (`APP://…`): fail closed.
 */
export function isAppUrl(url: string): boolean {
  return url.startsWith(`${APP_ORIGIN}/`);
}
