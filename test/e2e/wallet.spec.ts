import path from 'node:path';
import pino from 'pino';
import { expect, test } from '@playwright/test';
import { startCoordinator, type RunningCoordinator } from '../../coordinator/server';
import { settlementOf, startSettlement } from '../../coordinator/settlement/service';
import { loadOrCreateNodeKey } from '../../electron/core/identity/node-key';
import { openLedgerDb } from '../../electron/core/ledger/database';
import { CoordinatorClient } from '../../electron/core/network/client';
import { EarningsStore } from '../../electron/core/payouts/earnings-store';
import { WalletService } from '../../electron/core/wallet/service';
import { parseWalletCsv } from '../../shared/wallet/csv';
import { AgentProcess } from './harness/agent';
import { REPO_ROOT } from '../helpers/test-env';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';

// One network paying on its in-process dev chain, and one rig whose wallet page checks it.
test.describe.configure({ mode: 'serial' });

let coord: RunningCoordinator;
let agent: AgentProcess;
let mnemonic: string;
let challenge: number[];
let payoutAddress: string;
let owed = 0;
const jobIds: string[] = [];

const GPU = {
  index: 0,
  model: 'NVIDIA GeForce RTX 4090',
  key: 'rtx-4090',
  vramMiB: 24_564,
  uuid: 'GPU-4f1c0e5a-0000-0000-0000-000000000001',
};
const BENCH = { score: 1234.5, durationMs: 900, version: 'v1', outputSha256: 'a'.repeat(64), at: 1 };
const IMAGE = `127.0.0.1:5000/rigshare/busybox@sha256:${'b'.repeat(64)}`;
const tempDir = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), `rigshare-${prefix}-`));
const key = () => `k-${crypto.randomBytes(8).toString('hex')}`;

async function submitJob(): Promise<string> {
  const res = await fetch(`${coord.url}/v1/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${coord.customerToken}` },
    body: JSON.stringify({
      spec: { image: IMAGE, command: ['true'], resources: { gpus: 1, memoryMiB: 64, cpus: 0.5, maxSeconds: 60 } },
      requirements: { minVramMiB: 4096, slaTier: 'bronze' },
      maxPricePerGpuHour: 3_600_000,
    }),
  });
  return ((await res.json()) as { jobId: string }).jobId;
}

async function api<T>(method: string, body: unknown = {}): Promise<T> {
  const res = await fetch(`${agent.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${agent.token}` },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { ok?: T; error?: { message: string } };
  if (!res.ok || json.ok === undefined) throw new Error(json.error?.message ?? `HTTP ${res.status}`);
  return json.ok;
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const coordDir = tempDir('e2e-coord');
  coord = await startCoordinator({
    dataDir: coordDir,
    port: 0,
    config: { sweepIntervalMs: 500 },
    log: pino({ level: 'silent' }),
  });
  await startSettlement(coord.ctx, coordDir, { devChain: { blockIntervalMs: 300 }, minimumPayout: 1, waitMs: 10_000 });

  const dataDir = tempDir('e2e-wallet');
  // The wallet is created where the rig is, its words shown only there; the page confirms the backup.
  const wallet = new WalletService({ dataDir, keystore: { insecureTestScryptN: 2 ** 10 } });
  const created = await wallet.create('e2e wallet password');
  mnemonic = created.mnemonic;
  challenge = created.info.backupChallenge;
  payoutAddress = created.info.address;

  // Jobs run for this rig's identity and are recorded in its ledger from the network's receipts.
  const identity = loadOrCreateNodeKey(dataDir).wallet;
  const node = new CoordinatorClient({ baseUrl: coord.url, identity });
  await node.info();
  await node.login();
  await node.register({
    gpus: [GPU],
    benchmark: BENCH,
    priceFloorPerGpuHour: 100_000,
    slaTier: 'silver',
    payoutAddress,
    agentVersion: 'e2e',
  });
  const db = openLedgerDb(path.join(dataDir, 'ledger.sqlite'));
  const earnings = new EarningsStore(db);
  for (let i = 0; i < 3; i++) {
    const jobId = await submitJob();
    const offer = await node.lease(0);
    if (!offer || offer.jobId !== jobId) throw new Error('the rig did not lease the submitted job');
    const result = {
      status: 'succeeded' as const,
      exitCode: 0,
      reason: null,
      logTail: 'ok\n',
      outputs: [{ path: 'out.txt', bytes: 3, sha256: 'c'.repeat(64) }],
      durationMs: 2000 + i * 500,
    };
    const done = await node.complete(offer.leaseId, { idempotencyKey: key(), result });
    earnings.record(done.receipt);
    jobIds.push(offer.jobId);
    owed += done.receipt.net;
  }
  db.close();
  const report = await settlementOf(coord.ctx)!.settleNow();
  if (report.confirmed.length !== 1) throw new Error(`settlement did not pay: ${JSON.stringify(report)}`);

  agent = await new AgentProcess({ dataDir }).start();
  await api('settings.update', { payouts: { networkUrl: coord.url, chain: null, slaTier: 'silver' } });
});

test.afterAll(async () => {
  await agent?.dispose();
  await settlementOf(coord.ctx)?.close();
  await coord?.close();
});

test('the Wallet page confirms the backup, then shows the payout verified and the balance', async ({ page }) => {
  await page.goto(agent.dashboardUrl);
  await page.getByTestId('nav-wallet').click();
  await expect(page.getByTestId('wallet-address')).toHaveText(payoutAddress);
  await expect(page.getByTestId('wallet-qr')).toBeVisible();

  // Before the backup is confirmed there is a backup form; wrong words are refused.
  const words = mnemonic.split(' ');
  for (const n of challenge) await page.getByTestId(`backup-word-${n}`).fill('wrong');
  await page.getByTestId('backup-password').fill('e2e wallet password');
  await page.getByTestId('backup-confirm').click();
  await expect(page.getByTestId('backup-error')).toContainText('did not match');
  for (const n of challenge) await page.getByTestId(`backup-word-${n}`).fill(words[n - 1]!);
  await page.getByTestId('backup-password').fill('e2e wallet password');
  await page.getByTestId('backup-confirm').click();
  await expect(page.getByTestId('wallet-backup')).toHaveCount(0);

  const row = page.getByTestId('payout-row');
  await expect(row).toHaveCount(1);
  // Blocks arrive every 300 ms; the page re-checks every 10 s until three confirmations.
  await expect(row).toHaveAttribute('data-status', 'verified', { timeout: 30_000 });
  await expect(page.getByTestId('payout-badge')).toHaveText('verified');
  const amount = (owed / 1e6).toString();
  await expect(page.getByTestId('balance-token')).toContainText(`${amount} USDC`);
  await expect(page.getByTestId('earnings-paid')).toContainText(`${amount} USDC`);
  await expect(page.getByTestId('uptime-chart').locator('[data-testid="sla-line"]')).toHaveCount(1);
  await page.screenshot({ path: path.join(REPO_ROOT, 'docs', 'screenshots', 'wallet.png'), fullPage: true });
});

test('the CSV export matches the ledger, job by job', async () => {
  const { csv } = await api<{ csv: string }>('wallet.exportCsv');
  const rows = parseWalletCsv(csv);
  const earnings = rows.filter((r) => r.type === 'earning');
  expect(earnings.map((r) => r.job_id).sort()).toEqual([...jobIds].sort());
  expect(earnings.reduce((s, r) => s + Number(r.amount_units), 0)).toBe(owed);
  const payouts = rows.filter((r) => r.type === 'payout');
  expect(payouts).toHaveLength(1);
  expect(Number(payouts[0]!.amount_units)).toBe(owed);
  expect(payouts[0]!.status).toBe('verified');
  for (const e of earnings) expect(e.statement_id).toBe(payouts[0]!.statement_id);
});

test('with the chain RPC down the Wallet page says so and the rest keeps working', async ({ page }) => {
  await settlementOf(coord.ctx)!.dev!.close();
  await page.goto(agent.dashboardUrl);
  await page.getByTestId('nav-wallet').click();
  await expect(page.getByTestId('chain-status')).toHaveAttribute('data-state', 'unavailable', { timeout: 30_000 });
  await expect(page.getByTestId('chain-status')).toContainText('did not answer');
  // The last verdict stays; earnings and the rest of the app still answer.
  await expect(page.getByTestId('payout-row')).toHaveAttribute('data-status', 'verified');
  await expect(page.getByTestId('wallet-earnings')).toBeVisible();
  const info = await api<{ agent: { dataDir: string } }>('system.info');
  expect(info.agent.dataDir).toBe(agent.dataDir);
  await page.getByTestId('nav-overview').click();
  await expect(page.getByTestId('page-overview')).toBeVisible();
});
