import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { leftovers, shJob, startRig, testImage, type Rig } from './harness';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig();
});
afterAll(async () => {
  await rig.close();
});

describe('job runner basics', () => {
  it('runs a job, streams its logs, verifies inputs, lists outputs with sha256, and leaves nothing behind', async () => {
    const data = Buffer.from('hello input\n');
    const sha = createHash('sha256').update(data).digest('hex');
    const out = await rig.run(
      shJob(
        'cat /input/data/in.txt; echo err >&2; cp /input/data/in.txt /output/copy.txt; mkdir /output/sub; echo x > /output/sub/y',
        {
          inputs: [{ path: 'data/in.txt', base64: data.toString('base64'), sha256: sha }],
        },
      ),
    );
    expect(out.reason).toBeNull();
    expect(out.status).toBe('succeeded');
    expect(out.exitCode).toBe(0);
    expect(out.logTail).toContain('hello input');
    expect(rig.logs.filter((l) => l.jobId === out.jobId).map((l) => `${l.stream}:${l.line}`)).toEqual(
      expect.arrayContaining(['stdout:hello input', 'stderr:err']),
    );
    expect(out.outputs).toEqual([
      { path: 'copy.txt', bytes: data.length, sha256: sha },
      { path: 'sub/y', bytes: 2, sha256: createHash('sha256').update('x\n').digest('hex') },
    ]);
    expect(rig.ledger.get(out.jobId)?.status).toBe('succeeded');
    expect(await leftovers(rig.docker, rig.owns)).toEqual({ containers: 0, volumes: 0, networks: 0 });
  });

  it('rejects an input whose sha256 does not match, before anything runs', async () => {
    const out = await rig.run(shJob('true', { inputs: [{ path: 'a', base64: 'aGk=', sha256: '0'.repeat(64) }] }));
    expect(out.status).toBe('rejected');
    expect(out.reason).toMatch(/does not match its sha256/);
  });

  it('pulls a missing image by digest from the registry, reporting progress, and confirms the digest', async () => {
    const image = testImage('setuid');
    await rig.docker
      .getImage(image)
      .remove({ force: true })
      .catch(() => {});
    const out = await rig.run({ ...shJob('true'), image, command: ['/bin/true'] });
    expect(out.status).toBe('succeeded');
    const pulls = rig.progress.filter((p) => p.jobId === out.jobId && p.status === 'pulling' && p.pull);
    expect(pulls.length).toBeGreaterThan(0);
    expect(pulls.some((p) => /Pull complete|Downloaded newer image|Digest/.test(p.message ?? ''))).toBe(true);
    const info = await rig.docker.getImage(image).inspect();
    expect(info.RepoDigests).toContain(image);
  });

  it('fails a job whose digest the registry does not have', async () => {
    const wrong = testImage('busybox').replace(/@sha256:.*/, `@sha256:${'e'.repeat(64)}`);
    const out = await rig.run({ ...shJob('true'), image: wrong });
    expect(out.status).toBe('failed');
    expect(out.reason).toMatch(/Pulling .* failed|manifest unknown|not found/i);
  });
});
