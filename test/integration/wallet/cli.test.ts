import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Wallet } from 'ethers';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { settlementOf } from '../../../coordinator/settlement/service';
import { NODE_KEY_FILE } from '../../../electron/core/identity/node-key';
import { encryptSigner } from '../../../electron/core/wallet/keystore';
import { sealKeystore, type SecretBox } from '../../../electron/core/wallet/secret-box';
import { REPO_ROOT } from '../../helpers/test-env';
import { paidNetwork, type PaidNetwork } from '../chain/harness';

const exec = promisify(execFile);
const CLI = path.join(REPO_ROOT, 'bin/rigshare.js');

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `rigshare wallet ...` as a user would, with stdin closed (never a terminal). */
async function wallet(dataDir: string, args: string[]): Promise<Ran> {
  const child = exec(process.execPath, [CLI, 'wallet', ...args, '--data-dir', dataDir], { timeout: 60_000 });
  child.child.stdin!.end();
  try {
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout: string; stderr: string; killed?: boolean };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function writeSettings(dataDir: string, payouts: Record<string, unknown>): void {
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(
    path.join(dataDir, 'settings.json'),
    JSON.stringify({ payouts: { networkUrl: null, chain: null, slaTier: 'bronze', ...payouts } }),
  );
}

/** A loopback port with nothing listening: a chain RPC that is down. */
async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

function sha(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

const dirs: string[] = [];
function dataDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-wallet-cli-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('rigshare wallet on a fresh data dir', () => {
  it('has no address until one is set, then `watch` sets it and `address --json` prints it', async () => {
    const dir = dataDir();
    const none = await wallet(dir, ['address']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/No wallet yet: run `rigshare wallet create`/);

    const payout = Wallet.createRandom().address;
    const watched = await wallet(dir, ['watch', payout.toLowerCase()]);
    expect(watched.code).toBe(0);
    expect(watched.stdout.trim()).toBe(`Payouts go to ${payout}`);

    const shown = await wallet(dir, ['address', '--json']);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toEqual({
      kind: 'watch-only',
      address: payout,
      backupConfirmed: true,
      payoutAddress: payout,
      backupChallenge: [],
    });
    expect((await wallet(dir, ['address'])).stdout.trim()).toBe(payout);
  });

  it('`payouts --json` prints an empty array, and the plain form says there are none', async () => {
    const dir = dataDir();
    const json = await wallet(dir, ['payouts', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([]);
    const plain = await wallet(dir, ['payouts']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toBe('No payouts yet.\n');
  });

  it('`balance` without a chain says none is configured and exits 2', async () => {
    const dir = dataDir();
    const plain = await wallet(dir, ['balance']);
    expect(plain.code).toBe(2);
    expect(plain.stdout.trim()).toBe('No chain is configured for payouts yet.');
    const json = await wallet(dir, ['balance', '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ chain: 'unconfigured', native: null, token: null });
  });

  it('a malformed address is refused with a clear error, a non-zero exit, and nothing written', async () => {
    const dir = dataDir();
    for (const bad of ['0xnot-an-address', '0x1234', 'hello', `0x${'g'.repeat(40)}`]) {
      const res = await wallet(dir, ['watch', bad]);
      expect(res.code).toBe(1);
      expect(res.stderr).toContain(`"${bad}" is not an Ethereum address (0x followed by 40 hex characters).`);
      expect(res.stdout).toBe('');
    }
    expect(fs.existsSync(path.join(dir, 'wallet', 'wallet.json'))).toBe(false);
    expect((await wallet(dir, ['address'])).code).toBe(1);
  });

  it('a missing address argument is a usage error', async () => {
    const res = await wallet(dataDir(), ['watch']);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/missing required argument 'address'/);
  });
});

describe('rigshare wallet import from a pipe (a headless rig set up by a script)', () => {
  it('reads the key and both password prompts from successive piped lines', async () => {
    const dir = dataDir();
    const key = Wallet.createRandom();
    const child = exec(process.execPath, [CLI, 'wallet', 'import', '--data-dir', dir], { timeout: 90_000 });
    child.child.stdin!.end(`${key.privateKey}\ncorrect horse battery\ncorrect horse battery\n`);
    const { stdout } = await child;
    expect(stdout).toContain(`Imported ${key.address}`);
    const shown = await wallet(dir, ['address', '--json']);
    expect(JSON.parse(shown.stdout)).toMatchObject({ kind: 'private-key', address: key.address });
    const onDisk = fs
      .readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => fs.statSync(path.join(dir, f)).isFile())
      .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
      .join('\n');
    expect(onDisk).not.toContain(key.privateKey.slice(2));
  });

  it('refuses a password confirmation that does not match, and writes no wallet', async () => {
    const dir = dataDir();
    const child = exec(process.execPath, [CLI, 'wallet', 'import', '--data-dir', dir], { timeout: 60_000 });
    child.child.stdin!.end(`${Wallet.createRandom().privateKey}\ncorrect horse battery\nwrong horse battery\n`);
    const failed = await child.then(
      () => null,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed?.code).not.toBe(0);
    expect(failed?.stderr).toMatch(/match/i);
    expect((await wallet(dir, ['address'])).code).toBe(1);
  });
});

describe('rigshare wallet with the chain RPC down', () => {
  it('`balance` names the RPC that did not answer and exits 2; `payouts` still answers', async () => {
    const dir = dataDir();
    const rpcUrl = `http://127.0.0.1:${await deadPort()}`;
    writeSettings(dir, {
      chain: {
        rpcUrl,
        chainId: 31337,
        token: { address: Wallet.createRandom().address, symbol: 'USDC', decimals: 6 },
        treasury: Wallet.createRandom().address,
        fromBlock: 0,
        confirmations: 3,
        explorerTxUrl: null,
      },
    });
    expect((await wallet(dir, ['watch', Wallet.createRandom().address])).code).toBe(0);

    const plain = await wallet(dir, ['balance']);
    expect(plain.code).toBe(2);
    expect(plain.stdout).toContain(`The chain RPC at ${rpcUrl}`);
    expect(plain.stdout).toMatch(/did not answer \(ECONNREFUSED\)/);
    expect(plain.stdout).toMatch(/check the RPC URL in Settings or your connection/);

    const json = await wallet(dir, ['balance', '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ chain: 'unavailable', native: null, token: null, symbol: 'USDC' });

    const payouts = await wallet(dir, ['payouts', '--json']);
    expect(payouts.code).toBe(0);
    expect(JSON.parse(payouts.stdout)).toEqual([]);
    // The plain form says why nothing could be checked, on stderr.
    expect((await wallet(dir, ['payouts'])).stderr).toContain(`The chain RPC at ${rpcUrl}`);
  });
});

describe('rigshare wallet on a keystore sealed by the desktop app', () => {
  it('still shows its address, and refuses to set up another wallet over it; the file is unchanged', async () => {
    const dir = dataDir();
    // What the desktop app writes with an OS keychain: the box stands in for safeStorage.
    const osKey = crypto.randomBytes(32);
    const box: SecretBox = {
      available: true,
      backend: 'gnome_libsecret',
      encrypt: (plain) => {
        const iv = crypto.randomBytes(12);
        const c = crypto.createCipheriv('aes-256-gcm', osKey, iv);
        return Buffer.concat([iv, c.update(plain), c.final(), c.getAuthTag()]);
      },
      decrypt: () => {
        throw new Error('not used');
      },
    };
    const key = Wallet.createRandom();
    const walletDir = path.join(dir, 'wallet');
    fs.mkdirSync(walletDir, { recursive: true });
    const keystore = path.join(walletDir, 'keystore.json');
    fs.writeFileSync(
      keystore,
      sealKeystore(await encryptSigner(key, 'a long password', { insecureTestScryptN: 2 ** 10 }), key.address, box),
    );
    fs.writeFileSync(
      path.join(walletDir, 'wallet.json'),
      JSON.stringify({
        kind: 'mnemonic',
        address: key.address,
        createdAt: 1,
        backupConfirmed: false,
        backupChallenge: [0, 1, 2],
      }),
    );
    const before = sha(keystore);

    const shown = await wallet(dir, ['address', '--json']);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ address: key.address, kind: 'mnemonic', backupConfirmed: false });

    // Setting up another wallet over it is refused: the sealed key is never replaced.
    const watch = await wallet(dir, ['watch', Wallet.createRandom().address]);
    expect(watch.code).toBe(1);
    expect(watch.stderr).toMatch(/already holds a wallet key/);
    expect(sha(keystore)).toBe(before);
    expect(fs.readdirSync(walletDir).sort()).toEqual(['keystore.json', 'wallet.json']);
  });
});

describe('rigshare wallet against a paying network on a local chain', () => {
  let paid: PaidNetwork;
  let dir: string;
  let owed: number;

  beforeAll(async () => {
    paid = await paidNetwork();
    await paid.runJobs(2);
    owed = paid.earnings.all().reduce((s, e) => s + e.net, 0);
    const s = settlementOf(paid.coord.ctx)!;
    expect((await s.settleNow()).confirmed).toHaveLength(1);
    await s.dev!.mine(4);
    // The node's own data dir: its ledger (with the earnings) and its identity key.
    dir = paid.ledgerDir;
    fs.writeFileSync(path.join(dir, NODE_KEY_FILE), `${paid.identity.privateKey}\n`, { mode: 0o600 });
    writeSettings(dir, { networkUrl: paid.coord.url });
  });
  afterAll(async () => {
    await paid?.close();
  });

  it('fetches the statement, checks it three ways, and `payouts --json` prints it verified', async () => {
    expect((await wallet(dir, ['watch', paid.payout.address])).code).toBe(0);
    const res = await wallet(dir, ['payouts', '--json']);
    expect(res.code).toBe(0);
    const rows = JSON.parse(res.stdout) as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0]!).sort()).toEqual(['amount', 'statementId', 'status', 'token', 'txHash']);
    expect(rows[0]).toMatchObject({ amount: owed, token: paid.chainConfig.token.symbol, status: 'verified' });
    expect(rows[0]!.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect((await wallet(dir, ['payouts'])).stdout).toMatch(
      new RegExp(`^verified .*${rows[0]!.statementId as string}`),
    );
  });

  it('`balance --json` reads the token balance from the chain', async () => {
    const res = await wallet(dir, ['balance', '--json']);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({
      chain: 'ok',
      message: null,
      symbol: paid.chainConfig.token.symbol,
      decimals: paid.chainConfig.token.decimals,
      token: String(owed),
    });
  });

  it('with the RPC then down, `balance` says so and exits 2, and `payouts` keeps the last verdict', async () => {
    const rpcUrl = `http://127.0.0.1:${await deadPort()}`;
    const c = paid.chainConfig;
    writeSettings(dir, {
      networkUrl: paid.coord.url,
      chain: {
        rpcUrl,
        chainId: c.chainId,
        token: c.token,
        treasury: c.treasury,
        fromBlock: c.fromBlock,
        confirmations: c.finality.mode === 'confirmations' ? c.finality.confirmations : 1,
        explorerTxUrl: null,
      },
    });
    const balance = await wallet(dir, ['balance']);
    expect(balance.code).toBe(2);
    expect(balance.stdout).toContain(`The chain RPC at ${rpcUrl}`);
    const res = await wallet(dir, ['payouts', '--json']);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject([{ amount: owed, status: 'verified' }]);
  });
});
