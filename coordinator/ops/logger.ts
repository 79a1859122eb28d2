import os from 'node:os';
import pino, { type Logger } from 'pino';

/**
 * Field names whose values are secret wherever they appear in a log record: tokens, keys and
 * the Authorization header never reach a log line, whatever a caller passes.
 */
export const REDACT_PATHS = [
  'token',
  'customerToken',
  'sessionKey',
  'privateKey',
  'password',
  'authorization',
  'databaseUrl',
  '*.token',
  '*.customerToken',
  '*.sessionKey',
  '*.privateKey',
  '*.password',
  '*.authorization',
  '*.databaseUrl',
  'req.headers.authorization',
  'req.headers.cookie',
];

export interface CoordinatorLoggerOptions {
  level?: string;
  /** Where JSON lines go; stdout by default, so a supervisor or container runtime collects them. */
  destination?: pino.DestinationStream;
}

/**
 * Structured logs for the coordinator: one JSON object per line, with the instance
 * (host and pid) on every record, so lines from several instances can be told apart once merged.
 */
export function createCoordinatorLogger(options: CoordinatorLoggerOptions = {}): Logger {
  return pino(
    {
      name: 'coordinator',
      level: options.level ?? process.env.RIGSHARE_LOG_LEVEL ?? 'info',
      base: { instance: `${os.hostname()}:${process.pid}` },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ fd: 1, sync: false }),
  );
}
