import { randomBytes } from 'ethers';
import { describe, expect, it } from 'vitest';
import { mintSessionToken, verifySessionToken } from '../../../shared/protocol/session-token';

const key = randomBytes(32);
const claims = { sub: '0x' + '1'.repeat(40), nid: 'node_1', chainId: 31337, iat: 1000, exp: 61_000 };

describe('session tokens', () => {
  it('verifies a fresh token and returns its claims', () => {
    const token = mintSessionToken(key, claims);
    expect(verifySessionToken(key, token, { now: 2000, chainId: 31337 })).toEqual({ ok: true, claims });
  });
  it('rejects a token used after expiry', () => {
    const token = mintSessionToken(key, claims);
    expect(verifySessionToken(key, token, { now: 61_000, chainId: 31337 })).toEqual({ ok: false, reason: 'expired' });
  });
  it('rejects a token whose claims were edited (extended expiry, other node)', () => {
    const token = mintSessionToken(key, claims);
    const forgedBody = mintSessionToken(randomBytes(32), { ...claims, exp: 9e12 }).split('.')[0];
    const forged = `${forgedBody}.${token.split('.')[1]}`;
    expect(verifySessionToken(key, forged, { now: 2000, chainId: 31337 })).toEqual({ ok: false, reason: 'bad_mac' });
  });
  it('rejects a token minted with another key or for another chain', () => {
    expect(verifySessionToken(key, mintSessionToken(randomBytes(32), claims), { now: 2000, chainId: 31337 }).ok).toBe(
      false,
    );
    expect(verifySessionToken(key, mintSessionToken(key, claims), { now: 2000, chainId: 1 })).toEqual({
      ok: false,
      reason: 'wrong_chain',
    });
  });
  it('rejects malformed tokens', () => {
    for (const t of ['', '.', 'abc', 'a.b.c', '!!.??'])
      expect(verifySessionToken(key, t, { now: 0, chainId: 31337 }).ok).toBe(false);
  });
});
