import { create } from 'zustand';
import type { ReadinessCheck } from '../../../../shared/gpu/readiness';
import type { GpuInventory, TelemetryTick } from '../../../../shared/gpu/types';
import { getClient } from '../../api/client';

/** Enough ticks for two minutes of sparkline at the 1 s rate a watching dashboard gets. */
const KEEP_TICKS = 120;

interface GpuState {
  inventory: GpuInventory | null;
  ticks: TelemetryTick[];
  readiness: ReadinessCheck[] | null;
  error: string | null;
  checking: boolean;
}

export const useGpuStore = create<GpuState>(() => ({
  inventory: null,
  ticks: [],
  readiness: null,
  error: null,
  checking: false,
}));

let started = false;

/** Pulls the inventory and recent history once, then follows the pushed telemetry. */
export function startGpuStore(): void {
  if (started) return;
  started = true;
  const client = getClient();
  client.subscribe('gpu.telemetry', (tick) => {
    useGpuStore.setState((s) => ({ ticks: [...s.ticks, tick].slice(-KEEP_TICKS) }));
  });
  void (async () => {
    try {
      const [inventory, history] = await Promise.all([client.call('gpu.list', {}), client.call('gpu.telemetry', {})]);
      useGpuStore.setState((s) => ({
        inventory,
        // Pushed ticks may have arrived meanwhile; merge by time.
        ticks: [...history.ticks.filter((t) => !s.ticks.some((x) => x.at === t.at)), ...s.ticks].slice(-KEEP_TICKS),
      }));
    } catch (err) {
      useGpuStore.setState({ error: (err as Error).message });
    }
  })();
  void checkReadiness();
}

export async function checkReadiness(refresh = false): Promise<void> {
  useGpuStore.setState({ checking: true });
  try {
    const client = getClient();
    if (refresh) useGpuStore.setState({ inventory: await client.call('gpu.list', { refresh: true }) });
    const report = await client.call('readiness.check', {});
    useGpuStore.setState({ readiness: report.checks, checking: false });
  } catch (err) {
    useGpuStore.setState({ error: (err as Error).message, checking: false });
  }
}
