import { describe, expect, it } from 'vitest';
import {
  diskCheck,
  dockerCheck,
  driverCheck,
  memoryCheck,
  toolkitCheck,
  virtualizationCheck,
} from '../../../electron/core/readiness/evaluate';
import type { Gpu } from '../../../shared/gpu/types';

const nvidia: Gpu = {
  index: 0,
  vendor: 'nvidia',
  model: 'NVIDIA GeForce RTX 4090',
  key: 'rtx-4090',
  vramMiB: 24564,
  driver: '580.82.09',
  uuid: null,
  pciBus: null,
  powerLimitW: 450,
};

describe('NVIDIA Container Toolkit check', () => {
  it('flags versions before 1.17.8 with the CVE', () => {
    const c = toolkitCheck({ runtimes: ['runc', 'nvidia'], cdiDevices: [], version: '1.17.7' }, [nvidia]);
    expect(c.ok).toBe(false);
    expect(c.detail).toMatch(/CVE-2025-23266/);
    expect(c.fix).toMatch(/1\.17\.8/);
  });

  it('passes 1.17.8 and later, through the runtime or CDI', () => {
    expect(toolkitCheck({ runtimes: ['nvidia'], cdiDevices: [], version: '1.17.8' }, [nvidia]).ok).toBe(true);
    const cdi = toolkitCheck({ runtimes: ['runc'], cdiDevices: ['nvidia.com/gpu=0'], version: '1.18.0' }, [nvidia]);
    expect(cdi).toMatchObject({ ok: true, detail: expect.stringMatching(/CDI/) });
  });

  it('fails without runtime or CDI, and when the version cannot be read', () => {
    expect(toolkitCheck({ runtimes: ['runc'], cdiDevices: [], version: '1.17.8' }, [nvidia]).ok).toBe(false);
    expect(toolkitCheck({ runtimes: ['nvidia'], cdiDevices: [], version: null }, [nvidia]).ok).toBe(false);
  });

  it('is not needed without an NVIDIA GPU', () => {
    expect(toolkitCheck({ runtimes: [], cdiDevices: [], version: null }, []).ok).toBe(true);
  });
});

describe('other checks', () => {
  it('docker: version when reachable, the engine error as the fix when not', () => {
    const base = {
      socket: '/var/run/docker.sock',
      source: 'default' as const,
      apiVersion: '1.41',
      flavour: 'docker' as const,
    };
    expect(dockerCheck({ ...base, reachable: true, version: '20.10.24', error: null })).toMatchObject({
      ok: true,
      detail: 'Docker 20.10.24 is running',
    });
    const down = dockerCheck({ ...base, reachable: false, version: null, flavour: null, error: 'Start Docker' });
    expect(down).toMatchObject({ ok: false, fix: 'Start Docker' });
  });

  it('driver: lists versions, flags drivers older than 535, and reports a broken tool', () => {
    expect(driverCheck([nvidia], null)).toMatchObject({ ok: true, detail: 'NVIDIA 580.82.09' });
    expect(driverCheck([{ ...nvidia, driver: '470.256.02' }], null).ok).toBe(false);
    const hung = driverCheck([], { detail: 'nvidia-smi did not answer', fix: 'Reboot' });
    expect(hung).toMatchObject({ ok: false, detail: 'nvidia-smi did not answer', fix: 'Reboot' });
  });

  it('disk and memory thresholds', () => {
    expect(diskCheck('/data', 10 * 1024 ** 3).ok).toBe(false);
    expect(diskCheck('/data', 200 * 1024 ** 3).ok).toBe(true);
    expect(diskCheck('/data', null).ok).toBe(false);
    expect(memoryCheck(4 * 1024 ** 3).ok).toBe(false);
    expect(memoryCheck(32 * 1024 ** 3).ok).toBe(true);
  });

  it('virtualization matters only on Windows', () => {
    expect(virtualizationCheck('linux', null).ok).toBe(true);
    expect(virtualizationCheck('win32', { ok: false, detail: 'WSL is not installed.' })).toMatchObject({
      ok: false,
      fix: expect.stringMatching(/wsl --install/),
    });
    expect(virtualizationCheck('win32', { ok: true, detail: 'WSL2 is installed' }).ok).toBe(true);
  });
});
