/**
 * Values vendor tools print when a field has no reading. nvidia-smi has used "[N/A]",
 * "[Not Supported]" and a bare "N/A" across driver generations; rocm-smi prints "N/A".
 */
const NO_VALUE =
  /^(\[?n\/a\]?|\[not supported\]|\[unknown error\]|\[insufficient permissions\]|\[requested functionality has been deprecated\]|\[gpu is lost\]|)$/i;

export function isNoValue(raw: string | undefined | null): boolean {
  return raw === undefined || raw === null || NO_VALUE.test(raw.trim());
}

export function textOrNull(raw: string | undefined | null): string | null {
  return isNoValue(raw) ? null : (raw as string).trim();
}

/** A number with an optional unit ("320.00 W", "596 MiB", "0 %"); null when absent or unreadable. */
export function numberOrNull(raw: string | undefined | null): number | null {
  if (isNoValue(raw)) return null;
  const match = /^\s*\(?(-?\d+(?:\.\d+)?)/.exec(raw as string);
  if (!match) return null;
  const value = Number(match[1]);
  return Number.isFinite(value) ? value : null;
}
