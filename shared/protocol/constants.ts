/** The node protocol version this build speaks. Every route lives under `/v1`. */
export const PROTOCOL_VERSION = 1;
export const API_PREFIX = '/v1';

/** Prefix of every signed protocol message, so a signature can never be reused as another app's. */
export const SIGNED_MESSAGE_PREFIX = 'Rigshare protocol v1\n';

/** How far a signed message's timestamp may be from the verifier's clock. */
export const MAX_CLOCK_SKEW_MS = 60_000;

/** Session tokens are short-lived; the node logs in again with its key when one expires. */
export const SESSION_TOKEN_TTL_MS = 15 * 60_000;

/** Login nonces must be used quickly and once. */
export const LOGIN_NONCE_TTL_MS = 2 * 60_000;

/** Ordered service tiers. A node serves jobs that ask for its tier or a lower one. */
export const SLA_TIERS = ['bronze', 'silver', 'gold'] as const;
export type SlaTierName = (typeof SLA_TIERS)[number];

export function tierRank(tier: SlaTierName): number {
  return SLA_TIERS.indexOf(tier);
}

/** Basis points: 10_000 = 100 %. */
export const BPS = 10_000;
