import type { IpcRenderer, IpcRendererEvent } from 'electron';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, type RigshareBridge } from '../../shared/api/bridge';
import { METHOD_NAMES, isEventName, type EventName } from '../../shared/api/contract';

/** The parts of ipcRenderer the bridge uses; nothing else of it is reachable from the page. */
export type BridgeIpc = Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>;

/**
 * Builds the object exposed as `window.rigshare`: a plain function per contract method and
 * `subscribe`. Only payloads reach page code, never the IPC event (its `sender` is ipcRenderer).
 */
export function buildBridge(ipc: BridgeIpc): RigshareBridge {
  const bridge: Record<string, unknown> = {};
  for (const method of METHOD_NAMES) {
    bridge[method] = (input: unknown) => ipc.invoke(IPC_CALL_CHANNEL, method, input);
  }
  bridge.subscribe = (event: EventName, listener: (payload: unknown) => void): (() => void) => {
    if (!isEventName(event))
      throw new Error(`Unknown event: ${String(event)}. Subscribe to an event the app API lists.`);
    if (typeof listener !== 'function') throw new Error('subscribe needs a listener function.');
    const forward = (_ipcEvent: IpcRendererEvent, name: unknown, payload: unknown): void => {
      if (name === event) listener(payload);
    };
    ipc.on(IPC_EVENT_CHANNEL, forward);
    return () => {
      ipc.removeListener(IPC_EVENT_CHANNEL, forward);
    };
  };
  return Object.freeze(bridge) as RigshareBridge;
}
