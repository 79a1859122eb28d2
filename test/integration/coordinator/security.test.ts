import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_TOKEN_TTL_MS } from '../../../shared/protocol/constants';
import { CoordinatorClient } from '../../../electron/core/network/client';
import { UntrustedMessage } from '../../../electron/core/network/errors';
import {
  coordinator,
  getJob,
  jobRequest,
  joinedNode,
  key,
  manualLogin,
  rawPost,
  result,
  stamp,
  submit,
  testClock,
} from './helpers';

const clock = testClock();
let c: Awaited<ReturnType<typeof coordinator>>;

beforeAll(async () => {
  c = await coordinator({ now: clock.now });
});
afterAll(async () => {
  await c?.close();
});

async function heartbeatCount(nodeId: string): Promise<number> {
  return Number((await c.ctx.db.query('SELECT COUNT(*) AS n FROM heartbeats WHERE node_id = $1', [nodeId])).rows[0]!.n);
}

describe('login', () => {
  it('issues a token for a correctly signed nonce, and the signed login cannot be replayed', async () => {
    const wallet = Wallet.createRandom();
    const first = await manualLogin(c, wallet as unknown as Wallet, { now: clock.now() });
    expect(first.status).toBe(200);
    expect(first.body.token).toMatch(/\./);
    const replay = await rawPost(c, null, '/v1/auth/login', JSON.stringify(first.env));
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('login_replayed');
  });

  it('refuses a login signed for another chain id', async () => {
    const res = await manualLogin(c, Wallet.createRandom() as unknown as Wallet, { chainId: 1, now: clock.now() });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('login_wrong_chain');
  });

  it('refuses a login with a stale timestamp', async () => {
    const res = await manualLogin(c, Wallet.createRandom() as unknown as Wallet, { now: clock.now() - 5 * 60_000 });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('login_stale');
  });

  it('refuses a login whose claimed address is not the signer', async () => {
    const real = Wallet.createRandom();
    const other = Wallet.createRandom();
    const { signPayload } = await import('../../../shared/protocol/signing');
    const nonce = (await rawPost(c, null, '/v1/auth/nonce', JSON.stringify({ address: other.address }))).body.nonce;
    const env = await signPayload(real, {
      kind: 'login' as const,
      address: other.address,
      nonce,
      timestamp: clock.now(),
      chainId: 31337,
      domain: c.url,
    });
    const res = await rawPost(c, null, '/v1/auth/login', JSON.stringify(env));
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('login_wrong_signer');
  });
});

describe('token-authenticated requests', () => {
  it('rejects a replayed heartbeat (same nonce) and records it once', async () => {
    const w = Wallet.createRandom() as unknown as Wallet;
    const { body } = await manualLogin(c, w, { now: clock.now() });
    const hb = JSON.stringify({ ...stamp(clock.now()), state: 'idle', leaseIds: [] });
    const first = await rawPost(c, body.token, '/v1/nodes/heartbeat', hb);
    expect(first.status).toBe(200);
    const again = await rawPost(c, body.token, '/v1/nodes/heartbeat', hb);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('replayed');
    expect(await heartbeatCount(body.nodeId)).toBe(1);
  });

  it('rejects a stale heartbeat and one for another chain, recording neither', async () => {
    const { body } = await manualLogin(c, Wallet.createRandom() as unknown as Wallet, { now: clock.now() });
    const stale = await rawPost(
      c,
      body.token,
      '/v1/nodes/heartbeat',
      JSON.stringify({ ...stamp(clock.now() - 120_000), state: 'idle', leaseIds: [] }),
    );
    expect(stale.status).toBe(400);
    expect(stale.body.error.message).toMatch(/clock/);
    const chain = await rawPost(
      c,
      body.token,
      '/v1/nodes/heartbeat',
      JSON.stringify({ ...stamp(clock.now(), 5), state: 'idle', leaseIds: [] }),
    );
    expect(chain.status).toBe(400);
    expect(await heartbeatCount(body.nodeId)).toBe(0);
  });

  it('rejects a session token used after it expires, and a forged one', async () => {
    const { body } = await manualLogin(c, Wallet.createRandom() as unknown as Wallet, { now: clock.now() });
    clock.advance(SESSION_TOKEN_TTL_MS + 1000);
    const late = await rawPost(
      c,
      body.token,
      '/v1/nodes/heartbeat',
      JSON.stringify({ ...stamp(clock.now()), state: 'idle', leaseIds: [] }),
    );
    expect(late.status).toBe(401);
    expect(late.body.error.code).toBe('token_expired');
    const forged = body.token.replace(/.$/, (ch: string) => (ch === 'A' ? 'B' : 'A'));
    const bad = await rawPost(
      c,
      forged,
      '/v1/nodes/heartbeat',
      JSON.stringify({ ...stamp(clock.now()), state: 'idle', leaseIds: [] }),
    );
    expect(bad.status).toBe(401);
    expect(await heartbeatCount(body.nodeId)).toBe(0);
  });

  it('the client logs in again by itself when its token expires', async () => {
    const node = await joinedNode(c, { now: clock.now });
    clock.advance(SESSION_TOKEN_TTL_MS + 1000);
    const hb = await node.heartbeat('idle', []);
    expect(hb.receipt.nodeId).toBe(node.nodeId);
  });
});

describe('reports', () => {
  it("a node cannot report on another node's job, and the job is unchanged", async () => {
    const owner = await joinedNode(c, { now: clock.now });
    const intruder = await joinedNode(c, { now: clock.now });
    const { body: job } = await submit(c, jobRequest({ idempotencyKey: key() }));
    let offer = await owner.lease(0);
    // Other tests' jobs may sit in the queue; take leases until ours comes.
    while (offer && offer.jobId !== job.jobId) offer = await owner.lease(0);
    expect(offer?.jobId).toBe(job.jobId);
    const attempts = [
      () => intruder.complete(offer!.leaseId, { idempotencyKey: key(), result: result() }),
      () => intruder.report(offer!.leaseId, 'progress', { idempotencyKey: key(), fraction: 0.5, message: 'x' }),
      () => intruder.report(offer!.leaseId, 'fail', { idempotencyKey: key(), reason: 'x', retryable: false }),
      () => intruder.report(offer!.leaseId, 'release', { idempotencyKey: key(), reason: 'x' }),
    ];
    for (const attempt of attempts) await expect(attempt()).rejects.toMatchObject({ status: 403 });
    const view = await getJob(c, job.jobId);
    expect(view.body).toMatchObject({ status: 'leased', result: null, progress: null, cost: null });
    expect(view.body.node).toBe(owner.address);
  });

  it('oversized and malformed bodies get 4xx and change nothing', async () => {
    const { body } = await manualLogin(c, Wallet.createRandom() as unknown as Wallet, { now: clock.now() });
    const before = Number((await c.ctx.db.query('SELECT COUNT(*) AS n FROM jobs')).rows[0]!.n);
    const huge = JSON.stringify({ ...stamp(clock.now()), state: 'idle', leaseIds: [], pad: 'x'.repeat(200_000) });
    const cases: Array<[string, string, string | undefined, string?]> = [
      ['/v1/nodes/heartbeat', huge, body.token],
      ['/v1/nodes/heartbeat', '{"state": "idle", ', body.token],
      ['/v1/nodes/heartbeat', JSON.stringify({ ...stamp(clock.now()), state: 'mining', leaseIds: [] }), body.token],
      [
        '/v1/nodes/heartbeat',
        JSON.stringify({ ...stamp(clock.now()), state: 'idle', leaseIds: [], extra: 1 }),
        body.token,
      ],
      ['/v1/nodes/heartbeat', 'state=idle', body.token, 'application/x-www-form-urlencoded'],
      [
        '/v1/jobs',
        JSON.stringify({ ...jobRequest(), spec: { ...jobRequest().spec, pad: 'x'.repeat(100_000) } }),
        c.customerToken,
      ],
      ['/v1/jobs', JSON.stringify({ ...jobRequest(), maxPricePerGpuHour: 0.5 }), c.customerToken],
      ['/v1/jobs', JSON.stringify({ ...jobRequest(), maxPricePerGpuHour: -1 }), c.customerToken],
      ['/v1/jobs', '[]', c.customerToken],
      ['/v1/jobs', JSON.stringify(jobRequest()), 'not-a-token'],
      ['/v1/auth/login', '{"payload": 1, "signature": "0x"}', undefined],
      [
        '/v1/leases/..%2f..%2fjobs/complete',
        JSON.stringify({ ...stamp(clock.now()), idempotencyKey: key(), result: result() }),
        body.token,
      ],
    ];
    for (const [p, b, token, type] of cases) {
      const res = await rawPost(c, token ?? null, p, b, type);
      expect(res.status, `${p} ${b.slice(0, 60)}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `${p} ${b.slice(0, 60)}`).toBeLessThan(500);
      expect(res.body?.error?.code, p).toBeTypeOf('string');
    }
    expect(Number((await c.ctx.db.query('SELECT COUNT(*) AS n FROM jobs')).rows[0]!.n)).toBe(before);
    expect(await heartbeatCount(body.nodeId)).toBe(0);
  });

  it('customers see only their own jobs', async () => {
    const { body: job } = await submit(c, jobRequest({ idempotencyKey: key() }));
    const { ensureCustomer } = await import('../../../coordinator/services/customers');
    await ensureCustomer(c.ctx, 'rsc_other-customer-token');
    expect((await getJob(c, job.jobId, 'rsc_other-customer-token')).status).toBe(404);
    expect((await getJob(c, job.jobId)).status).toBe(200);
  });
});

describe('the node trusts only its pinned coordinator key', () => {
  it('refuses a network whose key changed since it joined', async () => {
    const client = new CoordinatorClient({
      baseUrl: c.url,
      identity: Wallet.createRandom() as unknown as Wallet,
      trust: { coordinator: Wallet.createRandom().address, chainId: 31337 },
    });
    await expect(client.info()).rejects.toBeInstanceOf(UntrustedMessage);
  });
  it('refuses offers signed by a key other than the pinned one', async () => {
    const node = await joinedNode(c, { now: clock.now });
    // Re-pin this client to a different key: real offers now fail verification and are not acted on.
    (node as unknown as { trust: { coordinator: string; chainId: number } }).trust = {
      coordinator: Wallet.createRandom().address,
      chainId: 31337,
    };
    await submit(c, jobRequest({ idempotencyKey: key() }));
    await expect(node.lease(0)).rejects.toBeInstanceOf(UntrustedMessage);
  });
});
