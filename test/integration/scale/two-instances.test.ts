import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Wallet } from 'ethers';
import { afterAll, describe, expect, it } from 'vitest';
import { CoordinatorClient, type VerifiedOffer } from '../../../electron/core/network/client';
import { CoordinatorRefused } from '../../../electron/core/network/errors';
import { openPostgres } from '../../../coordinator/store/postgres';
import { BENCH, GPU, jobRequest, result } from '../coordinator/helpers';
import { failoverFront, startInstance, type Instance } from './cluster';
import { freshDatabase, type TestDatabase } from './database';

const NODES = 20;
const JOBS = 500;
const KILL_AFTER = 150;
const CONFIG = { heartbeatIntervalMs: 500, leaseTtlMs: 2000 };

let db: TestDatabase | undefined;
const instances: Instance[] = [];
const fronts: Array<{ close(): Promise<void> }> = [];

afterAll(async () => {
  for (const f of fronts) await f.close();
  for (const i of instances) await i.kill('SIGKILL');
  await db?.drop();
});

async function submitAll(url: string, token: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 10) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(10, count - i) }, async () => {
        const res = await fetch(`${url}/v1/jobs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(jobRequest({ idempotencyKey: crypto.randomBytes(8).toString('hex') })),
        });
        expect(res.status).toBe(201);
        return ((await res.json()) as { jobId: string }).jobId;
      }),
    );
    ids.push(...batch);
  }
  return ids;
}

async function loginCount(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return [...text.matchAll(/^rigshare_http_requests_total\{route="\/v1\/auth\/login",status="2xx"\} (\d+)$/gm)].reduce(
    (s, m) => s + Number(m[1]),
    0,
  );
}

interface Completion {
  node: number;
  jobId: string;
  leaseId: string;
  duplicate: boolean;
  at: number;
}

describe('two coordinator instances on one PostgreSQL', () => {
  it('lease and complete every one of 500 jobs once across 20 nodes, and lose nothing when one instance is killed', async () => {
    db = await freshDatabase();
    instances.push(
      await startInstance({ databaseUrl: db.url, config: CONFIG }),
      await startInstance({ databaseUrl: db.url, config: CONFIG }),
    );
    const [a, b] = instances as [Instance, Instance];
    // Each node reaches the network through a front that prefers one instance and falls back to the other.
    const frontA = await failoverFront(() => [a.url, b.url]);
    const frontB = await failoverFront(() => [b.url, a.url]);
    fronts.push(frontA, frontB);

    // Customers of either instance are customers of the network.
    const jobIds = [
      ...(await submitAll(a.url, a.customerToken, JOBS / 2)),
      ...(await submitAll(b.url, b.customerToken, JOBS / 2)),
    ];
    expect(new Set(jobIds).size).toBe(JOBS);

    const clients = await Promise.all(
      Array.from({ length: NODES }, async (_, i) => {
        const client = new CoordinatorClient({
          baseUrl: (i < NODES / 2 ? frontA : frontB).url,
          identity: Wallet.createRandom() as unknown as Wallet,
          timeoutMs: 5000,
        });
        await client.info();
        await client.login();
        await client.register({
          gpus: [GPU],
          benchmark: BENCH,
          priceFloorPerGpuHour: 100_000,
          slaTier: 'silver',
          payoutAddress: null,
          agentVersion: 'test',
        });
        return client;
      }),
    );
    const loginsOnBBeforeKill = await loginCount(b.url);

    const completions: Completion[] = [];
    const errors: string[] = [];
    let killedAt = 0;
    let done = false;
    const held = clients.map(() => new Set<string>());

    const heartbeats = clients.map(async (client, i) => {
      while (!done) {
        try {
          const hb = await client.heartbeat(held[i]!.size ? 'running' : 'idle', [...held[i]!]);
          for (const id of hb.revokedLeaseIds) held[i]!.delete(id);
        } catch (err) {
          errors.push(`heartbeat ${i}: ${(err as Error).message}`);
        }
        await sleep(CONFIG.heartbeatIntervalMs);
      }
    });

    const complete = async (i: number, offer: VerifiedOffer) => {
      const key = `done-${offer.leaseId}`;
      for (;;) {
        try {
          const res = await clients[i]!.complete(offer.leaseId, { idempotencyKey: key, result: result(10) });
          completions.push({
            node: i,
            jobId: offer.jobId,
            leaseId: offer.leaseId,
            duplicate: res.duplicate,
            at: Date.now(),
          });
          return;
        } catch (err) {
          // A refusal is final; anything else (the instance died under the request) is sent again.
          if (err instanceof CoordinatorRefused && err.status < 500) {
            errors.push(`complete ${offer.jobId}: ${err.code}`);
            return;
          }
          await sleep(50);
        }
      }
    };

    const workers = clients.map(async (client, i) => {
      while (!done) {
        let offer: VerifiedOffer | null = null;
        try {
          offer = await client.lease(500);
        } catch {
          await sleep(50);
          continue;
        }
        if (!offer) continue;
        held[i]!.add(offer.leaseId);
        await sleep(5 + Math.random() * 15);
        await complete(i, offer);
        held[i]!.delete(offer.leaseId);
        if (!killedAt && completions.length >= KILL_AFTER) {
          killedAt = Date.now();
          process.kill(a.pid, 'SIGKILL');
        }
      }
    });

    const deadline = Date.now() + 90_000;
    const check = await openPostgres(db.url, { poolSize: 1 });
    try {
      for (;;) {
        const open = Number(
          (await check.query(`SELECT COUNT(*) AS n FROM jobs WHERE status <> 'completed'`)).rows[0]!.n,
        );
        if (open === 0 || Date.now() > deadline) break;
        await sleep(200);
      }
      // Let heartbeats run a little past the kill's lease TTL, so their failover shows in the samples.
      while (killedAt && Date.now() < killedAt + CONFIG.leaseTtlMs + 3 * CONFIG.heartbeatIntervalMs) await sleep(100);
      done = true;
      await Promise.all([...workers, ...heartbeats]);

      expect(killedAt).toBeGreaterThan(0);
      expect(await a.exited).toBeNull(); // killed by signal, not exited

      // Every job completed once: one accounting row each, one fresh receipt each.
      const statuses = (
        await check.query<{ status: string; n: unknown }>('SELECT status, COUNT(*) AS n FROM jobs GROUP BY status')
      ).rows;
      expect(statuses.map((r) => [r.status, Number(r.n)])).toEqual([['completed', JOBS]]);
      expect(Number((await check.query('SELECT COUNT(DISTINCT job_id) AS n FROM accounting')).rows[0]!.n)).toBe(JOBS);
      const fresh = completions.filter((c) => !c.duplicate);
      expect(fresh).toHaveLength(JOBS);
      expect(new Set(fresh.map((c) => c.jobId))).toEqual(new Set(jobIds));

      // Leased once, except where the kill ate the answer to a lease request: that lease expired
      // unseen and the job went to one node after it. Never two live leases on one job.
      const leases = (
        await check.query<{ job_id: string; leased_at: unknown; ended_at: unknown; end_reason: string | null }>(
          'SELECT job_id, leased_at, ended_at, end_reason FROM leases ORDER BY job_id, leased_at',
        )
      ).rows;
      const byJob = new Map<string, typeof leases>();
      for (const l of leases) byJob.set(l.job_id, [...(byJob.get(l.job_id) ?? []), l]);
      expect(byJob.size).toBe(JOBS);
      const releasedByKill = [...byJob.values()].filter((ls) => ls.length > 1);
      expect(releasedByKill.length).toBeLessThanOrEqual(NODES / 2);
      for (const ls of releasedByKill) {
        for (let k = 0; k + 1 < ls.length; k++) {
          expect(ls[k]!.end_reason).toBe('expired');
          expect(Number(ls[k]!.ended_at)).toBeLessThanOrEqual(Number(ls[k + 1]!.leased_at));
        }
      }
      expect([...byJob.values()].every((ls) => ls.filter((l) => l.end_reason === 'completed').length === 1)).toBe(true);

      // The killed instance's nodes carried on against the other, on the tokens they already had.
      const afterKill = completions.filter((c) => c.at > killedAt && c.node < NODES / 2);
      expect(new Set(afterKill.map((c) => c.node)).size).toBeGreaterThanOrEqual(NODES / 4);
      expect(await loginCount(b.url)).toBe(loginsOnBBeforeKill);
      expect(errors.filter((e) => !e.startsWith('heartbeat'))).toEqual([]);
      // Heartbeats went on after the kill: every node has samples recorded after it.
      const lateSamplers = Number(
        (
          await check.query('SELECT COUNT(DISTINCT node_id) AS n FROM heartbeats WHERE at > $1', [
            killedAt + CONFIG.leaseTtlMs,
          ])
        ).rows[0]!.n,
      );
      expect(lateSamplers).toBe(NODES);
    } finally {
      done = true;
      await check.close();
    }
  });
});
