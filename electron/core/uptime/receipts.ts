import { getAddress } from 'ethers';
import { MAX_CLOCK_SKEW_MS } from '../../../shared/protocol/constants';
import { HeartbeatReceipt } from '../../../shared/protocol/messages';
import { recoverSigner } from '../../../shared/protocol/signing';

export type ReceiptRejection =
  'malformed' | 'forged' | 'wrong_chain' | 'wrong_node' | 'unknown_heartbeat' | 'replayed' | 'stale';

export interface ReceiptContext {
  /** The coordinator key this node pinned when it joined. */
  coordinator: string;
  chainId: number;
  nodeAddress: string;
  /** When this node sent the heartbeat with that nonce; undefined if it never did. */
  sentAt(heartbeatNonce: string): number | undefined;
  /** True when a receipt with this nonce, or for this heartbeat, is already on file. */
  alreadyHave(receiptNonce: string, heartbeatNonce: string): boolean;
  maxSkewMs?: number;
}

export type ReceiptCheck = { ok: true; receipt: HeartbeatReceipt } | { ok: false; reason: ReceiptRejection };

/**
 * A receipt is proof of uptime only if the network signed it, for this node and chain, for a
 * heartbeat this node really sent, close to when it was sent, and only once. Anything else is
 * refused: a forged receipt earns nothing, and neither does a replayed one.
 */
export function checkReceipt(envelope: unknown, ctx: ReceiptContext): ReceiptCheck {
  if (typeof envelope !== 'object' || envelope === null) return { ok: false, reason: 'malformed' };
  const { payload, signature } = envelope as { payload?: unknown; signature?: unknown };
  const parsed = HeartbeatReceipt.safeParse(payload);
  if (!parsed.success || typeof signature !== 'string') return { ok: false, reason: 'malformed' };
  const receipt = parsed.data;
  const signer = recoverSigner(payload, signature);
  if (!signer || signer !== getAddress(ctx.coordinator)) return { ok: false, reason: 'forged' };
  if (receipt.chainId !== ctx.chainId) return { ok: false, reason: 'wrong_chain' };
  if (getAddress(receipt.nodeAddress) !== getAddress(ctx.nodeAddress)) return { ok: false, reason: 'wrong_node' };
  const sent = ctx.sentAt(receipt.heartbeatNonce);
  if (sent === undefined) return { ok: false, reason: 'unknown_heartbeat' };
  if (ctx.alreadyHave(receipt.nonce, receipt.heartbeatNonce)) return { ok: false, reason: 'replayed' };
  if (Math.abs(receipt.receivedAt - sent) > (ctx.maxSkewMs ?? MAX_CLOCK_SKEW_MS)) return { ok: false, reason: 'stale' };
  return { ok: true, receipt };
}
