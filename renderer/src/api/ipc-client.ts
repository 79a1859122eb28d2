import { unwrapReply, type RigshareClient } from '../../../shared/api/client';
import type { EventName, MethodName } from '../../../shared/api/contract';

/** What the preload exposes: one named function per method, plus subscribe. */
export interface PreloadBridge {
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
  [method: string]: unknown;
}

export function createIpcClient(bridge: PreloadBridge): RigshareClient {
  return {
    async call(method, input) {
      const fn = bridge[method as MethodName] as ((input: unknown) => Promise<unknown>) | undefined;
      if (typeof fn !== 'function') throw new Error(`The desktop bridge has no method ${method}`);
      return unwrapReply(method, await fn(input));
    },
    subscribe(event, listener) {
      return bridge.subscribe(event, listener as (payload: unknown) => void);
    },
  };
}
