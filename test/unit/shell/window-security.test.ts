import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Agent } from '../../../electron/core/agent';
import { createLogger } from '../../../electron/core/log/logger';
import { FOREIGN_SENDER, forwardEvents, registerIpc } from '../../../electron/main/ipc';
import { devOrigin, fileOrigin, isAppUrl } from '../../../electron/main/origin';
import { contentSecurityPolicy, isTrustedSender } from '../../../electron/main/security';
import { claimSingleInstance } from '../../../electron/main/single-instance';
import { createTray } from '../../../electron/main/tray';
import { watchWhileVisible } from '../../../electron/main/watcher';
import { createMainWindow, windowOptions } from '../../../electron/main/window';
import { buildBridge } from '../../../electron/preload/bridge';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../../../shared/api/bridge';
import { METHOD_NAMES } from '../../../shared/api/contract';
import * as electron from './fake-electron';
import { cancellable, type FakeWebContents } from './fake-electron';

vi.mock('electron', () => import('./fake-electron'));

const RENDERER_INDEX = path.resolve('/opt/Rigshare/resources/app.asar/out/renderer/index.html');
const APP = fileOrigin(RENDERER_INDEX);
const APP_URL = pathToFileURL(RENDERER_INDEX).href;

beforeEach(() => electron.resetFakeElectron());

function openWindow(origin = APP) {
  const win = createMainWindow({
    preloadPath: '/app/out/preload/index.cjs',
    app: origin,
    openExternal: electron.shell.openExternal,
  });
  return win as unknown as electron.BrowserWindow;
}

function navigate(wc: FakeWebContents, event: 'will-navigate' | 'will-redirect', url: string) {
  const e = cancellable({ url });
  wc.emit(event, e, url);
  return e.defaultPrevented;
}

describe('window construction', () => {
  it('isolates the page from Node and keeps web security on', () => {
    const prefs = windowOptions('/app/out/preload/index.cjs').webPreferences!;
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.preload).toBe('/app/out/preload/index.cjs');
  });

  it('creates the BrowserWindow with those preferences and loads only the app page', () => {
    const win = openWindow();
    expect(electron.BrowserWindow.created).toHaveLength(1);
    const prefs = win.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(win.loadedUrl).toBe(APP_URL);
    // Shown only once painted, so no blank flash and no window before the page is ready.
    expect(win.isVisible()).toBe(false);
    win.emit('ready-to-show');
    expect(win.isVisible()).toBe(true);
  });
});

describe('content security policy', () => {
  const directives = (csp: string) =>
    new Map(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name, values]),
    );

  it('allows only the app’s own scripts, no eval, no inline script, no plugins, no framing', () => {
    const csp = directives(contentSecurityPolicy(APP));
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(contentSecurityPolicy(APP)).not.toMatch(/unsafe-eval|\*/);
  });

  it('loosens only what the dev server needs, and only in dev', () => {
    const csp = directives(contentSecurityPolicy(devOrigin('http://localhost:5173')));
    expect(csp.get('connect-src')).toEqual(["'self'", 'ws://localhost:5173']);
    expect(csp.get('script-src')).not.toContain("'unsafe-eval'");
  });

  it('is set on every response through the session, replacing a laxer policy from the server', () => {
    openWindow();
    const listener = electron.session.defaultSession.headersReceived!;
    let result: { responseHeaders: Record<string, string[]> } | undefined;
    (listener as (d: unknown, cb: (r: typeof result) => void) => void)(
      { responseHeaders: { 'content-security-policy': ['default-src *'], 'X-Kept': ['1'] } },
      (r) => (result = r),
    );
    expect(result!.responseHeaders['Content-Security-Policy']).toEqual([contentSecurityPolicy(APP)]);
    expect(result!.responseHeaders['content-security-policy']).toBeUndefined();
    expect(result!.responseHeaders['X-Kept']).toEqual(['1']);
  });
});

describe('navigation and new windows', () => {
  it('will-navigate stays on the app page and refuses foreign URLs', () => {
    const wc = openWindow().webContents;
    expect(navigate(wc, 'will-navigate', `${APP_URL}#/settings`)).toBe(false);
    expect(navigate(wc, 'will-navigate', 'https://evil.example/phish')).toBe(true);
    expect(navigate(wc, 'will-navigate', 'http://192.168.1.1/')).toBe(true);
    expect(navigate(wc, 'will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(
      navigate(wc, 'will-navigate', pathToFileURL(path.join(path.dirname(RENDERER_INDEX), 'other.html')).href),
    ).toBe(true);
    expect(navigate(wc, 'will-navigate', 'javascript:alert(1)')).toBe(true);
    expect(navigate(wc, 'will-navigate', 'not a url')).toBe(true);
  });

  it('sends https links to the system browser, but never other schemes', () => {
    const wc = openWindow().webContents;
    navigate(wc, 'will-navigate', 'https://docs.example/help');
    navigate(wc, 'will-navigate', 'http://plain.example/');
    navigate(wc, 'will-navigate', 'file:///etc/passwd');
    expect(electron.shell.opened).toEqual(['https://docs.example/help']);
  });

  it('refuses foreign redirects without opening a browser', () => {
    const wc = openWindow().webContents;
    expect(navigate(wc, 'will-redirect', 'https://evil.example/')).toBe(true);
    expect(electron.shell.opened).toEqual([]);
  });

  it('denies every window.open, opening https targets externally', () => {
    const wc = openWindow().webContents;
    const open = (url: string) => wc.windowOpenHandler!({ url });
    expect(open('https://docs.example/')).toEqual({ action: 'deny' });
    expect(open('http://plain.example/')).toEqual({ action: 'deny' });
    expect(open(APP_URL)).toEqual({ action: 'deny' });
    expect(open('javascript:alert(1)')).toEqual({ action: 'deny' });
    expect(electron.shell.opened).toEqual(['https://docs.example/']);
  });

  it('blocks webviews from being attached', () => {
    const wc = openWindow().webContents;
    const event = cancellable({});
    wc.emit('will-attach-webview', event, {}, { src: 'https://evil.example' });
    expect(event.defaultPrevented).toBe(true);
  });
});

describe('permissions', () => {
  it('denies every permission request and check', () => {
    openWindow();
    const ses = electron.session.defaultSession;
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      const answers: boolean[] = [];
      (ses.permissionRequestHandler as (...a: unknown[]) => void)(
        {},
        permission,
        (ok: boolean) => answers.push(ok),
        {},
      );
      expect(answers).toEqual([false]);
      expect((ses.permissionCheckHandler as (...a: unknown[]) => boolean)({}, permission, APP_URL, {})).toBe(false);
    }
    expect((ses.devicePermissionHandler as (...a: unknown[]) => boolean)({ deviceType: 'usb' })).toBe(false);
  });
});

describe('app origin', () => {
  it('matches the built page exactly, or the dev server origin', () => {
    expect(isAppUrl(`${APP_URL}?x=1#/`, APP)).toBe(true);
    expect(isAppUrl(`${APP_URL}/../../secret.html`, APP)).toBe(false);
    expect(isAppUrl(APP_URL.replace('file://', 'file://evil-host'), APP)).toBe(false);
    const dev = devOrigin('http://localhost:5173');
    expect(isAppUrl('http://localhost:5173/#/settings', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isAppUrl('http://localhost:5173.evil.example/', dev)).toBe(false);
    expect(isAppUrl(undefined, dev)).toBe(false);
    expect(() => devOrigin('file:///tmp/x')).toThrow(/http\(s\)/);
  });
});

describe('IPC', () => {
  let dataDir: string;
  let agent: Agent;
  const frame = (url: string, parent: unknown = null) => ({ url, parent });
  const invoke = (senderFrame: unknown, method: unknown, input: unknown) =>
    (electron.ipcMain.handlers.get(IPC_CALL_CHANNEL) as (...a: unknown[]) => Promise<unknown>)(
      { senderFrame },
      method,
      input,
    );

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-ipc-'));
    agent = new Agent({ dataDir, log: createLogger({ name: 'test', stdout: false }) });
  });
  afterEach(async () => {
    await agent.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers the app page through the agent', async () => {
    registerIpc(electron.ipcMain, agent, APP);
    const reply = (await invoke(frame(`${APP_URL}#/settings`), 'settings.get', {})) as { ok: { settings: unknown } };
    expect(reply.ok.settings).toEqual(agent.settings.get());
  });

  it('refuses foreign frames, subframes and destroyed frames without reaching the agent', async () => {
    const call = vi.spyOn(agent, 'call');
    registerIpc(electron.ipcMain, agent, APP);
    expect(await invoke(frame('https://evil.example/'), 'settings.get', {})).toEqual(FOREIGN_SENDER);
    expect(await invoke(frame('file:///tmp/evil.html'), 'settings.get', {})).toEqual(FOREIGN_SENDER);
    expect(await invoke(frame(APP_URL, frame('https://evil.example/')), 'settings.get', {})).toEqual(FOREIGN_SENDER);
    expect(await invoke(null, 'settings.get', {})).toEqual(FOREIGN_SENDER);
    expect(await invoke(frame('https://evil.example/'), 'settings.update', { patch: { language: 'sw' } })).toEqual(
      FOREIGN_SENDER,
    );
    expect(call).not.toHaveBeenCalled();
    expect(isTrustedSender(frame(APP_URL) as never, APP)).toBe(true);
  });

  it('passes hostile calls from the app page to the contract check, which refuses them', async () => {
    registerIpc(electron.ipcMain, agent, APP);
    const unknown = (await invoke(frame(APP_URL), '__proto__', {})) as { error: { code: string } };
    expect(unknown.error.code).toBe('not_found');
    const bad = (await invoke(frame(APP_URL), 'settings.update', { nonsense: true })) as { error: { code: string } };
    expect(bad.error.code).toBe('bad_request');
  });

  it('registers one handler and can take it back', () => {
    const unregister = registerIpc(electron.ipcMain, agent, APP);
    expect([...electron.ipcMain.handlers.keys()]).toEqual([IPC_CALL_CHANNEL]);
    unregister();
    expect(electron.ipcMain.handlers.size).toBe(0);
  });

  it('forwards agent events to the window until it is destroyed', () => {
    const wc = openWindow().webContents;
    forwardEvents(agent.events, wc as never);
    agent.events.emit('data.changed', { topic: 'settings' });
    expect(wc.sent).toEqual([[IPC_EVENT_CHANNEL, 'data.changed', { topic: 'settings' }]]);
    wc.destroy();
    agent.events.emit('data.changed', { topic: 'system' });
    expect(wc.sent).toHaveLength(1);
  });

  it('counts the window as a watcher only while it is visible', () => {
    const win = openWindow();
    watchWhileVisible(win as never, agent);
    expect(agent.watching).toBe(false);
    win.show();
    expect(agent.watching).toBe(true);
    win.minimize();
    expect(agent.watching).toBe(false);
    win.restore();
    expect(agent.watching).toBe(true);
    win.hide();
    expect(agent.watching).toBe(false);
    win.show();
    win.close();
    expect(agent.watching).toBe(false);
  });
});

describe('preload bridge', () => {
  const bridgeOf = () => buildBridge(electron.ipcRenderer as never) as unknown as Record<string, unknown>;

  it('exposes window.rigshare with one function per contract method plus subscribe, and nothing else', async () => {
    await import('../../../electron/preload/index');
    expect([...electron.contextBridge.exposed.keys()]).toEqual(['rigshare']);
    const exposed = electron.contextBridge.exposed.get('rigshare') as Record<string, unknown>;
    expect(Object.keys(exposed).sort()).toEqual([...METHOD_NAMES, 'subscribe'].sort());
    for (const value of Object.values(exposed)) expect(typeof value).toBe('function');
    expect(Object.values(exposed)).not.toContain(electron.ipcRenderer);
    expect(exposed).not.toHaveProperty('invoke');
    expect(exposed).not.toHaveProperty('send');
    expect(exposed).not.toHaveProperty('ipcRenderer');
    expect(Object.isFrozen(exposed)).toBe(true);
  });

  it('turns each method into an invoke on the one call channel', async () => {
    const bridge = bridgeOf();
    for (const method of METHOD_NAMES) await (bridge[method] as (i: unknown) => Promise<unknown>)({ probe: method });
    expect(electron.ipcRenderer.invoked).toEqual(METHOD_NAMES.map((m) => [IPC_CALL_CHANNEL, m, { probe: m }]));
  });

  it('delivers only the named event, only its payload, until unsubscribed', () => {
    const bridge = bridgeOf() as unknown as { subscribe(e: string, l: (...a: unknown[]) => void): () => void };
    const received: unknown[][] = [];
    const stop = bridge.subscribe('agent.status', (...args) => received.push(args));
    const ipcEvent = { sender: electron.ipcRenderer };
    electron.ipcRenderer.emit(IPC_EVENT_CHANNEL, ipcEvent, 'agent.status', { state: 'ready' });
    electron.ipcRenderer.emit(IPC_EVENT_CHANNEL, ipcEvent, 'data.changed', { topic: 'system' });
    // The listener never sees the IPC event, whose `sender` would be ipcRenderer itself.
    expect(received).toEqual([[{ state: 'ready' }]]);
    stop();
    expect(electron.ipcRenderer.listenerCount(IPC_EVENT_CHANNEL)).toBe(0);
    electron.ipcRenderer.emit(IPC_EVENT_CHANNEL, ipcEvent, 'agent.status', { state: 'stopping' });
    expect(received).toHaveLength(1);
  });

  it('refuses unknown event names and non-function listeners', () => {
    const bridge = bridgeOf() as unknown as { subscribe(e: unknown, l: unknown): () => void };
    expect(() => bridge.subscribe('__proto__', () => {})).toThrow(/Unknown event/);
    expect(() => bridge.subscribe('rigshare:call', () => {})).toThrow(/Unknown event/);
    expect(() => bridge.subscribe('agent.status', 'not a function')).toThrow(/listener/);
    expect(electron.ipcRenderer.listenerCount(IPC_EVENT_CHANNEL)).toBe(0);
  });
});

describe('tray', () => {
  it('offers Open and Quit, wired to their actions', () => {
    const open = vi.fn();
    const quit = vi.fn();
    const tray = createTray('/app/resources/icons/tray.png', { open, quit }) as unknown as electron.Tray;
    const items = tray.contextMenu!.items.filter((item) => item.type !== 'separator');
    expect(items.map((item) => item.label)).toEqual(['Open Rigshare', 'Quit']);
    items[0]!.click!();
    expect(open).toHaveBeenCalledTimes(1);
    expect(quit).not.toHaveBeenCalled();
    items[1]!.click!();
    expect(quit).toHaveBeenCalledTimes(1);
    expect(tray.image).toEqual({ path: '/app/resources/icons/tray.png' });
  });
});

describe('single instance', () => {
  it('a second instance quits without registering anything', () => {
    electron.app.lockAvailable = false;
    const focus = vi.fn();
    expect(claimSingleInstance(electron.app as never, focus)).toBe(false);
    expect(electron.app.calls).toEqual(['requestSingleInstanceLock', 'quit']);
    expect(electron.app.listenerCount('second-instance')).toBe(0);
  });

  it('the first instance holds the lock and focuses itself when another launch starts', () => {
    const focus = vi.fn();
    expect(claimSingleInstance(electron.app as never, focus)).toBe(true);
    expect(electron.app.calls).toEqual(['requestSingleInstanceLock']);
    electron.app.emit('second-instance', {}, ['rigshare'], '/');
    expect(focus).toHaveBeenCalledTimes(1);
  });
});
