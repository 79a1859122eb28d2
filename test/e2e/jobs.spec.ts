import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { ledgerPath, openLedgerDb } from '../../electron/core/ledger/database';
import { AgentProcess } from './harness/agent';
import { dockerSocket, REPO_ROOT, testImage } from '../helpers/test-env';

const ROWS = 100_000;
const jobId = (i: number) => `seed-${String(i).padStart(6, '0')}`;

/** Writes a 100k-row ledger directly, the way months of work would leave it. */
function seedLedger(dataDir: string): void {
  const db = openLedgerDb(ledgerPath(dataDir));
  const insert = db.prepare(
    `INSERT INTO jobs (id, created_at, started_at, finished_at, status, image, spec_json, exit_code, duration_ms)
     VALUES (?, ?, ?, ?, ?, 'registry.example/job@sha256:${'a'.repeat(64)}', '{}', ?, ?)`,
  );
  const statuses = ['succeeded', 'succeeded', 'succeeded', 'failed', 'preempted'] as const;
  const base = Date.UTC(2026, 0, 1);
  db.transaction(() => {
    for (let i = 0; i < ROWS; i++) {
      const status = statuses[i % statuses.length]!;
      const created = base + i * 60_000;
      insert.run(jobId(i), created, created + 1000, created + 61_000, status, status === 'failed' ? 1 : 0, 60_000);
    }
  })();
  db.close();
}

test.describe.configure({ mode: 'serial' });

let agent: AgentProcess;
let dataDir: string;
const children: ChildProcess[] = [];

test.beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-e2e-jobs-'));
  seedLedger(dataDir);
  agent = await new AgentProcess({ dataDir, env: { DOCKER_HOST: `unix://${dockerSocket()}` } }).start();
});

test.afterAll(async () => {
  // The job ends by itself within seconds; `rigshare job run` then removes its container.
  for (const c of children) {
    if (!c.pid || c.exitCode !== null) continue;
    await new Promise((r) => c.once('exit', r));
  }
  await agent?.dispose();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('the Jobs page pages through a 100k-row ledger with a virtual list, without long frames', async ({ page }) => {
  await page.goto(agent.dashboardUrl);
  await page.getByTestId('nav-jobs').click();
  await expect(page.getByTestId('jobs-total')).toContainText('100,000');
  const scroller = page.getByTestId('jobs-scroller');
  await expect(scroller.locator(`[data-job-id="${jobId(ROWS - 1)}"]`)).toBeVisible();
  // Only the rows in view (plus a little overscan) exist in the page.
  expect(await page.getByTestId('job-row').count()).toBeLessThan(80);

  // Runs in the page; globalThis is the page's window there.
  await page.evaluate(() => {
    const scope = globalThis as unknown as { longTasks: number[] };
    scope.longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) scope.longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: false } as unknown as { type: 'mark' });
  });
  // Scroll the whole ledger in big steps, the way a dragged scrollbar does.
  for (let step = 1; step <= 20; step++) {
    await scroller.evaluate((el, f) => {
      el.scrollTop = (el.scrollHeight - el.clientHeight) * f;
    }, step / 20);
    await page.waitForTimeout(50);
  }
  // At the bottom: the oldest job, fetched from the server page that holds it.
  await expect(scroller.locator(`[data-job-id="${jobId(0)}"]`)).toBeVisible();
  expect(await page.getByTestId('job-row').count()).toBeLessThan(80);
  await scroller.evaluate((el) => {
    el.scrollTop = 50_000 * 34;
  });
  await expect(scroller.locator(`[data-index="50000"] [data-job-id="${jobId(ROWS - 1 - 50_000)}"]`)).toBeVisible();
  const longTasks = await page.evaluate(() => (globalThis as unknown as { longTasks: number[] }).longTasks);
  // A long task blocks input; a janky list shows many, or very long ones.
  expect(Math.max(0, ...longTasks)).toBeLessThan(250);

  const middle = scroller.locator(`[data-job-id="${jobId(ROWS - 1 - 50_000)}"]`);
  await middle.dispatchEvent('click');
  // Seeded statuses cycle; job 49999 was pre-empted.
  await expect(page.getByTestId('job-detail')).toHaveAttribute('data-status', 'preempted');
  await expect(page.getByTestId('job-detail')).toContainText(jobId(ROWS - 1 - 50_000));
});

test('a running job shows its status and its log live, even when another process runs it', async ({ page }) => {
  const spec = path.join(dataDir, 'ticker.json');
  fs.writeFileSync(
    spec,
    JSON.stringify({
      image: testImage('busybox'),
      command: ['/bin/sh', '-c', 'i=0; while [ $i -lt 50 ]; do echo "tick $i"; i=$((i+1)); sleep 0.5; done'],
      resources: { gpus: 0, memoryMiB: 32, cpus: 0.5, maxSeconds: 60 },
    }),
  );
  const registry = testImage('busybox').split('/')[0]!;
  const child = spawn(
    process.execPath,
    [
      path.join(REPO_ROOT, 'bin', 'rigshare.js'),
      'job',
      'run',
      '--spec',
      spec,
      '--data-dir',
      dataDir,
      '--allow-registry',
      registry,
      '--json',
    ],
    {
      stdio: 'ignore',
    },
  );
  children.push(child);

  await page.goto(agent.dashboardUrl);
  await page.getByTestId('nav-jobs').click();
  // The page notices the new job (another process wrote it) without a reload.
  await expect(page.getByTestId('jobs-total')).toContainText('100,001', { timeout: 30_000 });
  const newest = page.getByTestId('jobs-scroller').locator('[data-index="0"] [data-job-id]');
  await expect(newest).not.toHaveAttribute('data-job-id', /^seed-/);
  await expect(newest).toHaveAttribute('data-status', 'running', { timeout: 30_000 });
  await newest.dispatchEvent('click');
  await expect(page.getByTestId('job-detail')).toHaveAttribute('data-status', 'running');
  const log = page.getByTestId('job-log');
  await expect(log).toHaveAttribute('data-live', 'true');
  await expect(log).toContainText('tick 2');
  await expect(log).toContainText('tick 8', { timeout: 15_000 });
  // This agent does not run that job, so it says where it can be stopped instead.
  await page.getByTestId('job-preempt').click();
  await expect(page.getByTestId('job-detail')).toContainText('Ctrl-C');
});
