import os from 'node:os';
import path from 'node:path';

/**
 * Where Rigshare keeps its data when no --data-dir is given. It matches the desktop app's
 * userData folder, so the headless agent and the desktop app share one install.
 */
export function defaultDataDir(platform: NodeJS.Platform = process.platform, env = process.env): string {
  if (env.RIGSHARE_DATA_DIR) return path.resolve(env.RIGSHARE_DATA_DIR);
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Rigshare');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Rigshare');
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'Rigshare');
}
