import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./fake-electron'));
// Real electron-store; its import of the 'electron' package resolves to a path instead of throwing.
vi.hoisted(() => {
  process.env.ELECTRON_OVERRIDE_DIST_PATH ??= '/nonexistent-electron-dist';
});

const { createElectronStoreBackend } = await import('../../../electron/main/settings-store');
const { createConfBackend } = await import('../../../electron/core/settings/backend');
const { settingsFilePath } = await import('../../../electron/core/settings/service');

let dataDir: string;
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-store-'));
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('electron-store settings backend', () => {
  it('writes the same settings.json in the data dir that the headless agent reads', () => {
    const store = createElectronStoreBackend(dataDir);
    expect(store.path).toBe(settingsFilePath(dataDir));
    store.write({ language: 'sw', hoursPerDay: 5 });
    expect(createConfBackend(dataDir).read()).toEqual({ language: 'sw', hoursPerDay: 5 });
    createConfBackend(dataDir).write({ language: 'es' });
    expect(createElectronStoreBackend(dataDir).read()).toEqual({ language: 'es' });
  });

  it('refuses to open a damaged file instead of silently wiping it', () => {
    fs.writeFileSync(settingsFilePath(dataDir), '{"language": "sw"');
    expect(() => createElectronStoreBackend(dataDir)).toThrow();
    expect(fs.readFileSync(settingsFilePath(dataDir), 'utf8')).toBe('{"language": "sw"');
  });
});
