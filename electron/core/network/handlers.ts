import type { PartialHandlers } from '../handlers';
import type { NetworkService } from './service';

type NetworkMethods =
  'network.directory' | 'network.join' | 'network.leave' | 'network.status' | 'network.diagnostics' | 'network.rates';

export function networkHandlers(service: NetworkService): PartialHandlers<NetworkMethods> {
  return {
    'network.directory': async () => ({ networks: service.directory() }),
    'network.join': async (req) => service.join(req),
    'network.leave': async () => service.leave(),
    'network.status': async () => service.status(),
    'network.diagnostics': async () => service.diagnostics(),
    'network.rates': async ({ network }) => service.rates(network),
  };
}
