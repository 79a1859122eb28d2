import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Files the shell loads. out/ is located from the main bundle (out/main/index.js), inside
 * app.asar when packaged. resources/ is shipped beside the asar (electron-builder
 * extraResources), so packaged builds find it under process.resourcesPath.
 */
export interface ShellPaths {
  preload: string;
  rendererIndex: string;
  resourcesDir: string;
  trayIcon: string;
  windowIcon: string;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** resources/ of a packaged app, or of the source tree the main bundle was built in. */
export function resourcesDirFor(isPackaged: boolean, resourcesPath: string, mainDir: string = HERE): string {
  return isPackaged ? path.join(resourcesPath, 'resources') : path.resolve(mainDir, '../../resources');
}

export function shellPaths(mainDir: string = HERE, resourcesDir = resourcesDirFor(false, '', mainDir)): ShellPaths {
  return {
    preload: path.join(mainDir, '../preload/index.cjs'),
    rendererIndex: path.join(mainDir, '../renderer/index.html'),
    resourcesDir,
    trayIcon: path.join(resourcesDir, 'icons/tray.png'),
    windowIcon: path.join(resourcesDir, 'icons/icon.png'),
  };
}
