import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HostEgress } from '../../../electron/core/egress/host-egress';
import { leftovers, startRig } from './harness';
import { startNsTarget } from './netns';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** Starts the stand-in agent, waits until its job's container runs, then kills the agent -9. */
async function crashMidJob(
  jobId: string,
  script: string,
  leaseMs: number,
  network: 'none' | 'egress' = 'none',
): Promise<{ dataDir: string; containerId: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-recovery-'));
  dirs.push(dataDir);
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(import.meta.dirname, 'crashing-agent.ts'),
      dataDir,
      jobId,
      script,
      String(leaseMs),
      network,
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const containerId = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /container (\w+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`stand-in agent exited early (${code})`)));
  });
  const rig = await startRig({ dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-probe-')) });
  for (let i = 0; i < 100; i++) {
    const state = await rig.docker.getContainer(containerId).inspect();
    if (state.State.Running) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await rig.close();
  child.removeAllListeners('exit');
  const exited = new Promise((r) => child.on('exit', r));
  process.kill(child.pid!, 'SIGKILL');
  await exited;
  return { dataDir, containerId };
}

describe('recovery after the agent is killed -9', () => {
  it('re-attaches to a job still inside its lease and records its real result', async () => {
    const { dataDir, containerId } = await crashMidJob(
      'reattach-me',
      'sleep 3; echo finished > /output/result; echo done',
      120_000,
    );
    const rig = await startRig({ dataDir });
    try {
      expect(rig.ledger.get('reattach-me-before')?.status).toBe('succeeded');
      expect(rig.ledger.get('reattach-me')?.status).toBe('running');
      const { reattached } = await rig.runner.reconcile();
      expect(reattached).toEqual(['reattach-me']);
      const out = await rig.runner.whenDone('reattach-me');
      expect(out?.status).toBe('succeeded');
      expect(out?.outputs.map((o) => o.path)).toEqual(['result']);
      const job = rig.ledger.get('reattach-me')!;
      expect(job.status).toBe('succeeded');
      expect(job.events.filter((e) => e.type === 'finished')).toHaveLength(1);
      expect(job.events.map((e) => e.type)).toContain('reattached');
      await expect(rig.docker.getContainer(containerId).inspect()).rejects.toMatchObject({ statusCode: 404 });
      expect(await leftovers(rig.docker, rig.owns)).toEqual({ containers: 0, volumes: 0, networks: 0 });
    } finally {
      await rig.close();
    }
  });

  it('stops, records and removes a job whose lease ran out while the agent was down', async () => {
    const { dataDir, containerId } = await crashMidJob('expired', 'sleep 100', 1500);
    await new Promise((r) => setTimeout(r, 1600));
    const rig = await startRig({ dataDir });
    try {
      expect(rig.ledger.get('expired-before')?.status).toBe('succeeded');
      const { reattached, cleaned } = await rig.runner.reconcile();
      expect(reattached).toEqual([]);
      expect(cleaned).toEqual(['expired']);
      const job = rig.ledger.get('expired')!;
      expect(job.status).toBe('failed');
      expect(job.reason).toMatch(/lease/);
      await expect(rig.docker.getContainer(containerId).inspect()).rejects.toMatchObject({ statusCode: 404 });
      expect(await leftovers(rig.docker, rig.owns)).toEqual({ containers: 0, volumes: 0, networks: 0 });
      // Reconciling again changes nothing: no duplicate result.
      await rig.runner.reconcile();
      expect(rig.ledger.get('expired')!.events.filter((e) => e.type === 'finished')).toHaveLength(1);
    } finally {
      await rig.close();
    }
  });

  it('re-attaches an egress job with its proxy, so its network works after the restart', async () => {
    const site = startNsTarget({
      hostCidr: '198.51.100.5/30',
      nsCidr: '198.51.100.6/30',
      routedAddress: '203.0.113.20',
    });
    try {
      const { dataDir } = await crashMidJob(
        'egress-reattach',
        `sleep 5; wget -q -O - http://${site.address}/ || echo fetch-failed`,
        120_000,
        'egress',
      );
      const rig = await startRig({ dataDir, egress: new HostEgress() });
      try {
        expect((await rig.runner.reconcile()).reattached).toEqual(['egress-reattach']);
        const out = await rig.runner.whenDone('egress-reattach');
        expect(out?.status).toBe('succeeded');
        expect(out?.logTail).toContain(site.body.trim());
        expect(await new HostEgress().guard.rules('egress-reattach')).toEqual([]);
        expect(await leftovers(rig.docker, rig.owns)).toEqual({ containers: 0, volumes: 0, networks: 0 });
      } finally {
        await rig.close();
      }
    } finally {
      site.close();
    }
  });
});
