import type { RigshareClient } from '../../../shared/api/client';
import { useConnection } from '../stores/connection';
import { createHttpClient } from './http-client';
import type { RigshareBridge } from '../../../shared/api/bridge';
import { createIpcClient } from './ipc-client';

declare global {
  interface Window {
    rigshare?: RigshareBridge;
  }
}

let client: RigshareClient | null = null;

/**
 * The one place the renderer learns how to reach the agent: the preload bridge inside Electron,
 * HTTP + WebSocket in a browser. Everything else just calls `getClient()`.
 */
export function getClient(): RigshareClient {
  if (client) return client;
  if (window.rigshare) {
    client = createIpcClient(window.rigshare);
    useConnection.getState().set(true);
  } else {
    client = createHttpClient(window.location.origin, (up) => useConnection.getState().set(up));
  }
  return client;
}
