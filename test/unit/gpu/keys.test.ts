import { describe, expect, it } from 'vitest';
import { cudaVersionForDriver, compareVersions } from '../../../shared/gpu/cuda';
import { modelKey, vendorFromName } from '../../../shared/gpu/keys';
import { isNoValue, numberOrNull } from '../../../shared/gpu/null-values';
import { loadPowerW } from '../../../shared/gpu/tdp';

describe('model keys', () => {
  it.each([
    ['nvidia', 'NVIDIA GeForce RTX 4090', 24564, 'rtx-4090'],
    ['nvidia', 'GeForce RTX 4090', 24564, 'rtx-4090'],
    ['nvidia', 'NVIDIA GeForce RTX 4090 D', 24564, 'rtx-4090-d'],
    ['nvidia', 'NVIDIA GeForce RTX 4080 SUPER', 16376, 'rtx-4080-super'],
    ['nvidia', 'NVIDIA GeForce RTX 4070 Ti SUPER', 16376, 'rtx-4070-ti-super'],
    ['nvidia', 'NVIDIA GeForce RTX 3060', 12288, 'rtx-3060-12gb'],
    ['nvidia', 'NVIDIA GeForce RTX 3060', 8192, 'rtx-3060-8gb'],
    ['nvidia', 'NVIDIA GeForce RTX 4070 Laptop GPU', 8188, 'rtx-4070-laptop'],
    ['nvidia', 'NVIDIA GeForce GTX 1080 Ti', 11264, 'gtx-1080-ti'],
    ['nvidia', 'NVIDIA A100-SXM4-80GB', 81920, 'a100-80gb'],
    ['nvidia', 'NVIDIA A100 80GB PCIe', 81920, 'a100-80gb'],
    ['nvidia', 'NVIDIA A100-PCIE-40GB', 40960, 'a100-40gb'],
    ['nvidia', 'NVIDIA H100 80GB HBM3', 81559, 'h100-80gb'],
    ['nvidia', 'NVIDIA H100 PCIe', 81559, 'h100-80gb'],
    ['nvidia', 'NVIDIA H200', 143771, 'h200-141gb'],
    ['nvidia', 'NVIDIA L40S', 46068, 'l40s'],
    ['nvidia', 'NVIDIA A40', 46068, 'a40'],
    ['nvidia', 'NVIDIA A10', 23028, 'a10'],
    ['nvidia', 'Tesla T4', 15360, 't4'],
    ['nvidia', 'NVIDIA RTX A6000', 49140, 'rtx-a6000'],
    ['nvidia', 'NVIDIA RTX 6000 Ada Generation', 49140, 'rtx-6000-ada'],
    ['nvidia', 'Quadro RTX 4000', 8192, 'quadro-rtx-4000'],
    ['amd', 'Radeon RX 7900 XTX', 24560, 'rx-7900-xtx'],
    ['amd', 'Navi 31 [Radeon RX 7900 XT/7900 XTX/7900 GRE/7900M]', 24560, 'rx-7900-xtx'],
    ['amd', 'Navi 31 [Radeon RX 7900 XT/7900 XTX/7900 GRE/7900M]', 20464, 'rx-7900-xt'],
    ['amd', 'Arcturus GL-XL [AMD Instinct MI100]', 32752, 'mi100'],
    ['apple', 'Apple M2 Max', null, 'm2-max'],
    ['intel', 'Intel Arc A770 Graphics', 16384, 'arc-a770'],
  ] as const)('%s "%s" (%s MiB) -> %s', (vendor, name, vram, key) => {
    expect(modelKey(vendor, name, vram)).toBe(key);
  });

  it('uses the AMD device id when the name is only a family', () => {
    expect(modelKey('amd', 'AMD INSTINCT MI200 (MCM) OAM LC MBA HPE C2', null, '0x7408')).toBe('mi250x');
  });

  it('falls back to a clean slug for unknown cards', () => {
    expect(modelKey('nvidia', 'NVIDIA Jetson Orin (nvgpu)', null)).toBe('jetson-orin-nvgpu');
  });

  it('guesses vendors from names', () => {
    expect(vendorFromName('NVIDIA GeForce RTX 4090')).toBe('nvidia');
    expect(vendorFromName('Advanced Micro Devices, Inc. [AMD/ATI] Navi 31')).toBe('amd');
    expect(vendorFromName('Intel Corporation UHD Graphics 770')).toBe('intel');
    expect(vendorFromName('Apple M2 Max')).toBe('apple');
  });
});

describe('values a tool could not read', () => {
  it.each(['[N/A]', 'N/A', '[Not Supported]', '[Unknown Error]', '[Requested functionality has been deprecated]', ''])(
    '%j is no value and no number',
    (raw) => {
      expect(isNoValue(raw)).toBe(true);
      expect(numberOrNull(raw)).toBeNull();
    },
  );

  it('reads numbers with or without units', () => {
    expect(numberOrNull('320.00 W')).toBe(320);
    expect(numberOrNull('16376')).toBe(16376);
    expect(numberOrNull('(800Mhz)')).toBe(800);
    expect(numberOrNull('P8')).toBeNull();
  });
});

describe('CUDA version from the driver', () => {
  it.each([
    ['595.71.05', '13.2'],
    ['590.48.01', '13.1'],
    ['580.82.09', '13.0'],
    ['550.107.02', '12.4'],
    ['535.129.03', '12.2'],
    ['440.64', '10.2'],
    ['390.157', null],
    ['garbage', null],
  ])('%s -> %s', (driver, cuda) => {
    expect(cudaVersionForDriver(driver)).toBe(cuda);
  });

  it('compares versions numerically, not as text', () => {
    expect(compareVersions('1.17.10', '1.17.8')).toBe(1);
    expect(compareVersions('1.9', '1.17')).toBe(-1);
    expect(compareVersions('2.0', '2.0.0')).toBe(0);
  });
});

describe('power under load', () => {
  it('prefers the driver limit, then the TDP table, else unknown', () => {
    expect(loadPowerW('rtx-4090', 525)).toEqual({ watts: 525, source: 'driver-limit' });
    expect(loadPowerW('rx-7900-xt', null)).toEqual({ watts: 315, source: 'tdp-table' });
    expect(loadPowerW('mystery-card', null)).toBeNull();
  });
});
