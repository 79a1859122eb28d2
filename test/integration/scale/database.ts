import crypto from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';
import { postgresUrl } from '../../helpers/test-env';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A new, empty database on the test PostgreSQL cluster, so tests never see each other's rows.
 * `drop` removes it, cutting off any connection a killed instance left behind.
 */
export async function freshDatabase(prefix = 'rigshare_test'): Promise<TestDatabase> {
  const name = `${prefix}_${crypto.randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(postgresUrl());
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    name,
    url: url.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

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
