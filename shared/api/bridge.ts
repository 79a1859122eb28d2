import type { RigshareClient } from './client';
import { unwrapReply } from './client';
import type { EventName, EventPayload, MethodInput, MethodName, Reply } from './contract';

/** The IPC channel that carries every method call from the preload to the main process. */
export const IPC_CALL_CHANNEL = 'rigshare:call';
/** The IPC channel that carries every agent event from the main process to the window. */
export const IPC_EVENT_CHANNEL = 'rigshare:event';
/** The name under which the preload exposes the bridge: `window.rigshare`. */
export const BRIDGE_GLOBAL = 'rigshare';

/**
 * What the preload exposes to the renderer: one function per contract method, plus an event
 * subscription. Methods resolve to the wire reply (value or error envelope), because an Error
 * thrown across contextBridge loses its code; `bridgeClient` turns replies into values or AppErrors.
 */
export type RigshareBridge = {
  readonly [M in MethodName]: (input: MethodInput<M>) => Promise<Reply<M>>;
} & {
  subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};

/** The renderer's client inside the desktop app, built on the preload's bridge. */
export function bridgeClient(bridge: RigshareBridge): RigshareClient {
  return {
    async call(method, input) {
      const invoke = bridge[method] as (input: unknown) => Promise<unknown>;
      return unwrapReply(method, await invoke(input));
    },
    subscribe: (event, listener) => bridge.subscribe(event, listener),
  };
}
