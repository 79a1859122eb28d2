import { computeHmac, decodeBase64, encodeBase64, getBytes, toUtf8Bytes, toUtf8String } from 'ethers';
import { z } from 'zod';

/**
 * Session tokens are self-verifying: a claims object and an HMAC-SHA256 over it with a key every
 * coordinator instance shares. Any instance can check a token without a database round trip, and
 * no signature recovery happens after login.
 */
export const SessionClaims = z.object({
  /** The node's identity address. */
  sub: z.string(),
  /** The node id the coordinator gave that address. */
  nid: z.string(),
  chainId: z.number().int(),
  iat: z.number().int(),
  exp: z.number().int(),
});
export type SessionClaims = z.infer<typeof SessionClaims>;

export type TokenFailure = 'malformed' | 'bad_mac' | 'expired' | 'wrong_chain';

function b64url(bytes: Uint8Array): string {
  return encodeBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromB64url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  return decodeBase64(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
}

function mac(key: Uint8Array, body: string): string {
  return b64url(getBytes(computeHmac('sha256', key, toUtf8Bytes(body))));
}

/** Constant-time string comparison, so a MAC cannot be guessed byte by byte from timing. */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export function mintSessionToken(key: Uint8Array, claims: SessionClaims): string {
  const body = b64url(toUtf8Bytes(JSON.stringify(claims)));
  return `${body}.${mac(key, body)}`;
}

export function verifySessionToken(
  key: Uint8Array,
  token: string,
  expect: { now: number; chainId: number },
): { ok: true; claims: SessionClaims } | { ok: false; reason: TokenFailure } {
  const parts = token.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return { ok: false, reason: 'malformed' };
  const [body, tag] = parts as [string, string];
  if (!sameText(mac(key, body), tag)) return { ok: false, reason: 'bad_mac' };
  let claims: SessionClaims;
  try {
    claims = SessionClaims.parse(JSON.parse(toUtf8String(fromB64url(body))));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (claims.chainId !== expect.chainId) return { ok: false, reason: 'wrong_chain' };
  if (expect.now >= claims.exp) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}
