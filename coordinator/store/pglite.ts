import fs from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable, Row } from './db';

/** The embedded store: real PostgreSQL SQL in-process, with its data dir on disk. */
export async function openPglite(dir: string): Promise<Db> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Loaded on demand so commands that never open the embedded store do not pay for its engine.
  const { PGlite: Engine } = await import('@electric-sql/pglite');
  const pg = await Engine.create(dir);
  const wrap = (q: { query: PGlite['query'] }): Queryable => ({
    async query<T extends Row>(sql: string, params: unknown[] = []) {
      const res = await q.query<T>(sql, params);
      return { rows: res.rows, rowCount: res.affectedRows ?? res.rows.length };
    },
  });
  const base = wrap(pg);
  return {
    engine: 'pglite',
    query: base.query,
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    close: () => pg.close(),
  };
}
