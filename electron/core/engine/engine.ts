import { EventEmitter } from 'node:events';
import type Docker from 'dockerode';
import type { DockerEngineStatus } from '../../../shared/api/methods/system';
import type { Logger } from '../log/logger';
import { dockerFor } from './docker-client';
import { discoverSocket, type DiscoveryEnv, type SocketCandidate } from './socket';

export interface EngineEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
}

interface EngineEvents {
  status: [DockerEngineStatus];
  event: [EngineEvent];
}

const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 30_000;

/**
 * The container engine as the agent sees it: one dockerode client, its reachability, and the
 * engine's event stream. When the stream drops (engine restarted, socket gone) it reconnects with
 * backoff, so a user who starts Docker after Rigshare sees it turn green without a restart.
 */
export class ContainerEngine extends EventEmitter<EngineEvents> {
  private candidate: SocketCandidate | null = null;
  private client: Docker | null = null;
  private status: DockerEngineStatus = {
    socket: null,
    source: null,
    reachable: false,
    version: null,
    apiVersion: null,
    flavour: null,
    error: 'Not checked yet',
  };
  private stream: NodeJS.ReadableStream | null = null;
  private retryMs = RETRY_MIN_MS;
  private retryTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly discovery: DiscoveryEnv,
    private readonly log: Logger,
  ) {
    super();
  }

  get docker(): Docker | null {
    return this.status.reachable ? this.client : null;
  }

  /** The engine client, or an error that tells the user what to do. */
  requireDocker(): Docker {
    const client = this.docker;
    if (!client) throw new Error(this.status.error ?? 'The Docker engine is not reachable.');
    return client;
  }

  current(): DockerEngineStatus {
    return this.status;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.detachStream();
  }

  /** Checks the engine now (version call) and returns the fresh status. */
  async refresh(): Promise<DockerEngineStatus> {
    this.candidate = discoverSocket(this.discovery);
    if (!this.candidate) {
      this.client = null;
      return this.setStatus(
        unreachable(
          null,
          'No Docker engine socket was found. Install Docker (Linux: the docker.io package; Windows and macOS: Docker Desktop), start it, and Rigshare will pick it up.',
        ),
      );
    }
    this.client = dockerFor(this.candidate);
    try {
      const v = (await this.client.version()) as {
        Version?: string;
        ApiVersion?: string;
        Components?: { Name?: string }[];
      };
      const podman = (v.Components ?? []).some((c) => /podman/i.test(c.Name ?? ''));
      return this.setStatus({
        socket: this.candidate.address,
        source: this.candidate.source,
        reachable: true,
        version: v.Version ?? null,
        apiVersion: v.ApiVersion ?? null,
        flavour: podman ? 'podman' : 'docker',
        error: null,
      });
    } catch (err) {
      return this.setStatus(unreachable(this.candidate, explain(this.candidate, err)));
    }
  }

  private setStatus(next: DockerEngineStatus): DockerEngineStatus {
    const changed = JSON.stringify(next) !== JSON.stringify(this.status);
    this.status = next;
    if (changed) this.emit('status', next);
    return next;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const status = await this.refresh();
    if (!status.reachable || !this.client) return this.scheduleRetry();
    try {
      const stream = (await this.client.getEvents({})) as NodeJS.ReadableStream;
      this.retryMs = RETRY_MIN_MS;
      this.attachStream(stream);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'Docker event stream failed to open');
      this.scheduleRetry();
    }
  }

  private attachStream(stream: NodeJS.ReadableStream): void {
    this.stream = stream;
    let buffer = '';
    stream.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (line) this.emitEvent(line);
        newline = buffer.indexOf('\n');
      }
    });
    const lost = (): void => {
      if (this.stream !== stream) return;
      this.stream = null;
      if (this.stopped) return;
      this.log.warn('Lost the Docker engine event stream; reconnecting');
      this.setStatus(
        unreachable(
          this.candidate,
          'The Docker engine stopped answering. Rigshare retries on its own; check that Docker is running.',
        ),
      );
      this.scheduleRetry();
    };
    stream.on('end', lost);
    stream.on('close', lost);
    stream.on('error', lost);
  }

  private emitEvent(line: string): void {
    try {
      this.emit('event', JSON.parse(line) as EngineEvent);
    } catch {
      this.log.debug('Ignored a malformed Docker event line');
    }
  }

  private detachStream(): void {
    const stream = this.stream as (NodeJS.ReadableStream & { destroy?: () => void }) | null;
    this.stream = null;
    stream?.destroy?.();
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retryTimer) return;
    const jitter = Math.random() * 0.2 * this.retryMs;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, this.retryMs + jitter);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }
}

function unreachable(candidate: SocketCandidate | null, error: string): DockerEngineStatus {
  return {
    socket: candidate?.address ?? null,
    source: candidate?.source ?? null,
    reachable: false,
    version: null,
    apiVersion: null,
    flavour: null,
    error,
  };
}

function explain(candidate: SocketCandidate, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES') {
    return `Permission denied on ${candidate.address}. Add your user to the "docker" group (sudo usermod -aG docker $USER), then log out and back in.`;
  }
  if (code === 'ENOENT' || code === 'ECONNREFUSED') {
    return `Docker is installed but not running (${candidate.address}). Start it: "sudo systemctl start docker" on Linux, or open Docker Desktop.`;
  }
  return `The Docker engine at ${candidate.address} did not answer: ${(err as Error).message}`;
}
