import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate } from '../../../coordinator/store/migrations';
import { openPostgres } from '../../../coordinator/store/postgres';
import { startInstance, type Instance } from './cluster';
import { freshDatabase, type TestDatabase } from './database';

const ALL = MIGRATIONS.map((m) => m.version);
let db: TestDatabase | undefined;
let instances: Instance[] = [];

afterEach(async () => {
  for (const i of instances) await i.kill('SIGKILL');
  instances = [];
  await db?.drop();
  db = undefined;
});

async function appliedRows(url: string) {
  const conn = await openPostgres(url, { poolSize: 1 });
  try {
    return (await conn.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map(
      (r) => Number(r.version),
    );
  } finally {
    await conn.close();
  }
}

describe('schema migrations on PostgreSQL', () => {
  it('run exactly once when several pools migrate an empty database at the same moment', async () => {
    db = await freshDatabase();
    const pools = await Promise.all(Array.from({ length: 6 }, () => openPostgres(db!.url, { poolSize: 2 })));
    try {
      const results = await Promise.allSettled(pools.map((p) => migrate(p)));
      // Without the advisory lock the losers fail with "relation already exists" or a duplicate version.
      expect(results.map((r) => r.status)).toEqual(pools.map(() => 'fulfilled'));
      const applied = results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
      expect(applied.sort((a, b) => a - b)).toEqual(ALL);
      // And a later start finds nothing to do.
      expect(await migrate(pools[0]!)).toEqual([]);
    } finally {
      await Promise.all(pools.map((p) => p.close()));
    }
    expect(await appliedRows(db.url)).toEqual(ALL);
  });

  it('run exactly once when two coordinator processes start together on an empty database', async () => {
    db = await freshDatabase();
    instances = await Promise.all([startInstance({ databaseUrl: db.url }), startInstance({ databaseUrl: db.url })]);
    const migrated = instances.map((i) =>
      i.logs.filter((l) => l.msg === 'schema migrated').flatMap((l) => l.applied as number[]),
    );
    // One instance applied every version; the other found the schema current and applied none.
    expect(migrated.flat().sort((a, b) => a - b)).toEqual(ALL);
    expect(migrated.filter((m) => m.length > 0)).toHaveLength(1);
    expect(await appliedRows(db.url)).toEqual(ALL);
    for (const i of instances) {
      const ready = await fetch(`${i.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ ready: true, engine: 'postgres', schemaVersion: Math.max(...ALL) });
    }
    // Both speak for one network: the same signing key, agreed through the database.
    expect(instances[0]!.coordinator).toBe(instances[1]!.coordinator);
  });
});
