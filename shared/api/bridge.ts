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
 * thrown across contextBridge loses its code; the renderer's client unwraps replies with `unwrapReply`.
 */
export type RigshareBridge = {
  readonly [M in MethodName]: (input: MethodInput<M>) => Promise<Reply<M>>;
} & {
  subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};
