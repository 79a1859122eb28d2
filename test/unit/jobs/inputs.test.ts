import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InputRefused, resolveInputs } from '../../../electron/core/jobs/inputs';
import { JobSpec } from '../../../shared/jobs/spec';

const sha = (data: string) => createHash('sha256').update(data).digest('hex');
const spec = (inputs: unknown[]) =>
  JobSpec.parse({
    image: `r.example/x@sha256:${'a'.repeat(64)}`,
    command: ['true'],
    resources: { gpus: 0, memoryMiB: 16, cpus: 1, maxSeconds: 5 },
    inputs,
  });

describe('job inputs', () => {
  it('decodes base64 inputs under input/ when their sha256 matches', async () => {
    const files = await resolveInputs(
      spec([{ path: 'a/b.txt', base64: Buffer.from('hi').toString('base64'), sha256: sha('hi') }]),
    );
    expect(files).toEqual([{ path: 'input/a/b.txt', data: Buffer.from('hi') }]);
  });

  it('refuses an input whose bytes do not match its sha256', async () => {
    await expect(resolveInputs(spec([{ path: 'x', base64: 'aGk=', sha256: sha('other') }]))).rejects.toThrow(
      /does not match its sha256/,
    );
  });

  it('refuses to fetch a URL input from this machine or the LAN', async () => {
    for (const url of [
      'http://127.0.0.1:9/secret',
      'http://localhost:9/secret',
      'http://169.254.169.254/latest',
      'http://192.168.1.1/',
    ]) {
      const err = await resolveInputs(spec([{ path: 'x', url, sha256: sha('x') }])).catch((e: unknown) => e);
      expect(err, url).toBeInstanceOf(InputRefused);
      expect((err as Error).message).toMatch(/not allowed/);
    }
  });

  it('refuses the same path twice', async () => {
    const one = { path: 'x', base64: 'aGk=', sha256: sha('hi') };
    await expect(resolveInputs(spec([one, one]))).rejects.toThrow(/listed twice/);
  });
});
