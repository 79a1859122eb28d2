import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogCapture } from '../../../electron/core/jobs/log-capture';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function capture(caps: Partial<ConstructorParameters<typeof LogCapture>[2]> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-log-'));
  dirs.push(dir);
  const file = path.join(dir, 'job.log');
  const lines: string[] = [];
  let clock = 0;
  const log = new LogCapture(
    file,
    (stream, line) => lines.push(`${stream}:${line}`),
    { tailBytes: 32, fileBytes: 64, linesPerSecond: 3, maxLineChars: 10, ...caps },
    () => clock,
  );
  return { log, file, lines, tick: (ms: number) => (clock += ms) };
}

describe('log capture', () => {
  it('splits lines per stream, including lines cut across chunks', () => {
    const { log, lines } = capture({ linesPerSecond: 100 });
    log.push('stdout', Buffer.from('hel'));
    log.push('stderr', Buffer.from('oops\n'));
    log.push('stdout', Buffer.from('lo\nwor'));
    log.close();
    expect(lines).toEqual(['stderr:oops', 'stdout:hello', 'stdout:wor']);
  });

  it('caps the file on disk and marks the cut', () => {
    const { log, file } = capture();
    for (let i = 0; i < 20; i++) log.push('stdout', Buffer.from('0123456789\n'));
    log.close();
    const text = fs.readFileSync(file, 'utf8');
    expect(text.startsWith('0123456789\n'.repeat(5))).toBe(true);
    expect(text).toMatch(/log cut off at 64 bytes/);
    expect(Buffer.byteLength(text)).toBeLessThan(64 + 60);
    expect(log.truncated).toBe(true);
  });

  it('keeps only the newest bytes in memory', () => {
    const { log } = capture();
    for (let i = 0; i < 10; i++) log.push('stdout', Buffer.from(`line ${i}\n`));
    expect(Buffer.byteLength(log.tailText())).toBeLessThanOrEqual(32);
    expect(log.tailText().endsWith('line 9\n')).toBe(true);
    expect(log.tailText().startsWith('line')).toBe(true);
  });

  it('forwards at most the rate cap per second, truncates long lines, and reports what it skipped', () => {
    const { log, lines, tick } = capture();
    log.push('stdout', Buffer.from('a\nb\nc\nd\ne\n'));
    tick(1000);
    log.push('stdout', Buffer.from('abcdefghijklmnop\n'));
    log.close();
    expect(lines).toEqual([
      'stdout:a',
      'stdout:b',
      'stdout:c',
      'stdout:abcdefghij…',
      'stderr:[rigshare] 2 log lines were not shown live (rate cap)',
    ]);
  });
});
