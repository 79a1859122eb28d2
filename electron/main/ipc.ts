import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../../shared/api/bridge';
import type { EventName } from '../../shared/api/contract';
import type { ErrorEnvelope } from '../../shared/api/errors';
import type { DispatchReply } from '../core/dispatch';
import type { AppOrigin } from './origin';
import { isTrustedSender } from './security';

/** The slice of the agent the IPC transport needs. */
export interface CallTarget {
  call(method: unknown, input: unknown): Promise<DispatchReply>;
}

export interface EventSource {
  onAny(listener: (event: EventName, payload: unknown) => void): () => void;
}

export const FOREIGN_SENDER: ErrorEnvelope = {
  error: { code: 'forbidden', message: 'This request did not come from the Rigshare window, so it was refused.' },
};

/**
 * The one IPC channel: check that the message comes from the app's own page, then hand it to
 * the agent, which validates method and input against the contract. Returns the unregister.
 */
export function registerIpc(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, agent: CallTarget, app: AppOrigin) {
  ipcMain.handle(IPC_CALL_CHANNEL, async (event: IpcMainInvokeEvent, method: unknown, input: unknown) => {
    if (!isTrustedSender(event.senderFrame, app)) return FOREIGN_SENDER;
    return agent.call(method, input);
  });
  return () => ipcMain.removeHandler(IPC_CALL_CHANNEL);
}

/** Pushes every agent event to the window until it is gone. Returns the unsubscribe. */
export function forwardEvents(events: EventSource, wc: WebContents): () => void {
  const stop = events.onAny((event, payload) => {
    if (wc.isDestroyed()) return;
    wc.send(IPC_EVENT_CHANNEL, event, payload);
  });
  wc.once('destroyed', stop);
  return stop;
}
