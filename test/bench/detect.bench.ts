/**
 * One full detection (nvidia-smi and rocm-smi in parallel, parsing, keys) against one bare call of
 * the nvidia-smi stub with the same query. Run: npx tsx test/bench/detect.bench.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { detectGpus } from '../../electron/core/gpu/detect';
import { INVENTORY_FIELDS, queryArgs } from '../../electron/core/gpu/nvidia';
import { runTool } from '../../electron/core/gpu/run-tool';

const STUBS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/gpu/bin');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
// A machine with the NVIDIA driver and no ROCm: only nvidia-smi is on PATH.
const BIN = fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-bench-bin-'));
fs.symlinkSync(path.join(STUBS, 'nvidia-smi'), path.join(BIN, 'nvidia-smi'));
const env = {
  ...process.env,
  PATH: `${BIN}${path.delimiter}${path.dirname(process.execPath)}`,
  RIGSHARE_GPU_FIXTURE: 'rtx-5090-4090-rig',
};

async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const bare: number[] = [];
  const detect: number[] = [];
  const run = (command: string, args: string[]) => runTool(command, args, { timeoutMs: 10_000, env });
  // Alternate the two so machine noise falls on both alike.
  for (let i = 0; i < RUNS + 2; i += 1) {
    const b = await timeIt(() => run('nvidia-smi', queryArgs(INVENTORY_FIELDS)));
    const d = await timeIt(() => detectGpus({ run, graphics: async () => ({ controllers: [] }) }));
    if (i >= 2) {
      bare.push(b);
      detect.push(d);
    }
  }
  const mb = median(bare);
  const md = median(detect);
  process.stdout.write(
    [
      `${RUNS} runs each, 2-GPU rig fixture`,
      `bare nvidia-smi stub call: median ${mb.toFixed(1)} ms`,
      `one detect:                median ${md.toFixed(1)} ms`,
      `ratio detect / bare call:  ${(md / mb).toFixed(2)}`,
      '',
    ].join('\n'),
  );
  fs.rmSync(BIN, { recursive: true, force: true });
}

await main();
