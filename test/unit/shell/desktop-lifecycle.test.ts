import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ShellPaths } from '../../../electron/main/paths';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../../../shared/api/bridge';
import * as electron from './fake-electron';

vi.mock('electron', () => import('./fake-electron'));
// electron-store is real. It loads the real 'electron' package, which without the binary
// would throw; this documented override makes it resolve to a path instead.
vi.hoisted(() => {
  process.env.ELECTRON_OVERRIDE_DIST_PATH ??= '/nonexistent-electron-dist';
});

const { startDesktop } = await import('../../../electron/main/desktop');
const { resourcesDirFor, shellPaths } = await import('../../../electron/main/paths');
const { createConfBackend } = await import('../../../electron/core/settings/backend');

let dataDir: string;
let paths: ShellPaths;

beforeEach(() => {
  electron.resetFakeElectron();
  dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-shell-')), 'data');
  const root = path.dirname(dataDir);
  paths = {
    preload: path.join(root, 'out/preload/index.cjs'),
    rendererIndex: path.join(root, 'out/renderer/index.html'),
    resourcesDir: path.join(root, 'resources'),
    trayIcon: path.join(root, 'resources/icons/tray.png'),
    windowIcon: path.join(root, 'resources/icons/icon.png'),
  };
});

afterEach(() => {
  fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
});

const argv = () => ['/opt/Rigshare/rigshare', `--data-dir=${dataDir}`];
const appFrame = () => ({ url: pathToFileURL(paths.rendererIndex).href, parent: null });

describe('shell paths', () => {
  it('finds the preload and the renderer inside app.asar, and resources/ beside it when packaged', () => {
    const installed = path.join(path.sep, 'opt', 'Rigshare', 'resources');
    const mainDir = path.join(installed, 'app.asar', 'out', 'main');
    const resources = resourcesDirFor(true, installed, mainDir);
    expect(resources).toBe(path.join(installed, 'resources'));
    expect(shellPaths(mainDir, resources)).toEqual({
      preload: path.join(installed, 'app.asar', 'out', 'preload', 'index.cjs'),
      rendererIndex: path.join(installed, 'app.asar', 'out', 'renderer', 'index.html'),
      resourcesDir: path.join(installed, 'resources'),
      trayIcon: path.join(installed, 'resources', 'icons', 'tray.png'),
      windowIcon: path.join(installed, 'resources', 'icons', 'icon.png'),
    });
  });

  it('uses the source tree’s resources/ when running the built app unpackaged', () => {
    const repo = path.resolve(import.meta.dirname, '../../..');
    const paths = shellPaths(path.join(repo, 'out', 'main'));
    expect(paths.resourcesDir).toBe(path.join(repo, 'resources'));
    expect(fs.existsSync(paths.trayIcon)).toBe(true);
    expect(fs.existsSync(paths.windowIcon)).toBe(true);
  });
});

describe('desktop lifecycle', () => {
  it('a second launch quits before opening anything or touching the data dir', async () => {
    electron.app.lockAvailable = false;
    const desktop = await startDesktop({ argv: argv(), env: {}, paths });
    expect(desktop).toBeNull();
    expect(electron.app.calls).toEqual(['requestSingleInstanceLock', 'quit']);
    expect(electron.BrowserWindow.created).toHaveLength(0);
    expect(electron.Tray.created).toHaveLength(0);
    expect(electron.ipcMain.handlers.size).toBe(0);
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it('runs the agent in the main process behind one hardened window, a tray and sender-checked IPC', async () => {
    const desktop = (await startDesktop({ argv: argv(), env: {}, paths }))!;
    expect(desktop.dataDir).toBe(dataDir);
    // The lock is per data dir, so userData must point there before the lock is taken.
    expect(electron.app.paths.get('userData')).toBe(dataDir);
    expect(electron.app.calls.slice(0, 2)).toEqual(['requestSingleInstanceLock', 'whenReady']);

    const [win] = electron.BrowserWindow.created;
    expect(electron.BrowserWindow.created).toHaveLength(1);
    expect(win!.options.webPreferences).toMatchObject({
      preload: paths.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    });
    expect(win!.loadedUrl).toBe(pathToFileURL(paths.rendererIndex).href);
    expect(win!.isVisible()).toBe(false);
    expect(desktop.agent.watching).toBe(false);
    win!.emit('ready-to-show');
    expect(win!.isVisible()).toBe(true);
    expect(desktop.agent.watching).toBe(true);

    const tray = electron.Tray.created[0]!;
    expect(tray.contextMenu!.items.map((item) => item.label).filter(Boolean)).toEqual(['Open Rigshare', 'Quit']);

    // A settings change through IPC lands in settings.json in the data dir, written by
    // electron-store and readable by the headless agent's conf backend.
    const handler = electron.ipcMain.handlers.get(IPC_CALL_CHANNEL) as (...a: unknown[]) => Promise<unknown>;
    const reply = (await handler({ senderFrame: appFrame() }, 'settings.update', { hoursPerDay: 7 })) as {
      ok: { settings: { hoursPerDay: number } };
    };
    expect(reply.ok.settings.hoursPerDay).toBe(7);
    expect(createConfBackend(dataDir).read()).toMatchObject({ hoursPerDay: 7 });
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'settings.json'), 'utf8'))).toMatchObject({ hoursPerDay: 7 });
    const foreign = (await handler(
      { senderFrame: { url: 'https://evil.example/', parent: null } },
      'settings.get',
      {},
    )) as {
      error: { code: string };
    };
    expect(foreign.error.code).toBe('forbidden');
    // The change is announced to the window.
    expect(win!.webContents.sent).toContainEqual([IPC_EVENT_CHANNEL, 'data.changed', { topic: 'settings' }]);

    // Closing the window hides it to the tray; the agent keeps running.
    expect(win!.close().defaultPrevented).toBe(true);
    expect(win!.isVisible()).toBe(false);
    expect(desktop.agent.watching).toBe(false);

    // Another launch, or the tray's Open, brings the same window back.
    electron.app.emit('second-instance', {}, argv(), '/');
    expect(win!.isVisible()).toBe(true);
    expect(electron.BrowserWindow.created).toHaveLength(1);

    // Quit from the tray stops the agent first, then lets the app quit.
    const stop = vi.spyOn(desktop.agent, 'stop');
    const quitted = once(electron.app, 'will-quit');
    tray.contextMenu!.items.find((item) => item.label === 'Quit')!.click!();
    expect(stop).toHaveBeenCalledTimes(1);
    expect(electron.app.quitCompleted).toBe(false);
    await quitted;
    expect(win!.webContents.sent).toContainEqual([
      IPC_EVENT_CHANNEL,
      'agent.status',
      expect.objectContaining({ state: 'stopping' }),
    ]);
    expect(win!.close().defaultPrevented).toBe(false);
  });

  it('keeps a corrupt settings file aside and starts on defaults', async () => {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'settings.json'), '{"hoursPerDay": 7,');
    const desktop = (await startDesktop({ argv: argv(), env: {}, paths }))!;
    const view = desktop.agent.settings.view();
    expect(view.settings.hoursPerDay).toBe(20);
    expect(view.notice.corruptFileMovedTo).toMatch(/settings\.json\.corrupt-/);
    expect(fs.readFileSync(view.notice.corruptFileMovedTo!, 'utf8')).toBe('{"hoursPerDay": 7,');
    const quitted = once(electron.app, 'will-quit');
    electron.app.quit();
    await quitted;
  });

  it('uses the dev server only when not packaged', async () => {
    electron.app.isPackaged = true;
    const desktop = (await startDesktop({
      argv: argv(),
      env: { ELECTRON_RENDERER_URL: 'http://localhost:5173' },
      paths,
    }))!;
    expect(electron.BrowserWindow.created[0]!.loadedUrl).toBe(pathToFileURL(paths.rendererIndex).href);
    const quitted = once(electron.app, 'will-quit');
    electron.app.quit();
    await quitted;
    expect(desktop.agent.status().state).toBe('stopping');
  });
});
