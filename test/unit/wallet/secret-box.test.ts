import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Wallet, isKeystoreJson } from 'ethers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WalletError } from '../../../electron/core/wallet/errors';
import { encryptSigner } from '../../../electron/core/wallet/keystore';
import {
  SEALED_FORMAT,
  classifyKeystoreText,
  sealKeystore,
  type SecretBox,
} from '../../../electron/core/wallet/secret-box';
import { WalletService } from '../../../electron/core/wallet/service';

const TEST_N = 2 ** 10;
const PASSWORD = 'the right password';
let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-sealed-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** An OS keychain stand-in: AES-256-GCM under a key only this box holds, and a count of its uses. */
class FakeBox implements SecretBox {
  readonly key = crypto.randomBytes(32);
  encrypted = 0;
  decrypted = 0;
  constructor(
    public available = true,
    readonly backend = 'gnome_libsecret',
  ) {}
  encrypt(plain: Buffer): Buffer {
    this.encrypted++;
    const iv = crypto.randomBytes(12);
    const c = crypto.createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([c.update(plain), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]);
  }
  decrypt(sealed: Buffer): Buffer {
    this.decrypted++;
    const d = crypto.createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, 12));
    d.setAuthTag(sealed.subarray(12, 28));
    return Buffer.concat([d.update(sealed.subarray(28)), d.final()]);
  }
}

function service(secretBox?: SecretBox): WalletService {
  return new WalletService({ dataDir: dir, keystore: { insecureTestScryptN: TEST_N }, secretBox });
}

function sha(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

async function failure(p: Promise<unknown>): Promise<WalletError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WalletError);
  return err as WalletError;
}

describe('a keystore sealed by the OS box', () => {
  it('is written sealed, says so, and round-trips through the same box to the same key', async () => {
    const box = new FakeBox();
    const key = Wallet.createRandom();
    const info = await service(box).importPrivateKey(key.privateKey, PASSWORD);
    const w = service(box);
    const text = fs.readFileSync(w.paths.keystore, 'utf8');

    expect(box.encrypted).toBe(1);
    expect(isKeystoreJson(text)).toBe(false);
    const file = JSON.parse(text) as Record<string, unknown>;
    expect(file.format).toBe(SEALED_FORMAT);
    expect(file.backend).toBe('gnome_libsecret');
    expect(file.address).toBe(key.address);
    // Neither the key nor the inner keystore's cipher text shows through the seal.
    expect(text.toLowerCase()).not.toContain(key.privateKey.slice(2).toLowerCase());
    expect(text).not.toContain('"Crypto"');
    expect(fs.statSync(w.paths.keystore).mode & 0o777).toBe(0o600);

    expect(w.state()).toMatchObject({ state: 'ready', info: { address: info.address } });
    await w.unlock(PASSWORD);
    expect(box.decrypted).toBe(1);
    expect(await w.signMessage('hello')).toBe(await key.signMessage('hello'));
  });

  it('keeps the mnemonic through the seal', async () => {
    const box = new FakeBox();
    const { info, mnemonic } = await service(box).create(PASSWORD);
    const words = mnemonic.split(' ');
    const answers = Object.fromEntries(info.backupChallenge.map((n) => [n, words[n - 1]!]));
    expect((await service(box).confirmBackup(PASSWORD, answers)).backupConfirmed).toBe(true);
  });

  it('with the password wrong still says "wrong password", and the file is unchanged', async () => {
    const box = new FakeBox();
    const w = service(box);
    await w.importPrivateKey(Wallet.createRandom().privateKey, PASSWORD);
    const before = sha(w.paths.keystore);
    expect((await failure(w.unlock('not the password'))).code).toBe('wrong_password');
    expect(sha(w.paths.keystore)).toBe(before);
  });
});

describe('a sealed keystore where the box is missing or wrong', () => {
  it('without a box (headless on the same data dir) names the desktop keychain, leaves the file, and refuses to replace it', async () => {
    const box = new FakeBox();
    const key = Wallet.createRandom();
    await service(box).importPrivateKey(key.privateKey, PASSWORD);
    const headless = service();
    const before = sha(headless.paths.keystore);

    // The address still shows: the wallet is healthy, only sealed elsewhere.
    expect(headless.state()).toMatchObject({ state: 'ready', info: { address: key.address } });
    const err = await failure(headless.unlock(PASSWORD));
    expect(err.code).toBe('os_sealed');
    expect(err.message).toMatch(/protected by the desktop app's OS keychain \(gnome_libsecret\)/);
    expect(err.message).toMatch(/Open the Rigshare desktop app/);
    expect(err.message).not.toMatch(/JSON|Unexpected token|damaged/);
    expect(sha(headless.paths.keystore)).toBe(before);

    // Importing over it is refused: a sealed key is never moved aside or overwritten.
    expect((await failure(headless.importPrivateKey(Wallet.createRandom().privateKey, PASSWORD))).code).toBe('exists');
    expect(() => headless.watch(Wallet.createRandom().address)).toThrow(WalletError);
    expect(fs.readdirSync(headless.paths.dir).sort()).toEqual(['keystore.json', 'wallet.json']);
    expect(sha(headless.paths.keystore)).toBe(before);
  });

  it('with the address only in the sealed file (no wallet.json) still reports the address', async () => {
    const box = new FakeBox();
    const key = Wallet.createRandom();
    const w = service(box);
    await w.importPrivateKey(key.privateKey, PASSWORD);
    fs.rmSync(w.paths.meta);
    expect(service().state()).toMatchObject({ state: 'ready', info: { address: key.address } });
  });

  it('with a box that is present but unavailable (no OS store) gives the same clear error and never calls it', async () => {
    const box = new FakeBox();
    const w = service(box);
    await w.importPrivateKey(Wallet.createRandom().privateKey, PASSWORD);
    box.available = false;
    const before = sha(w.paths.keystore);
    expect((await failure(w.unlock(PASSWORD))).code).toBe('os_sealed');
    expect(box.decrypted).toBe(0);
    expect(sha(w.paths.keystore)).toBe(before);
  });

  it('with another keychain (a different key) says the keychain could not unseal it, and the file is unchanged', async () => {
    await service(new FakeBox()).importPrivateKey(Wallet.createRandom().privateKey, PASSWORD);
    const other = service(new FakeBox());
    const before = sha(other.paths.keystore);
    const err = await failure(other.unlock(PASSWORD));
    expect(err.code).toBe('os_sealed');
    expect(err.message).toMatch(/could not unseal/);
    expect(err.message).toMatch(/left untouched/);
    expect(sha(other.paths.keystore)).toBe(before);
  });

  it('whose sealed contents belong to another address is reported as damaged, not used', async () => {
    const box = new FakeBox();
    const w = service(box);
    const mine = Wallet.createRandom();
    await w.importPrivateKey(mine.privateKey, PASSWORD);
    const swapped = sealKeystore(
      await encryptSigner(Wallet.createRandom(), PASSWORD, { insecureTestScryptN: TEST_N }),
      mine.address,
      box,
    );
    fs.writeFileSync(w.paths.keystore, swapped);
    const before = sha(w.paths.keystore);
    expect((await failure(w.unlock(PASSWORD))).code).toBe('corrupt_keystore');
    expect(sha(w.paths.keystore)).toBe(before);
  });

  it('a damaged sealed wrapper is reported as a damaged file, not a keychain problem', async () => {
    const box = new FakeBox();
    const w = service(box);
    await w.importPrivateKey(Wallet.createRandom().privateKey, PASSWORD);
    const file = JSON.parse(fs.readFileSync(w.paths.keystore, 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(w.paths.keystore, JSON.stringify({ ...file, sealed: '%%%not base64%%%' }));
    expect(w.state().state).toBe('corrupt');
    expect((await failure(w.unlock(PASSWORD))).code).toBe('corrupt_keystore');
  });
});

describe('when the box does not seal', () => {
  it('an unavailable box leaves the keystore as plain ethers JSON, readable headless', async () => {
    const box = new FakeBox(false, 'none');
    const key = Wallet.createRandom();
    const w = service(box);
    await w.importPrivateKey(key.privateKey, PASSWORD);
    expect(box.encrypted).toBe(0);
    expect(isKeystoreJson(fs.readFileSync(w.paths.keystore, 'utf8'))).toBe(true);
    await service().unlock(PASSWORD);
  });

  it('a plain keystore written headless opens in the desktop app too', async () => {
    const key = Wallet.createRandom();
    await service().importPrivateKey(key.privateKey, PASSWORD);
    const box = new FakeBox();
    const w = service(box);
    await w.unlock(PASSWORD);
    expect(box.decrypted).toBe(0);
    expect(await w.signMessage('x')).toBe(await key.signMessage('x'));
  });

  it('a box that hands the data back unsealed is refused and nothing is written', async () => {
    const liar: SecretBox = {
      available: true,
      backend: 'gnome_libsecret',
      encrypt: (b) => Buffer.from(b),
      decrypt: (b) => b,
    };
    const w = service(liar);
    await expect(w.importPrivateKey(Wallet.createRandom().privateKey, PASSWORD)).rejects.toThrow(/unsealed/);
    expect(fs.existsSync(w.paths.keystore)).toBe(false);
    expect(w.state().state).toBe('none');
  });
});

describe('classifyKeystoreText', () => {
  it('tells plain, sealed and damaged apart', async () => {
    const key = Wallet.createRandom();
    const plain = await encryptSigner(key, PASSWORD, { insecureTestScryptN: TEST_N });
    expect(classifyKeystoreText(plain)).toEqual({ kind: 'plain', address: key.address });
    expect(classifyKeystoreText(sealKeystore(plain, key.address, new FakeBox())).kind).toBe('sealed');
    for (const bad of [
      '',
      '{',
      'null',
      '{"format":"rigshare-os-sealed-keystore"}',
      JSON.stringify({ format: SEALED_FORMAT, version: 1, backend: 'x', address: 'nope', sealed: 'AA==' }),
    ]) {
      expect(classifyKeystoreText(bad).kind).toBe('damaged');
    }
  });
});
