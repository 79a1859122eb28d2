import fs from 'node:fs';
import { Writable } from 'node:stream';

export type LogStream = 'stdout' | 'stderr';

export interface LogCaps {
  /** Bytes of the most recent output kept in memory and stored with the result. */
  tailBytes: number;
  /** Bytes written to the log file on disk before it is cut off. */
  fileBytes: number;
  /** Lines per second forwarded as live events; the rest are counted, not sent. */
  linesPerSecond: number;
  /** Longest line forwarded as an event. */
  maxLineChars: number;
}

export const DEFAULT_LOG_CAPS: LogCaps = {
  tailBytes: 16 * 1024,
  fileBytes: 8 * 1024 * 1024,
  linesPerSecond: 200,
  maxLineChars: 4096,
};

/**
 * Where a job's output goes: a capped file on disk, a capped tail in memory, and a rate-limited
 * stream of lines for live views. A job that floods its logs fills none of them past its cap.
 */
export class LogCapture {
  private tail: Buffer[] = [];
  private tailSize = 0;
  private fileWritten = 0;
  private fileCut = false;
  private readonly fd: number | null;
  private partial: Record<LogStream, string> = { stdout: '', stderr: '' };
  private windowStart = 0;
  private windowLines = 0;
  private skipped = 0;
  totalBytes = 0;

  constructor(
    file: string | null,
    private readonly onLine: (stream: LogStream, line: string) => void,
    private readonly caps: LogCaps = DEFAULT_LOG_CAPS,
    private readonly now: () => number = Date.now,
  ) {
    this.fd = file ? fs.openSync(file, 'a', 0o600) : null;
  }

  writable(stream: LogStream): Writable {
    return new Writable({
      write: (chunk: Buffer, _enc, done) => {
        this.push(stream, chunk);
        done();
      },
    });
  }

  push(stream: LogStream, chunk: Buffer): void {
    this.totalBytes += chunk.length;
    this.keepTail(chunk);
    this.writeFile(chunk);
    this.splitLines(stream, chunk.toString('utf8'));
  }

  /** The kept tail, starting at a line boundary where possible. */
  tailText(): string {
    const text = Buffer.concat(this.tail).toString('utf8');
    if (this.tailSize < this.caps.tailBytes) return text;
    const newline = text.indexOf('\n');
    return newline >= 0 && newline < text.length - 1 ? text.slice(newline + 1) : text;
  }

  get truncated(): boolean {
    return this.fileCut;
  }

  close(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream]) this.forward(stream, this.partial[stream]);
      this.partial[stream] = '';
    }
    if (this.skipped > 0) this.onLine('stderr', `[rigshare] ${this.skipped} log lines were not shown live (rate cap)`);
    if (this.fd !== null) fs.closeSync(this.fd);
  }

  private keepTail(chunk: Buffer): void {
    const piece = chunk.length > this.caps.tailBytes ? chunk.subarray(chunk.length - this.caps.tailBytes) : chunk;
    this.tail.push(Buffer.from(piece));
    this.tailSize += piece.length;
    while (this.tailSize - this.tail[0]!.length >= this.caps.tailBytes) this.tailSize -= this.tail.shift()!.length;
    if (this.tailSize > this.caps.tailBytes) {
      const over = this.tailSize - this.caps.tailBytes;
      this.tail[0] = this.tail[0]!.subarray(over);
      this.tailSize -= over;
    }
  }

  private writeFile(chunk: Buffer): void {
    if (this.fd === null || this.fileCut) return;
    const room = this.caps.fileBytes - this.fileWritten;
    if (chunk.length <= room) {
      fs.writeSync(this.fd, chunk);
      this.fileWritten += chunk.length;
      return;
    }
    if (room > 0) fs.writeSync(this.fd, chunk.subarray(0, room));
    fs.writeSync(this.fd, `\n[rigshare] log cut off at ${this.caps.fileBytes} bytes\n`);
    this.fileWritten = this.caps.fileBytes;
    this.fileCut = true;
  }

  private splitLines(stream: LogStream, text: string): void {
    const joined = this.partial[stream] + text;
    const lines = joined.split('\n');
    this.partial[stream] = lines.pop()!;
    if (this.partial[stream].length > this.caps.maxLineChars) {
      this.forward(stream, this.partial[stream]);
      this.partial[stream] = '';
    }
    for (const line of lines) this.forward(stream, line);
  }

  private forward(stream: LogStream, line: string): void {
    const t = this.now();
    if (t - this.windowStart >= 1000) {
      this.windowStart = t;
      this.windowLines = 0;
    }
    if (this.windowLines >= this.caps.linesPerSecond) {
      this.skipped += 1;
      return;
    }
    this.windowLines += 1;
    this.onLine(stream, line.length > this.caps.maxLineChars ? `${line.slice(0, this.caps.maxLineChars)}…` : line);
  }
}
