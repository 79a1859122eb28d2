import { getAddress, verifyMessage } from 'ethers';
import type { z } from 'zod';
import { canonicalJson } from './canonical';
import { SIGNED_MESSAGE_PREFIX } from './constants';
import { checkStamp, type NonceGuard, type StampFailure } from './stamp';

/** What a signed message looks like on the wire: its payload and an EIP-191 signature over it. */
export interface SignedEnvelope<P> {
  payload: P;
  signature: string;
}

/** Anything that signs EIP-191 personal messages: an ethers Wallet, or a hardware key's adapter. */
export interface MessageSigner {
  signMessage(message: string): Promise<string>;
}

/** The exact text that is signed: a fixed prefix and the payload as canonical JSON. */
export function signedMessageText(payload: unknown): string {
  return SIGNED_MESSAGE_PREFIX + canonicalJson(payload);
}

export async function signPayload<P>(signer: MessageSigner, payload: P): Promise<SignedEnvelope<P>> {
  return { payload, signature: await signer.signMessage(signedMessageText(payload)) };
}

/** Recovers the signer's checksummed address, or null when the signature is not one. */
export function recoverSigner(payload: unknown, signature: string): string | null {
  try {
    return getAddress(verifyMessage(signedMessageText(payload), signature));
  } catch {
    return null;
  }
}

export type VerifyFailure = 'malformed' | 'wrong_kind' | 'bad_signature' | 'wrong_signer' | StampFailure;

export type VerifyResult<P> =
  { ok: true; payload: P; signer: string } | { ok: false; reason: VerifyFailure; message: string };

const MESSAGES: Record<VerifyFailure, string> = {
  malformed: 'the signed message does not have the expected fields',
  wrong_kind: 'the signed message is of another kind',
  bad_signature: 'the signature does not verify',
  wrong_signer: 'the message was not signed by the expected key',
  wrong_chain: 'the message is for another chain id',
  stale: 'the message timestamp is outside the allowed clock skew',
  replayed: 'the message nonce was already used',
};

export interface VerifyOptions<S extends z.ZodType> {
  schema: S;
  kind: string;
  /** The address that must have signed. Omit only for login, where the signer is who is claimed. */
  expectedSigner?: string;
  chainId: number;
  now: number;
  maxSkewMs?: number;
  nonces: NonceGuard;
}

/**
 * Verifies a signed envelope completely: shape, kind, signature, signer, chain id, freshness and
 * nonce, in that order, so a tampered message never consumes a nonce.
 */
export async function verifySigned<S extends z.ZodType>(
  envelope: unknown,
  options: VerifyOptions<S>,
): Promise<VerifyResult<z.output<S>>> {
  const fail = (reason: VerifyFailure): VerifyResult<z.output<S>> => ({ ok: false, reason, message: MESSAGES[reason] });
  if (typeof envelope !== 'object' || envelope === null) return fail('malformed');
  const { payload, signature } = envelope as { payload?: unknown; signature?: unknown };
  if (typeof signature !== 'string') return fail('malformed');
  const parsed = options.schema.safeParse(payload);
  if (!parsed.success) return fail('malformed');
  const value = parsed.data as z.output<S> & { kind: string; nonce: string; timestamp: number; chainId: number };
  if (value.kind !== options.kind) return fail('wrong_kind');
  // Verify over what was received, not over the parsed copy, so stripped or coerced fields cannot
  // make a different message verify.
  const signer = recoverSigner(payload, signature);
  if (!signer) return fail('bad_signature');
  if (options.expectedSigner && signer !== getAddress(options.expectedSigner)) return fail('wrong_signer');
  const stamp = await checkStamp(value, options);
  if (stamp) return fail(stamp);
  return { ok: true, payload: value, signer };
}
