import { Wallet } from 'ethers';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoordinator, type RunningCoordinator } from '../../../coordinator/server';
import { rawPost, tempDir } from '../coordinator/helpers';
import { freshDatabase, type TestDatabase } from './database';

let db: TestDatabase;
let a: RunningCoordinator;
let b: RunningCoordinator;
const saved = process.env.RIGSHARE_AUTH_RATE_PER_ADDRESS;

beforeAll(async () => {
  process.env.RIGSHARE_AUTH_RATE_PER_ADDRESS = '4';
  db = await freshDatabase();
  const start = () =>
    startCoordinator({ dataDir: tempDir('rate'), databaseUrl: db.url, port: 0, log: pino({ level: 'silent' }) });
  a = await start();
  b = await start();
});
afterAll(async () => {
  if (saved === undefined) delete process.env.RIGSHARE_AUTH_RATE_PER_ADDRESS;
  else process.env.RIGSHARE_AUTH_RATE_PER_ADDRESS = saved;
  await a?.close();
  await b?.close();
  await db?.drop();
});

describe('login rate limits across instances', () => {
  it('count one address on every instance together, and refuse the excess with 429 and Retry-After', async () => {
    const address = Wallet.createRandom().address;
    const ask = (c: RunningCoordinator) => rawPost(c, null, '/v1/auth/nonce', JSON.stringify({ address }));
    // Four allowed in the window, spread over both instances.
    for (const c of [a, b, a, b]) expect((await ask(c)).status).toBe(200);
    const refused = await ask(a);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect((await ask(b)).status).toBe(429);
    const raw = await fetch(`${b.url}/v1/auth/nonce`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ address }),
    });
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another node is not held back by this one.
    expect(
      (await rawPost(b, null, '/v1/auth/nonce', JSON.stringify({ address: Wallet.createRandom().address }))).status,
    ).toBe(200);
    // The refused requests issued no nonces.
    const issued = Number(
      (await a.ctx.db.query('SELECT COUNT(*) AS n FROM login_nonces WHERE address = $1', [address])).rows[0]!.n,
    );
    expect(issued).toBe(4);
  });
});
