import { describe, expect, it } from 'vitest';
import { detectGpus } from '../../../electron/core/gpu/detect';
import { noGraphics, stubRunner, type StubEnv } from './stub-runner';

const detect = (stub: StubEnv, timeoutMs?: number) =>
  detectGpus({ run: stubRunner(stub, timeoutMs), graphics: noGraphics });

describe('GPU detection from recorded real outputs', () => {
  it('RTX 4080 SUPER (consumer, [N/A] serial): key, VRAM, power limit, compute capability, CUDA', async () => {
    const inv = await detect({ nvidia: 'rtx-4080-super' });
    expect(inv.gpus).toHaveLength(1);
    expect(inv.gpus[0]).toMatchObject({
      vendor: 'nvidia',
      model: 'NVIDIA GeForce RTX 4080 SUPER',
      key: 'rtx-4080-super',
      vramMiB: 16376,
      powerLimitW: 320,
      driver: '595.71.05',
      pciBus: '00000000:01:00.0',
      computeCapability: '8.9',
      cudaVersion: '13.2',
    });
    expect(inv.tools.find((t) => t.tool === 'nvidia-smi')?.state).toBe('ok');
  });

  it('H100 80GB HBM3 (datacenter)', async () => {
    const [gpu] = (await detect({ nvidia: 'h100-80gb' })).gpus;
    expect(gpu).toMatchObject({
      key: 'h100-80gb',
      vramMiB: 81559,
      powerLimitW: 700,
      driver: '590.48.01',
      cudaVersion: '13.1',
    });
  });

  it('RTX 4090: power limit as the owner set it, UUID the recording lacks becomes null', async () => {
    const [gpu] = (await detect({ nvidia: 'rtx-4090' })).gpus;
    expect(gpu).toMatchObject({ key: 'rtx-4090', vramMiB: 24564, powerLimitW: 525, uuid: null, cudaVersion: '13.0' });
    expect(gpu!.computeCapability).toBeNull();
  });

  it('lists every card of a multi-GPU rig in index order', async () => {
    const inv = await detect({ nvidia: 'rtx-5090-4090-rig' });
    expect(inv.gpus.map((g) => [g.index, g.key, g.vramMiB, g.powerLimitW])).toEqual([
      [0, 'rtx-5090', 32607, 600],
      [1, 'rtx-4090', 24564, 525],
    ]);
    expect(inv.tools.find((t) => t.tool === 'nvidia-smi')?.detail).toBe('2 NVIDIA GPUs');
  });

  it('old driver (440.64) RTX 2080 with bare N/A fields', async () => {
    const [gpu] = (await detect({ nvidia: 'rtx-2080' })).gpus;
    expect(gpu).toMatchObject({
      model: 'GeForce RTX 2080',
      key: 'rtx-2080',
      vramMiB: 7979,
      powerLimitW: 200,
      uuid: 'GPU-22b2c6ac-2d49-4863-197c-9c469071178a',
      pciBus: null,
      cudaVersion: '10.2',
    });
    for (const value of Object.values(gpu!)) expect(Number.isNaN(value)).toBe(false);
  });

  it('AMD RX 7900 XT through rocm-smi JSON', async () => {
    const inv = await detect({ amd: 'rx-7900-xt' });
    expect(inv.gpus).toHaveLength(1);
    expect(inv.gpus[0]).toMatchObject({
      vendor: 'amd',
      key: 'rx-7900-xt',
      vramMiB: 20464,
      powerLimitW: null,
      computeCapability: 'gfx1100',
    });
    expect(inv.tools.find((t) => t.tool === 'rocm-smi')?.state).toBe('ok');
    // rocm-smi installed without the NVIDIA driver loaded is a real NVIDIA failure, reported with a fix.
    expect(inv.tools.find((t) => t.tool === 'nvidia-smi')).toMatchObject({ state: 'failed' });
  });

  it('AMD Instinct reported only as the MI200 family resolves by device id', async () => {
    const [gpu] = (await detect({ amd: 'mi250x' })).gpus;
    expect(gpu).toMatchObject({ vendor: 'amd', key: 'mi250x', vramMiB: null, powerLimitW: null });
  });
});

describe('vendor tools that are missing, failing, malformed or hung', () => {
  it('missing tools: no GPUs, state missing with an install hint, no throw', async () => {
    const inv = await detect({ absent: true });
    expect(inv.gpus).toEqual([]);
    expect(inv.tools.find((t) => t.tool === 'nvidia-smi')).toMatchObject({ state: 'missing' });
    expect(inv.tools.find((t) => t.tool === 'nvidia-smi')?.fix).toMatch(/Install the NVIDIA driver/);
    expect(inv.tools.find((t) => t.tool === 'rocm-smi')).toMatchObject({ state: 'missing' });
    expect(inv.tools.find((t) => t.tool === 'systeminformation')).toMatchObject({ state: 'ok' });
  });

  it('failing nvidia-smi: state failed, the driver message kept, a fix given', async () => {
    const inv = await detect({ nvidia: 'rtx-4090', nvidiaMode: 'fail' });
    const report = inv.tools.find((t) => t.tool === 'nvidia-smi')!;
    expect(report.state).toBe('failed');
    expect(report.detail).toMatch(/couldn't communicate with the NVIDIA driver/);
    expect(report.fix).toMatch(/Reboot/);
    expect(inv.gpus).toEqual([]);
  });

  it('hung nvidia-smi is killed at the deadline and reported as a timeout', async () => {
    const inv = await detect({ nvidia: 'rtx-4090', nvidiaMode: 'hang' }, 400);
    const report = inv.tools.find((t) => t.tool === 'nvidia-smi')!;
    expect(report.state).toBe('timeout');
    expect(report.fix).toMatch(/froze/);
  });

  it('hung rocm-smi does not hide the NVIDIA cards', async () => {
    const inv = await detect({ nvidia: 'rtx-4090', amd: 'rx-7900-xt', amdMode: 'hang' }, 400);
    expect(inv.gpus.map((g) => g.key)).toEqual(['rtx-4090']);
    expect(inv.tools.find((t) => t.tool === 'rocm-smi')?.state).toBe('timeout');
  });

  it.each(['malformed', 'empty'] as const)('%s nvidia-smi output is reported as malformed', async (mode) => {
    const inv = await detect({ nvidia: 'rtx-4090', nvidiaMode: mode });
    expect(inv.tools.find((t) => t.tool === 'nvidia-smi')).toMatchObject({ state: 'malformed' });
    expect(inv.gpus).toEqual([]);
  });

  it('malformed rocm-smi JSON is reported as malformed', async () => {
    const inv = await detect({ amd: 'rx-7900-xt', amdMode: 'malformed' });
    expect(inv.tools.find((t) => t.tool === 'rocm-smi')).toMatchObject({ state: 'malformed' });
  });

  it('asks nvidia-smi once for all cards', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rs-calls-')), 'calls.log');
    await detect({ nvidia: 'rtx-5090-4090-rig', callLog: log });
    const calls = fs.readFileSync(log, 'utf8').trim().split('\n');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatch(
      /^--query-gpu=index,name,uuid,pci\.bus_id,memory\.total,driver_version,power\.limit,compute_cap --format=csv,noheader,nounits$/,
    );
  });
});
