import { afterAll } from 'vitest';
import { freshDatabase, type TestDatabase } from './fresh-database';

export { freshDatabase, type TestDatabase };

/**
 * Which store the coordinator integration tests run on: `RIGSHARE_TEST_STORE=postgres` puts each
 * coordinator on its own fresh PostgreSQL database, anything else keeps the embedded store.
 */
export function testStore(): 'postgres' | 'pglite' {
  return process.env.RIGSHARE_TEST_STORE === 'postgres' ? 'postgres' : 'pglite';
}

const byDataDir = new Map<string, Promise<TestDatabase>>();

/**
 * The database URL for a coordinator with this data dir under the chosen store, or undefined for
 * the embedded one. A coordinator restarted on the same data dir finds the same database again,
 * as it would find its embedded store. Every database made here is dropped after the test file.
 */
export async function databaseForDataDir(dataDir: string): Promise<string | undefined> {
  if (testStore() === 'pglite') return undefined;
  let db = byDataDir.get(dataDir);
  if (!db) {
    db = freshDatabase();
    byDataDir.set(dataDir, db);
  }
  return (await db).url;
}

afterAll(async () => {
  const all = [...byDataDir.values()];
  byDataDir.clear();
  for (const db of all) await (await db).drop();
});
