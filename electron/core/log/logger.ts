import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { createStream } from 'rotating-file-stream';
import { scrubText } from './scrub';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** Folder for rotated log files, usually `<data-dir>/logs`. Omit to log to stdout only. */
  dir?: string;
  /** File name stem: `agent`, `main`, `coordinator`. */
  name: string;
  /** Also write human-readable lines to stdout (headless runs). */
  stdout: boolean;
  level?: string;
}

/** Field names whose values are secret wherever they appear in a log record. */
const REDACT_PATHS = [
  'token',
  'password',
  'privateKey',
  'mnemonic',
  'phrase',
  'authorization',
  'cookie',
  '*.token',
  '*.password',
  '*.privateKey',
  '*.mnemonic',
  '*.authorization',
  '*.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
];

/** Every line passes through here before any sink, so no sink can see an unscrubbed secret. */
function scrubbing(target: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      target.write(scrubText(chunk.toString('utf8')));
      done();
    },
  });
}

const LEVEL_NAMES: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

/** A terse line for people watching a headless rig: `12:00:01 info  agent ready`. */
function humanLine(line: string): string {
  try {
    const rec = JSON.parse(line) as Record<string, unknown>;
    const time = new Date(Number(rec.time)).toISOString().slice(11, 19);
    const level = (LEVEL_NAMES[Number(rec.level)] ?? 'info').padEnd(5);
    const { msg, time: _t, level: _l, pid: _p, hostname: _h, name: _n, ...rest } = rec;
    const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
    return `${time} ${level} ${String(msg ?? '')}${extra}\n`;
  } catch {
    return line;
  }
}

function humanStdout(): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim()) process.stdout.write(humanLine(line));
      }
      done();
    },
  });
}

export function createLogger(options: LoggerOptions): Logger {
  const streams: pino.StreamEntry[] = [];
  if (options.dir) {
    fs.mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    const file = createStream(`${options.name}.log`, {
      path: options.dir,
      size: '10M',
      maxFiles: 5,
      compress: false,
    });
    streams.push({ stream: scrubbing(file) });
  }
  if (options.stdout) streams.push({ stream: scrubbing(humanStdout()) });
  if (streams.length === 0) return pino({ level: 'silent' });
  return pino(
    {
      name: options.name,
      level: options.level ?? process.env.RIGSHARE_LOG_LEVEL ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
    },
    pino.multistream(streams),
  );
}

export function logDir(dataDir: string): string {
  return path.join(dataDir, 'logs');
}
