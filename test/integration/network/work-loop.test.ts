import { Wallet } from 'ethers';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { openJobContext } from '../../../electron/cli/commands/job';
import { ledgerPath, openLedgerDb } from '../../../electron/core/ledger/database';
import { CoordinatorClient } from '../../../electron/core/network/client';
import { Outbox } from '../../../electron/core/network/outbox';
import { WorkLoop, type LoopStatus } from '../../../electron/core/network/work-loop';
import { EarningsStore } from '../../../electron/core/payouts/earnings-store';
import { BUSYBOX, jobView, startNetwork, submitSpec, tempDir, waitFor } from './helpers';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('work loop', () => {
  it('takes no lease while the rig cannot run jobs, and starts once it can', async () => {
    const c = await startNetwork(tempDir('coord'));
    cleanups.push(() => c.close());
    const dataDir = tempDir('node');
    const jobs = await openJobContext(dataDir, ['127.0.0.1:5000']);
    cleanups.push(() => jobs.close());
    const db = openLedgerDb(ledgerPath(dataDir));
    cleanups.push(() => void db.close());
    const client = new CoordinatorClient({ baseUrl: c.url, identity: Wallet.createRandom() as unknown as Wallet });
    await client.login();
    await client.register({
      gpus: [],
      benchmark: { score: 1, durationMs: 1, version: 'test', outputSha256: 'a'.repeat(64), at: Date.now() },
      priceFloorPerGpuHour: 0,
      slaTier: 'bronze',
      payoutAddress: null,
      agentVersion: 'test',
    });
    let blocked: string | null = 'Not taking jobs: Docker is not running.';
    const seen: LoopStatus[] = [];
    const loop = new WorkLoop({
      client,
      networkUrl: c.url,
      outbox: new Outbox(db),
      earnings: new EarningsStore(db),
      runner: {
        run: (s, o) => jobs.jobs.run(s, o),
        preempt: (id) => jobs.jobs.runner.preempt(id),
        docker: () => jobs.engine.docker,
      },
      log: pino({ level: 'silent' }) as never,
      gpuUuids: [],
      heartbeatMs: 1000,
      maxCheckpointBytes: 1 << 20,
      leaseWaitMs: 500,
      canWork: () => blocked,
      onStatus: (s) => seen.push(s),
    });
    loop.start();
    cleanups.push(() => loop.stop(false));
    const jobId = await submitSpec(c, {
      image: BUSYBOX(),
      command: ['sh', '-c', 'echo ok > /output/ok.txt'],
      resources: { gpus: 0, memoryMiB: 64, cpus: 0.5, maxSeconds: 30 },
    });
    await waitFor('the loop to say why it is not working', () => loop.status.lastError === blocked);
    expect(loop.status.state).toBe('offline');
    await new Promise((r) => setTimeout(r, 1500));
    expect((await jobView(c, jobId)).status).toBe('queued');

    blocked = null;
    const done = await waitFor('the job to complete', async () => {
      const v = await jobView(c, jobId);
      return v?.status === 'completed' ? v : null;
    });
    expect(done.result).toMatchObject({ status: 'succeeded', outputs: [{ path: 'ok.txt' }] });
    await waitFor('the earnings to be recorded', () => new EarningsStore(db).summary().jobs === 1);
    expect(seen.map((s) => s.state)).toEqual(
      expect.arrayContaining(['offline', 'leased', 'running', 'reporting', 'idle']),
    );
  });
});
