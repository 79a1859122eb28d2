import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Just enough of the Prometheus text format for the coordinator: counters and histograms kept in
 * this process, gauges read from the database at scrape time. Per-process figures are labelled by
 * nothing; Prometheus adds the instance label when it scrapes each instance.
 */

type Labels = Record<string, string>;

function labelText(labels: Labels): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${k}="${labels[k]!.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`;
}

export class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels);
    const entry = this.values.get(key) ?? { labels, value: 0 };
    entry.value += by;
    this.values.set(key, entry);
  }

  get(labels: Labels = {}): number {
    return this.values.get(labelText(labels))?.value ?? 0;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    if (this.values.size === 0) lines.push(`${this.name} 0`);
    for (const { labels, value } of this.values.values()) lines.push(`${this.name}${labelText(labels)} ${value}`);
    return lines.join('\n');
  }
}

export class Histogram {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {
    this.counts = buckets.map(() => 0);
  }

  observe(value: number): void {
    this.sum += value;
    this.count += 1;
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) this.counts[i]! += 1;
  }

  get total(): number {
    return this.count;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    this.buckets.forEach((le, i) => lines.push(`${this.name}_bucket{le="${le}"} ${this.counts[i]}`));
    lines.push(
      `${this.name}_bucket{le="+Inf"} ${this.count}`,
      `${this.name}_sum ${this.sum}`,
      `${this.name}_count ${this.count}`,
    );
    return lines.join('\n');
  }
}

export function gauge(name: string, help: string, samples: Array<{ labels?: Labels; value: number }>): string {
  return [
    `# HELP ${name} ${help}`,
    `# TYPE ${name} gauge`,
    ...samples.map((s) => `${name}${labelText(s.labels ?? {})} ${s.value}`),
  ].join('\n');
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const ROW_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000];

/** What one coordinator process counts about itself. */
export class CoordinatorMetrics {
  readonly heartbeats = new Counter(
    'rigshare_heartbeats_total',
    'Heartbeats answered by this instance, by result (ok, replayed, rejected, error).',
  );
  readonly heartbeatSeconds = new Histogram(
    'rigshare_heartbeat_duration_seconds',
    'Time from a heartbeat request arriving to its answer, including the batched write.',
    LATENCY_BUCKETS,
  );
  readonly flushRows = new Histogram(
    'rigshare_heartbeat_flush_rows',
    'Heartbeats written per batch statement.',
    ROW_BUCKETS,
  );
  readonly flushSeconds = new Histogram(
    'rigshare_heartbeat_flush_duration_seconds',
    'Time one batch statement took.',
    LATENCY_BUCKETS,
  );
  readonly flushErrors = new Counter(
    'rigshare_heartbeat_flush_errors_total',
    'Batch statements that failed; their heartbeats were answered 503 and not recorded.',
  );
  readonly requests = new Counter(
    'rigshare_http_requests_total',
    'HTTP requests answered by this instance, by route and status class.',
  );
  /** Set by whoever owns the heartbeat writer. */
  backlog: () => number = () => 0;
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 10 });

  constructor() {
    this.loopDelay.enable();
  }

  renderProcess(): string {
    const cpu = process.cpuUsage();
    return [
      gauge(
        'rigshare_event_loop_delay_seconds',
        'Event-loop delay of this instance since it started: how long ready work waited for the CPU.',
        [
          { labels: { quantile: '0.5' }, value: this.loopDelay.percentile(50) / 1e9 },
          { labels: { quantile: '0.99' }, value: this.loopDelay.percentile(99) / 1e9 },
          { labels: { quantile: '1' }, value: this.loopDelay.max / 1e9 },
        ],
      ),
      gauge('rigshare_process_cpu_seconds', 'CPU time this instance has used (user + system).', [
        { value: (cpu.user + cpu.system) / 1e6 },
      ]),
      gauge('rigshare_process_resident_bytes', 'Resident memory of this instance.', [
        { value: process.memoryUsage().rss },
      ]),
    ].join('\n');
  }

  render(): string {
    return [this.heartbeats, this.heartbeatSeconds, this.flushRows, this.flushSeconds, this.flushErrors, this.requests]
      .map((m) => m.render())
      .concat(this.renderProcess())
      .join('\n');
  }
}

const registry = new WeakMap<object, CoordinatorMetrics>();

/** One metrics object per coordinator context, found by the routes that feed it. */
export function metricsFor(ctx: object): CoordinatorMetrics {
  let m = registry.get(ctx);
  if (!m) {
    m = new CoordinatorMetrics();
    registry.set(ctx, m);
  }
  return m;
}
