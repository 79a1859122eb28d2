import { formatUnits } from '../protocol/money';

/** The columns of the tax export, in order. One row per job earning, one per payout. */
export const CSV_COLUMNS = [
  'type',
  'date',
  'job_id',
  'statement_id',
  'tx_hash',
  'amount_units',
  'amount',
  'token',
  'status',
] as const;

export interface CsvEarning {
  jobId: string;
  completedAt: number;
  net: number;
  /** The statement that paid it, when one has. */
  statementId: string | null;
}

export interface CsvPayout {
  statementId: string;
  periodTo: number;
  txHash: string;
  amount: number;
  status: string;
}

function cell(value: string): string {
  // Quote anything a spreadsheet could misread, and defuse formula prefixes.
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function walletCsv(input: {
  earnings: CsvEarning[];
  payouts: CsvPayout[];
  token: { symbol: string; decimals: number };
}): string {
  const { symbol, decimals } = input.token;
  const rows: string[][] = [];
  for (const e of input.earnings) {
    rows.push([
      'earning',
      new Date(e.completedAt).toISOString(),
      e.jobId,
      e.statementId ?? '',
      '',
      String(e.net),
      formatUnits(e.net, decimals),
      symbol,
      e.statementId ? 'settled' : 'accrued',
    ]);
  }
  for (const p of input.payouts) {
    rows.push([
      'payout',
      new Date(p.periodTo).toISOString(),
      '',
      p.statementId,
      p.txHash,
      String(p.amount),
      formatUnits(p.amount, decimals),
      symbol,
      p.status,
    ]);
  }
  return [CSV_COLUMNS.join(','), ...rows.map((r) => r.map(cell).join(','))].join('\r\n') + '\r\n';
}

/** Reads the export back; used by tests and by anyone reconciling it. */
export function parseWalletCsv(text: string): Record<(typeof CSV_COLUMNS)[number], string>[] {
  const lines = text.split(/\r\n/).filter(Boolean);
  const header = lines.shift()?.split(',') ?? [];
  return lines.map((line) => {
    const cells: string[] = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]!;
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') {
          cur += '"';
          i++;
        } else if (ch === '"') quoted = false;
        else cur += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ',') {
        cells.push(cur);
        cur = '';
      } else cur += ch;
    }
    cells.push(cur);
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])) as Record<
      (typeof CSV_COLUMNS)[number],
      string
    >;
  });
}
