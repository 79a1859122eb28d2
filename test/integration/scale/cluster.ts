import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CoordinatorConfig } from '../../../coordinator/config';

const INSTANCE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'instance.ts');

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

/** Starts a coordinator in its own Node process and resolves once it listens. */
export async function startInstance(opts: {
  databaseUrl?: string;
  config?: Partial<CoordinatorConfig>;
  env?: NodeJS.ProcessEnv;
  dataDir?: string;
}): Promise<Instance> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-instance-'));
  const child = spawn(process.execPath, ['--import', 'tsx', INSTANCE], {
    env: {
      ...process.env,
      RIGSHARE_DATA_DIR: dataDir,
      RIGSHARE_DATABASE_URL: opts.databaseUrl ?? '',
      RIGSHARE_CONFIG: JSON.stringify(opts.config ?? {}),
      RIGSHARE_LOG_LEVEL: 'info',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise<{ listening: string; customerToken: string; coordinator: string }>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          const rec = JSON.parse(line) as Record<string, unknown>;
          if (typeof rec.listening === 'string') resolve(rec as never);
          else logs.push(rec);
        } catch {
          // not JSON: ignore
        }
      }
    });
    void exited.then((code) => reject(new Error(`coordinator instance exited (${code}) before listening: ${stderr.slice(-2000)}`)));
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
