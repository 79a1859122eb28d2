import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent } from '../core/agent';
import { createLogger, logDir } from '../core/log/logger';
import { registerSecret } from '../core/log/scrub';
import { startServer } from '../server/server';
import { loadOrCreateToken } from '../server/token';

export interface HeadlessOptions {
  dataDir: string;
  host: string;
  port: number;
}

/** The install's root: electron/cli in the sources, out/cli in the bundle; both two levels down. */
export const APP_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const RENDERER_DIR = path.join(APP_ROOT, 'out/renderer');

/** What to do when the dashboard cannot listen, in words a rig owner can act on. */
export function listenFailure(err: NodeJS.ErrnoException, options: HeadlessOptions): string {
  const where = `${options.host}:${options.port}`;
  if (err.code === 'EADDRINUSE') {
    return `Port ${options.port} on ${options.host} is already in use; another Rigshare agent may be running. Stop it, or pick another port with --port N (0 picks a free one).`;
  }
  if (err.code === 'EACCES') return `Not allowed to listen on ${where}. Use a port above 1024 with --port N.`;
  if (err.code === 'EADDRNOTAVAIL') return `${options.host} is not an address of this machine. Check --host.`;
  return `The dashboard could not listen on ${where}: ${err.message}`;
}

/** Runs the agent and its dashboard server until SIGINT or SIGTERM. */
export async function runHeadless(options: HeadlessOptions): Promise<Agent> {
  const log = createLogger({ dir: logDir(options.dataDir), name: 'agent', stdout: true });
  const agent = new Agent({ dataDir: options.dataDir, log });
  const token = loadOrCreateToken(options.dataDir);
  registerSecret(token);
  await agent.start();
  const server = await startServer({
    agent,
    token,
    host: options.host,
    port: options.port,
    rendererDir: RENDERER_DIR,
  }).catch(async (err: NodeJS.ErrnoException) => {
    await agent.stop();
    process.stderr.write(`${listenFailure(err, options)}\n`);
    process.exit(1);
  });
  // The one place the token is shown: on the terminal that started the agent, never in the log.
  process.stdout.write(`Rigshare dashboard: ${server.dashboardUrl}\n`);
  log.info({ url: server.url }, 'dashboard server listening');

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    await server.close();
    await agent.stop();
    log.flush();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  return agent;
}
