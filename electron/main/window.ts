import { BrowserWindow, type BrowserWindowConstructorOptions } from 'electron';
import { appEntryUrl, type AppOrigin } from './origin';
import { applyContentSecurityPolicy, denyPermissions, hardenWebContents, type OpenExternal } from './security';

/**
 * The window's construction. Every security-relevant preference is spelled out, even where it
 * is Electron's default, so a changed default can never loosen the app.
 */
export function windowOptions(preloadPath: string, iconPath?: string): BrowserWindowConstructorOptions {
  return {
    width: 1180,
    height: 780,
    minWidth: 760,
    minHeight: 520,
    show: false,
    title: 'Rigshare',
    backgroundColor: '#101418',
    autoHideMenuBar: true,
    ...(iconPath ? { icon: iconPath } : {}),
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

export interface MainWindowOptions {
  preloadPath: string;
  iconPath?: string;
  app: AppOrigin;
  openExternal: OpenExternal;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow(windowOptions(options.preloadPath, options.iconPath));
  const session = win.webContents.session;
  applyContentSecurityPolicy(session, options.app);
  denyPermissions(session);
  hardenWebContents(win.webContents, options.app, options.openExternal);
  win.once('ready-to-show', () => win.show());
  void win.loadURL(appEntryUrl(options.app));
  return win;
}
