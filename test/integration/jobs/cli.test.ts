import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { JobResult } from '../../../shared/jobs/result';
import { ledgerPath, openLedgerDb } from '../../../electron/core/ledger/database';
import { JobLedger } from '../../../electron/core/ledger/job-ledger';
import { shJob, TEST_REGISTRY } from './harness';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../../../bin/rigshare.js');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-cli-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

async function rigshare(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args, '--data-dir', dataDir], {
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function specFile(spec: unknown): string {
  const file = path.join(dataDir, `spec-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, JSON.stringify(spec));
  return file;
}

describe('rigshare job run', () => {
  it('prints the result as JSON and exits 0 for a job that succeeds', async () => {
    const spec = specFile(shJob('echo hello-cli; echo data > /output/out.txt'));
    const { code, stdout } = await rigshare([
      'job',
      'run',
      '--spec',
      spec,
      '--json',
      '--allow-registry',
      TEST_REGISTRY,
    ]);
    const result = JobResult.parse(JSON.parse(stdout));
    expect(code).toBe(0);
    expect(result.status).toBe('succeeded');
    expect(result.exitCode).toBe(0);
    expect(result.logTail).toContain('hello-cli');
    expect(result.outputs).toEqual([{ path: 'out.txt', bytes: 5, sha256: expect.stringMatching(/^[a-f0-9]{64}$/) }]);
  });

  it('exits non-zero for a failing job and for a refused one, with the reason', async () => {
    const failing = await rigshare([
      'job',
      'run',
      '--spec',
      specFile(shJob('exit 3')),
      '--json',
      '--allow-registry',
      TEST_REGISTRY,
    ]);
    expect(failing.code).not.toBe(0);
    expect(JSON.parse(failing.stdout)).toMatchObject({ status: 'failed', exitCode: 3 });
    // Not on the allowlist (no --allow-registry): refused before anything is pulled.
    const refused = await rigshare(['job', 'run', '--spec', specFile(shJob('true')), '--json']);
    expect(refused.code).not.toBe(0);
    expect(JSON.parse(refused.stdout)).toMatchObject({
      status: 'rejected',
      reason: expect.stringMatching(/allowlist/),
    });
  });

  it('gives a GPU job the GPU that detection finds when no --gpu is given', async () => {
    const stubs = path.resolve(import.meta.dirname, '../../fixtures/gpu/bin');
    const spec = specFile(shJob('nvidia-smi', { resources: { gpus: 1 } }));
    const args = ['job', 'run', '--spec', spec, '--json', '--allow-registry', TEST_REGISTRY];
    const { stdout } = await rigshare(args, {
      PATH: `${stubs}${path.delimiter}${process.env.PATH ?? ''}`,
      RIGSHARE_GPU_FIXTURE: 'rtx-2080',
    });
    const result = JSON.parse(stdout) as { jobId: string; status: string; reason: string };
    // The recorded RTX 2080 reports its UUID; the container was created with that card (this
    // engine has no NVIDIA runtime to start it).
    expect(result.reason).not.toMatch(/were assigned/);
    expect(result.status).toBe('failed');
    const ledger = new JobLedger(openLedgerDb(ledgerPath(dataDir)));
    expect(ledger.get(result.jobId)!.events.map((e) => e.type)).toContain('container_created');
  });
});

describe('rigshare selftest', () => {
  it('passes every check on this machine', async () => {
    const { code, stdout } = await rigshare(['selftest', '--json']);
    const report = JSON.parse(stdout) as {
      ok: boolean;
      checks: { group: string; name: string; ok: boolean; detail: string }[];
    };
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(new Set(report.checks.map((c) => c.group))).toEqual(
      new Set(['privileges', 'filesystem', 'limits', 'network', 'ends']),
    );
    expect(report.ok).toBe(true);
    expect(code).toBe(0);
  });
});
