import readline from 'node:readline';
import type { Command } from 'commander';
import { formatUnits } from '../../../shared/protocol/money';
import { createLogger } from '../../core/log/logger';
import { createConfBackend } from '../../core/settings/backend';
import { SettingsService, settingsFilePath } from '../../core/settings/service';
import { WalletDesk } from '../../core/wallet/desk';
import { WalletError } from '../../core/wallet/errors';
import { addDataDirOption, resolveDataDir } from '../options';

function openDesk(dataDir: string): WalletDesk {
  const log = createLogger({ name: 'wallet', stdout: false });
  const settings = new SettingsService(
    settingsFilePath(dataDir),
    () => createConfBackend(dataDir),
    log,
    () => undefined,
  );
  return new WalletDesk({ dataDir, settings: () => settings.get(), perUsd: () => null });
}

async function withDesk<T>(dataDir: string | undefined, fn: (desk: WalletDesk) => Promise<T>): Promise<T> {
  const desk = openDesk(resolveDataDir(dataDir));
  try {
    return await fn(desk);
  } catch (err) {
    if (err instanceof WalletError) {
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 1;
      return undefined as T;
    }
    throw err;
  } finally {
    desk.close();
  }
}

let piped: { rl: readline.Interface; lines: AsyncIterator<string> } | null = null;

/**
 * The next line of piped input. One reader serves every prompt, because a reader per prompt
 * would swallow the lines buffered after its own and leave later prompts empty.
 */
async function nextPipedLine(): Promise<string> {
  if (!piped) {
    const rl = readline.createInterface({ input: process.stdin, terminal: false });
    piped = { rl, lines: rl[Symbol.asyncIterator]() };
    process.once('beforeExit', () => rl.close());
  }
  const next = await piped.lines.next();
  return next.done ? '' : next.value;
}

/** Reads a secret from the terminal without echoing it; from a pipe, reads the next line. */
async function askSecret(prompt: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) return nextPipedLine();
  process.stderr.write(prompt);
  return new Promise((resolve) => {
    let text = '';
    input.setRawMode(true);
    input.resume();
    const onData = (buf: Buffer): void => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          input.setRawMode(false);
          input.pause();
          input.off('data', onData);
          process.stderr.write('\n');
          resolve(text);
          return;
        }
        if (ch === '\u0003') process.exit(130);
        text = ch === '\u007f' ? text.slice(0, -1) : text + ch;
      }
    };
    input.on('data', onData);
  });
}

/** A new password is typed twice: a typo here would lock the owner out of their own key. */
async function askNewPassword(): Promise<string> {
  const password = await askSecret('New wallet password: ');
  const again = await askSecret('Repeat the password: ');
  if (password !== again) {
    throw new WalletError(
      'weak_password',
      'The two passwords do not match. Nothing was written; run the command again.',
    );
  }
  return password;
}

function progress(label: string): (f: number) => void {
  let last = -1;
  return (f) => {
    const pct = Math.floor(f * 10) * 10;
    if (pct !== last && process.stderr.isTTY) process.stderr.write(`\r${label} ${pct}%${f >= 1 ? '\n' : ''}`);
    last = pct;
  };
}

export function registerWalletCommand(program: Command): void {
  const wallet = program
    .command('wallet')
    .description('the payout wallet: address, balances and payouts checked against the ledger and the chain');

  addDataDirOption(
    wallet
      .command('address')
      .description('print the payout address')
      .option('--json', 'print {address, kind, backupConfirmed, payoutAddress}'),
  ).action(async (opts: { json?: boolean; dataDir?: string }) =>
    withDesk(opts.dataDir, async (desk) => {
      const s = desk.wallet.state();
      if (s.state !== 'ready') {
        process.stderr.write(
          `${s.state === 'corrupt' ? s.message : 'No wallet yet: run `rigshare wallet create`, `rigshare wallet import` or `rigshare wallet watch ADDRESS`.'}\n`,
        );
        process.exitCode = 1;
        return;
      }
      if (opts.json) process.stdout.write(`${JSON.stringify(s.info)}\n`);
      else
        process.stdout.write(
          `${s.info.address}${s.info.backupConfirmed ? '' : '  (backup not confirmed: run `rigshare wallet backup`)'}\n`,
        );
    }),
  );

  addDataDirOption(
    wallet
      .command('balance')
      .description('native and payout-token balances of the payout address')
      .option('--json', 'print the balances as JSON'),
  ).action(async (opts: { json?: boolean; dataDir?: string }) =>
    withDesk(opts.dataDir, async (desk) => {
      const v = await desk.view();
      const out = {
        chain: v.chain.state,
        message: v.chain.message,
        symbol: v.token.symbol,
        decimals: v.token.decimals,
        native: v.balances.native,
        token: v.balances.token,
        earnings: v.earnings,
      };
      if (opts.json) process.stdout.write(`${JSON.stringify(out)}\n`);
      else if (v.chain.state !== 'ok') process.stdout.write(`${v.chain.message}\n`);
      else {
        process.stdout.write(
          `${v.balances.token === null ? '?' : formatUnits(Number(v.balances.token), v.token.decimals)} ${v.token.symbol}\n`,
        );
        process.stdout.write(
          `${v.balances.native === null ? '?' : formatUnits(Number(BigInt(v.balances.native) / 10n ** 9n), 9)} native\n`,
        );
      }
      if (v.chain.state !== 'ok') process.exitCode = 2;
    }),
  );

  addDataDirOption(
    wallet
      .command('payouts')
      .description('every payout and its three-way check')
      .option('--json', 'print [{statementId, txHash, amount, token, status}]'),
  ).action(async (opts: { json?: boolean; dataDir?: string }) =>
    withDesk(opts.dataDir, async (desk) => {
      const v = await desk.view();
      const rows = v.payouts.map((p) => ({
        statementId: p.statementId,
        txHash: p.txHash,
        amount: p.amount,
        token: v.token.symbol,
        status: p.status,
      }));
      if (opts.json) process.stdout.write(`${JSON.stringify(rows)}\n`);
      else {
        if (v.chain.state !== 'ok' && v.chain.message) process.stderr.write(`${v.chain.message}\n`);
        if (rows.length === 0) process.stdout.write('No payouts yet.\n');
        for (const p of v.payouts) {
          const diff =
            p.status === 'mismatch'
              ? `  (${p.reasons.join(', ')}; ledger ${p.ledgerAmount}, chain ${p.chainAmount ?? 'none'})`
              : '';
          process.stdout.write(
            `${p.status.padEnd(9)} ${formatUnits(p.amount, v.token.decimals)} ${v.token.symbol}  ${p.statementId}  ${p.txHash}${diff}\n`,
          );
        }
      }
    }),
  );

  addDataDirOption(
    wallet.command('create').description('create a wallet; its recovery words are shown once, here, in this terminal'),
  ).action(async (opts: { dataDir?: string }) =>
    withDesk(opts.dataDir, async (desk) => {
      const password = await askNewPassword();
      const { info, mnemonic } = await desk.wallet.create(password, progress('Encrypting'));
      process.stdout.write(
        `Address: ${info.address}\n\nWrite these words down, in order. They are shown only now:\n\n`,
      );
      mnemonic.split(' ').forEach((w, i) => process.stdout.write(`${String(i + 1).padStart(2)}. ${w}\n`));
      process.stdout.write(
        `\nThen confirm words ${info.backupChallenge.join(', ')} with \`rigshare wallet backup\` or on the Wallet page before the first payout.\n`,
      );
    }),
  );

  addDataDirOption(
    wallet
      .command('import')
      .description('import recovery words or a private key (read from the terminal, never from arguments)'),
  ).action(async (opts: { dataDir?: string }) =>
    withDesk(opts.dataDir, async (desk) => {
      const secret = (await askSecret('Recovery words or private key: ')).trim();
      const password = await askNewPassword();
      const info = /^(0x)?[0-9a-fA-F]{64}$/.test(secret)
        ? await desk.wallet.importPrivateKey(secret, password, progress('Encrypting'))
        : await desk.wallet.importMnemonic(secret, password, progress('Encrypting'));
      process.stdout.write(`Imported ${info.address}\n`);
    }),
  );

  addDataDirOption(
    wallet.command('watch <address>').description('pay out to an address whose key is held elsewhere'),
  ).action(async (address: string, opts: { dataDir?: string }) =>
    withDesk(opts.dataDir, async (desk) => {
      process.stdout.write(`Payouts go to ${desk.wallet.watch(address).address}\n`);
    }),
  );

  addDataDirOption(wallet.command('backup').description('confirm the written recovery words')).action(
    async (opts: { dataDir?: string }) =>
      withDesk(opts.dataDir, async (desk) => {
        const info = desk.wallet.info();
        if (!info || info.backupConfirmed) {
          process.stdout.write(info ? 'The backup is already confirmed.\n' : 'No wallet yet.\n');
          return;
        }
        const password = await askSecret('Wallet password: ');
        const answers: Record<number, string> = {};
        for (const n of info.backupChallenge) answers[n] = await askSecret(`Word #${n}: `);
        await desk.wallet.confirmBackup(password, answers);
        process.stdout.write('Backup confirmed. Payouts can go to this wallet.\n');
      }),
  );
}
