import type { Gpu, GpuSample, TelemetryTick } from '../../../shared/gpu/types';
import { parseAmdTelemetry, ROCM_SMI, TELEMETRY_ARGS as AMD_ARGS } from './amd';
import { NVIDIA_SMI, parseTelemetry, queryArgs, TELEMETRY_FIELDS, type Runner } from './nvidia';
import { RingBuffer } from './ring-buffer';

export const FAST_INTERVAL_MS = 1000;
export const SLOW_INTERVAL_MS = 15_000;
/** One hour at the fast rate; at the slow rate the same buffer covers longer, which is harmless. */
export const HISTORY_TICKS = 3600;
const HOUR_MS = 3_600_000;

export interface TelemetryOptions {
  run: Runner;
  publish: (tick: TelemetryTick) => void;
  now?: () => number;
}

/**
 * Live readings: one tool call per vendor per interval, covering all of that vendor's cards. A tick
 * never overlaps the previous one; a slow driver delays the next reading instead of piling up
 * processes.
 */
export class GpuTelemetry {
  private readonly history = new RingBuffer<TelemetryTick>(HISTORY_TICKS);
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private fast = false;
  private running = false;
  private gpus: Gpu[] = [];
  private readonly now: () => number;

  constructor(private readonly options: TelemetryOptions) {
    this.now = options.now ?? Date.now;
  }

  get intervalMs(): number {
    return this.fast ? FAST_INTERVAL_MS : SLOW_INTERVAL_MS;
  }

  /** Which cards to read. Vendors without a card are not polled at all. */
  setGpus(gpus: Gpu[]): void {
    this.gpus = gpus;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.inFlight;
  }

  /** 1 s while someone watches a dashboard, 15 s otherwise. Takes effect at once. */
  setFast(fast: boolean): void {
    if (fast === this.fast) return;
    this.fast = fast;
    if (this.running && !this.inFlight) this.schedule(fast ? 0 : this.intervalMs);
  }

  /** Ticks from the last hour, oldest first; `sinceMs` keeps only newer ones. */
  recent(sinceMs = 0): TelemetryTick[] {
    const floor = Math.max(sinceMs, this.now() - HOUR_MS);
    return this.history.toArray().filter((t) => t.at > floor);
  }

  /** Reads once now, records and publishes the tick. */
  async tick(): Promise<TelemetryTick> {
    const at = this.now();
    const vendors = new Set(this.gpus.map((g) => g.vendor));
    const reads: Promise<{ samples: GpuSample[]; problem: string | null }>[] = [];
    if (vendors.has('nvidia'))
      reads.push(this.read(NVIDIA_SMI, queryArgs(TELEMETRY_FIELDS), (out) => parseTelemetry(out, at)));
    if (vendors.has('amd')) reads.push(this.read(ROCM_SMI, AMD_ARGS, (out) => parseAmdTelemetry(out, at)));
    const results = await Promise.all(reads);
    const problems = results.map((r) => r.problem).filter((p): p is string => p !== null);
    const tick: TelemetryTick = {
      at,
      intervalMs: this.intervalMs,
      samples: results.flatMap((r) => r.samples),
      problem: problems.length > 0 ? problems.join('; ') : null,
    };
    this.history.push(tick);
    this.options.publish(tick);
    return tick;
  }

  private async read(
    command: string,
    args: string[],
    parse: (stdout: string) => GpuSample[] | null,
  ): Promise<{ samples: GpuSample[]; problem: string | null }> {
    const run = await this.options.run(command, args);
    if (run.kind !== 'ok')
      return { samples: [], problem: `${command}: ${run.kind === 'missing' ? 'not found' : run.detail}` };
    const samples = parse(run.stdout);
    return samples ? { samples, problem: null } : { samples: [], problem: `${command}: unreadable output` };
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      const started = Date.now();
      this.inFlight = this.tick()
        .then(
          () => undefined,
          () => undefined,
        )
        .finally(() => {
          this.inFlight = null;
          // Keep the rate steady: the time the tool took counts against the wait.
          if (this.running) this.schedule(Math.max(0, this.intervalMs - (Date.now() - started)));
        });
    }, delayMs);
    this.timer.unref();
  }
}
