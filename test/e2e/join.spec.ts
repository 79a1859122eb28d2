import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { Wallet } from 'ethers';
import { expect, test } from '@playwright/test';
import { formatUnits } from '../../shared/protocol/money';
import { AgentProcess } from './harness/agent';
import { dockerSocket, REPO_ROOT, testImage } from '../helpers/test-env';

const run = promisify(execFile);

test.describe.configure({ mode: 'serial' });

let agent: AgentProcess;
let dataDir: string;

test.beforeAll(async () => {
  // A new data dir: no identity key, no ledger, never joined.
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-e2e-join-'));
  fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ registryAllowlist: ['127.0.0.1:5000'] }));
  agent = await new AgentProcess({
    dataDir,
    env: {
      DOCKER_HOST: `unix://${dockerSocket()}`,
      RIGSHARE_BENCHMARK_IMAGE: testImage('busybox'),
      RIGSHARE_HEARTBEAT_MS: '1000',
    },
  }).start();
});

test.afterAll(async () => {
  await agent?.dispose();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('one click on Join, a customer job runs in the sandbox, and the UI shows what it earned', async ({ page }) => {
  expect(fs.existsSync(path.join(dataDir, 'node-identity.key'))).toBe(false);
  await page.goto(agent.dashboardUrl);
  await page.getByTestId('nav-network').click();
  await expect(page.getByTestId('network-picker')).toHaveValue('local');
  await page.getByTestId('join-button').click();

  // Every step reports, in order, and the rig ends up idle and waiting.
  const steps = page.getByTestId('join-steps');
  for (const step of ['readiness', 'identity', 'benchmark', 'registration', 'work-loop']) {
    await expect(steps.locator(`[data-step="${step}"]`)).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  }
  await expect(steps.locator('[data-step="benchmark"]')).toContainText('Benchmark passed');
  await expect(page.getByTestId('network-status')).toBeVisible();
  await expect(page.getByTestId('work-state')).toHaveText('Idle, waiting for jobs');
  expect((fs.statSync(path.join(dataDir, 'node-identity.key')).mode & 0o777).toString(8)).toBe('600');

  // Registered with its benchmark: the network's own diagnostics do not say "no benchmark".
  await page.getByTestId('why-no-jobs').click();
  await expect(page.getByTestId('diagnostics-verdict')).toContainText('The queue is empty');
  const joined = JSON.parse(fs.readFileSync(path.join(dataDir, 'network.json'), 'utf8'));
  expect(joined.benchmark.outputSha256).toMatch(/^[0-9a-f]{64}$/);

  // A customer submits a job with the CLI and waits for it.
  const spec = path.join(dataDir, 'job.json');
  fs.writeFileSync(
    spec,
    JSON.stringify({
      image: testImage('busybox'),
      command: ['sh', '-c', 'echo "rigshare e2e" > /output/answer.txt; sleep 1; echo finished'],
      resources: { gpus: 0, memoryMiB: 64, cpus: 0.5, maxSeconds: 60 },
    }),
  );
  const { stdout } = await run(
    process.execPath,
    [
      path.join(REPO_ROOT, 'bin/rigshare.js'),
      'submit',
      '--network',
      'local',
      '--data-dir',
      dataDir,
      '--spec',
      spec,
      '--price',
      '3.6',
      '--wait',
      '--json',
    ],
    {
      cwd: REPO_ROOT,
      timeout: 90_000,
    },
  );
  const result = JSON.parse(stdout);
  const expectedHash = crypto.createHash('sha256').update('rigshare e2e\n').digest('hex');
  expect(result).toMatchObject({
    status: 'succeeded',
    exitCode: 0,
    outputs: [{ path: 'answer.txt', bytes: 13, sha256: expectedHash }],
  });
  expect(result.logTail).toContain('finished');
  const identity = new Wallet(fs.readFileSync(path.join(dataDir, 'node-identity.key'), 'utf8').trim()).address;
  expect(result.node).toBe(identity);
  expect(result.cost.net).toBeGreaterThan(0);

  // It ran in this rig's sandbox: the rig's own job ledger has the run, with the same output hash.
  const ledger = new Database(path.join(dataDir, 'ledger.sqlite'), { readonly: true });
  try {
    const runRow = ledger
      .prepare(`SELECT status, outputs_json FROM jobs WHERE spec_json LIKE '%rigshare e2e%'`)
      .get() as { status: string; outputs_json: string };
    expect(runRow.status).toBe('succeeded');
    expect(JSON.parse(runRow.outputs_json)[0].sha256).toBe(expectedHash);
    // The coordinator's accounting and the node's ledger agree to the smallest unit.
    const earned = ledger
      .prepare('SELECT gross, fee, net, gpu_ms AS gpuMs FROM job_earnings WHERE job_id = ?')
      .get(result.jobId);
    expect(earned).toEqual({
      gross: result.cost.gross,
      fee: result.cost.fee,
      net: result.cost.net,
      gpuMs: result.cost.gpuMs,
    });
  } finally {
    ledger.close();
  }

  // The UI shows the earned amount, on the Network page and on the Overview.
  const amount = `${formatUnits(result.cost.net, result.cost.token.decimals)} ${result.cost.token.symbol}`;
  await expect(page.getByTestId('network-earned')).toContainText(amount);
  // The network's published rates now include the price this job was paid.
  await expect(page.getByTestId('market-rates')).toContainText('3.6 USDC');
  await page.getByTestId('nav-overview').click();
  await expect(page.getByTestId('earned-amount')).toHaveText(amount);
});
