import fs from 'node:fs';
import os from 'node:os';
import type { ReadinessCheck } from '../../../shared/gpu/readiness';
import type { GpuInventory } from '../../../shared/gpu/types';
import type { ContainerEngine } from '../engine/engine';
import { runTool } from '../gpu/run-tool';
import {
  diskCheck,
  dockerCheck,
  driverCheck,
  memoryCheck,
  toolkitCheck,
  virtualizationCheck,
  type ToolkitFacts,
} from './evaluate';

const TOOL_TIMEOUT_MS = 5000;

interface DockerInfo {
  Runtimes?: Record<string, unknown>;
  DiscoveredDevices?: Array<{ Source?: string; ID?: string }>;
}

/** The toolkit's version from whichever of its CLIs is installed. */
export async function toolkitVersion(): Promise<string | null> {
  for (const [cmd, args] of [
    ['nvidia-ctk', ['--version']],
    ['nvidia-container-cli', ['--version']],
  ] as const) {
    const run = await runTool(cmd, [...args], { timeoutMs: TOOL_TIMEOUT_MS });
    if (run.kind !== 'ok') continue;
    const version = /version\s*:?\s*v?(\d+\.\d+\.\d+)/i.exec(run.stdout)?.[1];
    if (version) return version;
  }
  return null;
}

async function toolkitFacts(engine: ContainerEngine): Promise<ToolkitFacts> {
  const docker = engine.docker;
  let info: DockerInfo = {};
  if (docker) {
    try {
      info = (await docker.info()) as DockerInfo;
    } catch {
      info = {};
    }
  }
  return {
    runtimes: Object.keys(info.Runtimes ?? {}),
    cdiDevices: (info.DiscoveredDevices ?? []).filter((d) => d.Source === 'cdi').map((d) => d.ID ?? ''),
    version: await toolkitVersion(),
  };
}

async function freeBytes(dir: string): Promise<number | null> {
  try {
    const s = await fs.promises.statfs(dir);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

async function wslStatus(): Promise<{ ok: boolean; detail: string }> {
  const run = await runTool('wsl.exe', ['--status'], { timeoutMs: TOOL_TIMEOUT_MS });
  if (run.kind === 'ok') return { ok: true, detail: 'WSL2 is installed' };
  return { ok: false, detail: run.kind === 'missing' ? 'WSL is not installed.' : `WSL did not answer: ${run.detail}` };
}

/** The whole checklist, gathered in parallel. Each check stands alone; one failing does not hide the others. */
export async function runReadiness(
  engine: ContainerEngine,
  inventory: GpuInventory,
  dataDir: string,
): Promise<ReadinessCheck[]> {
  const toolProblem = inventory.tools.find((t) => t.state !== 'ok' && t.state !== 'missing') ?? null;
  const [facts, free, wsl] = await Promise.all([
    toolkitFacts(engine),
    freeBytes(dataDir),
    process.platform === 'win32' ? wslStatus() : Promise.resolve(null),
  ]);
  return [
    dockerCheck(engine.current()),
    toolkitCheck(facts, inventory.gpus),
    driverCheck(inventory.gpus, toolProblem),
    diskCheck(dataDir, free),
    memoryCheck(os.totalmem()),
    virtualizationCheck(process.platform, wsl),
  ];
}
