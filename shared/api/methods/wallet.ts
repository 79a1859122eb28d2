import { z } from 'zod';
import { defineMethods } from '../define';
import { MismatchReason, VerificationStatus } from '../../wallet/verification';
import { UptimeReport } from '../../wallet/uptime';

const WalletState = z.discriminatedUnion('state', [
  z.object({ state: z.literal('none') }),
  z.object({ state: z.literal('corrupt'), message: z.string() }),
  z.object({
    state: z.literal('ready'),
    kind: z.enum(['mnemonic', 'private-key', 'watch-only']),
    address: z.string(),
    backupConfirmed: z.boolean(),
    payoutAddress: z.string().nullable(),
    /** 1-based word numbers to re-enter while the backup is unconfirmed. */
    backupChallenge: z.array(z.number().int()),
  }),
]);
export type WalletStateView = z.infer<typeof WalletState>;

export const PayoutView = z.object({
  statementId: z.string(),
  periodFrom: z.number().int(),
  periodTo: z.number().int(),
  jobs: z.number().int(),
  amount: z.number().int(),
  txHash: z.string(),
  status: VerificationStatus,
  reasons: z.array(MismatchReason),
  ledgerAmount: z.number().int(),
  chainAmount: z.number().int().nullable(),
  confirmations: z.number().int(),
  blockNumber: z.number().int().nullable(),
  explorerUrl: z.string().nullable(),
});
export type PayoutView = z.infer<typeof PayoutView>;

export const WalletView = z.object({
  wallet: WalletState,
  chain: z.object({
    state: z.enum(['ok', 'unavailable', 'unconfigured']),
    message: z.string().nullable(),
    chainId: z.number().int().nullable(),
    head: z.number().int().nullable(),
    confirmations: z.number().int().nullable(),
  }),
  network: z.object({ url: z.string().nullable(), problem: z.string().nullable() }),
  token: z.object({ symbol: z.string(), decimals: z.number().int(), address: z.string().nullable() }),
  /** Balances as decimal strings of the smallest unit (wei, token units); null when unknown. */
  balances: z.object({ native: z.string().nullable(), token: z.string().nullable() }),
  /** Local currency per token, when the token is a dollar stablecoin; null otherwise. */
  localPerToken: z.number().nullable(),
  earnings: z.object({
    /** Everything the local ledger says this rig earned. */
    earned: z.number().int(),
    /** Covered by verified payouts. */
    paid: z.number().int(),
    /** Earned but not yet covered by a verified payout. */
    pending: z.number().int(),
    jobs: z.number().int(),
  }),
  payouts: z.array(PayoutView),
});
export type WalletView = z.infer<typeof WalletView>;

export const walletMethods = defineMethods({
  'wallet.get': { input: z.object({}).strict(), output: WalletView },
  'wallet.watch': { input: z.object({ address: z.string().max(64) }).strict(), output: WalletView },
  /**
   * Confirms the written backup: the password and the asked-for words go in, nothing comes out
   * but the updated state. The full recovery phrase never crosses this boundary.
   */
  'wallet.confirmBackup': {
    input: z
      .object({
        password: z.string().min(1).max(1024),
        words: z.record(z.string().regex(/^\d{1,2}$/), z.string().max(16)),
      })
      .strict(),
    output: WalletView,
  },
  'wallet.exportCsv': { input: z.object({}).strict(), output: z.object({ filename: z.string(), csv: z.string() }) },
  'wallet.uptime': {
    input: z.object({ days: z.number().int().min(1).max(90).default(30) }).strict(),
    output: UptimeReport,
  },
});
