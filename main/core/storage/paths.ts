import { homedir } from 'node:os';
import { join } from 'node:path';

/** Data dir of the web host (Electron uses app.getPath('userData')). SWITCHBOARD_DATA_DIR wins. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SWITCHBOARD_DATA_DIR) return env.SWITCHBOARD_DATA_DIR;
  if (process.platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'Switchboard');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Switchboard');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'switchboard');
}
