import { describe, expect, it } from 'vitest';
import { prepareImage } from '../../../electron/core/jobs/image';
import { shJob, TEST_REGISTRY, testImage } from './harness';
import { rigPerFile } from './rig-per-file';

const rig = rigPerFile();

function field(status: string, name: string): string[] {
  const line = status.split('\n').find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`no ${name} in ${status}`);
  return line
    .slice(name.length + 1)
    .trim()
    .split(/\s+/);
}

describe('sandbox: privileges', () => {
  it('runs the job as a non-root user with no effective capabilities and no_new_privs set', async () => {
    const out = await rig().run(shJob('cat /proc/self/status'));
    expect(out.status).toBe('succeeded');
    expect(field(out.logTail, 'Uid')).toEqual(['65534', '65534', '65534', '65534']);
    expect(field(out.logTail, 'Gid')[0]).toBe('65534');
    expect(BigInt(`0x${field(out.logTail, 'CapEff')[0]}`)).toBe(0n);
    expect(BigInt(`0x${field(out.logTail, 'CapBnd')[0]}`)).toBe(0n);
    expect(field(out.logTail, 'NoNewPrivs')).toEqual(['1']);
    expect(field(out.logTail, 'Seccomp')).toEqual(['2']);
  });

  it('makes mount and unshare fail', async () => {
    const out = await rig().run(
      shJob(
        'mount -t tmpfs none /tmp 2>/dev/null; echo mount=$?; unshare -m true 2>/dev/null; echo unshare_mnt=$?; unshare -U -r true 2>/dev/null; echo unshare_user=$?; unshare -n true 2>/dev/null; echo unshare_net=$?',
      ),
    );
    expect(out.status).toBe('succeeded');
    for (const probe of ['mount', 'unshare_mnt', 'unshare_user', 'unshare_net']) {
      const m = new RegExp(`${probe}=(\\d+)`).exec(out.logTail);
      expect(m, `${probe} ran`).not.toBeNull();
      expect(Number(m![1]), `${probe} must fail`).not.toBe(0);
    }
  });

  it('does not let a setuid-root binary escalate', async () => {
    const probe = ['/suid/busybox', 'cat', '/proc/self/status'];
    // Control: the same probe without no-new-privileges really does become root, so the probe works.
    await prepareImage(rig().docker, testImage('setuid'), [TEST_REGISTRY], () => {});
    const control = await rig().docker.createContainer({
      Image: testImage('setuid'),
      Cmd: probe,
      User: '65534:65534',
      Labels: { 'org.rigshare.test': 'setuid-control' },
      HostConfig: { NetworkMode: 'none', AutoRemove: false },
    });
    try {
      await control.start();
      await control.wait();
      const logs = (await control.logs({ stdout: true, stderr: true })).toString('utf8');
      expect(logs).toMatch(/Uid:\s+65534\s+0\s+0\s+0/);
    } finally {
      await control.remove({ force: true });
    }

    const out = await rig().run({ ...shJob(''), image: testImage('setuid'), command: [...probe] });
    expect(out.logTail).not.toMatch(/Uid:\s+\d+\s+0\s/);
    const uid = /Uid:\s+(\d+)\s+(\d+)/.exec(out.logTail);
    if (uid) expect([uid[1], uid[2]]).toEqual(['65534', '65534']);
    else expect(out.logTail).toMatch(/Operation not permitted/);
  });
});
