import { app, session, shell } from 'electron';
import { guardContents, lockSession } from './security-rules';

/** Installs every rule (security-rules.ts), for every web contents ever created. Call once, after 'ready'. */
export function installSecurityRules(): void {
  lockSession(session.defaultSession);
  app.on('web-contents-created', (_event, contents) => guardContents(contents, shell));
}
