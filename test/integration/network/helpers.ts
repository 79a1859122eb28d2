import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { startCoordinator, type RunningCoordinator } from '../../../coordinator/server';
import type { CoordinatorConfig } from '../../../coordinator/config';
import { REPO_ROOT, testImage } from '../../helpers/test-env';

export const BUSYBOX = () => testImage('busybox');

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `rigshare-${prefix}-`));
}

export const FAST: Partial<CoordinatorConfig> = {
  heartbeatIntervalMs: 1000,
  leaseTtlMs: 3000,
  uptimeMaxGapMs: 1500,
  sweepIntervalMs: 250,
};

export async function startNetwork(
  dir: string,
  port = 0,
  config: Partial<CoordinatorConfig> = {},
): Promise<RunningCoordinator> {
  return startCoordinator({
    dataDir: dir,
    port,
    config: { ...FAST, benchmarkImage: BUSYBOX(), ...config },
    log: pino({ level: 'silent' }),
  });
}

export interface AgentProcess {
  child: ChildProcess;
  dataDir: string;
  output: () => string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `rigshare agent --network URL --join` in a fresh data dir that allows the test registry. */
export function startAgent(networkUrl: string | null, dataDir = tempDir('agent')): AgentProcess {
  fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ registryAllowlist: ['127.0.0.1:5000'] }));
  // No network: a plain restart, as a service manager would do it.
  const join = networkUrl ? ['--network', networkUrl, '--join'] : [];
  const child = spawn(
    process.execPath,
    [path.join(REPO_ROOT, 'bin/rigshare.js'), 'agent', '--data-dir', dataDir, '--port', '0', ...join],
    {
      // The benchmark image comes from the network under test, never from this shell.
      env: {
        ...process.env,
        RIGSHARE_BENCHMARK_IMAGE: undefined,
        RIGSHARE_HEARTBEAT_MS: '1000',
        RIGSHARE_CHECKPOINT_POLL_MS: '400',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return {
    child,
    dataDir,
    output: () => out,
    kill: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function jobView(c: { url: string; customerToken: string }, jobId: string): Promise<any> {
  const res = await fetch(`${c.url}/v1/jobs/${jobId}`, {
    headers: { authorization: `Bearer ${c.customerToken}` },
  }).catch(() => null);
  return res?.ok ? res.json() : null;
}

export async function submitSpec(
  c: { url: string; customerToken: string },
  spec: unknown,
  price = 3_600_000,
): Promise<string> {
  const res = await fetch(`${c.url}/v1/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${c.customerToken}` },
    body: JSON.stringify({ spec, maxPricePerGpuHour: price }),
  });
  const body = (await res.json()) as { jobId: string };
  if (res.status !== 201) throw new Error(`submit failed: ${JSON.stringify(body)}`);
  return body.jobId;
}

/** The node's own ledger, read the way an auditor would: straight from the file. */
export function nodeLedger(dataDir: string) {
  const db = new Database(path.join(dataDir, 'ledger.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return {
      earnings: db
        .prepare('SELECT job_id AS jobId, net, gross, fee, gpu_ms AS gpuMs FROM job_earnings')
        .all() as Array<{ jobId: string; net: number; gross: number; fee: number; gpuMs: number }>,
      outbox: db
        .prepare(
          'SELECT kind, lease_id AS leaseId, delivered_at AS deliveredAt, attempts, last_error AS lastError FROM network_outbox',
        )
        .all() as Array<{
        kind: string;
        leaseId: string;
        deliveredAt: number | null;
        attempts: number;
        lastError: string | null;
      }>,
    };
  } finally {
    db.close();
  }
}

/** Removes containers and volumes a killed agent left behind, by the job label the runner sets. */
export function removeJobContainers(leaseIds: string[]): void {
  for (const id of leaseIds) {
    const ids = execFileSync('docker', ['ps', '-aq', '--filter', `label=org.rigshare.job-id=${id}`])
      .toString()
      .split('\n')
      .filter(Boolean);
    if (ids.length) execFileSync('docker', ['rm', '-f', ...ids]);
    const vols = execFileSync('docker', ['volume', 'ls', '-q', '--filter', `label=org.rigshare.job-id=${id}`])
      .toString()
      .split('\n')
      .filter(Boolean);
    if (vols.length) execFileSync('docker', ['volume', 'rm', '-f', ...vols]);
  }
}
