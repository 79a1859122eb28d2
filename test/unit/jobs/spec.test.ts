import { describe, expect, it } from 'vitest';
import { checkJobSpec, imageRegistry, imageRepository } from '../../../shared/jobs/spec';

const digest = 'sha256:' + 'a'.repeat(64);
const base = {
  image: `127.0.0.1:5000/rigshare-test/busybox@${digest}`,
  command: ['echo', 'hi'],
  resources: { gpus: 0, memoryMiB: 64, cpus: 1, maxSeconds: 10 },
};

function reason(spec: unknown): string {
  const r = checkJobSpec(spec);
  if (r.ok) throw new Error('expected a refusal');
  return r.reason;
}

describe('job spec', () => {
  it('accepts a minimal pinned spec and fills the defaults', () => {
    const r = checkJobSpec(base);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.spec.network).toBe('none');
    expect(r.spec.outputDir).toBe('/output');
    expect(r.spec.checkpointDir).toBe('/checkpoint');
    expect(r.spec.resources.pids).toBe(256);
  });

  it('refuses an image that is not pinned by digest', () => {
    expect(reason({ ...base, image: 'busybox:latest' })).toMatch(/image: must be pinned by digest/);
    expect(reason({ ...base, image: 'busybox@sha256:abc' })).toMatch(/pinned by digest/);
  });

  it.each([
    ['privileged', { privileged: true }, /privileged/],
    ['binds', { binds: ['/:/host'] }, /host paths/],
    ['devices', { devices: ['/dev/sda'] }, /devices/],
    ['capAdd', { capAdd: ['SYS_ADMIN'] }, /capability/],
    ['networkMode', { networkMode: 'host' }, /host networking/],
  ])('refuses %s with a reason', (_name, extra, why) => {
    expect(reason({ ...base, ...extra })).toMatch(why);
  });

  it('refuses privileged fields hidden in resources and unknown fields anywhere', () => {
    expect(reason({ ...base, resources: { ...base.resources, privileged: true } })).toMatch(/resources\.privileged/);
    expect(reason({ ...base, shmSize: 1 })).toMatch(/shmSize/);
    expect(reason({ ...base, resources: { ...base.resources, swapMiB: 1 } })).toMatch(/swapMiB/);
  });

  it('refuses loader and GPU runtime overrides in env', () => {
    expect(reason({ ...base, env: { LD_PRELOAD: '/x.so' } })).toMatch(/LD_PRELOAD/);
    expect(reason({ ...base, env: { NVIDIA_VISIBLE_DEVICES: 'all' } })).toMatch(/NVIDIA_/);
  });

  it('keeps inputs inside /input and volumes off system paths', () => {
    const input = { base64: 'aGk=', sha256: 'b'.repeat(64) };
    expect(reason({ ...base, inputs: [{ ...input, path: '../etc/passwd' }] })).toMatch(/\.\./);
    expect(reason({ ...base, inputs: [{ ...input, path: '/etc/passwd' }] })).toMatch(/under \/input/);
    expect(reason({ ...base, inputs: [{ path: 'a', sha256: 'b'.repeat(64) }] })).toMatch(
      /exactly one of url or base64/,
    );
    expect(reason({ ...base, outputDir: '/etc' })).toMatch(/outputDir/);
    expect(reason({ ...base, outputDir: '/var/run/docker.sock' })).toMatch(/outputDir/);
    const r = checkJobSpec({ ...base, inputs: [{ ...input, path: '/input/data/x.bin' }] });
    expect(r.ok && r.spec.inputs[0]!.path).toBe('data/x.bin');
  });

  it('names the registry of a reference the way Docker does', () => {
    expect(imageRegistry(base.image)).toBe('127.0.0.1:5000');
    expect(imageRegistry(`library/busybox@${digest}`)).toBe('docker.io');
    expect(imageRegistry(`ghcr.io/a/b@${digest}`)).toBe('ghcr.io');
    expect(imageRepository(base.image)).toBe('127.0.0.1:5000/rigshare-test/busybox');
  });
});
