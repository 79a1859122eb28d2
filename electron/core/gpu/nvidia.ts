import { cudaVersionForDriver } from '../../../shared/gpu/cuda';
import { modelKey } from '../../../shared/gpu/keys';
import { numberOrNull, textOrNull } from '../../../shared/gpu/null-values';
import type { Gpu, GpuSample, ToolReport } from '../../../shared/gpu/types';
import { parseSmiCsv } from './csv';
import { runTool, type ToolRun } from './run-tool';

export const NVIDIA_SMI = 'nvidia-smi';

export const INVENTORY_FIELDS = [
  'index',
  'name',
  'uuid',
  'pci.bus_id',
  'memory.total',
  'driver_version',
  'power.limit',
  'compute_cap',
] as const;

export const TELEMETRY_FIELDS = [
  'index',
  'utilization.gpu',
  'memory.used',
  'temperature.gpu',
  'power.draw',
  'fan.speed',
  'clocks.current.graphics',
  'clocks.current.memory',
] as const;

export function queryArgs(fields: readonly string[]): string[] {
  return [`--query-gpu=${fields.join(',')}`, '--format=csv,noheader,nounits'];
}

export type Runner = (command: string, args: string[]) => Promise<ToolRun>;

export function defaultRunner(timeoutMs: number): Runner {
  return (command, args) => runTool(command, args, { timeoutMs });
}

const FIX_INSTALL =
  'Install the NVIDIA driver for your card (Linux: your distribution\'s "nvidia-driver" package; Windows: GeForce Experience or nvidia.com/drivers), then restart Rigshare.';
const FIX_BROKEN =
  'The NVIDIA driver is installed but not answering. Reboot; if it persists, reinstall the driver that matches your kernel (Linux) or run a clean install from nvidia.com/drivers (Windows).';
const FIX_HUNG =
  'nvidia-smi froze, which usually means the driver is stuck. Close GPU-heavy programs and reboot; if it keeps happening, reinstall the driver.';

/** Turns a failed run into a report the user can act on. */
export function reportFromRun(run: ToolRun): ToolReport {
  switch (run.kind) {
    case 'ok':
      return { tool: 'nvidia-smi', state: 'ok', detail: 'nvidia-smi answered', fix: null };
    case 'missing':
      return {
        tool: 'nvidia-smi',
        state: 'missing',
        detail: 'No NVIDIA driver tools found (nvidia-smi is not on PATH).',
        fix: FIX_INSTALL,
      };
    case 'timeout':
      return { tool: 'nvidia-smi', state: 'timeout', detail: run.detail, fix: FIX_HUNG };
    case 'failed':
      return { tool: 'nvidia-smi', state: 'failed', detail: `nvidia-smi failed: ${run.detail}`, fix: FIX_BROKEN };
  }
}

export function malformedReport(detail: string): ToolReport {
  return {
    tool: 'nvidia-smi',
    state: 'malformed',
    detail: `nvidia-smi gave output Rigshare cannot read: ${detail}`,
    fix: 'Update the NVIDIA driver; if it is current, report this with the output of "nvidia-smi --query-gpu=index,name,memory.total --format=csv".',
  };
}

export function parseInventory(stdout: string, fields: readonly string[]): Gpu[] | null {
  const rows = parseSmiCsv(stdout, fields.length);
  if (!rows) return null;
  const col = (row: string[], f: string): string | undefined => row[fields.indexOf(f)];
  const gpus: Gpu[] = [];
  for (const [position, row] of rows.entries()) {
    const model = textOrNull(col(row, 'name'));
    if (!model) return null;
    const vramMiB = numberOrNull(col(row, 'memory.total'));
    const driver = textOrNull(col(row, 'driver_version'));
    gpus.push({
      index: numberOrNull(col(row, 'index')) ?? position,
      vendor: 'nvidia',
      model,
      key: modelKey('nvidia', model, vramMiB),
      vramMiB,
      driver,
      uuid: textOrNull(col(row, 'uuid')),
      pciBus: textOrNull(col(row, 'pci.bus_id')),
      powerLimitW: numberOrNull(col(row, 'power.limit')),
      computeCapability: fields.includes('compute_cap') ? textOrNull(col(row, 'compute_cap')) : null,
      cudaVersion: cudaVersionForDriver(driver),
    });
  }
  return gpus;
}

export function parseTelemetry(stdout: string, at: number): GpuSample[] | null {
  const rows = parseSmiCsv(stdout, TELEMETRY_FIELDS.length);
  if (!rows) return null;
  return rows.map((r, position) => ({
    index: numberOrNull(r[0]) ?? position,
    vendor: 'nvidia' as const,
    at,
    utilizationPct: numberOrNull(r[1]),
    memoryUsedMiB: numberOrNull(r[2]),
    temperatureC: numberOrNull(r[3]),
    powerW: numberOrNull(r[4]),
    fanPct: numberOrNull(r[5]),
    clockGraphicsMHz: numberOrNull(r[6]),
    clockMemoryMHz: numberOrNull(r[7]),
  }));
}

/**
 * One nvidia-smi call for every card. Drivers older than 510 do not know "compute_cap" and refuse
 * the whole query, so only then is it asked again without that field.
 */
export async function detectNvidia(run: Runner): Promise<{ gpus: Gpu[]; report: ToolReport }> {
  let fields: readonly string[] = INVENTORY_FIELDS;
  let result = await run(NVIDIA_SMI, queryArgs(fields));
  if (result.kind === 'failed' && /not a valid field/i.test(result.detail)) {
    fields = INVENTORY_FIELDS.filter((f) => f !== 'compute_cap');
    result = await run(NVIDIA_SMI, queryArgs(fields));
  }
  if (result.kind !== 'ok') return { gpus: [], report: reportFromRun(result) };
  const gpus = parseInventory(result.stdout, fields);
  if (!gpus) return { gpus: [], report: malformedReport(firstLine(result.stdout)) };
  const detail = gpus.length === 1 ? '1 NVIDIA GPU' : `${gpus.length} NVIDIA GPUs`;
  return { gpus, report: { tool: 'nvidia-smi', state: 'ok', detail, fix: null } };
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '(empty output)';
  return JSON.stringify(line.slice(0, 120));
}
