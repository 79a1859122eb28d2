import { z } from 'zod';
import { MAX_CLOCK_SKEW_MS } from './constants';

/** 128 random bits, hex. Unique per message; a second use is a replay. */
export const Nonce = z.string().regex(/^[0-9a-f]{32}$/, 'nonce must be 32 lowercase hex characters');
export const ChainId = z.number().int().positive();
export const Timestamp = z.number().int().nonnegative();

/**
 * Every signed message and every mutating node request carries this stamp. The nonce stops
 * replays, the timestamp bounds how long a captured message is worth anything, and the chain id
 * stops a message for one network being played against another.
 */
export const Stamp = z.object({ nonce: Nonce, timestamp: Timestamp, chainId: ChainId });
export type Stamp = z.infer<typeof Stamp>;

export type StampFailure = 'wrong_chain' | 'stale' | 'replayed';

/** Remembers nonces for as long as their message could still pass the freshness check. */
export interface NonceGuard {
  /** True the first time a nonce is seen, false for a replay. */
  claim(nonce: string, expiresAt: number): boolean | Promise<boolean>;
}

export function newNonce(random: (n: number) => Uint8Array): string {
  return Array.from(random(16), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function makeStamp(chainId: number, now: number, random: (n: number) => Uint8Array): Stamp {
  return { nonce: newNonce(random), timestamp: now, chainId };
}

/** Checks chain and freshness; the nonce check is separate because it has a side effect. */
export function checkStampFreshness(
  stamp: Stamp,
  expect: { chainId: number; now: number; maxSkewMs?: number },
): StampFailure | null {
  if (stamp.chainId !== expect.chainId) return 'wrong_chain';
  if (Math.abs(expect.now - stamp.timestamp) > (expect.maxSkewMs ?? MAX_CLOCK_SKEW_MS)) return 'stale';
  return null;
}

export async function checkStamp(
  stamp: Stamp,
  expect: { chainId: number; now: number; maxSkewMs?: number; nonces: NonceGuard },
): Promise<StampFailure | null> {
  const fresh = checkStampFreshness(stamp, expect);
  if (fresh) return fresh;
  const skew = expect.maxSkewMs ?? MAX_CLOCK_SKEW_MS;
  const first = await expect.nonces.claim(stamp.nonce, stamp.timestamp + skew);
  return first ? null : 'replayed';
}

/** An in-memory guard, pruned as entries expire. Enough for one process (the node's verifier). */
export class MemoryNonceGuard implements NonceGuard {
  private readonly seen = new Map<string, number>();
  constructor(private readonly clock: () => number = Date.now) {}

  claim(nonce: string, expiresAt: number): boolean {
    const now = this.clock();
    if (this.seen.size > 1024) {
      for (const [n, exp] of this.seen) if (exp < now) this.seen.delete(n);
    }
    const prior = this.seen.get(nonce);
    if (prior !== undefined && prior >= now) return false;
    this.seen.set(nonce, expiresAt);
    return true;
  }
}
