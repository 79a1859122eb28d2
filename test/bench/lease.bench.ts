// Lease-to-running latency: from the moment a long-polling node holds a verified offer to the
// job's container existing, against the runner alone (run() to container) for the same spec,
// measured alternately in the same run with the image cached. Also printed, for context: the
// whole path from a customer's POST /v1/jobs to the container.
// Target: lease-to-running / runner <= 1.2. A miss prints FAIL but does not fail the run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Wallet } from 'ethers';
import pino from 'pino';
import { startCoordinator } from '../../coordinator/server';
import { openJobContext } from '../../electron/cli/commands/job';
import { CoordinatorClient } from '../../electron/core/network/client';
import { Outbox } from '../../electron/core/network/outbox';
import { WorkLoop } from '../../electron/core/network/work-loop';
import { ledgerPath, openLedgerDb } from '../../electron/core/ledger/database';
import { EarningsStore } from '../../electron/core/payouts/earnings-store';
import { testImage } from '../helpers/test-env';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (process.env.BENCH_SHORT === '1' ? 5 : 12));
const TARGET_RATIO = 1.2;
const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const spec = {
  image: testImage('busybox'),
  command: ['sh', '-c', 'echo hi'],
  resources: { gpus: 0, memoryMiB: 64, cpus: 1, maxSeconds: 60 },
};
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-bench-lease-'));
const ctx = await openJobContext(dataDir, ['127.0.0.1:5000']);
const coord = await startCoordinator({
  dataDir: path.join(dataDir, 'coordinator'),
  port: 0,
  log: pino({ level: 'silent' }),
});
const db = openLedgerDb(ledgerPath(dataDir));
let containerAt: (() => void) | null = null;
let leasedAt = 0;
const client = new CoordinatorClient({ baseUrl: coord.url, identity: Wallet.createRandom() as unknown as Wallet });
await client.login();
// Marks when the node holds a verified offer: the start of lease-to-running.
const lease = client.lease.bind(client);
client.lease = async (...args) => {
  const offer = await lease(...args);
  if (offer) leasedAt = performance.now();
  return offer;
};
await client.register({
  gpus: [],
  benchmark: { score: 1, durationMs: 1, version: 'bench', outputSha256: 'a'.repeat(64), at: Date.now() },
  priceFloorPerGpuHour: 0,
  slaTier: 'gold',
  payoutAddress: null,
  agentVersion: 'bench',
});
const loop = new WorkLoop({
  client,
  networkUrl: coord.url,
  outbox: new Outbox(db),
  earnings: new EarningsStore(db),
  runner: {
    run: (s, o) => ctx.jobs.run(s, { ...o, onContainer: (id) => (o.onContainer(id), containerAt?.()) }),
    preempt: (id) => ctx.jobs.runner.preempt(id),
    docker: () => ctx.engine.docker,
  },
  log: pino({ level: 'silent' }) as never,
  gpuUuids: [],
  heartbeatMs: 15_000,
  maxCheckpointBytes: 1 << 20,
  leaseWaitMs: 20_000,
});

async function viaNetwork(): Promise<{ leaseToRunning: number; submitToRunning: number }> {
  const started = new Promise<number>((resolve) => (containerAt = () => resolve(performance.now())));
  const t0 = performance.now();
  const res = await fetch(`${coord.url}/v1/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${coord.customerToken}` },
    body: JSON.stringify({ spec, maxPricePerGpuHour: 1000 }),
  });
  if (res.status !== 201) throw new Error(`submit: HTTP ${res.status}`);
  const t1 = await started;
  // Let the job finish and report before the next round.
  const { jobId } = (await res.json()) as { jobId: string };
  for (;;) {
    const v = (await (
      await fetch(`${coord.url}/v1/jobs/${jobId}`, { headers: { authorization: `Bearer ${coord.customerToken}` } })
    ).json()) as { status: string };
    if (v.status === 'completed') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { leaseToRunning: t1 - leasedAt, submitToRunning: t1 - t0 };
}

async function runnerAlone(): Promise<number> {
  let t1 = 0;
  const t0 = performance.now();
  await ctx.jobs.run(spec, { onContainer: () => void (t1 = performance.now()) });
  return t1 - t0;
}

try {
  loop.start();
  await runnerAlone();
  await viaNetwork();
  const leased: number[] = [];
  const submitted: number[] = [];
  const alone: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    alone.push(await runnerAlone());
    const n = await viaNetwork();
    leased.push(n.leaseToRunning);
    submitted.push(n.submitToRunning);
  }
  const ratio = median(leased) / median(alone);
  console.log(`runner alone, run() to container: median ${median(alone).toFixed(1)} ms over ${ROUNDS} rounds`);
  console.log(`lease to running (verified offer to container): median ${median(leased).toFixed(1)} ms`);
  console.log(`for context, customer submit to container: median ${median(submitted).toFixed(1)} ms`);
  const verdict = ratio <= TARGET_RATIO ? 'PASS' : 'FAIL';
  console.log(`ratio lease-to-running / runner: ${ratio.toFixed(2)} (target <= ${TARGET_RATIO}) ${verdict}`);
} finally {
  await loop.stop(false);
  await coord.close();
  ctx.close();
  db.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
