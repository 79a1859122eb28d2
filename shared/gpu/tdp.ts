/**
 * Board power of common cards in watts, from the vendors' published specifications (NVIDIA
 * "graphics card power" / "max TDP", AMD "typical board power", Apple package power as measured in
 * public reviews). Used only when the driver does not report a power limit.
 */
export const TDP_WATTS: Readonly<Record<string, number>> = {
  'rtx-5090': 575,
  'rtx-5080': 360,
  'rtx-5070-ti': 300,
  'rtx-5070': 250,
  'rtx-4090': 450,
  'rtx-4090-d': 425,
  'rtx-4080-super': 320,
  'rtx-4080': 320,
  'rtx-4070-ti-super': 285,
  'rtx-4070-ti': 285,
  'rtx-4070-super': 220,
  'rtx-4070': 200,
  'rtx-4060-ti': 160,
  'rtx-4060': 115,
  'rtx-3090-ti': 450,
  'rtx-3090': 350,
  'rtx-3080-ti': 350,
  'rtx-3080': 320,
  'rtx-3070-ti': 290,
  'rtx-3070': 220,
  'rtx-3060-ti': 200,
  'rtx-3060-12gb': 170,
  'rtx-3060-8gb': 170,
  'rtx-2080-ti': 250,
  'rtx-2080-super': 250,
  'rtx-2080': 215,
  'rtx-2070': 175,
  'rtx-2060': 160,
  'gtx-1080-ti': 250,
  'gtx-1080': 180,
  'rtx-a6000': 300,
  'rtx-6000-ada': 300,
  'a100-80gb': 300,
  'a100-40gb': 250,
  'h100-80gb': 700,
  'h200-141gb': 700,
  l40s: 350,
  l40: 300,
  a40: 300,
  a10: 150,
  l4: 72,
  t4: 70,
  'v100-16gb': 300,
  'v100-32gb': 300,
  'rx-7900-xtx': 355,
  'rx-7900-xt': 315,
  'rx-7900-gre': 260,
  'rx-6900-xt': 300,
  'rx-6800-xt': 300,
  'rx-6800': 250,
  mi100: 300,
  mi210: 300,
  mi250: 500,
  mi250x: 560,
  mi300x: 750,
  'm1-max': 60,
  'm2-max': 60,
  'm3-max': 60,
  'm2-ultra': 120,
};

export type PowerSource = 'driver-limit' | 'tdp-table' | 'user';

/** Power under load: the driver's limit when known, else the table, else null (the user must say). */
export function loadPowerW(key: string, powerLimitW: number | null): { watts: number; source: PowerSource } | null {
  if (powerLimitW !== null && powerLimitW > 0) return { watts: powerLimitW, source: 'driver-limit' };
  const tdp = TDP_WATTS[key];
  return tdp ? { watts: tdp, source: 'tdp-table' } : null;
}
