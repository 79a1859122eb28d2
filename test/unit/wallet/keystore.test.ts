import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HDNodeWallet, Wallet } from 'ethers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WalletError } from '../../../electron/core/wallet/errors';
import { PRODUCTION_SCRYPT_N, encryptSigner } from '../../../electron/core/wallet/keystore';
import { WalletService } from '../../../electron/core/wallet/service';
import { scrubText } from '../../../electron/core/log/scrub';

const TEST_N = 2 ** 10;
let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-wallet-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function service(): WalletService {
  return new WalletService({ dataDir: dir, keystore: { insecureTestScryptN: TEST_N } });
}

function sha(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(WalletError);
    return (err as WalletError).code;
  }
  throw new Error('expected a WalletError');
}

describe('wallet creation and backup', () => {
  it('creates a BIP-39 wallet whose words reproduce the address and are not stored in the clear', async () => {
    const w = service();
    const progress: number[] = [];
    const { info, mnemonic } = await w.create('correct horse battery', (f) => progress.push(f));
    expect(mnemonic.split(' ')).toHaveLength(12);
    expect(HDNodeWallet.fromPhrase(mnemonic).address).toBe(info.address);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(1);
    const onDisk = fs
      .readdirSync(w.paths.dir)
      .map((f) => fs.readFileSync(path.join(w.paths.dir, f), 'utf8'))
      .join('\n');
    expect(onDisk).not.toContain(mnemonic);
    expect(onDisk.toLowerCase()).not.toContain(HDNodeWallet.fromPhrase(mnemonic).privateKey.slice(2));
    expect(fs.statSync(w.paths.keystore).mode & 0o777).toBe(0o600);
  });

  it('withholds the payout address until the chosen words are re-entered correctly', async () => {
    const w = service();
    const { info, mnemonic } = await w.create('correct horse battery');
    expect(info.backupConfirmed).toBe(false);
    expect(info.payoutAddress).toBeNull();
    expect(info.backupChallenge).toHaveLength(3);
    const words = mnemonic.split(' ');
    const wrong = Object.fromEntries(info.backupChallenge.map((n) => [n, words[n % 12]!]));
    expect(await codeOf(w.confirmBackup('correct horse battery', wrong))).toBe('backup_mismatch');
    expect(w.payoutAddress()).toBeNull();
    const right = Object.fromEntries(info.backupChallenge.map((n) => [n, ` ${words[n - 1]!.toUpperCase()} `]));
    expect(await codeOf(w.confirmBackup('wrong password!', right))).toBe('wrong_password');
    const done = await w.confirmBackup('correct horse battery', right);
    expect(done.backupConfirmed).toBe(true);
    expect(w.payoutAddress()).toBe(info.address);
  });

  it('refuses to replace a healthy wallet', async () => {
    const w = service();
    await w.create('correct horse battery');
    expect(await codeOf(w.create('another password'))).toBe('exists');
    expect(() => w.watch(Wallet.createRandom().address)).toThrow(WalletError);
  });

  it('uses scrypt N = 2^17 unless a test asks for less by name', async () => {
    const json = JSON.parse(await encryptSigner(Wallet.createRandom(), 'pw', { insecureTestScryptN: TEST_N })) as {
      Crypto: { kdfparams: { n: number } };
    };
    expect(json.Crypto.kdfparams.n).toBe(TEST_N);
    expect(PRODUCTION_SCRYPT_N).toBe(131072);
    const prod = new WalletService({ dataDir: dir });
    await prod.importPrivateKey(Wallet.createRandom().privateKey, 'long enough password');
    const stored = JSON.parse(fs.readFileSync(prod.paths.keystore, 'utf8')) as { Crypto: { kdfparams: { n: number } } };
    expect(stored.Crypto.kdfparams.n).toBe(131072);
  });
});

describe('imports and watch-only', () => {
  it('imports a mnemonic and a private key to the same address they derive', async () => {
    const source = Wallet.createRandom();
    const a = service();
    const info = await a.importMnemonic(`  ${source.mnemonic!.phrase.toUpperCase()} `, 'password123');
    expect(info.address).toBe(source.address);
    expect(info.payoutAddress).toBe(source.address);
    fs.rmSync(a.paths.dir, { recursive: true });
    const key = Wallet.createRandom();
    expect((await service().importPrivateKey(key.privateKey.slice(2), 'password123')).address).toBe(key.address);
  });

  it('rejects invalid words, keys, addresses and short passwords', async () => {
    const w = service();
    expect(
      await codeOf(
        w.importMnemonic(
          'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon',
          'password123',
        ),
      ),
    ).toBe('bad_mnemonic');
    expect(await codeOf(w.importPrivateKey('0x1234', 'password123'))).toBe('bad_key');
    expect(await codeOf(w.create('short'))).toBe('weak_password');
    expect(() => w.watch('0xnot-an-address')).toThrow(/not an Ethereum address/);
    expect(w.state().state).toBe('none');
  });

  it('a watch-only address receives payouts but can sign nothing', async () => {
    const w = service();
    const addr = Wallet.createRandom().address.toLowerCase();
    const info = w.watch(addr);
    expect(info.kind).toBe('watch-only');
    expect(info.payoutAddress).toBe(info.address);
    expect(info.address.toLowerCase()).toBe(addr);
    expect(await codeOf(w.unlock('password123'))).toBe('watch_only');
  });
});

describe('faults: wrong password and a damaged keystore', () => {
  it('a wrong password says so and leaves the key file byte for byte unchanged', async () => {
    const w = service();
    const key = Wallet.createRandom();
    await w.importPrivateKey(key.privateKey, 'the right password');
    const before = sha(w.paths.keystore);
    const err = await w.unlock('the wrong password').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WalletError);
    expect((err as WalletError).code).toBe('wrong_password');
    expect((err as Error).message).toMatch(/Wrong wallet password/);
    expect(sha(w.paths.keystore)).toBe(before);
    await w.unlock('the right password');
    const sig = await w.signMessage('hello');
    expect(sig).toBe(await key.signMessage('hello'));
  });

  it('a damaged keystore is reported clearly, never overwritten, and moved aside only when a wallet is restored', async () => {
    const w = service();
    const source = Wallet.createRandom();
    await w.importMnemonic(source.mnemonic!.phrase, 'the right password');
    const text = fs.readFileSync(w.paths.keystore, 'utf8');
    // Still JSON, but its cipher parameters are gone: it cannot be decrypted with any password.
    const parsed = JSON.parse(text) as { Crypto: Record<string, unknown> };
    delete parsed.Crypto.cipherparams;
    fs.writeFileSync(w.paths.keystore, JSON.stringify(parsed));
    const before = sha(w.paths.keystore);
    const err = await w.unlock('the right password').catch((e: unknown) => e);
    expect((err as WalletError).code).toBe('corrupt_keystore');
    expect(sha(w.paths.keystore)).toBe(before);

    // Truncated: not a keystore any more.
    fs.writeFileSync(w.paths.keystore, text.slice(0, 60));
    const truncated = sha(w.paths.keystore);
    expect(w.state().state).toBe('corrupt');
    const err2 = await w.unlock('the right password').catch((e: unknown) => e);
    expect((err2 as WalletError).code).toBe('corrupt_keystore');
    expect((err2 as Error).message).toContain(w.paths.keystore);
    expect((err2 as Error).message).toMatch(/left untouched/);
    expect(sha(w.paths.keystore)).toBe(truncated);

    // Restoring keeps the damaged file aside under a dated name.
    const restored = await w.importMnemonic(source.mnemonic!.phrase, 'the right password');
    expect(restored.address).toBe(source.address);
    const aside = fs.readdirSync(w.paths.dir).filter((f) => f.startsWith('keystore.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(sha(path.join(w.paths.dir, aside[0]!))).toBe(truncated);
  });
});

describe('secrets stay out of logs', () => {
  it('a password used to import is scrubbed, and so are the words', async () => {
    const w = service();
    const source = Wallet.createRandom();
    await w.importMnemonic(source.mnemonic!.phrase, 'a very particular password');
    expect(scrubText(`unlock failed for a very particular password`)).not.toContain('a very particular password');
    expect(scrubText(`words: ${source.mnemonic!.phrase}`)).not.toContain(source.mnemonic!.phrase);
    expect(scrubText(`key ${source.privateKey}`)).not.toContain(source.privateKey.slice(2));
  });
});
