import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { commandName, cpuTicks, processTree, rssBytes, treeRssBytes } from '../../bench/proc';

const started: ChildProcess[] = [];
let binDir: string | undefined;

afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
  if (binDir) fs.rmSync(binDir, { recursive: true, force: true });
  binDir = undefined;
});

/** A running copy of node under a file name that holds ") " — the trap when parsing /proc/<pid>/stat. */
function spawnAwkwardlyNamed(script: string): ChildProcess {
  binDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-proc-'));
  const awkward = path.join(binDir, 'a) b (c');
  // The kernel names a process after the path it was executed by, so a symlink is enough.
  fs.symlinkSync(process.execPath, awkward);
  const child = spawn(awkward, ['-e', script], { stdio: 'ignore' });
  started.push(child);
  return child;
}

async function until<T>(read: () => T, ok: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = read();
    if (ok(value)) return value;
    await sleep(50);
  }
}

describe('/proc readings for the benchmarks', () => {
  it('finds a child with a parenthesised name in our process tree, with its memory', async () => {
    const child = spawnAwkwardlyNamed('setInterval(() => {}, 1000)');
    const pid = child.pid!;
    await until(
      () => commandName(pid),
      (name) => name === 'a) b (c',
    );

    expect(processTree(process.pid)).toContain(pid);
    expect(processTree(pid)).toEqual([pid]);
    expect(rssBytes(pid)).toBeGreaterThan(0);
    expect(treeRssBytes(process.pid)).toBeGreaterThan(rssBytes(process.pid)!);
  });

  it('counts CPU time that a busy process uses', async () => {
    const child = spawnAwkwardlyNamed('for (;;) {}');
    const pid = child.pid!;
    const first = await until(
      () => cpuTicks(pid),
      (t) => t !== null,
    );
    const later = await until(
      () => cpuTicks(pid),
      (t) => t !== null && t > first!,
    );
    expect(later).toBeGreaterThan(first!);
  });

  it('reads nothing for a process that is gone', async () => {
    const child = spawnAwkwardlyNamed('process.exit(0)');
    const pid = child.pid!;
    await new Promise((resolve) => child.once('exit', resolve));
    await until(
      () => cpuTicks(pid),
      (t) => t === null,
    ); // reaped
    expect(rssBytes(pid)).toBeNull();
  });
});
