import crypto from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeartbeatWriter, WriterClosedError, type HeartbeatSample } from '../../../coordinator/heartbeats/writer';
import { createCoordinatorLogger } from '../../../coordinator/ops/logger';
import { startCoordinator, type RunningCoordinator } from '../../../coordinator/server';
import { uptime } from '../../../coordinator/services/nodes';
import type { Db } from '../../../coordinator/store/db';
import { migrate } from '../../../coordinator/store/migrations';
import { openPglite } from '../../../coordinator/store/pglite';
import { openPostgres } from '../../../coordinator/store/postgres';
import { jobRequest, joinedNode, rawPost, stamp, submit, tempDir } from '../coordinator/helpers';
import { freshDatabase, type TestDatabase } from './database';

const nonce = () => crypto.randomBytes(16).toString('hex');

describe.each(['pglite', 'postgres'] as const)('heartbeat writer on %s', (engine) => {
  let db: Db;
  let pgdb: TestDatabase | undefined;
  const nodes = ['node_a', 'node_b', 'node_c'];

  beforeAll(async () => {
    if (engine === 'postgres') {
      pgdb = await freshDatabase();
      db = await openPostgres(pgdb.url);
    } else {
      db = await openPglite(tempDir('hb'));
    }
    await migrate(db);
    for (const id of nodes)
      await db.query('INSERT INTO nodes (id, address, created_at) VALUES ($1, $2, 0)', [id, `0x${id}`]);
  });
  afterAll(async () => {
    await db?.close();
    await pgdb?.drop();
  });

  const sample = (nodeId: string, at: number, n = nonce()): HeartbeatSample => ({
    nodeId,
    nonce: n,
    nonceExpiresAt: at + 60_000,
    at,
    state: 'idle',
  });

  it('writes heartbeats that arrive together in a few statements, and reports replays', async () => {
    const flushes: number[] = [];
    const writer = new HeartbeatWriter(db, {
      windowMs: 20,
      maxRows: 100,
      maxInFlight: 2,
      onFlush: (rows) => flushes.push(rows),
    });
    const reused = nonce();
    const samples = Array.from({ length: 300 }, (_, i) => sample(nodes[i % 3]!, 1_000 + i));
    const results = await Promise.all([
      ...samples.map((s) => writer.record(s)),
      // The same nonce twice in one batch, and again in a later batch: only the first counts.
      writer.record(sample('node_a', 5_000, reused)),
      writer.record(sample('node_a', 5_001, reused)),
    ]);
    expect(await writer.record(sample('node_a', 5_002, reused))).toBe(false);
    expect(results.slice(0, 300).every(Boolean)).toBe(true);
    expect(results.slice(300)).toEqual([true, false]);
    expect(flushes.reduce((s, n) => s + n, 0)).toBe(301 + 1);
    expect(flushes.length).toBeLessThanOrEqual(8);
    expect(Math.max(...flushes)).toBeLessThanOrEqual(100);
    const count = Number((await db.query('SELECT COUNT(*) AS n FROM heartbeats')).rows[0]!.n);
    expect(count).toBe(301);
    // Each node's last-heard time is its newest sample, whatever order the batch held them in.
    const last = (
      await db.query<{ id: string; last_heartbeat_at: unknown }>('SELECT id, last_heartbeat_at FROM nodes ORDER BY id')
    ).rows;
    expect(last.map((r) => Number(r.last_heartbeat_at))).toEqual([5_000, 1_298, 1_299]);
    await writer.close();
  });

  it('writes what it accepted before closing, and refuses heartbeats after', async () => {
    const writer = new HeartbeatWriter(db, { windowMs: 10_000, maxRows: 1000, maxInFlight: 1 });
    const pending = Array.from({ length: 5 }, (_, i) => writer.record(sample('node_b', 20_000 + i)));
    expect(writer.backlog).toBe(5);
    await writer.close();
    expect(await Promise.all(pending)).toEqual([true, true, true, true, true]);
    await expect(writer.record(sample('node_b', 30_000))).rejects.toBeInstanceOf(WriterClosedError);
    expect(
      Number(
        (await db.query('SELECT COUNT(*) AS n FROM heartbeats WHERE node_id = $1 AND at >= 20000', ['node_b'])).rows[0]!
          .n,
      ),
    ).toBe(5);
  });

  it('fails every heartbeat of a batch the database refuses, and records none of them', async () => {
    const writer = new HeartbeatWriter(db, { windowMs: 5, maxRows: 100, maxInFlight: 1 });
    // An expiry that is not a number: the array cast fails, and with it the whole statement.
    const bad = { ...sample('node_c', 40_000), nonceExpiresAt: Number.NaN };
    const results = await Promise.allSettled([writer.record(sample('node_c', 40_001)), writer.record(bad)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(Number((await db.query('SELECT COUNT(*) AS n FROM heartbeats WHERE at >= 40000')).rows[0]!.n)).toBe(0);
    await writer.close();
  });

  it('computes uptime from the samples with the gap rule, in SQL', async () => {
    const writer = new HeartbeatWriter(db, { windowMs: 5, maxRows: 100, maxInFlight: 1 });
    const base = 100_000;
    // 0 → 15 → 30 s credited; the 60 s silence earns nothing; 90 → 105 s credited again.
    await Promise.all([0, 15_000, 30_000, 90_000, 105_000].map((t) => writer.record(sample('node_c', base + t))));
    await writer.close();
    const ctx = { db, now: () => base + 120_000, config: { uptimeMaxGapMs: 22_500 } } as unknown as Parameters<
      typeof uptime
    >[0];
    const up = await uptime(ctx, 'node_c', 120_000);
    expect(up.creditedMs).toBe(45_000);
    expect(up.ratio).toBeCloseTo(45_000 / 120_000, 6);
  });
});

describe('heartbeats, tokens and ops endpoints across two instances on one PostgreSQL', () => {
  let pgdb: TestDatabase;
  let a: RunningCoordinator;
  let b: RunningCoordinator;

  beforeAll(async () => {
    pgdb = await freshDatabase();
    const start = () =>
      startCoordinator({ dataDir: tempDir('ops'), databaseUrl: pgdb.url, port: 0, log: pino({ level: 'silent' }) });
    a = await start();
    b = await start();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await pgdb?.drop();
  });

  it('accepts a session token from either instance, and refuses a heartbeat replayed to the other one', async () => {
    const node = await joinedNode(a);
    const token = (node as unknown as { session: { token: string } }).session.token;
    const body = JSON.stringify({ ...stamp(), state: 'idle', leaseIds: [] });
    const first = await rawPost(b, token, '/v1/nodes/heartbeat', body);
    expect(first.status).toBe(200);
    const replay = await rawPost(a, token, '/v1/nodes/heartbeat', body);
    expect(replay.status).toBe(409);
    expect(replay.body.error.code).toBe('replayed');
    expect(Number((await a.ctx.db.query('SELECT COUNT(*) AS n FROM heartbeats')).rows[0]!.n)).toBe(1);
  });

  it('serves /healthz, /readyz and /metrics with the network and heartbeat figures', async () => {
    const node = await joinedNode(b);
    for (let i = 0; i < 3; i++) await node.heartbeat('idle', []);
    expect((await submit(a, jobRequest({ maxPricePerGpuHour: 1 }))).status).toBe(201);
    expect(await (await fetch(`${a.url}/healthz`)).json()).toEqual({ ok: true });
    expect((await fetch(`${b.url}/readyz`)).status).toBe(200);
    const text = await (await fetch(`${b.url}/metrics`)).text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('rigshare_nodes_online')).toBe(2);
    expect(value('rigshare_nodes_registered')).toBe(2);
    expect(value('rigshare_queue_depth')).toBe(1);
    expect(value('rigshare_leases_active')).toBe(0);
    expect(value('rigshare_heartbeats_total\\{result="ok"\\}')).toBe(4);
    expect(value('rigshare_heartbeat_duration_seconds_count')).toBe(4);
    expect(value('rigshare_database_up\\{engine="postgres"\\}')).toBe(1);
    expect(text).toMatch(/^# TYPE rigshare_heartbeat_duration_seconds histogram$/m);
  });

  it('is not ready while the schema is behind this build, and says why', async () => {
    await a.ctx.db.query(
      'UPDATE schema_migrations SET version = -version WHERE version = (SELECT MAX(version) FROM schema_migrations)',
    );
    try {
      const res = await fetch(`${a.url}/readyz`);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { reason: string }).reason).toMatch(/schema is at version/);
    } finally {
      await a.ctx.db.query('UPDATE schema_migrations SET version = -version WHERE version < 0');
    }
    expect((await fetch(`${a.url}/readyz`)).status).toBe(200);
  });
});

describe('coordinator logs', () => {
  it('are JSON lines with the instance on each, and never carry tokens or keys', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _e, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const log = createCoordinatorLogger({ level: 'info', destination: sink });
    log.info(
      {
        token: 'tok-secret',
        req: { headers: { authorization: 'Bearer hdr-secret' } },
        node: { privateKey: '0xkey-secret' },
        jobId: 'job_1',
      },
      'hello',
    );
    const rec = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(rec).toMatchObject({
      msg: 'hello',
      level: 'info',
      jobId: 'job_1',
      instance: expect.stringMatching(/:\d+$/),
    });
    expect(lines[0]).not.toMatch(/secret/);
  });
});
