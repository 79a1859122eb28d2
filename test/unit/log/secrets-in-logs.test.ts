import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Wallet } from 'ethers';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../electron/core/log/logger';
import { registerSecret, scrubText } from '../../../electron/core/log/scrub';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-log-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function logFileText(): Promise<string> {
  // rotating-file-stream writes asynchronously; wait until the last marker line lands.
  const file = path.join(dir, 'agent.log');
  for (let i = 0; i < 100; i += 1) {
    if (fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes('end-of-test')) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return fs.readFileSync(file, 'utf8');
}

describe('secrets never reach the log file', () => {
  it('redacts keys, mnemonics, tokens and passwords wherever they appear', async () => {
    const wallet = Wallet.createRandom();
    const phrase = wallet.mnemonic!.phrase;
    const token = 'dashboard-token-5c1f0e7a9b2d4c6e8f0a1b3c5d7e9f';
    registerSecret(token);
    const log = createLogger({ dir, name: 'agent', stdout: false });

    log.info({ privateKey: wallet.privateKey }, 'field named privateKey');
    log.info(`key inline ${wallet.privateKey} and bare ${wallet.privateKey.slice(2)}`);
    log.info({ wallet: { mnemonic: phrase } }, 'nested mnemonic field');
    log.warn(`user pasted: ${phrase}`);
    log.info({ password: 'hunter2-correct-horse' }, 'password field');
    log.info(`dashboard at http://127.0.0.1:7420/?token=${token}`);
    log.error({ err: new Error(`failed with ${wallet.privateKey}`) }, 'error object');
    log.info({ req: { headers: { authorization: `Bearer ${token}` } } }, 'request');
    log.info('end-of-test');

    const text = await logFileText();
    expect(text).not.toContain(wallet.privateKey.slice(2));
    expect(text).not.toContain(phrase);
    expect(text).not.toContain(phrase.split(' ').slice(0, 6).join(' '));
    expect(text).not.toContain(token);
    expect(text).not.toContain('hunter2-correct-horse');
    expect(text).toContain('[redacted');
    expect(text).toContain('user pasted');
  });

  it('keeps ordinary text, addresses and hashes shorter than a key', () => {
    const address = '0x52908400098527886E0F7030069857D2E4169EE7';
    expect(scrubText(`payout to ${address}`)).toBe(`payout to ${address}`);
    expect(scrubText('the quick brown fox jumps over the lazy dog')).toBe(
      'the quick brown fox jumps over the lazy dog',
    );
  });
});
