import { unwrapReply, type RigshareClient } from '../../../shared/api/client';
import { events as eventSchemas, isEventName, type EventName } from '../../../shared/api/contract';
import { AppError } from '../../../shared/api/errors';

type AnyListener = (payload: unknown) => void;

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 10_000;

/**
 * The contract over HTTP + WebSocket, for a browser talking to `rigshare agent`. The install
 * token travels as an HttpOnly cookie set when the printed URL was opened.
 */
export function createHttpClient(base = window.location.origin, onConnection?: (up: boolean) => void): RigshareClient {
  const listeners = new Map<EventName, Set<AnyListener>>();
  let socket: WebSocket | null = null;
  let retryMs = RECONNECT_MIN_MS;

  const connect = (): void => {
    const url = new URL('/api/events', base);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(url);
    socket.onopen = () => {
      retryMs = RECONNECT_MIN_MS;
      onConnection?.(true);
    };
    socket.onmessage = (msg) => {
      const data = JSON.parse(String(msg.data)) as { event?: unknown; payload?: unknown };
      if (!isEventName(data.event)) return;
      const parsed = eventSchemas[data.event].safeParse(data.payload);
      if (!parsed.success) return;
      for (const listener of listeners.get(data.event) ?? []) listener(parsed.data);
    };
    socket.onclose = () => {
      onConnection?.(false);
      socket = null;
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, RECONNECT_MAX_MS);
    };
  };
  connect();

  return {
    async call(method, input) {
      let response: Response;
      try {
        response = await fetch(new URL(`/api/${method}`, base), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          credentials: 'same-origin',
          body: JSON.stringify(input ?? {}),
        });
      } catch {
        throw new AppError('unavailable', 'The Rigshare agent is not answering. Is it still running?');
      }
      const body: unknown = await response.json().catch(() => null);
      return unwrapReply(method, body);
    },
    subscribe(event, listener) {
      const set = listeners.get(event) ?? new Set<AnyListener>();
      set.add(listener as AnyListener);
      listeners.set(event, set);
      return () => set.delete(listener as AnyListener);
    },
  };
}
