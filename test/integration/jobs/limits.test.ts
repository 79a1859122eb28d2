import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shJob } from './harness';
import { rigPerFile } from './rig-per-file';

const rig = rigPerFile();

function hostProcessCount(): number {
  return fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n)).length;
}

describe('sandbox: limits', () => {
  it('contains a fork bomb within the pids limit and keeps the host process count sane', async () => {
    const baseline = hostProcessCount();
    let peak = baseline;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, hostProcessCount());
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const out = await rig().run(
      shJob('b() { b | b & }; b; sleep 1; ls /proc | grep -c "^[0-9]" > /output/count 2>/dev/null; sleep 60', {
        resources: { pids: 64, maxSeconds: 4 },
      }),
    );
    sampling = false;
    await sampler;
    expect(out.status).toBe('timed_out');
    // Other work shares this machine, so allow some slack, but far less than an unbounded bomb.
    expect(peak - baseline).toBeLessThan(64 + 40);
    expect(hostProcessCount() - baseline).toBeLessThan(40);
  });

  it('ends a memory hog as oom_killed', async () => {
    const out = await rig().run(
      shJob('x=aaaaaaaaaaaaaaaa; while true; do x="$x$x"; done', { resources: { memoryMiB: 32 } }),
    );
    expect(out.status).toBe('oom_killed');
    expect(out.exitCode).toBe(137);
    expect(out.reason).toMatch(/32 MiB/);
  });

  it('holds a busy loop near half a core with cpus: 0.5', async () => {
    const acct = '/sys/fs/cgroup/cpuacct/cpuacct.usage';
    const out = await rig().run(
      shJob(
        `(while :; do :; done) & a=$(cat ${acct}); t0=$(date +%s); sleep 4; b=$(cat ${acct}); t1=$(date +%s); echo "usage $a $b $t0 $t1"; kill $!`,
        {
          resources: { cpus: 0.5 },
        },
      ),
    );
    expect(out.status).toBe('succeeded');
    const m = /usage (\d+) (\d+) (\d+) (\d+)/.exec(out.logTail);
    expect(m, out.logTail).not.toBeNull();
    const cpuSeconds = (Number(m![2]) - Number(m![1])) / 1e9;
    const wallSeconds = Number(m![4]) - Number(m![3]);
    const share = cpuSeconds / Math.max(wallSeconds, 1);
    expect(share).toBeGreaterThan(0.3);
    expect(share).toBeLessThan(0.62);
  });
});
