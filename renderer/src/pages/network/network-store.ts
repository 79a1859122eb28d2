import { create } from 'zustand';
import type { JoinStep, NetworkEntry, NetworkStatus } from '../../../../shared/api/methods/network';
import type { Diagnostics, MarketRates } from '../../../../shared/protocol/messages';
import { getClient } from '../../api/client';

interface NetworkState {
  status: NetworkStatus | null;
  directory: NetworkEntry[];
  steps: JoinStep[];
  diagnostics: Diagnostics | null;
  rates: MarketRates | null;
  error: string | null;
  busy: boolean;
}

export const useNetwork = create<NetworkState>(() => ({
  status: null,
  directory: [],
  steps: [],
  diagnostics: null,
  rates: null,
  error: null,
  busy: false,
}));

let started = false;

/** Loads once and then follows the agent's network events: push events, pull data. */
export function startNetworkStore(): void {
  if (started) return;
  started = true;
  const client = getClient();
  client.subscribe('network.status', (status) => useNetwork.setState({ status }));
  client.subscribe('network.join.step', (step) =>
    useNetwork.setState((s) => ({ steps: [...s.steps.filter((x) => x.step !== step.step), step] })),
  );
  void client.call('network.status', {}).then(
    (status) => useNetwork.setState({ status }),
    (err: Error) => useNetwork.setState({ error: err.message }),
  );
  void client.call('network.directory', {}).then(
    ({ networks }) => useNetwork.setState({ directory: networks }),
    () => undefined,
  );
}

export async function join(network: string, priceFloorPerGpuHour: number | undefined): Promise<void> {
  useNetwork.setState({ busy: true, error: null, steps: [] });
  try {
    const status = await getClient().call('network.join', { network: network as 'local', priceFloorPerGpuHour });
    useNetwork.setState({ status });
  } catch (err) {
    useNetwork.setState({ error: (err as Error).message });
  } finally {
    useNetwork.setState({ busy: false });
  }
}

export async function leave(): Promise<void> {
  useNetwork.setState({ busy: true, error: null });
  try {
    useNetwork.setState({ status: await getClient().call('network.leave', {}), steps: [], diagnostics: null });
  } catch (err) {
    useNetwork.setState({ error: (err as Error).message });
  } finally {
    useNetwork.setState({ busy: false });
  }
}

export async function loadDiagnostics(): Promise<void> {
  try {
    useNetwork.setState({ diagnostics: await getClient().call('network.diagnostics', {}), error: null });
  } catch (err) {
    useNetwork.setState({ error: (err as Error).message });
  }
}

/** The network's published rates; quietly empty when it publishes none. */
export async function loadRates(network?: string): Promise<void> {
  try {
    useNetwork.setState({
      rates: await getClient().call('network.rates', network ? { network: network as 'local' } : {}),
    });
  } catch {
    useNetwork.setState({ rates: null });
  }
}
