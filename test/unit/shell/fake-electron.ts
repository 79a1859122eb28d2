/**
 * A hand-made stand-in for the 'electron' module (the binary cannot run here). It records what
 * the shell asks of Electron, so tests can assert the settings and drive the events Electron
 * would fire. Only the surface the shell uses is present.
 */
import { EventEmitter } from 'node:events';

type Handler = (...args: never[]) => unknown;

/** The event object Electron passes to cancellable listeners. */
export class FakeEvent<T extends object = object> {
  defaultPrevented = false;
  constructor(readonly details: T = {} as T) {
    Object.assign(this, details);
  }
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export function cancellable<T extends object>(details: T): FakeEvent<T> & T {
  return new FakeEvent(details) as FakeEvent<T> & T;
}

export class FakeSession {
  headersReceived: Handler | null = null;
  permissionRequestHandler: Handler | null = null;
  permissionCheckHandler: Handler | null = null;
  devicePermissionHandler: Handler | null = null;
  readonly webRequest = {
    onHeadersReceived: (listener: Handler) => {
      this.headersReceived = listener;
    },
  };
  setPermissionRequestHandler(handler: Handler): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: Handler): void {
    this.permissionCheckHandler = handler;
  }
  setDevicePermissionHandler(handler: Handler): void {
    this.devicePermissionHandler = handler;
  }
}

export class FakeWebContents extends EventEmitter {
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  readonly sent: unknown[][] = [];
  private destroyed = false;
  constructor(readonly session: FakeSession) {
    super();
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push([channel, ...args]);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('destroyed');
  }
}

export const session = { defaultSession: new FakeSession() };

export class BrowserWindow extends EventEmitter {
  static readonly created: BrowserWindow[] = [];
  readonly webContents: FakeWebContents;
  loadedUrl: string | null = null;
  private visible = false;
  private minimized = false;
  private destroyed = false;

  constructor(readonly options: Record<string, unknown>) {
    super();
    this.webContents = new FakeWebContents(session.defaultSession);
    BrowserWindow.created.push(this);
  }
  loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  show(): void {
    this.visible = true;
    this.emit('show');
  }
  hide(): void {
    this.visible = false;
    this.emit('hide');
  }
  minimize(): void {
    this.minimized = true;
    this.emit('minimize');
  }
  restore(): void {
    this.minimized = false;
    this.emit('restore');
  }
  focus(): void {}
  isVisible(): boolean {
    return this.visible;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** Like Electron: 'close' may be cancelled; otherwise the window is destroyed and 'closed' follows. */
  close(): FakeEvent {
    const event = new FakeEvent();
    this.emit('close', event);
    if (!event.defaultPrevented) {
      this.destroyed = true;
      this.visible = false;
      this.webContents.destroy();
      this.emit('closed');
    }
    return event;
  }
}

class FakeIpcMain extends EventEmitter {
  readonly handlers = new Map<string, Handler>();
  handle(channel: string, handler: Handler): void {
    // Electron refuses a second handler for one channel.
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
}
export const ipcMain = new FakeIpcMain();

class FakeApp extends EventEmitter {
  lockAvailable = true;
  isPackaged = false;
  readonly calls: string[] = [];
  readonly paths = new Map<string, string>();
  quitCompleted = false;
  appUserModelId: string | null = null;

  requestSingleInstanceLock(): boolean {
    this.calls.push('requestSingleInstanceLock');
    return this.lockAvailable;
  }
  /** Like Electron: 'before-quit' may be cancelled; otherwise the app goes on to quit. */
  quit(): void {
    this.calls.push('quit');
    const event = new FakeEvent();
    this.emit('before-quit', event);
    if (!event.defaultPrevented) {
      this.quitCompleted = true;
      this.emit('will-quit', new FakeEvent());
    }
  }
  exit(code = 0): void {
    this.calls.push(`exit:${code}`);
  }
  whenReady(): Promise<void> {
    this.calls.push('whenReady');
    return Promise.resolve();
  }
  setPath(name: string, value: string): void {
    this.paths.set(name, value);
  }
  getPath(name: string): string {
    const value = this.paths.get(name);
    if (!value) throw new Error(`Failed to get '${name}' path`);
    return value;
  }
  setAppUserModelId(id: string): void {
    this.appUserModelId = id;
  }
}
export const app = new FakeApp();

export const shell = {
  opened: [] as string[],
  openExternal(url: string): Promise<void> {
    shell.opened.push(url);
    return Promise.resolve();
  },
};

export const nativeImage = {
  createFromPath: (path: string) => ({ path }),
};

export interface FakeMenu {
  items: Array<{ id?: string; label?: string; type?: string; click?: () => void }>;
}
export const Menu = {
  buildFromTemplate: (template: FakeMenu['items']): FakeMenu => ({ items: template }),
};

export class Tray extends EventEmitter {
  static readonly created: Tray[] = [];
  contextMenu: FakeMenu | null = null;
  toolTip = '';
  constructor(readonly image: unknown) {
    super();
    Tray.created.push(this);
  }
  setContextMenu(menu: FakeMenu): void {
    this.contextMenu = menu;
  }
  setToolTip(text: string): void {
    this.toolTip = text;
  }
}

export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld(key: string, api: unknown): void {
    if (contextBridge.exposed.has(key)) throw new Error(`Cannot bind an API on top of an existing property: ${key}`);
    contextBridge.exposed.set(key, api);
  },
};

class FakeIpcRenderer extends EventEmitter {
  readonly invoked: unknown[][] = [];
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push([channel, ...args]);
    return Promise.resolve({ ok: { echoed: args } });
  }
  send(): void {
    throw new Error('the bridge never uses send');
  }
  sendSync(): never {
    throw new Error('the bridge never uses sendSync');
  }
}
export const ipcRenderer = new FakeIpcRenderer();

/** Forget everything recorded, so each test starts from a fresh Electron. */
export function resetFakeElectron(): void {
  BrowserWindow.created.length = 0;
  Tray.created.length = 0;
  ipcMain.handlers.clear();
  ipcMain.removeAllListeners();
  app.removeAllListeners();
  app.calls.length = 0;
  app.paths.clear();
  app.lockAvailable = true;
  app.isPackaged = false;
  app.quitCompleted = false;
  app.appUserModelId = null;
  shell.opened.length = 0;
  contextBridge.exposed.clear();
  ipcRenderer.invoked.length = 0;
  ipcRenderer.removeAllListeners();
  session.defaultSession = new FakeSession();
}

export default {
  app,
  BrowserWindow,
  contextBridge,
  ipcMain,
  ipcRenderer,
  Menu,
  nativeImage,
  session,
  shell,
  Tray,
};
