/**
 * The one seam between the coordinator and its database. Everything above it speaks plain
 * PostgreSQL through `query`, so the embedded store (PGlite) and a real server (a `pg` Pool) are
 * interchangeable: a Pool implements `query` directly and `transaction` with a checked-out client.
 */
export type Row = Record<string, unknown>;

export interface Queryable {
  query<T extends Row = Row>(sql: string, params?: unknown[]): Promise<{ rows: T[]; rowCount: number }>;
}

export interface Db extends Queryable {
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** "pglite" or "postgres", for logs and /v1/info. */
  readonly engine: string;
}

/** int8 columns come back as numbers from PGlite and as strings from pg; money code wants numbers. */
export function int(value: unknown): number {
  if (value === null || value === undefined) return 0;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`expected an integer from the database, got ${String(value)}`);
  return n;
}

export function intOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : int(value);
}
