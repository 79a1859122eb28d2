import type { Db } from './db';

/**
 * Ordered, append-only. Each runs once, in a transaction, recorded in schema_migrations. An
 * advisory lock makes instances that start together on one database take turns.
 */
export const MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'nodes, jobs, leases, accounting',
    sql: `
      CREATE TABLE nodes (
        id TEXT PRIMARY KEY,
        address TEXT NOT NULL UNIQUE,
        created_at BIGINT NOT NULL,
        registered_at BIGINT,
        gpus JSONB NOT NULL DEFAULT '[]',
        gpu_count INT NOT NULL DEFAULT 0,
        min_vram_mib INT NOT NULL DEFAULT 0,
        gpu_key TEXT,
        benchmark JSONB,
        price_floor BIGINT NOT NULL DEFAULT 0,
        sla_tier TEXT NOT NULL DEFAULT 'bronze',
        tier_rank INT NOT NULL DEFAULT 0,
        payout_address TEXT,
        agent_version TEXT,
        state TEXT,
        last_heartbeat_at BIGINT
      );
      CREATE TABLE login_nonces (
        nonce TEXT PRIMARY KEY,
        address TEXT NOT NULL,
        expires_at BIGINT NOT NULL
      );
      CREATE TABLE request_nonces (
        node_id TEXT NOT NULL,
        nonce TEXT NOT NULL,
        expires_at BIGINT NOT NULL,
        PRIMARY KEY (node_id, nonce)
      );
      CREATE INDEX request_nonces_expiry ON request_nonces (expires_at);
      CREATE TABLE heartbeats (
        node_id TEXT NOT NULL,
        at BIGINT NOT NULL
      );
      CREATE INDEX heartbeats_node_at ON heartbeats (node_id, at);
      CREATE TABLE customers (
        id TEXT PRIMARY KEY,
        token_sha256 TEXT NOT NULL UNIQUE,
        created_at BIGINT NOT NULL
      );
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        customer_id TEXT NOT NULL REFERENCES customers (id),
        idempotency_key TEXT,
        spec JSONB NOT NULL,
        gpu_count INT NOT NULL,
        min_vram_mib INT NOT NULL,
        gpu_key TEXT,
        sla_tier TEXT NOT NULL,
        tier_rank INT NOT NULL,
        price BIGINT NOT NULL,
        status TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        attempts INT NOT NULL DEFAULT 0,
        node_id TEXT,
        lease_id TEXT,
        leased_at BIGINT,
        lease_expires_at BIGINT,
        progress JSONB,
        checkpoint_sha256 TEXT,
        checkpoint_data TEXT,
        result JSONB,
        failure TEXT,
        UNIQUE (customer_id, idempotency_key)
      );
      CREATE INDEX jobs_queue ON jobs (status, price DESC, created_at);
      CREATE INDEX jobs_node ON jobs (node_id) WHERE node_id IS NOT NULL;
      CREATE TABLE leases (
        id TEXT PRIMARY KEY,
        job_id TEXT NOT NULL REFERENCES jobs (id),
        node_id TEXT NOT NULL,
        attempt INT NOT NULL,
        leased_at BIGINT NOT NULL,
        ended_at BIGINT,
        end_reason TEXT
      );
      CREATE INDEX leases_job ON leases (job_id);
      CREATE TABLE reports (
        node_id TEXT NOT NULL,
        idempotency_key TEXT NOT NULL,
        lease_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        at BIGINT NOT NULL,
        PRIMARY KEY (node_id, idempotency_key)
      );
      CREATE TABLE accounting (
        job_id TEXT PRIMARY KEY REFERENCES jobs (id),
        lease_id TEXT NOT NULL,
        node_id TEXT NOT NULL,
        customer_id TEXT NOT NULL,
        gpu_ms BIGINT NOT NULL,
        price BIGINT NOT NULL,
        fee_bps INT NOT NULL,
        gross BIGINT NOT NULL,
        fee BIGINT NOT NULL,
        net BIGINT NOT NULL,
        completed_at BIGINT NOT NULL
      );
      CREATE INDEX accounting_node ON accounting (node_id, completed_at);
    `,
  },
  {
    version: 2,
    name: 'keys and rate limits shared by instances',
    sql: `
      CREATE TABLE network_keys (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE TABLE rate_limits (
        bucket TEXT PRIMARY KEY,
        window_start BIGINT NOT NULL,
        hits INT NOT NULL
      );
    `,
  },
];

const LOCK_KEY = 0x52494753; // "RIGS"

export async function migrate(db: Db, now: () => number = Date.now): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await tx.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
    );
    const done = new Set(
      (await tx.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => Number(r.version)),
    );
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      for (const stmt of m.sql
        .split(';')
        .map((s) => s.trim())
        .filter(Boolean))
        await tx.query(stmt);
      await tx.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        now(),
      ]);
      applied.push(m.version);
    }
    return applied;
  });
}
