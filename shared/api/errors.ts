import { z } from 'zod';

/** Error codes that cross the app boundary. Callers branch on these, never on messages. */
export const ErrorCode = z.enum([
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'unavailable',
  'timeout',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorEnvelope = z.object({
  error: z.object({ code: ErrorCode, message: z.string() }),
});
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;

/** A real Error that carries a stable code, rebuilt on the calling side of every transport. */
export class AppError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'AppError';
    this.code = code;
  }
}

export function toEnvelope(err: unknown): ErrorEnvelope {
  if (err instanceof AppError) return { error: { code: err.code, message: err.message } };
  if (err instanceof z.ZodError) {
    return { error: { code: 'bad_request', message: describeZodError(err) } };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { error: { code: 'internal', message } };
}

export function fromEnvelope(envelope: ErrorEnvelope): AppError {
  return new AppError(envelope.error.code, envelope.error.message);
}

/** One readable line per issue, with the path, so a user or a script sees what to fix. */
export function describeZodError(err: z.ZodError): string {
  return err.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : '(root)';
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}
