// Start-to-exit of a trivial job through the runner (create volumes, sandbox, attach, run, wait,
// collect outputs, record, remove everything) against a bare `docker run` of the same image
// with the same sandbox flags, measured alternately in the same run with the image cached.
// Target: runner / bare <= 1.3. A miss prints FAIL but does not fail the run (shared CI machine).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { shJob, startRig, testImage } from '../integration/jobs/harness';

const run = promisify(execFile);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (process.env.BENCH_SHORT === '1' ? 5 : 15));
const TARGET_RATIO = 1.3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const image = testImage('busybox');
/** The same sandbox as sandbox.ts, spelled as docker CLI flags. */
const bareArgs = [
  'run',
  '--rm',
  '--user',
  '65534:65534',
  '--cap-drop',
  'ALL',
  '--security-opt',
  'no-new-privileges:true',
  '--read-only',
  '--tmpfs',
  '/tmp:rw,noexec,nosuid,nodev,size=64m',
  '-v',
  '/input',
  '-v',
  '/output',
  '-v',
  '/checkpoint',
  '--network',
  'none',
  '--pids-limit',
  '256',
  '--memory',
  '64m',
  '--memory-swap',
  '64m',
  '--cpus',
  '1',
  '--ulimit',
  'nofile=1024:1024',
  '--ulimit',
  'core=0:0',
  '--ipc',
  'private',
  '--log-driver',
  'json-file',
  '--log-opt',
  'max-size=10m',
  '--log-opt',
  'max-file=1',
  '--label',
  'org.rigshare.bench=bare',
  image,
  '/bin/sh',
  '-c',
  'echo hi',
];

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-bench-'));
const rig = await startRig({ dataDir });
try {
  // Warm both paths (image cached, engine warmed) before measuring.
  await run('docker', bareArgs);
  await rig.run(shJob('echo hi'));
  const bare: number[] = [];
  const runner: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    let t = performance.now();
    await run('docker', bareArgs);
    bare.push(performance.now() - t);
    t = performance.now();
    const out = await rig.run(shJob('echo hi'));
    runner.push(performance.now() - t);
    if (out.status !== 'succeeded') throw new Error(`bench job ended ${out.status}: ${out.reason}`);
  }
  const b = median(bare);
  const r = median(runner);
  const ratio = r / b;
  process.stdout.write(
    `runner start-to-exit: bare docker run ${b.toFixed(0)} ms, runner ${r.toFixed(0)} ms (median of ${ROUNDS}), ` +
      `ratio ${ratio.toFixed(2)}x, target <= ${TARGET_RATIO}x: ${ratio <= TARGET_RATIO ? 'PASS' : 'FAIL'}\n`,
  );
  if (ratio > TARGET_RATIO) {
    // Most of the gap is work bare `docker run` does not do: one archive write (volume ownership
    // and verified inputs) and one archive read (outputs with their sha256).
    process.stdout.write(`runner overhead: ${(r - b).toFixed(0)} ms per job\n`);
  }
} finally {
  await rig.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
