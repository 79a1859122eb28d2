import { methods, isMethodName, type MethodName } from '../../shared/api/contract';
import { AppError, toEnvelope, type ErrorEnvelope } from '../../shared/api/errors';
import type { Handlers } from './handlers';

export type DispatchReply = { ok: unknown } | ErrorEnvelope;

/**
 * The single entry point both transports use: check the method and its input against the
 * contract, run the handler, check the output, and turn any failure into an error envelope.
 */
export async function dispatch(handlers: Handlers, method: unknown, rawInput: unknown): Promise<DispatchReply> {
  try {
    if (!isMethodName(method)) throw new AppError('not_found', `Unknown method: ${String(method)}`);
    const def = methods[method as MethodName];
    const input = def.input.parse(rawInput ?? {});
    const handler = handlers[method] as (input: unknown) => Promise<unknown>;
    const output = await handler(input);
    return { ok: def.output.parse(output) };
  } catch (err) {
    return toEnvelope(err);
  }
}
