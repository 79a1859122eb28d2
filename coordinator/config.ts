/** Network parameters. Defaults suit the built-in local network; a real network sets its own. */
export interface CoordinatorConfig {
  name: string;
  chainId: number;
  /** The network's cut of each job, in basis points. */
  feeBps: number;
  heartbeatIntervalMs: number;
  /** A lease not renewed (heartbeat, progress, checkpoint) for this long expires. */
  leaseTtlMs: number;
  /** Uptime credit: a gap between heartbeats longer than this earns nothing. */
  uptimeMaxGapMs: number;
  maxCheckpointBytes: number;
  /** A job whose leases were lost this many times is failed instead of requeued. */
  maxAttempts: number;
  sweepIntervalMs: number;
  token: { symbol: string; decimals: number };
  /** Pinned image nodes run as their join benchmark. */
  benchmarkImage: string | null;
}

export function defaultConfig(overrides: Partial<CoordinatorConfig> = {}): CoordinatorConfig {
  const heartbeatIntervalMs = overrides.heartbeatIntervalMs ?? 15_000;
  return {
    name: 'Rigshare local network',
    chainId: 31337,
    feeBps: 1000,
    heartbeatIntervalMs,
    leaseTtlMs: heartbeatIntervalMs * 3,
    uptimeMaxGapMs: Math.round(heartbeatIntervalMs * 1.5),
    maxCheckpointBytes: 1024 * 1024,
    maxAttempts: 5,
    sweepIntervalMs: 1000,
    token: { symbol: 'USDC', decimals: 6 },
    benchmarkImage: null,
    ...overrides,
  };
}
