import { modelKey } from '../../../shared/gpu/keys';
import { numberOrNull, textOrNull } from '../../../shared/gpu/null-values';
import type { Gpu, GpuSample, ToolReport } from '../../../shared/gpu/types';
import type { Runner } from './nvidia';
import type { ToolRun } from './run-tool';

export const ROCM_SMI = 'rocm-smi';

export const INVENTORY_ARGS = [
  '--showproductname',
  '--showmeminfo',
  'vram',
  '--showmaxpower',
  '--showdriverversion',
  '--showbus',
  '--showuniqueid',
  '--json',
];
export const TELEMETRY_ARGS = [
  '--showuse',
  '--showtemp',
  '--showpower',
  '--showfan',
  '--showclocks',
  '--showmeminfo',
  'vram',
  '--json',
];

type Card = Record<string, unknown>;

/** rocm-smi renames its keys between releases ("Card series" vs "Card Series"); match loosely. */
function pick(card: Card, ...patterns: RegExp[]): string | undefined {
  for (const pattern of patterns) {
    const key = Object.keys(card).find((k) => pattern.test(k));
    if (key !== undefined) {
      const value = card[key];
      if (typeof value === 'string' || typeof value === 'number') return String(value);
    }
  }
  return undefined;
}

const bytesToMiB = (raw: string | undefined): number | null => {
  const bytes = numberOrNull(raw);
  return bytes === null ? null : Math.round(bytes / (1024 * 1024));
};

/** Cards in rocm-smi's own order: card0, card1, ... (the "system" entry holds the driver). */
function cards(json: Record<string, unknown>): Array<[number, Card]> {
  return Object.entries(json)
    .map(([name, value]) => [/^card(\d+)$/i.exec(name)?.[1], value] as const)
    .filter((e): e is readonly [string, Card] => e[0] !== undefined && typeof e[1] === 'object' && e[1] !== null)
    .map(([n, card]) => [Number(n), card] as [number, Card])
    .sort((a, b) => a[0] - b[0]);
}

export function parseJson(stdout: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(stdout) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

export function parseAmdInventory(stdout: string): Gpu[] | null {
  const json = parseJson(stdout);
  if (!json) return null;
  const system = (json.system ?? {}) as Card;
  const systemDriver = textOrNull(pick(system, /driver version/i));
  const list = cards(json);
  if (list.length === 0) return null;
  return list.map(([index, card]) => {
    const series =
      textOrNull(pick(card, /^card series$/i, /^device name$/i)) ??
      textOrNull(pick(card, /^card model$/i)) ??
      'AMD GPU';
    const deviceId = textOrNull(pick(card, /^card model$/i, /^device id$/i));
    const vramMiB = bytesToMiB(pick(card, /^vram total memory \(b\)$/i));
    const model = /^(AMD|Radeon)/i.test(series) ? series : `AMD ${series}`;
    return {
      index,
      vendor: 'amd' as const,
      model,
      key: modelKey('amd', series, vramMiB, deviceId && /^0x/i.test(deviceId) ? deviceId : null),
      vramMiB,
      driver: textOrNull(pick(card, /driver version/i)) ?? systemDriver,
      uuid: textOrNull(pick(card, /^unique id$/i)),
      pciBus: textOrNull(pick(card, /^pci bus$/i)),
      powerLimitW: numberOrNull(pick(card, /^max graphics package power \(w\)$/i)),
      computeCapability: textOrNull(pick(card, /^gfx version$/i)),
      cudaVersion: null,
    };
  });
}

const clockMHz = (raw: string | undefined): number | null =>
  numberOrNull(raw?.replace(/[()]/g, '').replace(/mhz/i, ''));

export function parseAmdTelemetry(stdout: string, at: number): GpuSample[] | null {
  const json = parseJson(stdout);
  if (!json) return null;
  const list = cards(json);
  if (list.length === 0) return null;
  return list.map(([index, card]) => ({
    index,
    vendor: 'amd' as const,
    at,
    utilizationPct: numberOrNull(pick(card, /^gpu use \(%\)$/i)),
    memoryUsedMiB: bytesToMiB(pick(card, /^vram total used memory \(b\)$/i)),
    temperatureC: numberOrNull(pick(card, /temperature \(sensor (edge|junction)\)/i)),
    powerW: numberOrNull(pick(card, /average graphics package power/i, /current socket graphics package power/i)),
    fanPct: numberOrNull(pick(card, /^fan speed \(%\)$/i)),
    clockGraphicsMHz: clockMHz(pick(card, /^sclk clock speed/i)),
    clockMemoryMHz: clockMHz(pick(card, /^mclk clock speed/i)),
  }));
}

export function amdReportFromRun(run: ToolRun): ToolReport {
  switch (run.kind) {
    case 'ok':
      return { tool: 'rocm-smi', state: 'ok', detail: 'rocm-smi answered', fix: null };
    case 'missing':
      return {
        tool: 'rocm-smi',
        state: 'missing',
        detail: 'ROCm tools are not installed (rocm-smi is not on PATH).',
        fix: null,
      };
    case 'timeout':
      return {
        tool: 'rocm-smi',
        state: 'timeout',
        detail: run.detail,
        fix: 'rocm-smi froze, which usually means the amdgpu driver is stuck. Reboot; if it keeps happening, reinstall ROCm.',
      };
    case 'failed':
      // rocm-smi is often installed on machines without an AMD card; that is not a fault.
      if (/driver not initialized|amdgpu not found/i.test(run.detail)) {
        return {
          tool: 'rocm-smi',
          state: 'missing',
          detail: 'rocm-smi is installed but no AMD GPU driver is loaded.',
          fix: null,
        };
      }
      return {
        tool: 'rocm-smi',
        state: 'failed',
        detail: `rocm-smi failed: ${run.detail}`,
        fix: 'Add your user to the "render" and "video" groups (sudo usermod -aG render,video $USER), log out and back in; if it persists, reinstall ROCm.',
      };
  }
}

export async function detectAmd(run: Runner): Promise<{ gpus: Gpu[]; report: ToolReport }> {
  const result = await run(ROCM_SMI, INVENTORY_ARGS);
  if (result.kind !== 'ok') return { gpus: [], report: amdReportFromRun(result) };
  const gpus = parseAmdInventory(result.stdout);
  if (!gpus) {
    return {
      gpus: [],
      report: {
        tool: 'rocm-smi',
        state: 'malformed',
        detail: 'rocm-smi gave output Rigshare cannot read as JSON.',
        fix: 'Update ROCm to a current release; if it is current, report this with the output of "rocm-smi --showproductname --json".',
      },
    };
  }
  const detail = gpus.length === 1 ? '1 AMD GPU' : `${gpus.length} AMD GPUs`;
  return { gpus, report: { tool: 'rocm-smi', state: 'ok', detail, fix: null } };
}
