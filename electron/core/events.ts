import { EventEmitter } from 'node:events';
import { events, type EventName, type EventPayload } from '../../shared/api/contract';

type Listener<E extends EventName> = (payload: EventPayload<E>) => void;

/** The agent's outgoing event stream. Payloads are checked against the contract before they leave. */
export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(100);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const checked = events[event].parse(payload) as EventPayload<E>;
    this.emitter.emit(event, checked);
    this.emitter.emit('*', event, checked);
  }

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    this.emitter.on(event, listener as (p: unknown) => void);
    return () => this.emitter.off(event, listener as (p: unknown) => void);
  }

  /** Every event, for transports that forward the whole stream. */
  onAny(listener: (event: EventName, payload: unknown) => void): () => void {
    this.emitter.on('*', listener);
    return () => this.emitter.off('*', listener);
  }
}
