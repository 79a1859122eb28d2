import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/test-env';
import { IMAGE, tempDir } from './helpers';

const run = promisify(execFile);
const CLI = path.join(REPO_ROOT, 'bin/rigshare.js');
const dir = tempDir('coord-cli');
let child: ChildProcess;
let out = '';
let url = '';

beforeAll(async () => {
  child = spawn(process.execPath, [CLI, 'coordinator', '--port', '0', '--data-dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const deadline = Date.now() + 60_000;
  while (!/Customer token[^\n]*\n(\S+)/.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`coordinator did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  url = /listening on (\S+)/.exec(out)![1]!;
});

afterAll(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
});

describe('rigshare coordinator and submit', () => {
  it('prints the customer token at first start, and `coordinator token` prints the same one', async () => {
    const printed = /Customer token[^\n]*\n(\S+)/.exec(out)![1]!;
    expect(printed).toMatch(/^rsc_/);
    const { stdout } = await run(process.execPath, [CLI, 'coordinator', 'token', '--data-dir', dir]);
    expect(stdout.trim()).toBe(printed);
    expect(fs.statSync(path.join(dir, 'customer-token')).mode & 0o777).toBe(0o600);
  });

  it('submit queues a job with the token from the environment, and says when no token is given', async () => {
    const spec = path.join(dir, 'spec.json');
    fs.writeFileSync(
      spec,
      JSON.stringify({
        image: IMAGE,
        command: ['true'],
        resources: { gpus: 0, memoryMiB: 64, cpus: 1, maxSeconds: 10 },
      }),
    );
    const token = (await run(process.execPath, [CLI, 'coordinator', 'token', '--data-dir', dir])).stdout.trim();
    const { stdout } = await run(
      process.execPath,
      [CLI, 'submit', '--network', url, '--spec', spec, '--price', '0.25', '--json'],
      {
        env: { ...process.env, RIGSHARE_TOKEN: token },
      },
    );
    const queued = JSON.parse(stdout);
    expect(queued).toMatchObject({ status: 'queued', jobId: expect.stringMatching(/^job_/) });
    const view = (await (
      await fetch(`${url}/v1/jobs/${queued.jobId}`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { pricePerGpuHour: number };
    expect(view.pricePerGpuHour).toBe(250_000);

    const missing = await run(process.execPath, [CLI, 'submit', '--network', url, '--spec', spec], {
      env: { ...process.env, RIGSHARE_TOKEN: '' },
    }).catch((e) => e);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/customer token is needed: pass --token or set RIGSHARE_TOKEN/);
    const wrong = await run(process.execPath, [
      CLI,
      'submit',
      '--network',
      url,
      '--spec',
      spec,
      '--token',
      'rsc_wrong',
    ]).catch((e) => e);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/Unknown customer token/);
  });
});
