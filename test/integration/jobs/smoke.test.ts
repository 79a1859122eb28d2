import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { leftovers, shJob, startRig, type Rig } from './harness';

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
    expect(await leftovers(rig.docker)).toEqual({ containers: 0, volumes: 0, networks: 0 });
  });

  it('rejects an input whose sha256 does not match, before anything runs', async () => {
    const out = await rig.run(shJob('true', { inputs: [{ path: 'a', base64: 'aGk=', sha256: '0'.repeat(64) }] }));
    expect(out.status).toBe('rejected');
    expect(out.reason).toMatch(/does not match its sha256/);
  });
});
