import pg from 'pg';
import type { Db, Queryable, Row } from './db';

/** A PostgreSQL server through a `pg` Pool. Same interface and SQL as the embedded store. */
export async function openPostgres(url: string): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // Fail at start, with the URL's host in the message, rather than on the first request.
  const probe = await pool.connect().catch((err: Error) => {
    throw new Error(`Cannot reach PostgreSQL at ${new URL(url).host}: ${err.message}. Check --database and that the server runs.`);
  });
  probe.release();
  const run = async <T extends Row>(client: { query: pg.Pool['query'] }, sql: string, params: unknown[] = []) => {
    const res = await client.query<T>(sql, params);
    return { rows: res.rows, rowCount: res.rowCount ?? res.rows.length };
  };
  return {
    engine: 'postgres',
    query: (sql, params) => run(pool, sql, params),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const tx: Queryable = { query: (sql, params) => run(client as unknown as pg.Pool, sql, params) };
        const out = await fn(tx);
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
