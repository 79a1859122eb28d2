import { BPS } from './constants';

/**
 * Money on the protocol is always an integer count of the network token's smallest unit. These
 * helpers do the arithmetic in BigInt so a float never touches an amount, and both the coordinator
 * and the node get the same figure to the unit.
 */
export interface JobCharge {
  /** GPU-milliseconds billed: run time × GPU count. */
  gpuMs: number;
  /** What the customer pays. */
  gross: number;
  /** What the network keeps. */
  fee: number;
  /** What the node earns. */
  net: number;
}

const MS_PER_HOUR = 3_600_000n;

export function computeJobCharge(input: {
  durationMs: number;
  gpuCount: number;
  pricePerGpuHour: number;
  feeBps: number;
}): JobCharge {
  for (const [name, v] of Object.entries(input)) {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative safe integer`);
  }
  if (input.feeBps > BPS) throw new RangeError('feeBps must be at most 10000');
  // A job that asks for no GPU still occupies the rig; it is billed as one.
  const gpus = BigInt(Math.max(1, input.gpuCount));
  const gpuMs = BigInt(input.durationMs) * gpus;
  const gross = (gpuMs * BigInt(input.pricePerGpuHour)) / MS_PER_HOUR;
  const fee = (gross * BigInt(input.feeBps)) / BigInt(BPS);
  return { gpuMs: Number(gpuMs), gross: Number(gross), fee: Number(fee), net: Number(gross - fee) };
}

/** Formats smallest units with the token's decimals, for display only. */
export function formatUnits(amount: number, decimals: number): string {
  const neg = amount < 0;
  const s = BigInt(Math.abs(amount))
    .toString()
    .padStart(decimals + 1, '0');
  const whole = s.slice(0, s.length - decimals);
  const frac = decimals > 0 ? s.slice(s.length - decimals).replace(/0+$/, '') : '';
  return `${neg ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

/** Parses a decimal string ("0.25") into smallest units, refusing more precision than the token has. */
export function parseUnits(text: string, decimals: number): number {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new RangeError(`"${text}" is not a plain decimal amount, e.g. 0.25`);
  const frac = m[2] ?? '';
  if (frac.length > decimals) throw new RangeError(`"${text}" has more than ${decimals} decimal places`);
  const units = BigInt(m[1]!) * 10n ** BigInt(decimals) + BigInt(frac.padEnd(decimals, '0') || '0');
  if (units > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`"${text}" is too large`);
  return Number(units);
}
