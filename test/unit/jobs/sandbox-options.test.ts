import { describe, expect, it } from 'vitest';
import { relativeEntryPath } from '../../../electron/core/jobs/archive';
import { registryAllowed } from '../../../electron/core/jobs/image';
import { sandboxOptions } from '../../../electron/core/jobs/sandbox';
import { JobSpec } from '../../../shared/jobs/spec';

const spec = JobSpec.parse({
  image: `127.0.0.1:5000/x/y@sha256:${'b'.repeat(64)}`,
  command: ['run'],
  env: { A: '1' },
  resources: { gpus: 0, memoryMiB: 512, cpus: 1.5, maxSeconds: 60, pids: 100, outputMiB: 10 },
});
const ctx = { jobId: 'j1', gpuUuids: [], network: 'none', proxyUrl: null, graceSeconds: 7 };

describe('sandbox container options', () => {
  it('carries every rule of the sandbox', () => {
    const o = sandboxOptions(spec, ctx);
    const h = o.HostConfig!;
    expect(o.User).toBe('65534:65534');
    expect(o.Labels).toEqual({ 'org.rigshare.job-id': 'j1', 'org.rigshare.managed': 'true' });
    expect(h.Privileged).toBe(false);
    expect(h.CapDrop).toEqual(['ALL']);
    expect(h.CapAdd).toEqual([]);
    expect(h.SecurityOpt).toEqual(['no-new-privileges:true']);
    expect(h.ReadonlyRootfs).toBe(true);
    expect(h.Tmpfs!['/tmp']).toMatch(/noexec/);
    expect(h.Tmpfs!['/tmp']).toMatch(/size=64m/);
    expect(h.Binds).toEqual([]);
    expect(h.Devices).toEqual([]);
    expect(h.Mounts!.every((m) => m.Type === 'volume' && m.Source!.startsWith('rigshare-job-j1-'))).toBe(true);
    expect(h.NetworkMode).toBe('none');
    expect(h.PidsLimit).toBe(100);
    expect(h.Memory).toBe(512 * 1024 * 1024);
    expect(h.MemorySwap).toBe(h.Memory);
    expect(h.NanoCpus).toBe(1.5e9);
    expect(h.Ulimits!.map((u) => u.Name)).toEqual(expect.arrayContaining(['nofile', 'core', 'fsize']));
    expect(h.DeviceRequests).toEqual([]);
    expect(o.StopTimeout).toBe(7);
    expect(JSON.stringify(o)).not.toMatch(/docker\.sock/);
  });

  it('pins GPUs by UUID with compute,utility and points egress jobs at the proxy', () => {
    const gpu = JobSpec.parse({ ...spec, resources: { ...spec.resources, gpus: 1 } });
    const o = sandboxOptions(gpu, {
      ...ctx,
      gpuUuids: ['GPU-1'],
      network: 'rigshare-job-j1',
      proxyUrl: 'http://172.18.0.1:4000',
    });
    expect(o.HostConfig!.DeviceRequests).toEqual([
      { Driver: 'nvidia', Count: 0, DeviceIDs: ['GPU-1'], Capabilities: [['compute', 'utility']], Options: {} },
    ]);
    expect(o.Env).toEqual(
      expect.arrayContaining([
        'NVIDIA_DRIVER_CAPABILITIES=compute,utility',
        'http_proxy=http://172.18.0.1:4000',
        'A=1',
      ]),
    );
    expect(o.HostConfig!.NetworkMode).toBe('rigshare-job-j1');
  });
});

describe('output paths and registries', () => {
  it('keeps archive entries inside the folder', () => {
    expect(relativeEntryPath('output/a/b.txt')).toBe('a/b.txt');
    expect(relativeEntryPath('output/')).toBe('');
    expect(relativeEntryPath('output/../../etc/passwd')).toBeNull();
    expect(relativeEntryPath('/etc/passwd')).toBeNull();
  });

  it('allows images only from listed registries', () => {
    const ref = `ghcr.io/a/b@sha256:${'c'.repeat(64)}`;
    expect(registryAllowed(ref, ['ghcr.io'])).toBe(true);
    expect(registryAllowed(ref, ['docker.io'])).toBe(false);
    expect(registryAllowed(`busybox@sha256:${'c'.repeat(64)}`, ['docker.io'])).toBe(true);
    expect(registryAllowed(ref, ['*'])).toBe(true);
  });
});
