#!/usr/bin/env node
// Runs each test/bench/*.bench.ts in its own Node process (through tsx), one after another, so
// they never measure each other. `npm run bench -- idle` runs only the benchmarks whose file name
// contains "idle". BENCH_SHORT=1 asks each benchmark for its short (CI) mode.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = path.join(root, 'test', 'bench');
const filters = process.argv.slice(2);

const files = fs
  .readdirSync(benchDir)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => filters.length === 0 || filters.some((f) => name.includes(f)))
  .sort();

if (files.length === 0) {
  console.error(`No benchmarks in ${path.relative(root, benchDir)} match ${filters.join(', ') || '*.bench.ts'}.`);
  process.exit(1);
}

const failed = [];
for (const name of files) {
  console.log(`\n== ${name}${process.env.BENCH_SHORT === '1' ? ' (short)' : ''}`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(benchDir, name)], {
    cwd: root,
    stdio: 'inherit',
  });
  if (run.status !== 0) failed.push(`${name} (${run.signal ?? `exit ${run.status}`})`);
}

console.log(
  `\nbenchmarks: ${files.length - failed.length} ran, ${failed.length} crashed${failed.length ? `: ${failed.join(', ')}` : ''}`,
);
process.exit(failed.length ? 1 : 0);
