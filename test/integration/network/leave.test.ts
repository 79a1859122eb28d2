import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUSYBOX, jobView, startAgent, startNetwork, submitSpec, tempDir, waitFor } from './helpers';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function call(dashboard: URL, method: string, input: unknown = {}) {
  const res = await fetch(`${dashboard.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${dashboard.searchParams.get('token')}` },
    body: JSON.stringify(input),
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe('leave', () => {
  it('hands back the running job with its checkpoint, and the rig keeps signed uptime receipts', async () => {
    const c = await startNetwork(tempDir('coord'));
    cleanups.push(() => c.close());
    const agent = startAgent(c.url);
    cleanups.push(() => agent.kill('SIGKILL'));
    const dashboard = new URL(
      await waitFor('the dashboard URL', () => /Rigshare dashboard: (\S+)/.exec(agent.output())?.[1]),
    );
    await waitFor('the join to finish', () => /Joined /.test(agent.output()));
    const script = 'i=0; while [ $i -lt 60 ]; do i=$((i+1)); echo $i > /checkpoint/step; sleep 1; done';
    const jobId = await submitSpec(c, {
      image: BUSYBOX(),
      command: ['sh', '-c', script],
      resources: { gpus: 0, memoryMiB: 64, cpus: 0.5, maxSeconds: 120 },
    });
    await waitFor('a checkpoint to reach the network', async () => (await jobView(c, jobId))?.checkpoint);
    // The runner's phases reach the customer as progress reports.
    await waitFor('a running progress report', async () =>
      /^running/.test((await jobView(c, jobId))?.progress?.message ?? ''),
    );
    const status = await call(dashboard, 'network.status');
    expect(status.body.ok).toMatchObject({ joined: true, state: 'running' });

    const left = await call(dashboard, 'network.leave');
    expect(left.status).toBe(200);
    expect(left.body.ok).toMatchObject({ joined: false, state: 'left', pendingReports: 0 });
    const view = await jobView(c, jobId);
    // Back in the queue for another node, without using up an attempt, checkpoint kept.
    expect(view).toMatchObject({ status: 'queued', attempts: 0, node: null });
    expect(view.checkpoint.bytes).toBeGreaterThan(0);
    const lease = (await c.ctx.db.query(`SELECT end_reason FROM leases WHERE job_id = $1`, [jobId])).rows;
    expect(lease).toEqual([{ end_reason: 'released' }]);

    const ledger = new Database(path.join(agent.dataDir, 'ledger.sqlite'), { readonly: true });
    try {
      const receipts = ledger.prepare('SELECT COUNT(*) AS n FROM uptime_receipts').get() as { n: number };
      const rejected = ledger.prepare('SELECT COUNT(*) AS n FROM uptime_rejections').get() as { n: number };
      expect(receipts.n).toBeGreaterThan(0);
      expect(rejected.n).toBe(0);
    } finally {
      ledger.close();
    }
  });
});

describe('join', () => {
  it('a failed step stops the join and says what to do', async () => {
    const c = await startNetwork(tempDir('coord'), 0, { benchmarkImage: null });
    cleanups.push(() => c.close());
    const agent = startAgent(c.url);
    cleanups.push(() => agent.kill('SIGKILL'));
    await waitFor('the join to fail', () => /Join failed/.test(agent.output()));
    const out = agent.output();
    expect(out).toMatch(/\[ok\] readiness: /);
    expect(out).toMatch(/\[ok\] identity: Created node identity 0x[0-9a-fA-F]{40}/);
    expect(out).toMatch(/\[FAILED\] benchmark: .* names no benchmark image\./);
    expect(out).toMatch(/what to do: Ask the network operator to set one, or set RIGSHARE_BENCHMARK_IMAGE/);
    expect(out).not.toMatch(/registration/);
    const dashboard = new URL(/Rigshare dashboard: (\S+)/.exec(out)![1]!);
    const status = await call(dashboard, 'network.status');
    expect(status.body.ok).toMatchObject({ joined: false, state: 'left' });
    expect(status.body.ok.lastError).toMatch(/benchmark image/);
    expect(
      Number((await c.ctx.db.query('SELECT COUNT(*) AS n FROM nodes WHERE registered_at IS NOT NULL')).rows[0]!.n),
    ).toBe(0);
  });
});

describe('restart', () => {
  it('a joined rig restarted without flags rejoins with the same identity and keeps working', async () => {
    const c = await startNetwork(tempDir('coord'));
    cleanups.push(() => c.close());
    const first = startAgent(c.url);
    cleanups.push(() => first.kill('SIGKILL'));
    await waitFor('the join to finish', () => /Joined /.test(first.output()));
    await first.kill('SIGTERM');
    const again = startAgent(null, first.dataDir);
    cleanups.push(() => again.kill('SIGKILL'));
    const jobId = await submitSpec(c, {
      image: BUSYBOX(),
      command: ['sh', '-c', 'echo again > /output/again.txt'],
      resources: { gpus: 0, memoryMiB: 64, cpus: 0.5, maxSeconds: 30 },
    });
    const done = await waitFor('the job to complete on the restarted rig', async () => {
      const v = await jobView(c, jobId);
      return v?.status === 'completed' ? v : null;
    });
    const nodes = (await c.ctx.db.query('SELECT address FROM nodes')).rows;
    expect(nodes).toHaveLength(1);
    expect(done.node).toBe(nodes[0]!.address);
    expect(again.output()).toMatch(/Rejoined /);
    expect(again.output()).not.toMatch(/benchmark:/);
  });
});
