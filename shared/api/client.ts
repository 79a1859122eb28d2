import { AppError, ErrorEnvelope } from './errors';
import {
  methods,
  type EventName,
  type EventPayload,
  type MethodInput,
  type MethodName,
  type MethodOutput,
} from './contract';

/** The client every UI and script uses, whatever the transport underneath. */
export interface RigshareClient {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** Turns a raw reply into a value or a thrown AppError, checking it against the contract. */
export function unwrapReply<M extends MethodName>(method: M, reply: unknown): MethodOutput<M> {
  const asError = ErrorEnvelope.safeParse(reply);
  if (asError.success) throw new AppError(asError.data.error.code, asError.data.error.message);
  if (typeof reply !== 'object' || reply === null || !('ok' in reply)) {
    throw new AppError('internal', `Malformed reply to ${method}`);
  }
  return methods[method].output.parse((reply as { ok: unknown }).ok) as MethodOutput<M>;
}
