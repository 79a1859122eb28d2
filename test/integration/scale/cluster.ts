import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/rigshare.js');

export interface Instance {
  url: string;
  pid: number;
  customerToken: string;
  coordinator: string;
  /** Every JSON log record it wrote so far. */
  logs: Array<Record<string, unknown>>;
  dataDir: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Network timings as an operator sets them for `rigshare coordinator`. */
export interface InstanceTimings {
  heartbeatIntervalMs?: number;
  leaseTtlMs?: number;
}

/**
 * Starts `rigshare coordinator --port 0` in its own process, as an operator runs one instance
 * behind a load balancer, and resolves once it listens. Its JSON log lines are collected.
 */
export async function startInstance(opts: {
  databaseUrl?: string;
  config?: InstanceTimings;
  env?: NodeJS.ProcessEnv;
  dataDir?: string;
}): Promise<Instance> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-instance-'));
  const args = [
    CLI,
    'coordinator',
    '--port',
    '0',
    '--data-dir',
    dataDir,
    ...(opts.databaseUrl ? ['--database', opts.databaseUrl] : []),
  ];
  const timings: NodeJS.ProcessEnv = {};
  if (opts.config?.heartbeatIntervalMs) timings.RIGSHARE_HEARTBEAT_MS = String(opts.config.heartbeatIntervalMs);
  if (opts.config?.leaseTtlMs) timings.RIGSHARE_LEASE_TTL_MS = String(opts.config.leaseTtlMs);
  const child = spawn(process.execPath, args, {
    env: { ...process.env, RIGSHARE_LOG_LEVEL: 'info', ...timings, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise<{ listening: string; customerToken: string; coordinator: string }>((resolve, reject) => {
    const seen: { listening?: string; customerToken?: string; coordinator?: string } = {};
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.startsWith('{')) {
          try {
            logs.push(JSON.parse(line) as Record<string, unknown>);
          } catch {
            // a partial line from a crash: ignore
          }
          continue;
        }
        // The human lines `rigshare coordinator` prints at start.
        seen.listening ??= /listening on (http:\/\/\S+)/.exec(line)?.[1];
        seen.coordinator ??= /^Coordinator key: (0x[0-9a-fA-F]{40})/.exec(line)?.[1];
        if (/^rsc_\S+$/.test(line.trim())) seen.customerToken = line.trim();
        if (seen.listening && seen.coordinator && seen.customerToken) resolve(seen as never);
      }
    });
    void exited.then((code) =>
      reject(new Error(`coordinator instance exited (${code}) before listening: ${stderr.slice(-2000)}`)),
    );
  });
  const info = await ready;
  return {
    url: info.listening,
    pid: child.pid!,
    customerToken: info.customerToken,
    coordinator: info.coordinator,
    logs,
    dataDir,
    child,
    exited,
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/**
 * A TCP front like a load balancer's: each connection goes to the first backend in its order
 * that accepts it, so when one instance dies, new connections reach the next one.
 */
export async function failoverFront(backends: () => string[]): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.pause();
    const tryBackend = (i: number) => {
      const list = backends();
      if (i >= list.length) return client.destroy();
      const u = new URL(list[i]!);
      const upstream = net.connect(Number(u.port), u.hostname);
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
      let connected = false;
      upstream.on('error', () => {
        if (!connected) tryBackend(i + 1);
        else client.destroy();
      });
      upstream.once('connect', () => {
        connected = true;
        client.on('error', () => upstream.destroy());
        client.pipe(upstream).pipe(client);
        upstream.on('close', () => client.destroy());
        client.on('close', () => upstream.destroy());
        client.resume();
      });
    };
    tryBackend(0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
