import { getAddress } from 'ethers';
import { recoverSigner } from '../../../shared/protocol/signing';
import { SignedStatement } from '../../../shared/wallet/statement';
import type { VerificationResult } from '../../../shared/wallet/verification';
import { ChainMismatch, ChainUnavailable, type ChainReader } from '../chain/reader';
import type { ChainTransfer } from '../chain/types';
import type { EarningsStore } from './earnings-store';
import type { StatementStore, StoredPayout } from './statement-store';
import { verifyPayout } from './verify';

export type ChainState =
  | { state: 'ok'; head: number }
  | { state: 'unavailable'; message: string }
  | { state: 'unconfigured'; message: string };

export interface PayoutServiceOptions {
  statements: StatementStore;
  earnings: EarningsStore;
  /** The chain to check against, or null when none is configured yet. */
  reader: () => ChainReader | null;
  /** The network key that must have signed statements (pinned at join). */
  networkSigner: () => string | null;
  payoutAddress: () => string | null;
  now?: () => number;
}

/**
 * Keeps the rig's payouts checked three ways. Statements come in from the network; each check
 * reads the chain once for the head and the treasury's transfers to this wallet, then judges
 * every statement with the pure verifier and stores the verdicts together.
 */
export class PayoutService {
  constructor(private readonly o: PayoutServiceOptions) {}

  /** Stores statements that parse; returns how many were new and how many were refused as malformed. */
  ingest(envelopes: unknown[]): { added: number; refused: number } {
    let added = 0;
    let refused = 0;
    for (const e of envelopes) {
      const parsed = SignedStatement.safeParse(e);
      if (!parsed.success) {
        refused++;
        continue;
      }
      if (this.o.statements.add(parsed.data, this.now())) added++;
    }
    return { added, refused };
  }

  list(): StoredPayout[] {
    return this.o.statements.all();
  }

  /** Re-checks every payout against the ledger and the chain. A dead RPC leaves the last verdicts in place. */
  async checkAll(): Promise<{ chain: ChainState; payouts: StoredPayout[] }> {
    const reader = this.o.reader();
    const payoutAddress = this.o.payoutAddress();
    if (!reader || !payoutAddress) {
      const message = !reader
        ? 'No chain is configured for payouts yet.'
        : 'No payout address yet: set up the wallet first.';
      return { chain: { state: 'unconfigured', message }, payouts: this.list() };
    }
    try {
      const head = await reader.head();
      const logs = await reader.payoutLogs(payoutAddress);
      const byTx = new Map<string, ChainTransfer[]>();
      for (const t of logs) byTx.set(t.txHash.toLowerCase(), [...(byTx.get(t.txHash.toLowerCase()) ?? []), t]);
      const results: { statementId: string; result: VerificationResult }[] = [];
      const signer = this.o.networkSigner();
      for (const p of this.list()) {
        let transfers: ChainTransfer[] | null = byTx.get(p.txHash.toLowerCase()) ?? null;
        // Not among the treasury's transfers to us: look at the tx itself to say why.
        if (!transfers) transfers = await reader.txTransfers(p.txHash);
        const statement = p.envelope.payload;
        const recovered = recoverSigner(p.envelope.payload, p.envelope.signature);
        const signatureValid =
          !!signer && recovered === getAddress(signer) && statement.chainId === reader.config.chainId;
        results.push({
          statementId: p.statementId,
          result: verifyPayout({
            statement,
            signatureValid,
            expected: { token: reader.config.token.address, treasury: reader.config.treasury, payoutAddress },
            ledgerNet: (id) => this.o.earnings.netFor(id),
            transfers,
            head,
            finality: reader.config.finality,
            prior: { seenBlockHash: p.seenBlockHash },
          }),
        });
      }
      this.o.statements.saveChecks(results, this.now());
      return { chain: { state: 'ok', head: head.number }, payouts: this.list() };
    } catch (err) {
      if (err instanceof ChainUnavailable || err instanceof ChainMismatch) {
        return { chain: { state: 'unavailable', message: err.message }, payouts: this.list() };
      }
      throw err;
    }
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }
}
