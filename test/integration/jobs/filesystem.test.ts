import { describe, expect, it } from 'vitest';
import { shJob } from './harness';
import { rigPerFile } from './rig-per-file';

const rig = rigPerFile();

describe('sandbox: filesystem', () => {
  it('refuses writes to the root filesystem', async () => {
    const out = await rig().run(
      shJob(
        'for f in /x /etc/x /bin/x /input/x; do (echo hi > $f) 2>/dev/null; echo "$f=$?"; done; echo ok > /output/ok; echo out=$?',
      ),
    );
    for (const f of ['/x', '/etc/x', '/bin/x', '/input/x']) expect(out.logTail).toMatch(new RegExp(`${f}=[1-9]`));
    expect(out.logTail).toContain('out=0');
  });

  it('mounts /tmp noexec, so a binary copied there cannot run', async () => {
    const out = await rig().run(
      shJob(
        'cp /bin/busybox /tmp/bb && chmod +x /tmp/bb && echo copied; /tmp/bb true; echo exec=$?; grep " /tmp " /proc/mounts',
      ),
    );
    expect(out.logTail).toContain('copied');
    expect(out.logTail).toMatch(/exec=126/);
    expect(out.logTail).toMatch(/ \/tmp tmpfs \S*noexec/);
  });

  it('shows no host path and no docker.sock', async () => {
    const out = await rig().run(
      shJob(
        'cat /proc/self/mounts; echo ---; find / -path /proc -prune -o -path /sys -prune -o -name "docker.sock" -print 2>/dev/null; echo end',
      ),
    );
    expect(out.status).toBe('succeeded');
    const [mountText, found] = out.logTail.split('---');
    expect(found!.trim()).toBe('end');
    const targets = mountText!
      .trim()
      .split('\n')
      .map((l) => l.split(' ')[1]!);
    // Docker's own per-container files plus the job's volumes; nothing else from the host.
    const allowed = [
      /^\/$/,
      /^\/proc(\/|$)/,
      /^\/dev(\/|$)/,
      /^\/sys(\/|$)/,
      /^\/tmp$/,
      /^\/input$/,
      /^\/output$/,
      /^\/checkpoint$/,
      /^\/etc\/(hosts|hostname|resolv\.conf)$/,
    ];
    for (const t of targets)
      expect(
        allowed.some((re) => re.test(t)),
        `unexpected mount ${t}`,
      ).toBe(true);
    // The volumes come from the engine's volume store, never from a path the spec chose.
    const inspectable = mountText!.split('\n').filter((l) => / \/(input|output|checkpoint) /.test(l));
    expect(inspectable).toHaveLength(3);
  });
});
