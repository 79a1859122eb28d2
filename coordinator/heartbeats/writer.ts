import type { Db } from '../store/db';

/** One heartbeat as it is recorded: the sample, the node's new state and the request nonce. */
export interface HeartbeatSample {
  nodeId: string;
  nonce: string;
  /** Until when the nonce must be remembered (the stamp's timestamp plus the allowed skew). */
  nonceExpiresAt: number;
  at: number;
  state: string;
}

export interface WriterOptions {
  /** How long a flush waits to gather more heartbeats once the first one arrives. */
  windowMs: number;
  /** A batch this big is written at once, without waiting for the window. */
  maxRows: number;
  /** Flushes allowed in flight at once; each holds one pooled connection. */
  maxInFlight: number;
  onFlush?: (rows: number, seconds: number) => void;
  onError?: (err: unknown, rows: number) => void;
}

export const DEFAULT_WRITER_OPTIONS: WriterOptions = {
  windowMs: Number(process.env.RIGSHARE_HEARTBEAT_FLUSH_MS ?? 10),
  maxRows: Number(process.env.RIGSHARE_HEARTBEAT_BATCH_ROWS ?? 500),
  maxInFlight: Number(process.env.RIGSHARE_HEARTBEAT_MAX_IN_FLIGHT ?? 4),
};

interface Pending extends HeartbeatSample {
  resolve(fresh: boolean): void;
  reject(err: unknown): void;
}

export class WriterClosedError extends Error {
  constructor() {
    super('The coordinator is shutting down; send the heartbeat again to another instance.');
    this.name = 'WriterClosedError';
  }
}

/**
 * One statement per batch: claim every request nonce (a nonce any instance already saw is a
 * replay and records nothing), append a sample for each fresh heartbeat, and move each node's
 * last-heard time and state forward. Arrays travel as five parameters whatever the batch size,
 * so the statement is prepared the same way every time.
 */
const FLUSH_SQL = `
  WITH input AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::int8[], $4::int8[], $5::text[]) AS t(node_id, nonce, expires_at, at, state)
  ), claimed AS (
    INSERT INTO request_nonces (node_id, nonce, expires_at)
    SELECT node_id, nonce, expires_at FROM input
    ON CONFLICT DO NOTHING
    RETURNING node_id, nonce
  ), fresh AS (
    SELECT i.* FROM input i JOIN claimed c ON c.node_id = i.node_id AND c.nonce = i.nonce
  ), samples AS (
    INSERT INTO heartbeats (node_id, at) SELECT node_id, at FROM fresh
  ), latest AS (
    UPDATE nodes n SET last_heartbeat_at = l.at, state = l.state
    FROM (SELECT DISTINCT ON (node_id) node_id, at, state FROM fresh ORDER BY node_id, at DESC) l
    WHERE n.id = l.node_id AND (n.last_heartbeat_at IS NULL OR n.last_heartbeat_at <= l.at)
  )
  SELECT node_id, nonce FROM claimed`;

const DEADLOCK = '40P01';

/**
 * The heartbeat fast path's only database write. Heartbeats that arrive together are written
 * together (group commit): the first one opens a short window, and everything that arrives in it,
 * or while an earlier batch is still being written, goes out in one statement. A caller's promise
 * settles only after its batch has committed, so a node never holds a receipt for a heartbeat
 * the network could lose, not even to a kill -9.
 */
export class HeartbeatWriter {
  private queue: Pending[] = [];
  private readonly queuedKeys = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly options: WriterOptions = DEFAULT_WRITER_OPTIONS,
  ) {}

  /** True when the heartbeat was recorded, false when its nonce was already used (a replay). */
  record(sample: HeartbeatSample): Promise<boolean> {
    if (this.closed) return Promise.reject(new WriterClosedError());
    const key = `${sample.nodeId}\u0000${sample.nonce}`;
    // The same nonce twice in one batch: the statement would claim it once and credit both.
    if (this.queuedKeys.has(key)) return Promise.resolve(false);
    return new Promise<boolean>((resolve, reject) => {
      this.queuedKeys.add(key);
      this.queue.push({ ...sample, resolve, reject });
      this.schedule();
    });
  }

  /** Heartbeats waiting for their batch. */
  get backlog(): number {
    return this.queue.length;
  }

  /** Writes whatever is queued now and waits for every batch in flight. */
  async flush(): Promise<void> {
    this.clearTimer();
    while (this.queue.length > 0) this.startBatch();
    await Promise.all([...this.inFlight]);
  }

  /** Refuses new heartbeats, then writes the ones already accepted. For shutdown. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private schedule(): void {
    if (this.queue.length >= this.options.maxRows) {
      if (this.inFlight.size < this.options.maxInFlight) {
        this.clearTimer();
        this.startBatch();
      }
      return;
    }
    if (!this.timer && this.inFlight.size < this.options.maxInFlight) {
      this.timer = setTimeout(() => {
        this.timer = null;
        if (this.queue.length > 0) this.startBatch();
      }, this.options.windowMs);
    }
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private startBatch(): void {
    const batch = this.queue.splice(0, this.options.maxRows);
    for (const p of batch) this.queuedKeys.delete(`${p.nodeId}\u0000${p.nonce}`);
    const done = this.write(batch).finally(() => {
      this.inFlight.delete(done);
      // What arrived while this batch was being written goes next, without another window.
      if (this.queue.length > 0 && !this.closed) {
        this.clearTimer();
        this.startBatch();
      }
    });
    this.inFlight.add(done);
  }

  private async write(batch: Pending[]): Promise<void> {
    const started = process.hrtime.bigint();
    const params = [
      batch.map((p) => p.nodeId),
      batch.map((p) => p.nonce),
      batch.map((p) => p.nonceExpiresAt),
      batch.map((p) => p.at),
      batch.map((p) => p.state),
    ];
    try {
      let res;
      try {
        res = await this.db.query<{ node_id: string; nonce: string }>(FLUSH_SQL, params);
      } catch (err) {
        // Two instances can touch the same node rows in different orders (a node that moved
        // between them). PostgreSQL aborts one statement as a deadlock; it is safe to run again
        // because nothing of it was committed.
        if ((err as { code?: string }).code !== DEADLOCK) throw err;
        res = await this.db.query<{ node_id: string; nonce: string }>(FLUSH_SQL, params);
      }
      const claimed = new Set(res.rows.map((r) => `${r.node_id}\u0000${r.nonce}`));
      this.options.onFlush?.(batch.length, Number(process.hrtime.bigint() - started) / 1e9);
      for (const p of batch) p.resolve(claimed.has(`${p.nodeId}\u0000${p.nonce}`));
    } catch (err) {
      this.options.onError?.(err, batch.length);
      for (const p of batch) p.reject(err);
    }
  }
}
