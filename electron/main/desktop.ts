import { app, ipcMain, shell, type BrowserWindow, type Tray } from 'electron';
import { Agent } from '../core/agent';
import { createLogger, logDir, type Logger } from '../core/log/logger';
import { defaultDataDir } from '../core/paths';
import { dataDirFromArgv } from './args';
import { registerIpc, forwardEvents } from './ipc';
import { devOrigin, fileOrigin, type AppOrigin } from './origin';
import { resourcesDirFor, shellPaths, type ShellPaths } from './paths';
import { safeStorageBox } from './secret-box';
import { createElectronStoreBackend } from './settings-store';
import { claimSingleInstance } from './single-instance';
import { createTray } from './tray';
import { watchWhileVisible } from './watcher';
import { createMainWindow } from './window';

export const APP_ID = 'org.rigshare.app';

export interface DesktopOptions {
  argv?: readonly string[];
  env?: NodeJS.ProcessEnv;
  paths?: ShellPaths;
}

export interface Desktop {
  agent: Agent;
  dataDir: string;
  log: Logger;
  tray: Tray;
  showWindow(): void;
  window(): BrowserWindow | null;
}

/** The built renderer when packaged or built; the dev server while `electron-vite dev` runs. */
export function resolveAppOrigin(isPackaged: boolean, env: NodeJS.ProcessEnv, paths: ShellPaths): AppOrigin {
  const devUrl = env.ELECTRON_RENDERER_URL;
  return !isPackaged && devUrl ? devOrigin(devUrl) : fileOrigin(paths.rendererIndex);
}

/**
 * The desktop app's lifecycle: one instance per data dir, the agent in the main process, one
 * hardened window, a tray that keeps Rigshare running when the window is closed, and a quit
 * that stops the agent before the process exits. Returns null when another instance owns the
 * data dir (this one has then asked to quit).
 */
export async function startDesktop(options: DesktopOptions = {}): Promise<Desktop | null> {
  const argv = options.argv ?? process.argv;
  const env = options.env ?? process.env;
  const paths = options.paths ?? shellPaths(undefined, resourcesDirFor(app.isPackaged, process.resourcesPath));

  const dataDir = dataDirFromArgv(argv) ?? defaultDataDir(process.platform, env);
  // Chromium's profile and the single-instance lock follow the data dir, so separate data
  // dirs are separate installs and one data dir never has two agents.
  app.setPath('userData', dataDir);
  let win: BrowserWindow | null = null;
  let ready = false;
  const showWindow = (): void => {
    if (!ready) return;
    if (!win || win.isDestroyed()) {
      // A new window shows itself once painted (ready-to-show).
      win = openWindow();
      return;
    }
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  };
  if (!claimSingleInstance(app, showWindow)) return null;
  app.setAppUserModelId(APP_ID);

  const log = createLogger({ dir: logDir(dataDir), name: 'main', stdout: false });
  const agent = new Agent({
    dataDir,
    log,
    settingsBackend: createElectronStoreBackend,
    resourcesDir: paths.resourcesDir,
    secretBox: safeStorageBox(),
  });
  const origin = resolveAppOrigin(app.isPackaged, env, paths);

  let quitting = false;
  const openWindow = (): BrowserWindow => {
    const created = createMainWindow({
      preloadPath: paths.preload,
      iconPath: paths.windowIcon,
      app: origin,
      openExternal: (url) => shell.openExternal(url),
    });
    forwardEvents(agent.events, created.webContents);
    watchWhileVisible(created, agent);
    // Closing the window hides it: the rig keeps working from the tray until the user quits.
    created.on('close', (event) => {
      if (quitting) return;
      event.preventDefault();
      created.hide();
    });
    return created;
  };

  let stopping: Promise<void> | null = null;
  app.on('before-quit', (event) => {
    quitting = true;
    if (stopping === null) {
      stopping = agent
        .stop()
        .catch((err: unknown) => log.error({ err }, 'agent did not stop cleanly'))
        .finally(() => {
          log.flush();
          app.quit();
        });
      event.preventDefault();
    }
  });
  // With every window closed the app lives on in the tray; only Quit ends it.
  app.on('window-all-closed', () => undefined);
  app.on('activate', showWindow);

  await app.whenReady();
  ready = true;
  registerIpc(ipcMain, agent, origin);
  const tray = createTray(paths.trayIcon, { open: showWindow, quit: () => app.quit() });
  showWindow();
  log.info({ dataDir, origin: origin.kind }, 'desktop shell ready');
  try {
    await agent.start();
  } catch (err) {
    log.error({ err }, 'agent failed to start');
  }
  return { agent, dataDir, log, tray, showWindow, window: () => win };
}
