import { net, protocol } from 'electron';
import { APP_SCHEME } from './app-origin';
import { appProtocolHandler } from './app-request';

/**
 * app:// behaves like a secure, standard origin (not file://), and no more: no bypassCSP, no
 * CORS, no service workers. Must run before app 'ready'.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** Serves the built renderer from `rendererDir` (inside the asar when packaged); see app-request.ts. */
export function serveAppProtocol(rendererDir: string): void {
  protocol.handle(APP_SCHEME, appProtocolHandler(rendererDir, (fileUrl) => net.fetch(fileUrl)));
}
