import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Wallet } from 'ethers';
import pino from 'pino';
import type { CoordinatorConfig } from '../../../coordinator/config';
import { startCoordinator, type RunningCoordinator } from '../../../coordinator/server';
import { CoordinatorClient } from '../../../electron/core/network/client';
import { databaseForDataDir } from '../scale/database';
import type { SubmitJobRequest } from '../../../shared/protocol/messages';

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `rigshare-${prefix}-`));
}

/** A clock tests can move; shared by coordinator and clients so stamps agree. */
export function testClock(start = Date.now()) {
  let offset = 0;
  return {
    now: () => start + offset + (Date.now() - realStart),
    advance(ms: number) {
      offset += ms;
    },
  };
}
const realStart = Date.now();

export async function coordinator(
  opts: { dir?: string; config?: Partial<CoordinatorConfig>; now?: () => number } = {},
): Promise<RunningCoordinator & { dir: string }> {
  const dir = opts.dir ?? tempDir('coord');
  const c = await startCoordinator({
    dataDir: dir,
    port: 0,
    databaseUrl: await databaseForDataDir(dir),
    config: { sweepIntervalMs: 200, ...opts.config },
    now: opts.now,
    log: pino({ level: 'silent' }),
  });
  return Object.assign(c, { dir });
}

export const IMAGE = `127.0.0.1:5000/rigshare/busybox@sha256:${'b'.repeat(64)}`;

export function jobRequest(overrides: Partial<SubmitJobRequest> = {}): SubmitJobRequest {
  return {
    spec: { image: IMAGE, command: ['true'], resources: { gpus: 1, memoryMiB: 64, cpus: 0.5, maxSeconds: 60 } },
    requirements: { minVramMiB: 4096, slaTier: 'bronze' },
    maxPricePerGpuHour: 500_000,
    ...overrides,
  };
}

export async function submit(
  c: RunningCoordinator,
  req: SubmitJobRequest = jobRequest(),
  token = c.customerToken,
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${c.url}/v1/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(req),
  });
  return { status: res.status, body: await res.json() };
}

export async function getJob(
  c: RunningCoordinator,
  jobId: string,
  token = c.customerToken,
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${c.url}/v1/jobs/${jobId}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json() };
}

export const GPU = {
  index: 0,
  model: 'NVIDIA GeForce RTX 4090',
  key: 'rtx-4090',
  vramMiB: 24_564,
  uuid: 'GPU-4f1c0e5a-0000-0000-0000-000000000001',
};
export const BENCH = { score: 1234.5, durationMs: 900, version: 'v1', outputSha256: 'a'.repeat(64), at: 1 };

export async function joinedNode(
  c: RunningCoordinator,
  opts: {
    floor?: number;
    vramMiB?: number;
    tier?: 'bronze' | 'silver' | 'gold';
    benchmark?: boolean;
    now?: () => number;
  } = {},
): Promise<CoordinatorClient> {
  const client = new CoordinatorClient({
    baseUrl: c.url,
    identity: Wallet.createRandom() as unknown as Wallet,
    now: opts.now,
  });
  await client.info();
  await client.login();
  await client.register({
    gpus: [{ ...GPU, vramMiB: opts.vramMiB ?? GPU.vramMiB }],
    benchmark: opts.benchmark === false ? null : BENCH,
    priceFloorPerGpuHour: opts.floor ?? 100_000,
    slaTier: opts.tier ?? 'silver',
    payoutAddress: null,
    agentVersion: 'test',
  });
  return client;
}

export function key(): string {
  return `k-${crypto.randomBytes(8).toString('hex')}`;
}

export function result(durationMs = 1500) {
  return {
    status: 'succeeded' as const,
    exitCode: 0,
    reason: null,
    logTail: 'ok\n',
    outputs: [{ path: 'out.txt', bytes: 3, sha256: 'c'.repeat(64) }],
    durationMs,
  };
}

/** Raw authenticated POST with a fresh or given stamp, for hostile-input tests. */
export async function rawPost(
  c: RunningCoordinator,
  token: string | null,
  p: string,
  body: string,
  contentType = 'application/json',
) {
  const res = await fetch(`${c.url}${p}`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}

export async function manualLogin(
  c: RunningCoordinator,
  wallet: Wallet,
  opts: { chainId?: number; now?: number } = {},
) {
  const { signPayload } = await import('../../../shared/protocol/signing');
  const nonceRes = await rawPost(c, null, '/v1/auth/nonce', JSON.stringify({ address: wallet.address }));
  const env = await signPayload(wallet, {
    kind: 'login' as const,
    address: wallet.address,
    nonce: nonceRes.body.nonce as string,
    timestamp: opts.now ?? Date.now(),
    chainId: opts.chainId ?? 31337,
    domain: c.url,
  });
  const res = await rawPost(c, null, '/v1/auth/login', JSON.stringify(env));
  return { ...res, env };
}

export function stamp(now = Date.now(), chainId = 31337) {
  return { nonce: crypto.randomBytes(16).toString('hex'), timestamp: now, chainId };
}
