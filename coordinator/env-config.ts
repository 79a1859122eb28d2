import type { CoordinatorConfig } from './config';

/**
 * Network parameters an operator sets without code: RIGSHARE_CHAIN_ID, RIGSHARE_FEE_BPS,
 * RIGSHARE_HEARTBEAT_MS, RIGSHARE_LEASE_TTL_MS and RIGSHARE_BENCHMARK_IMAGE.
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<CoordinatorConfig> {
  const out: Partial<CoordinatorConfig> = {};
  const int = (name: string): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got "${raw}".`);
    return n;
  };
  const chainId = int('RIGSHARE_CHAIN_ID');
  if (chainId) out.chainId = chainId;
  const fee = int('RIGSHARE_FEE_BPS');
  if (fee !== undefined) out.feeBps = fee;
  const hb = int('RIGSHARE_HEARTBEAT_MS');
  if (hb) {
    out.heartbeatIntervalMs = hb;
    out.leaseTtlMs = hb * 3;
    out.uptimeMaxGapMs = Math.round(hb * 1.5);
  }
  const ttl = int('RIGSHARE_LEASE_TTL_MS');
  if (ttl) out.leaseTtlMs = ttl;
  if (env.RIGSHARE_BENCHMARK_IMAGE) out.benchmarkImage = env.RIGSHARE_BENCHMARK_IMAGE;
  return out;
}
