import type Database from 'better-sqlite3';
import type { SignedStatement } from '../../../shared/wallet/statement';
import type { MismatchReason, VerificationResult, VerificationStatus } from '../../../shared/wallet/verification';

export interface StoredPayout {
  statementId: string;
  receivedAt: number;
  periodFrom: number;
  periodTo: number;
  amount: number;
  token: { address: string; symbol: string; decimals: number };
  txHash: string;
  envelope: SignedStatement;
  status: VerificationStatus;
  reasons: MismatchReason[];
  chainAmount: number | null;
  ledgerAmount: number;
  confirmations: number;
  blockNumber: number | null;
  blockHash: string | null;
  seenBlockHash: string | null;
  checkedAt: number | null;
}

interface Row {
  statement_id: string;
  received_at: number;
  period_from: number;
  period_to: number;
  amount: number;
  token_address: string;
  token_symbol: string;
  token_decimals: number;
  tx_hash: string;
  envelope_json: string;
  status: VerificationStatus;
  reasons_json: string;
  chain_amount: number | null;
  ledger_amount: number;
  confirmations: number;
  block_number: number | null;
  block_hash: string | null;
  seen_block_hash: string | null;
  checked_at: number | null;
}

/** Statements as the network signed them, with the latest verdict of the three-way check. */
export class StatementStore {
  private readonly insert;
  private readonly update;
  private readonly list;
  private readonly one;

  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare(
      `INSERT OR IGNORE INTO payout_statements
         (statement_id, received_at, period_from, period_to, amount, token_address, token_symbol, token_decimals, tx_hash, envelope_json)
       VALUES (@id, @at, @from, @to, @amount, @tokenAddress, @symbol, @decimals, @txHash, @envelope)`,
    );
    this.update = db.prepare(
      `UPDATE payout_statements SET status = @status, reasons_json = @reasons, chain_amount = @chain, ledger_amount = @ledger,
         confirmations = @confirmations, block_number = @blockNumber, block_hash = @blockHash,
         seen_block_hash = @seen, checked_at = @at
       WHERE statement_id = @id`,
    );
    this.list = db.prepare(`SELECT * FROM payout_statements ORDER BY period_to DESC, statement_id`);
    this.one = db.prepare(`SELECT * FROM payout_statements WHERE statement_id = ?`);
  }

  /** Keeps the first copy of a statement: the network cannot quietly rewrite one it already signed. */
  add(envelope: SignedStatement, at = Date.now()): boolean {
    const p = envelope.payload;
    return (
      this.insert.run({
        id: p.statementId,
        at,
        from: p.period.from,
        to: p.period.to,
        amount: p.amount,
        tokenAddress: p.token.address,
        symbol: p.token.symbol,
        decimals: p.token.decimals,
        txHash: p.txHash,
        envelope: JSON.stringify(envelope),
      }).changes === 1
    );
  }

  saveCheck(statementId: string, result: VerificationResult, at = Date.now()): void {
    const prior = this.get(statementId);
    // Remember the block the transfer was last seen in; a reorg is "seen before, gone now".
    const seen = result.blockHash ?? (result.status === 'reverted' ? (prior?.seenBlockHash ?? null) : null);
    this.update.run({
      id: statementId,
      status: result.status,
      reasons: JSON.stringify(result.reasons),
      chain: result.difference.chain,
      ledger: result.difference.ledger,
      confirmations: result.confirmations,
      blockNumber: result.blockNumber,
      blockHash: result.blockHash,
      seen,
      at,
    });
  }

  saveChecks(items: { statementId: string; result: VerificationResult }[], at = Date.now()): void {
    this.db.transaction(() => {
      for (const i of items) this.saveCheck(i.statementId, i.result, at);
    })();
  }

  get(statementId: string): StoredPayout | null {
    const row = this.one.get(statementId) as Row | undefined;
    return row ? toPayout(row) : null;
  }

  all(): StoredPayout[] {
    return (this.list.all() as Row[]).map(toPayout);
  }
}

function toPayout(r: Row): StoredPayout {
  return {
    statementId: r.statement_id,
    receivedAt: r.received_at,
    periodFrom: r.period_from,
    periodTo: r.period_to,
    amount: r.amount,
    token: { address: r.token_address, symbol: r.token_symbol, decimals: r.token_decimals },
    txHash: r.tx_hash,
    envelope: JSON.parse(r.envelope_json) as SignedStatement,
    status: r.status,
    reasons: JSON.parse(r.reasons_json) as MismatchReason[],
    chainAmount: r.chain_amount,
    ledgerAmount: r.ledger_amount,
    confirmations: r.confirmations,
    blockNumber: r.block_number,
    blockHash: r.block_hash,
    seenBlockHash: r.seen_block_hash,
    checkedAt: r.checked_at,
  };
}
