import { afterEach, describe, expect, it } from 'vitest';
import type { RunningCoordinator } from '../../../coordinator/server';
import { unpackCheckpoint } from '../../../electron/core/network/checkpoint-archive';
import {
  BUSYBOX,
  jobView,
  nodeLedger,
  removeJobContainers,
  startAgent,
  startNetwork,
  submitSpec,
  tempDir,
  waitFor,
  type AgentProcess,
} from './helpers';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function registeredNodes(c: RunningCoordinator): Promise<number> {
  return Number(
    (await c.ctx.db.query('SELECT COUNT(*) AS n FROM nodes WHERE registered_at IS NOT NULL AND benchmark IS NOT NULL'))
      .rows[0]!.n,
  );
}

function track(agent: AgentProcess): AgentProcess {
  cleanups.push(() => agent.kill('SIGKILL'));
  return agent;
}

describe('faults', () => {
  it('coordinator stopped mid-job and restarted after the job finished: result delivered once, earnings recorded once', async () => {
    const dir = tempDir('coord');
    let c = await startNetwork(dir);
    const port = c.port;
    cleanups.push(() => c.close());
    const agent = track(startAgent(c.url));
    await waitFor('registration', async () => (await registeredNodes(c)) === 1);
    const jobId = await submitSpec(c, {
      image: BUSYBOX(),
      command: ['sh', '-c', 'echo working; sleep 4; echo finished > /output/result.txt; echo done'],
      resources: { gpus: 0, memoryMiB: 64, cpus: 0.5, maxSeconds: 60 },
    });
    await waitFor('the job to start on the node', async () =>
      /started/.test((await jobView(c, jobId))?.progress?.message ?? ''),
    );
    await c.close();
    // The job finishes while the network is down; its result waits in the outbox.
    await waitFor(
      'the result to queue in the outbox',
      () =>
        nodeLedger(agent.dataDir).outbox.some((r) => r.kind === 'complete' && r.deliveredAt === null && r.attempts > 0),
      30_000,
    );
    expect(nodeLedger(agent.dataDir).earnings).toEqual([]);
    c = await startNetwork(dir, port);
    const done = await waitFor(
      'the result to arrive',
      async () => {
        const v = await jobView(c, jobId);
        return v?.status === 'completed' ? v : null;
      },
      60_000,
    );
    expect(done.result).toMatchObject({
      status: 'succeeded',
      exitCode: 0,
      outputs: [{ path: 'result.txt', bytes: 9 }],
    });
    // Exactly once, on both sides, to the smallest unit.
    const accounting = (
      await c.ctx.db.query('SELECT net, gross, fee, gpu_ms FROM accounting WHERE job_id = $1', [jobId])
    ).rows;
    expect(accounting).toHaveLength(1);
    await waitFor('the node to record its earnings', () => nodeLedger(agent.dataDir).earnings.length === 1);
    const ledger = nodeLedger(agent.dataDir);
    expect(ledger.earnings).toEqual([
      {
        jobId,
        net: Number(accounting[0]!.net),
        gross: Number(accounting[0]!.gross),
        fee: Number(accounting[0]!.fee),
        gpuMs: Number(accounting[0]!.gpu_ms),
      },
    ]);
    expect(ledger.outbox.filter((r) => r.kind === 'complete')).toHaveLength(1);
    const completes = (await c.ctx.db.query(`SELECT COUNT(*) AS n FROM reports WHERE kind = 'complete'`)).rows[0]!.n;
    expect(Number(completes)).toBe(1);
    expect(done.attempts).toBe(1);
  });

  it('kill -9 of the agent mid-job: the lease expires and the job resumes from its checkpoint on a second node', async () => {
    const c = await startNetwork(tempDir('coord'));
    cleanups.push(() => c.close());
    const first = track(startAgent(c.url));
    await waitFor('the first node to register', async () => (await registeredNodes(c)) === 1);
    // Counts to 10, one step a second, checkpointing each step; on resume it starts from the checkpoint.
    const script = [
      'i=0; from=0',
      'if [ -f /input/checkpoint/step ]; then i=$(cat /input/checkpoint/step); from=$i; fi',
      'echo "starting at $i"',
      'while [ $i -lt 10 ]; do i=$((i+1)); echo $i > /checkpoint/step; sleep 1; done',
      'echo "from=$from to=$i" > /output/result.txt',
    ].join('\n');
    const jobId = await submitSpec(c, {
      image: BUSYBOX(),
      command: ['sh', '-c', script],
      resources: { gpus: 0, memoryMiB: 64, cpus: 0.5, maxSeconds: 120 },
    });
    const firstLease = await waitFor('a checkpoint at step 3 or later', async () => {
      const v = await jobView(c, jobId);
      if (!v?.checkpoint) return null;
      const row = (await c.ctx.db.query('SELECT lease_id, checkpoint_data FROM jobs WHERE id = $1', [jobId])).rows[0]!;
      const files = await unpackCheckpoint(Buffer.from(String(row.checkpoint_data), 'base64'), 1 << 20);
      const step = Number(
        files
          .find((f) => f.path === 'step')
          ?.data.toString()
          .trim() ?? 0,
      );
      return step >= 3 ? String(row.lease_id) : null;
    });
    cleanups.push(() => removeJobContainers([firstLease]));
    await first.kill('SIGKILL');
    await waitFor(
      'the lease to expire and the job to be queued again',
      async () => (await jobView(c, jobId))?.status === 'queued',
      20_000,
    );
    const second = track(startAgent(c.url));
    const done = await waitFor(
      'the job to finish on the second node',
      async () => {
        const v = await jobView(c, jobId);
        return v?.status === 'completed' ? v : null;
      },
      90_000,
    );
    expect(done.attempts).toBe(2);
    const secondAddress = (await c.ctx.db.query('SELECT address FROM nodes ORDER BY created_at DESC LIMIT 1')).rows[0]!
      .address;
    expect(done.node).toBe(secondAddress);
    const from = Number(/starting at (\d+)/.exec(done.result.logTail)?.[1]);
    expect(from).toBeGreaterThanOrEqual(3);
    expect(done.result.status).toBe('succeeded');
    await waitFor('the second node to record its earnings', () => nodeLedger(second.dataDir).earnings.length === 1);
    expect(nodeLedger(first.dataDir).earnings).toEqual([]);
  });
});
