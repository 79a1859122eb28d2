import fs from 'node:fs';
import os from 'node:os';
import si from 'systeminformation';
import type { DockerEngineStatus, SystemInfo } from '../../../shared/api/methods/system';

interface StaticFacts {
  os: SystemInfo['os'];
  cpu: SystemInfo['cpu'];
}

let staticFacts: Promise<StaticFacts> | null = null;

/** OS and CPU facts do not change while the agent runs, so they are read once. */
function readStaticFacts(): Promise<StaticFacts> {
  staticFacts ??= Promise.all([si.osInfo(), si.cpu()]).then(([osInfo, cpu]) => ({
    os: {
      platform: osInfo.platform || process.platform,
      distro: osInfo.distro || os.type(),
      release: osInfo.release || os.release(),
      arch: osInfo.arch || process.arch,
      hostname: osInfo.hostname || os.hostname(),
    },
    cpu: {
      model: [cpu.manufacturer, cpu.brand].filter(Boolean).join(' ') || os.cpus()[0]?.model || 'unknown',
      cores: cpu.cores || os.cpus().length,
      physicalCores: cpu.physicalCores || os.cpus().length,
    },
  }));
  return staticFacts;
}

async function diskFree(dir: string): Promise<SystemInfo['disk']> {
  try {
    const stats = await fs.promises.statfs(dir);
    return { path: dir, freeBytes: stats.bavail * stats.bsize, totalBytes: stats.blocks * stats.bsize };
  } catch {
    return { path: dir, freeBytes: null, totalBytes: null };
  }
}

export async function readSystemInfo(
  dataDir: string,
  docker: DockerEngineStatus,
  agent: SystemInfo['agent'],
): Promise<SystemInfo> {
  const [facts, disk] = await Promise.all([readStaticFacts(), diskFree(dataDir)]);
  return {
    ...facts,
    memory: { totalBytes: os.totalmem(), freeBytes: os.freemem() },
    disk,
    docker,
    agent,
  };
}
