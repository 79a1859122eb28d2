import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Files the shell loads, located from the main bundle (out/main/index.js). The same relative
 * layout holds inside the packaged app.asar, since electron-builder packs out/ and resources/.
 */
export interface ShellPaths {
  preload: string;
  rendererIndex: string;
  trayIcon: string;
  windowIcon: string;
}

export function shellPaths(mainDir: string = path.dirname(fileURLToPath(import.meta.url))): ShellPaths {
  const root = path.resolve(mainDir, '../..');
  return {
    preload: path.join(mainDir, '../preload/index.cjs'),
    rendererIndex: path.join(mainDir, '../renderer/index.html'),
    trayIcon: path.join(root, 'resources/icons/tray.png'),
    windowIcon: path.join(root, 'resources/icons/icon.png'),
  };
}
