import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../../electron/core/agent';
import { shJob, TEST_REGISTRY } from './harness';

let agent: Agent;
let dataDir: string;
const seen: { event: string; payload: unknown }[] = [];

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-jobs-api-'));
  agent = new Agent({ dataDir, log: pino({ level: 'silent' }) });
  agent.events.onAny((event, payload) => seen.push({ event, payload }));
  await agent.start();
  await agent.call('settings.update', { registryAllowlist: [TEST_REGISTRY] });
});
afterAll(async () => {
  await agent.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('jobs through the app API', () => {
  it('lists, gets and reads the logs of a finished job, after streaming its progress and log lines', async () => {
    const out = await agent.jobs.run(shJob('echo via-api; echo result > /output/r.txt'));
    expect(out.status).toBe('succeeded');

    const list = await agent.call('jobs.list', { offset: 0, limit: 10 });
    expect(list).toMatchObject({ ok: { total: 1, offset: 0, items: [{ id: out.jobId, status: 'succeeded' }] } });
    const detail = await agent.call('jobs.get', { id: out.jobId });
    expect(detail).toMatchObject({ ok: { id: out.jobId, outputs: [{ path: 'r.txt', bytes: 7 }] } });
    const logs = await agent.call('jobs.logs', { id: out.jobId });
    expect(logs).toMatchObject({ ok: { text: 'via-api\n', truncated: false } });

    const mine = seen.filter((s) => (s.payload as { jobId?: string }).jobId === out.jobId);
    expect(mine.filter((s) => s.event === 'job.log').map((s) => (s.payload as { line: string }).line)).toEqual([
      'via-api',
    ]);
    const statuses = mine
      .filter((s) => s.event === 'job.progress')
      .map((s) => (s.payload as { status: string }).status);
    expect(statuses).toEqual(expect.arrayContaining(['pulling', 'running', 'succeeded']));
    expect(statuses.at(-1)).toBe('succeeded');
  });

  it('pre-empts a running job on request and answers clearly for one that is not running', async () => {
    const job = agent.jobs.run(shJob("trap 'echo saved > /checkpoint/c; exit 0' TERM; while true; do sleep 1; done"));
    for (let i = 0; i < 100 && agent.jobs.runner.running.length === 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1000));
    const id = agent.jobs.runner.running[0]!;
    const reply = await agent.call('jobs.preempt', { id });
    expect(reply).toEqual({ ok: { id, status: 'preempted' } });
    expect((await job).checkpoint?.map((c) => c.path)).toEqual(['c']);

    expect(await agent.call('jobs.preempt', { id })).toMatchObject({ error: { code: 'conflict' } });
    expect(await agent.call('jobs.get', { id: 'nope' })).toMatchObject({ error: { code: 'not_found' } });
    expect(await agent.call('jobs.list', { limit: 100_000 })).toMatchObject({ error: { code: 'bad_request' } });
  });
});
