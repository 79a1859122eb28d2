/**
 * The highest CUDA version a Linux driver supports, as nvidia-smi prints in its banner. Taken from
 * the minimum-driver table in NVIDIA's CUDA toolkit release notes, plus the 13.1 and 13.2 banners
 * seen in recorded nvidia-smi output (drivers 590.44.01 and 595.71.05).
 */
const CUDA_BY_MIN_DRIVER: ReadonlyArray<readonly [string, string]> = [
  ['595.71.05', '13.2'],
  ['590.44.01', '13.1'],
  ['580.65.06', '13.0'],
  ['575.51.03', '12.9'],
  ['570.26', '12.8'],
  ['560.28.03', '12.6'],
  ['555.42.02', '12.5'],
  ['550.54.14', '12.4'],
  ['545.23.06', '12.3'],
  ['535.54.03', '12.2'],
  ['530.30.02', '12.1'],
  ['525.60.13', '12.0'],
  ['520.61.05', '11.8'],
  ['515.43.04', '11.7'],
  ['510.39.01', '11.6'],
  ['495.29.05', '11.5'],
  ['470.42.01', '11.4'],
  ['465.19.01', '11.3'],
  ['460.27.03', '11.2'],
  ['455.23', '11.1'],
  ['450.36.06', '11.0'],
  ['440.33', '10.2'],
];

/** Compares dotted version strings numerically: -1, 0 or 1. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((p) => Number.parseInt(p, 10) || 0);
  const pb = b.split('.').map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

export function cudaVersionForDriver(driver: string | null): string | null {
  if (!driver || !/^\d+(\.\d+)*$/.test(driver)) return null;
  for (const [minDriver, cuda] of CUDA_BY_MIN_DRIVER) {
    if (compareVersions(driver, minDriver) >= 0) return cuda;
  }
  return null;
}
