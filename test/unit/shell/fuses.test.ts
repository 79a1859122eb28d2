import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { FuseV1Options, FuseVersion, getCurrentFuseWire } from '@electron/fuses';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

interface PackContext {
  appOutDir: string;
  electronPlatformName: string;
  packager: { appInfo: { productFilename: string }; executableName?: string };
}
interface AfterPackModule {
  (context: PackContext): Promise<void>;
  FUSE_CONFIG: Record<string, unknown>;
  executablePath(context: PackContext): string;
  fuseConfigFor(context: PackContext): Record<string, unknown>;
}

const hook = createRequire(import.meta.url)('../../../build/after-pack.cjs') as AfterPackModule;

// A fuse is an ASCII '0' (off) or '1' (on) in the binary's fuse wire.
const FuseState = { DISABLE: '0'.charCodeAt(0), ENABLE: '1'.charCodeAt(0) };
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
// Electron 41's shipped wire: RunAsNode, NodeOptions, NodeCliInspect and GrantFileProtocol on.
const SHIPPED_WIRE = '10110001';

/** A stand-in for the Electron executable: arbitrary bytes around a real fuse wire. */
function fakeElectronBinary(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const wire = Buffer.concat([
    Buffer.from(SENTINEL, 'ascii'),
    Buffer.from([1, SHIPPED_WIRE.length]),
    Buffer.from(SHIPPED_WIRE, 'ascii'),
  ]);
  fs.writeFileSync(file, Buffer.concat([Buffer.alloc(4096, 0x90), wire, Buffer.alloc(4096, 0xcc)]));
}

const context = (appOutDir: string, platform: string): PackContext => ({
  appOutDir,
  electronPlatformName: platform,
  packager: { appInfo: { productFilename: 'Rigshare' }, executableName: platform === 'linux' ? 'rigshare' : undefined },
});

let outDir: string;
beforeEach(() => {
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-pack-'));
});
afterEach(() => fs.rmSync(outDir, { recursive: true, force: true }));

describe('afterPack fuses', () => {
  it('turns off Node entry points and turns on asar-only loading with integrity checks', () => {
    expect(hook.FUSE_CONFIG.version).toBe(FuseVersion.V1);
    expect(hook.FUSE_CONFIG[FuseV1Options.RunAsNode]).toBe(false);
    expect(hook.FUSE_CONFIG[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(hook.FUSE_CONFIG[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(hook.FUSE_CONFIG[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(hook.FUSE_CONFIG[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
    expect(Object.isFrozen(hook.FUSE_CONFIG)).toBe(true);
  });

  it('finds the executable for each platform', () => {
    expect(hook.executablePath(context('/o', 'linux'))).toBe(path.join('/o', 'rigshare'));
    expect(hook.executablePath(context('/o', 'win32'))).toBe(path.join('/o', 'Rigshare.exe'));
    expect(hook.executablePath(context('/o', 'darwin'))).toBe(path.join('/o', 'Rigshare.app'));
    expect(hook.executablePath(context('/o', 'mas'))).toBe(path.join('/o', 'Rigshare.app'));
    expect(() => hook.executablePath(context('/o', 'plan9'))).toThrow(/plan9/);
    expect(hook.fuseConfigFor(context('/o', 'darwin')).resetAdHocDarwinSignature).toBe(true);
    expect(hook.fuseConfigFor(context('/o', 'linux')).resetAdHocDarwinSignature).toBe(false);
  });

  for (const platform of ['linux', 'win32']) {
    it(`flips the fuses in the packaged ${platform} executable and leaves the others alone`, async () => {
      const ctx = context(outDir, platform);
      const binary = hook.executablePath(ctx);
      fakeElectronBinary(binary);
      const before = fs.readFileSync(binary);
      await hook(ctx);
      const wire = await getCurrentFuseWire(binary);
      expect(wire[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
      expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(FuseState.DISABLE);
      expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(FuseState.DISABLE);
      expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(FuseState.ENABLE);
      expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.ENABLE);
      // Fuses it does not configure keep Electron's shipped value.
      expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(FuseState.DISABLE);
      expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(FuseState.ENABLE);
      // Only the wire changed: same size, same bytes elsewhere.
      const after = fs.readFileSync(binary);
      expect(after.length).toBe(before.length);
      const changed = [...after.keys()].filter((i) => after[i] !== before[i]);
      const wireStart = before.indexOf(SENTINEL) + SENTINEL.length + 2;
      for (const i of changed) expect(i - wireStart).toBeGreaterThanOrEqual(0);
      for (const i of changed) expect(i - wireStart).toBeLessThan(SHIPPED_WIRE.length);
    });
  }

  it('fails the build when the executable is not where it should be', async () => {
    await expect(hook(context(outDir, 'linux'))).rejects.toThrow();
  });
});
