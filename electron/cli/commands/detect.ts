import fs from 'node:fs';
import type { Command } from 'commander';
import type { ReadinessCheck } from '../../../shared/gpu/readiness';
import type { GpuInventory } from '../../../shared/gpu/types';
import { hostDiscoveryEnv } from '../../core/engine/discovery-env';
import { ContainerEngine } from '../../core/engine/engine';
import { detectGpus } from '../../core/gpu/detect';
import { createLogger } from '../../core/log/logger';
import { runReadiness } from '../../core/readiness/run-checks';
import { addDataDirOption, resolveDataDir } from '../options';

export interface DetectReport {
  gpus: GpuInventory['gpus'];
  readiness: ReadinessCheck[];
  tools: GpuInventory['tools'];
}

/** Finds the GPUs and runs the readiness checklist once, without starting the agent. */
export async function detectReport(dataDir: string): Promise<DetectReport> {
  const engine = new ContainerEngine(hostDiscoveryEnv(), createLogger({ name: 'detect', stdout: false }));
  const [inventory] = await Promise.all([detectGpus(), engine.refresh()]);
  // The data dir may not exist before the first run; measure the nearest folder that does.
  let dir = dataDir;
  while (!fs.existsSync(dir) && dir !== '/' && dir.length > 1) dir = dir.replace(/[\\/][^\\/]*$/, '') || '/';
  const readiness = await runReadiness(engine, inventory, dir);
  return { gpus: inventory.gpus, readiness, tools: inventory.tools };
}

function mib(value: number | null): string {
  return value === null ? '?' : `${(value / 1024).toFixed(1)} GiB`;
}

export function formatDetect(report: DetectReport): string {
  const lines: string[] = [];
  if (report.gpus.length === 0) lines.push('No GPU found.');
  for (const g of report.gpus) {
    lines.push(
      `GPU ${g.index}  ${g.model}  [${g.key}]  ${mib(g.vramMiB)}  ` +
        `power limit ${g.powerLimitW === null ? '?' : `${g.powerLimitW} W`}  driver ${g.driver ?? '?'}` +
        (g.cudaVersion ? `  CUDA ${g.cudaVersion}` : ''),
    );
  }
  for (const t of report.tools) {
    if (t.state !== 'ok' && t.state !== 'missing')
      lines.push(`! ${t.tool}: ${t.detail}${t.fix ? `\n    fix: ${t.fix}` : ''}`);
  }
  lines.push('', 'Readiness:');
  for (const c of report.readiness) {
    lines.push(`  [${c.ok ? ' ok ' : 'FAIL'}] ${c.check.padEnd(15)} ${c.detail}`);
    if (!c.ok && c.fix) lines.push(`         fix: ${c.fix}`);
  }
  return lines.join('\n');
}

export function registerDetectCommand(program: Command): void {
  addDataDirOption(
    program
      .command('detect')
      .description('list the GPUs in this machine and check that it is ready to rent them out')
      .option('--json', 'print {gpus, readiness, tools} as JSON (see docs/cli.md)'),
  ).action(async (opts: { json?: boolean; dataDir?: string }) => {
    const report = await detectReport(resolveDataDir(opts.dataDir));
    process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatDetect(report)}\n`);
  });
}
