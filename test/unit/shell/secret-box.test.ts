import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Wallet, isKeystoreJson } from 'ethers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WalletError } from '../../../electron/core/wallet/errors';
import { encryptSigner } from '../../../electron/core/wallet/keystore';
import { SEALED_FORMAT, sealKeystore } from '../../../electron/core/wallet/secret-box';
import { WalletService } from '../../../electron/core/wallet/service';
import { osBackend, safeStorageBox } from '../../../electron/main/secret-box';
import type { ShellPaths } from '../../../electron/main/paths';
import * as electron from './fake-electron';

/**
 * Electron's safeStorage, as the shell sees it. Like the real one it encrypts whatever backend
 * it has, basic_text included (whose key sits in the clear): refusing that is the shell's job.
 */
const safeStorage = vi.hoisted(() => {
  const state = { available: true, backend: 'gnome_libsecret' as string, encrypted: 0, decrypted: 0 };
  return {
    state,
    isEncryptionAvailable: () => state.available,
    getSelectedStorageBackend: () => state.backend as 'gnome_libsecret',
    encryptString(text: string): Buffer {
      state.encrypted++;
      return Buffer.from(`sealed:${state.backend}:${[...text].reverse().join('')}`);
    },
    decryptString(data: Buffer): string {
      state.decrypted++;
      const prefix = `sealed:${state.backend}:`;
      const s = data.toString();
      if (!s.startsWith(prefix))
        throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return [...s.slice(prefix.length)].reverse().join('');
    },
  };
});

vi.mock('electron', async () => ({ ...(await import('./fake-electron')), safeStorage }));
vi.hoisted(() => {
  process.env.ELECTRON_OVERRIDE_DIST_PATH ??= '/nonexistent-electron-dist';
});

const { startDesktop } = await import('../../../electron/main/desktop');

const TEST_N = 2 ** 10;
const PASSWORD = 'the right password';
let root: string;
let dataDir: string;

beforeEach(() => {
  electron.resetFakeElectron();
  Object.assign(safeStorage.state, { available: true, backend: 'gnome_libsecret', encrypted: 0, decrypted: 0 });
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-safestorage-'));
  dataDir = path.join(root, 'data');
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function wallet(box = safeStorageBox()): WalletService {
  return new WalletService({ dataDir, keystore: { insecureTestScryptN: TEST_N }, secretBox: box });
}

describe('which safeStorage backends count as an OS keychain', () => {
  it.each([
    ['linux', true, 'gnome_libsecret', 'gnome_libsecret'],
    ['linux', true, 'kwallet5', 'kwallet5'],
    ['linux', true, 'basic_text', null],
    ['linux', true, 'unknown', null],
    ['linux', false, 'gnome_libsecret', null],
    ['darwin', true, 'unknown', 'keychain'],
    ['win32', true, 'unknown', 'dpapi'],
    ['win32', false, 'unknown', null],
  ] as const)('%s, available=%s, backend %s -> %s', (platform, available, backend, expected) => {
    safeStorage.state.available = available;
    safeStorage.state.backend = backend;
    expect(osBackend(safeStorage, platform)).toBe(expected);
  });
});

describe('the safeStorage box from the electron module', () => {
  it('with basic_text on Linux is not available, refuses to seal, and the keystore stays plain ethers JSON', async () => {
    safeStorage.state.backend = 'basic_text';
    const box = safeStorageBox(undefined, 'linux');
    expect(box.available).toBe(false);
    expect(() => box.encrypt(Buffer.from('secret'))).toThrow(/No OS keychain/);
    expect(() => box.decrypt(Buffer.from('sealed:basic_text:x'))).toThrow(/No OS keychain/);

    const w = wallet(box);
    await w.importPrivateKey(Wallet.createRandom().privateKey, PASSWORD);
    expect(safeStorage.state.encrypted).toBe(0);
    expect(isKeystoreJson(fs.readFileSync(w.paths.keystore, 'utf8'))).toBe(true);
  });

  it('with libsecret seals the keystore through safeStorage and opens it again, bytes intact', async () => {
    const box = safeStorageBox(undefined, 'linux');
    expect(box.available).toBe(true);
    expect(box.backend).toBe('gnome_libsecret');
    const bytes = Buffer.from([0, 255, 10, 13, 128, 0x7f]);
    expect(box.decrypt(box.encrypt(bytes)).equals(bytes)).toBe(true);

    const key = Wallet.createRandom();
    const w = wallet(box);
    await w.importPrivateKey(key.privateKey, PASSWORD);
    expect(JSON.parse(fs.readFileSync(w.paths.keystore, 'utf8'))).toMatchObject({
      format: SEALED_FORMAT,
      backend: 'gnome_libsecret',
      address: key.address,
    });
    await w.unlock(PASSWORD);
    expect(await w.signMessage('m')).toBe(await key.signMessage('m'));
  });

  it('asks safeStorage on use, so a box made before the app is ready works once it is', () => {
    safeStorage.state.backend = 'unknown';
    const box = safeStorageBox(undefined, 'linux');
    expect(box.available).toBe(false);
    safeStorage.state.backend = 'kwallet6';
    expect(box.available).toBe(true);
    expect(box.backend).toBe('kwallet6');
  });
});

describe.runIf(process.platform === 'linux')('the desktop app hands the box to the agent', () => {
  const paths = (): ShellPaths => ({
    preload: path.join(root, 'out/preload/index.cjs'),
    rendererIndex: path.join(root, 'out/renderer/index.html'),
    resourcesDir: path.join(root, 'resources'),
    trayIcon: path.join(root, 'resources/icons/tray.png'),
    windowIcon: path.join(root, 'resources/icons/icon.png'),
  });

  async function sealedWalletOnDisk(): Promise<string> {
    const key = Wallet.createRandom();
    const file = path.join(dataDir, 'wallet', 'keystore.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const json = await encryptSigner(key, PASSWORD, { insecureTestScryptN: TEST_N });
    fs.writeFileSync(file, sealKeystore(json, key.address, safeStorageBox(undefined, 'linux')));
    return key.address;
  }

  async function desktopUnlock(): Promise<unknown> {
    const desktop = (await startDesktop({
      argv: ['/opt/Rigshare/rigshare', `--data-dir=${dataDir}`],
      env: {},
      paths: paths(),
    }))!;
    try {
      return await desktop.agent.wallet.wallet.unlock(PASSWORD).catch((e: unknown) => e);
    } finally {
      const quitted = once(electron.app, 'will-quit');
      electron.app.quit();
      await quitted;
    }
  }

  it('with a real OS keychain the desktop agent opens a sealed wallet through safeStorage', async () => {
    const address = await sealedWalletOnDisk();
    const before = safeStorage.state.decrypted;
    const result = await desktopUnlock();
    expect(result).toMatchObject({ address });
    expect(safeStorage.state.decrypted).toBe(before + 1);
  });

  it('with only basic_text the desktop agent never calls safeStorage and says the keychain is missing', async () => {
    await sealedWalletOnDisk();
    safeStorage.state.backend = 'basic_text';
    const before = safeStorage.state.decrypted;
    const result = await desktopUnlock();
    expect(result).toBeInstanceOf(WalletError);
    expect((result as WalletError).code).toBe('os_sealed');
    expect(safeStorage.state.decrypted).toBe(before);
  });
});
