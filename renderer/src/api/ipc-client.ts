import type { RigshareBridge } from '../../../shared/api/bridge';
import { unwrapReply, type RigshareClient } from '../../../shared/api/client';

/** The contract through the preload bridge, inside the desktop app. */
export function createIpcClient(bridge: RigshareBridge): RigshareClient {
  return {
    async call(method, input) {
      // The bridge is typed per method; a generic call needs the widened signature.
      const fn = bridge[method] as ((input: unknown) => Promise<unknown>) | undefined;
      if (typeof fn !== 'function') throw new Error(`The desktop bridge has no method ${method}`);
      return unwrapReply(method, await fn(input));
    },
    subscribe(event, listener) {
      return bridge.subscribe(event, listener);
    },
  };
}
