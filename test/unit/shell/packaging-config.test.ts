import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
// electron-builder's own loader and schema check, so the test reads the file the way a build does.
const require = createRequire(path.join(ROOT, 'node_modules/electron-builder/package.json'));
interface PlatformConfig {
  target: string[];
  icon: string;
}
interface BuilderConfig {
  productName: string;
  appId: string;
  files: Array<string | { filter: string[] }>;
  asarUnpack: string[];
  extraResources: unknown[];
  afterPack: string;
  linux: PlatformConfig;
  win: PlatformConfig;
  mac: PlatformConfig;
}
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(dir: string, file: string | null, extra: null): Promise<BuilderConfig>;
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

describe('electron-builder.yml', () => {
  it('passes electron-builder’s schema and covers Linux, Windows and macOS installers', async () => {
    const config = await getConfig(ROOT, null, null);
    await validateConfiguration(config, new DebugLogger(false));
    expect(config.productName).toBe('Rigshare');
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z]+)+$/);
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
  });

  it('ships the built app, unpacks native modules and runs the fuse hook', async () => {
    const config = await getConfig(ROOT, null, null);
    const files = config.files.flatMap((entry) => (typeof entry === 'string' ? [entry] : entry.filter));
    expect(files).toEqual(expect.arrayContaining(['out/**', 'resources/**', 'package.json']));
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/*.node', 'node_modules/better-sqlite3/**']));
    expect(config.extraResources).toEqual([expect.objectContaining({ from: 'resources/', to: 'resources/' })]);
    expect(config.afterPack).toBe('build/after-pack.cjs');
    expect(fs.existsSync(path.join(ROOT, config.afterPack))).toBe(true);
    for (const platform of ['linux', 'win', 'mac'] as const) {
      expect(fs.existsSync(path.join(ROOT, config[platform].icon))).toBe(true);
    }
    expect(fs.existsSync(path.join(ROOT, 'resources/icons/tray.png'))).toBe(true);
  });
});
