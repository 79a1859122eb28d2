import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { shJob, testImage, type Rig } from './harness';
import { rigPerFile } from './rig-per-file';

const rig = rigPerFile({ graceSeconds: 2 });

describe('sandbox: how jobs end', () => {
  it('ends a job past maxSeconds as timed_out, even one that ignores SIGTERM, and leaves no container', async () => {
    let containerId = '';
    const started = Date.now();
    const out = await rig().run(
      shJob("trap '' TERM; echo waiting; while true; do sleep 1; done", { resources: { maxSeconds: 2 } }),
      {
        onContainer: (id) => {
          containerId = id;
        },
      },
    );
    expect(out.status).toBe('timed_out');
    expect(out.reason).toMatch(/2s limit/);
    expect(out.logTail).toContain('waiting');
    expect(Date.now() - started).toBeLessThan(20_000);
    await expect(rig().docker.getContainer(containerId).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect(
      rig()
        .ledger.get(out.jobId)!
        .events.map((e) => e.type),
    ).toContain('timeout');
  });

  it('caps a log flood on disk, in memory and in live events', async () => {
    const before = rig().logs.length;
    const out = await rig().run(
      shJob('yes "flood flood flood flood flood flood" | head -c 20000000; echo; echo last-line'),
    );
    expect(out.status).toBe('succeeded');
    const logFile = path.join(rig().dataDir, 'jobs', out.jobId, 'job.log');
    const size = fs.statSync(logFile).size;
    expect(size).toBeLessThanOrEqual(8 * 1024 * 1024 + 100);
    expect(fs.readFileSync(logFile, 'utf8').slice(-200)).toMatch(/log cut off/);
    expect(Buffer.byteLength(out.logTail)).toBeLessThanOrEqual(16 * 1024);
    expect(out.logTail).toContain('last-line');
    const live = rig().logs.length - before;
    expect(live).toBeLessThan(20_000_000 / 38 / 10);
  });

  it('refuses an oversize output and reports it', async () => {
    const out = await rig().run(
      shJob('for i in 1 2 3; do head -c 700000 /dev/zero > /output/part$i; done; echo wrote', {
        resources: { outputMiB: 1 },
      }),
    );
    expect(out.status).toBe('failed');
    expect(out.reason).toMatch(/Output refused: outputs exceed the 1 MiB cap/);
    expect(out.outputs).toEqual([]);
    expect(fs.existsSync(path.join(rig().dataDir, 'jobs', out.jobId, 'outputs'))).toBe(false);
  });

  it('refuses a symlink that escapes the output folder and reports it', async () => {
    const out = await rig().run(
      shJob('echo ok > /output/fine; ln -s /etc/passwd /output/passwd; ln -s ../../.. /output/up'),
    );
    expect(out.status).toBe('failed');
    expect(out.reason).toMatch(/Output refused: "(passwd|up)" is a link/);
    expect(out.outputs).toEqual([]);
  });

  it('rejects an image with LD_PRELOAD in its environment', async () => {
    const out = await rig().run({ ...shJob('echo should-not-run'), image: testImage('ldpreload') });
    expect(out.status).toBe('rejected');
    expect(out.reason).toMatch(/LD_PRELOAD/);
    expect(out.logTail).toBe('');
  });

  it('rejects a spec that asks for privileged or a host mount', async () => {
    const privileged = await rig().run({ ...shJob('id'), privileged: true });
    expect(privileged.status).toBe('rejected');
    expect(privileged.reason).toMatch(/privileged/);
    const hostMount = await rig().run({ ...shJob('ls /host'), binds: ['/:/host'] });
    expect(hostMount.status).toBe('rejected');
    expect(hostMount.reason).toMatch(/host paths/);
    const sneaky = await rig().run({ ...shJob('ls'), outputDir: '/var/run/docker.sock' });
    expect(sneaky.status).toBe('rejected');
    expect(rig().ledger.get(hostMount.jobId)!.status).toBe('rejected');
  });

  it('pre-empts on request: SIGTERM, waits for the checkpoint, and keeps it', async () => {
    let ready!: () => void;
    const running = new Promise<void>((r) => (ready = r));
    const job = rig().run(
      shJob(
        "trap 'echo step-9 > /checkpoint/state; echo saved; exit 0' TERM; echo step-1 > /checkpoint/state; echo started; while true; do sleep 1; done",
        {
          resources: { maxSeconds: 60 },
        },
      ),
      { onContainer: () => ready() },
    );
    await running;
    await new Promise((r) => setTimeout(r, 1000));
    const jobId = rig().runner.running[0]!;
    const out = await rig().runner.preempt(jobId);
    expect(await job).toEqual(out);
    expect(out.status).toBe('preempted');
    expect(out.checkpoint).toEqual([{ path: 'state', bytes: 7, sha256: expect.stringMatching(/^[a-f0-9]{64}$/) }]);
    expect(fs.readFileSync(path.join(rig().dataDir, 'jobs', jobId, 'checkpoint', 'state'), 'utf8')).toBe('step-9\n');
  });

  it('gives a GPU job DeviceRequests for exactly its assigned UUID with compute,utility', async () => {
    const uuid = 'GPU-22b2c6ac-2d49-4863-197c-9c469071178a';
    let inspected: Awaited<ReturnType<ReturnType<Rig['docker']['getContainer']>['inspect']>> | null = null;
    const out = await rig().run(shJob('nvidia-smi', { resources: { gpus: 1 } }), {
      gpuUuids: [uuid],
      onContainer: async (id) => {
        inspected = await rig().docker.getContainer(id).inspect();
      },
    });
    expect(inspected).not.toBeNull();
    const info = inspected!;
    expect(info.HostConfig.DeviceRequests).toEqual([
      { Driver: 'nvidia', Count: 0, DeviceIDs: [uuid], Capabilities: [['compute', 'utility']], Options: {} },
    ]);
    expect(info.Config.Env).toContain('NVIDIA_DRIVER_CAPABILITIES=compute,utility');
    expect(info.HostConfig.Privileged).toBe(false);
    expect(info.HostConfig.Devices ?? []).toEqual([]);
    // No GPU runtime here, so the start fails; the job is reported, not left behind.
    expect(out.status).toBe('failed');
    const unassigned = await rig().run(shJob('true', { resources: { gpus: 1 } }));
    expect(unassigned.status).toBe('rejected');
  });
});
