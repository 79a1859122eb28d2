import type { Pool } from 'pg';
import type { Db, Queryable, Row } from './db';

export interface PostgresOptions {
  /** Connections this instance may hold. Several instances share the server's max_connections. */
  poolSize?: number;
  /** Shown in pg_stat_activity, so an operator can tell instances apart. */
  applicationName?: string;
  /** Where idle-connection errors go; the pool replaces the connection by itself. */
  onError?: (err: Error) => void;
}

/** The URL without its password, for messages and logs. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.username ? `${u.username}@` : ''}${u.host}${u.pathname}`;
  } catch {
    return 'an unparsable URL';
  }
}

type Client = { query: Pool['query'] };

async function run<T extends Row>(client: Client, sql: string, params: unknown[] = []) {
  const res = await client.query<T>(sql, params);
  return { rows: res.rows, rowCount: res.rowCount ?? res.rows.length };
}

/**
 * A PostgreSQL server through a `pg` Pool. Same interface and SQL as the embedded store, so every
 * coordinator instance on one server shares nonces, leases and heartbeats through it.
 */
export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<Db> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? Number(process.env.RIGSHARE_DB_POOL_SIZE ?? 10),
    application_name: options.applicationName ?? `rigshare-coordinator-${process.pid}`,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  // Without a listener, an idle connection dropped by the server (restart, failover) would crash
  // the process. The pool discards that client and opens a new one on the next query.
  pool.on('error', (err) => options.onError?.(err));
  // Fail at start, with the URL's host in the message, rather than on the first request.
  const probe = await pool.connect().catch(async (err: Error) => {
    await pool.end().catch(() => undefined);
    throw new Error(
      `Cannot reach PostgreSQL at ${describeDatabaseUrl(url)}: ${err.message}. Check --database and that the server runs.`,
    );
  });
  probe.release();
  let closed = false;
  return {
    engine: 'postgres',
    query: (sql, params) => run(pool, sql, params),
    async transaction(fn) {
      // One checked-out client for the whole transaction: BEGIN, every statement and COMMIT must
      // travel on the same connection, which pool.query cannot promise.
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const tx: Queryable = { query: (sql, params) => run(client, sql, params) };
        const out = await fn(tx);
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch((rollbackErr: Error) => {
          // A connection that cannot roll back is in an unknown state: destroy it, never reuse it.
          broken = rollbackErr;
        });
        throw err;
      } finally {
        client.release(broken);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
