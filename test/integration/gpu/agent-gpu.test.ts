import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../../electron/core/agent';
import { createLogger } from '../../../electron/core/log/logger';
import { runTool } from '../../../electron/core/gpu/run-tool';
import { EstimateView } from '../../../shared/api/methods/earnings';
import { ReadinessCheck } from '../../../shared/gpu/readiness';
import { Gpu, type TelemetryTick } from '../../../shared/gpu/types';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const STUBS = path.join(ROOT, 'test/fixtures/gpu/bin');
const run = promisify(execFile);

/** Environment of a machine with one RTX 4090 whose readings move. */
const rigEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  PATH: `${STUBS}${path.delimiter}${process.env.PATH ?? ''}`,
  RIGSHARE_GPU_FIXTURE: 'rtx-4090',
  RIGSHARE_GPU_LIVE: '1',
  ...extra,
});

function ok<T>(reply: unknown): T {
  if (typeof reply === 'object' && reply !== null && 'ok' in reply) return (reply as { ok: T }).ok;
  throw new Error(`call failed: ${JSON.stringify(reply)}`);
}

describe('the agent knows the rig (real Docker engine, stubbed GPU)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-gpu-'));
  let agent: Agent;

  beforeAll(async () => {
    const env = rigEnv();
    agent = new Agent({
      dataDir,
      log: createLogger({ name: 'test', stdout: false }),
      gpuRunner: (command, args) => runTool(command, args, { timeoutMs: 5000, env }),
    });
    await agent.start();
  });

  afterAll(async () => {
    await agent.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists the detected GPU through the API', async () => {
    const inv = ok<{ gpus: Gpu[] }>(await agent.call('gpu.list', {}));
    expect(inv.gpus).toEqual([expect.objectContaining({ key: 'rtx-4090', vramMiB: 24564, powerLimitW: 525 })]);
  });

  it('runs the readiness checklist against the real engine', async () => {
    const { checks } = ok<{ checks: ReadinessCheck[] }>(await agent.call('readiness.check', {}));
    expect(checks.map((c) => c.check)).toEqual([
      'docker',
      'nvidia-toolkit',
      'gpu-driver',
      'disk',
      'memory',
      'virtualization',
    ]);
    const docker = checks.find((c) => c.check === 'docker')!;
    expect(docker.ok).toBe(true);
    expect(docker.detail).toMatch(/^Docker \d+\.\d+/);
    // This engine has no NVIDIA runtime: the GPU cannot reach jobs, and the fix says how to register it.
    const toolkit = checks.find((c) => c.check === 'nvidia-toolkit')!;
    expect(toolkit.ok).toBe(false);
    expect(toolkit.fix).toMatch(/nvidia-ctk runtime configure/);
    expect(checks.find((c) => c.check === 'gpu-driver')).toMatchObject({ ok: true, detail: 'NVIDIA 580.82.09' });
  });

  it('estimates net earnings in KES from the saved kWh price', async () => {
    ok(await agent.call('settings.update', { currency: 'KES', electricityPricePerKwh: 25 }));
    const cheap = EstimateView.parse(ok(await agent.call('earnings.estimate', {})));
    expect(cheap).toMatchObject({ gpuKey: 'rtx-4090', currency: 'KES', kwhPrice: 25, powerW: 525 });
    ok(await agent.call('settings.update', { electricityPricePerKwh: 60 }));
    const dear = EstimateView.parse(ok(await agent.call('earnings.estimate', {})));
    expect(dear.offers[0]!.perMonth.net.high).toBeLessThan(cheap.offers[0]!.perMonth.net.high);
  });

  it('rejects hostile estimate input with a readable error', async () => {
    const reply = (await agent.call('earnings.estimate', { kwhPrice: -1, gpuKey: 'x'.repeat(500) })) as {
      error?: { code: string };
    };
    expect(reply.error?.code).toBe('bad_request');
  });

  it('pushes telemetry every second while watched, with moving readings', async () => {
    const ticks: TelemetryTick[] = [];
    const off = agent.events.on('gpu.telemetry', (t) => ticks.push(t));
    const release = agent.addWatcher();
    try {
      await expect.poll(() => ticks.length, { timeout: 10_000, interval: 100 }).toBeGreaterThanOrEqual(3);
    } finally {
      release();
      off();
    }
    expect(ticks.every((t) => t.intervalMs === 1000)).toBe(true);
    const powers = new Set(ticks.map((t) => t.samples[0]?.powerW));
    expect(powers.size).toBeGreaterThan(1);
    const history = ok<{ intervalMs: number; ticks: TelemetryTick[] }>(await agent.call('gpu.telemetry', {}));
    expect(history.intervalMs).toBe(15_000);
    expect(history.ticks.length).toBeGreaterThanOrEqual(ticks.length);
  });
});

describe('rigshare detect and estimate on the command line', () => {
  const cli = (args: string[], env: NodeJS.ProcessEnv) =>
    run(process.execPath, [path.join(ROOT, 'bin/rigshare.js'), ...args], { env, cwd: ROOT, timeout: 60_000 });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-cli-'));

  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('detect --json prints {gpus, readiness} for a multi-GPU rig', async () => {
    const { stdout } = await cli(
      ['detect', '--json', '--data-dir', dataDir],
      rigEnv({ RIGSHARE_GPU_FIXTURE: 'rtx-5090-4090-rig' }),
    );
    const out = JSON.parse(stdout) as { gpus: unknown[]; readiness: unknown[] };
    const gpus = out.gpus.map((g) => Gpu.parse(g));
    expect(gpus.map((g) => g.key)).toEqual(['rtx-5090', 'rtx-4090']);
    expect(out.readiness.map((c) => ReadinessCheck.parse(c).check)).toContain('docker');
  });

  it('detect survives a hung nvidia-smi and says so', async () => {
    const { stdout } = await cli(['detect', '--json', '--data-dir', dataDir], rigEnv({ RIGSHARE_GPU_MODE: 'hang' }));
    const out = JSON.parse(stdout) as { gpus: unknown[]; tools: Array<{ tool: string; state: string }> };
    expect(out.gpus).toEqual([]);
    expect(out.tools.find((t) => t.tool === 'nvidia-smi')?.state).toBe('timeout');
  });

  it('estimate --json gives ranges per offer in the chosen currency', async () => {
    const { stdout } = await cli(
      [
        'estimate',
        '--gpu',
        'a100-80gb',
        '--currency',
        'NGN',
        '--kwh-price',
        '300',
        '--hours',
        '10',
        '--json',
        '--data-dir',
        dataDir,
      ],
      rigEnv(),
    );
    const view = EstimateView.parse(JSON.parse(stdout));
    expect(view).toMatchObject({
      gpuKey: 'a100-80gb',
      currency: 'NGN',
      kwhPrice: 300,
      hoursPerDay: 10,
      powerSource: 'tdp-table',
    });
    expect(view.offers.map((o) => o.network)).toEqual(['Hyperscale clouds', 'Render Network', 'io.net', 'Akash']);
    for (const o of view.offers) expect(o.perMonth.net.low).toBeLessThanOrEqual(o.perMonth.net.high);
  });

  it('estimate refuses a bad currency with the list of good ones', async () => {
    await expect(cli(['estimate', '--gpu', 'rtx-4090', '--currency', 'XXX'], rigEnv())).rejects.toMatchObject({
      stderr: expect.stringMatching(/must be one of USD/),
    });
  });
});
