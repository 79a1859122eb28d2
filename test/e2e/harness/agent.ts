import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../helpers/test-env';

const CLI = path.join(REPO_ROOT, 'bin', 'rigshare.js');
const URL_LINE = /Rigshare dashboard: (\S+)/;

export interface AgentOptions {
  /** Reused across restarts; a fresh temp dir when left out. */
  dataDir?: string;
  /** Extra environment, e.g. a PATH with GPU stubs in front. Merged over this process's env. */
  env?: NodeJS.ProcessEnv;
  /** 0 picks a free port each start. */
  port?: number;
  /** How long to wait for the dashboard line. Running the sources through tsx takes a few seconds. */
  startTimeoutMs?: number;
  /** How long SIGTERM gets before SIGKILL. */
  stopGraceMs?: number;
}

/**
 * `rigshare agent` as a child process, the way a user runs it on a headless rig. It knows the
 * dashboard URL the agent printed, and stops by pid, never by name.
 */
export class AgentProcess {
  readonly dataDir: string;
  private readonly ownsDataDir: boolean;
  private child: ChildProcess | null = null;
  private output = '';
  private exited: Promise<number | null> = Promise.resolve(null);
  private dashboard: URL | null = null;

  constructor(private readonly options: AgentOptions = {}) {
    this.ownsDataDir = !options.dataDir;
    this.dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-e2e-'));
  }

  /** Starts the agent and resolves once it has printed its dashboard URL. */
  async start(): Promise<this> {
    if (this.child) throw new Error('the agent is already running; stop it first');
    this.output = '';
    this.dashboard = null;
    const args = [CLI, 'agent', '--data-dir', this.dataDir, '--port', String(this.options.port ?? 0)];
    const child = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...this.options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
    const record = (chunk: Buffer): void => {
      // Keep the tail only: enough to explain a failure, bounded for long runs.
      this.output = (this.output + chunk.toString('utf8')).slice(-64 * 1024);
    };
    child.stdout!.on('data', record);
    child.stderr!.on('data', record);

    const timeoutMs = this.options.startTimeoutMs ?? 60_000;
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`the agent printed no dashboard URL within ${timeoutMs} ms. Output:\n${this.output}`));
      }, timeoutMs);
      const onData = (): void => {
        const match = URL_LINE.exec(this.output);
        if (match?.[1]) {
          cleanup();
          resolve(match[1]);
        }
      };
      const onExit = (code: number | null): void => {
        cleanup();
        reject(new Error(`the agent exited (code ${code}) before printing its dashboard URL. Output:\n${this.output}`));
      };
      const cleanup = (): void => {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.off('exit', onExit);
      };
      child.stdout!.on('data', onData);
      child.once('exit', onExit);
    }).catch(async (err: unknown) => {
      await this.stop();
      throw err;
    });
    this.dashboard = new URL(url);
    return this;
  }

  /** SIGTERM, then SIGKILL after the grace period. Resolves with the exit code (-1 when killed by a signal). */
  async stop(): Promise<number | null> {
    const child = this.child;
    if (!child) return null;
    this.child = null;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const grace = this.options.stopGraceMs ?? 10_000;
      let timer: NodeJS.Timeout | undefined;
      const killed = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), grace);
      });
      if ((await Promise.race([this.exited, killed])) === 'timeout') child.kill('SIGKILL');
      clearTimeout(timer);
    }
    return this.exited;
  }

  /** Stops and starts again on the same data dir, as a user restarting the agent would. */
  async restart(): Promise<this> {
    await this.stop();
    return this.start();
  }

  /** Stops the agent and removes the data dir if this harness created it. */
  async dispose(): Promise<void> {
    await this.stop();
    if (this.ownsDataDir) fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  get pid(): number {
    if (!this.child?.pid) throw new Error('the agent is not running');
    return this.child.pid;
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** The printed URL, token included: opening it logs the browser in. */
  get dashboardUrl(): string {
    return this.requireDashboard().href;
  }

  /** http://host:port, without the token. */
  get origin(): string {
    return this.requireDashboard().origin;
  }

  get port(): number {
    return Number(this.requireDashboard().port);
  }

  get token(): string {
    const token = this.requireDashboard().searchParams.get('token');
    if (!token) throw new Error(`the printed dashboard URL carries no token: ${this.dashboardUrl}`);
    return token;
  }

  /** Everything the agent wrote to stdout and stderr since the last start (the tail). */
  get log(): string {
    return this.output;
  }

  private requireDashboard(): URL {
    if (!this.dashboard) throw new Error('the agent has not printed its dashboard URL yet; await start() first');
    return this.dashboard;
  }
}

/** Starts an agent; call dispose() when done. */
export async function startAgent(options: AgentOptions = {}): Promise<AgentProcess> {
  return new AgentProcess(options).start();
}
