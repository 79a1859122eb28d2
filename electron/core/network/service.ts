import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import pino from 'pino';
import { MarketRates, NetworkInfo, type Diagnostics } from '../../../shared/protocol/messages';
import { AppError } from '../../../shared/api/errors';
import type {
  JoinRequest,
  JoinStep,
  JoinStepName,
  NetworkEntry,
  NetworkStatus,
} from '../../../shared/api/methods/network';
import { startCoordinator, type RunningCoordinator } from '../../../coordinator/server';
import { configFromEnv } from '../../../coordinator/env-config';
import type { ContainerEngine } from '../engine/engine';
import type { EventBus } from '../events';
import type { GpuService } from '../gpu/service';
import { loadOrCreateNodeKey, NODE_KEY_FILE } from '../identity/node-key';
import type { JobService } from '../jobs/service';
import { ledgerPath, openLedgerDb } from '../ledger/database';
import type { Logger } from '../log/logger';
import { EarningsStore } from '../payouts/earnings-store';
import { UptimeStore } from '../uptime/store';
import { AGENT_VERSION } from '../version';
import { benchmarkFromResult, benchmarkSpec } from './benchmark';
import { CoordinatorClient } from './client';
import { loadDirectory } from './directory';
import { CoordinatorRefused, CoordinatorUnreachable } from './errors';
import { localCoordinatorDir, readJoinState, writeJoinState, type JoinState } from './join-state';
import { Outbox } from './outbox';
import { WorkLoop, type LoopStatus } from './work-loop';
import { offersFromMarketRates } from '../../../shared/earnings/live-rates';
import type { RateCardEntry } from '../../../shared/earnings/rate-card';

export interface NetworkServiceOptions {
  dataDir: string;
  resourcesDir: string;
  log: Logger;
  events: EventBus;
  engine: ContainerEngine;
  gpu: GpuService;
  jobs: JobService;
  /** Port for the built-in local network's coordinator; 0 picks a free one. */
  localPort?: number;
}

/** The network's description, read before any key exists. */
async function fetchInfo(url: string): Promise<NetworkInfo> {
  let res: Response;
  try {
    res = await fetch(`${url.replace(/\/+$/, '')}/v1/info`, { signal: AbortSignal.timeout(15_000) });
  } catch (err) {
    throw new CoordinatorUnreachable(url, (err as { cause?: unknown }).cause ?? err);
  }
  if (!res.ok) throw new Error(`${url} answered HTTP ${res.status}; is it a Rigshare network?`);
  const parsed = NetworkInfo.safeParse(await res.json().catch(() => null));
  if (!parsed.success) throw new Error(`${url} does not speak the Rigshare protocol v1.`);
  return parsed.data;
}

/** A failed Join step: what went wrong and what the user should do. */
class StepFailed extends Error {
  constructor(
    readonly step: JoinStepName,
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

/**
 * Joining and leaving a network, and the work loop while joined. One network at a time.
 */
export class NetworkService {
  private readonly db: Database.Database;
  private readonly outbox: Outbox;
  readonly earnings: EarningsStore;
  private readonly uptime: UptimeStore;
  private local: RunningCoordinator | null = null;
  private client: CoordinatorClient | null = null;
  private loop: WorkLoop | null = null;
  private state: JoinState | null;
  private joining = false;
  private lastError: string | null = null;
  private busy: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: NetworkServiceOptions) {
    this.db = openLedgerDb(ledgerPath(o.dataDir));
    this.outbox = new Outbox(this.db);
    this.earnings = new EarningsStore(this.db);
    this.uptime = new UptimeStore(this.db);
    this.state = readJoinState(o.dataDir);
  }

  directory(): NetworkEntry[] {
    return loadDirectory(this.o.resourcesDir);
  }

  /** After a restart a joined rig goes back to work by itself, without re-running the benchmark. */
  async start(): Promise<void> {
    if (!this.state?.joined) return;
    try {
      await this.resume(this.state);
    } catch (err) {
      this.lastError = err instanceof Error ? err.message : String(err);
      this.o.log.warn({ err: this.lastError }, 'could not rejoin the network; retrying in the work loop');
      this.publish();
    }
  }

  async stop(): Promise<void> {
    await this.loop?.stop(false);
    this.loop = null;
    await this.local?.close();
    this.local = null;
    this.db.close();
  }

  status(): NetworkStatus {
    const loop: LoopStatus | null = this.loop?.status ?? null;
    const summary = this.earnings.summary();
    const identityFile = path.join(this.o.dataDir, NODE_KEY_FILE);
    const joined = !!this.state?.joined;
    const state: NetworkStatus['state'] = this.joining
      ? 'joining'
      : !joined
        ? 'left'
        : !loop || loop.state === 'starting' || loop.state === 'stopped'
          ? 'offline'
          : loop.state;
    return {
      joined,
      state,
      network: this.state
        ? {
            url: this.client?.baseUrl ?? this.state.network,
            name: this.state.name,
            chainId: this.state.chainId,
            coordinator: this.state.coordinator,
          }
        : null,
      nodeId: this.client?.nodeId ?? null,
      identity: this.identityAddress(identityFile),
      jobId: loop?.jobId ?? null,
      leaseId: loop?.leaseId ?? null,
      since: loop?.since ?? this.state?.joinedAt ?? 0,
      pendingReports: loop?.pendingReports ?? 0,
      lastError: loop?.lastError ?? this.lastError,
      priceFloorPerGpuHour: this.state?.priceFloorPerGpuHour ?? null,
      earnings: { jobs: summary.jobs, net: summary.net, token: this.state?.token ?? null },
    };
  }

  private identityCache: string | null = null;

  private identityAddress(file: string): string | null {
    if (!this.identityCache && fs.existsSync(file)) this.identityCache = loadOrCreateNodeKey(this.o.dataDir).address;
    return this.identityCache;
  }

  private publish(): void {
    this.o.events.emit('network.status', this.status());
  }

  private step(step: JoinStepName, state: JoinStep['state'], detail: string, fix: string | null = null): void {
    this.o.events.emit('network.join.step', { step, state, detail, fix });
  }

  /** One-click Join. Each step reports its progress; a failure says what to do. */
  join(req: JoinRequest, onStep?: (s: JoinStep) => void): Promise<NetworkStatus> {
    const run = this.busy.then(() => this.doJoin(req, onStep));
    this.busy = run.catch(() => undefined);
    return run;
  }

  private async doJoin(req: JoinRequest, onStep?: (s: JoinStep) => void): Promise<NetworkStatus> {
    if (this.state?.joined && this.loop)
      throw new AppError('conflict', `Already joined ${this.state.name}. Leave it first to join another network.`);
    this.joining = true;
    this.lastError = null;
    this.publish();
    let current: JoinStepName = 'readiness';
    const report = (step: JoinStepName, state: JoinStep['state'], detail: string, fix: string | null = null) => {
      current = step;
      this.step(step, state, detail, fix);
      onStep?.({ step, state, detail, fix });
    };
    try {
      // 1. Readiness: the container engine, and the network answering.
      report('readiness', 'running', 'Checking Docker and the network');
      const docker = this.o.engine.current();
      if (!docker.reachable)
        throw new StepFailed(
          'readiness',
          docker.error ?? 'The Docker engine is not reachable.',
          docker.error ?? 'Start Docker, then press Join again.',
        );
      const url = req.network === 'local' ? await this.startLocal() : req.network;
      const info = await fetchInfo(url).catch((err: Error) => {
        throw new StepFailed(
          'readiness',
          err.message,
          req.network === 'local'
            ? 'Restart the agent; if it persists, check the agent log.'
            : 'Check the network URL and your internet connection, then press Join again.',
        );
      });
      const readiness = await this.o.gpu.readiness().catch(() => null);
      const warnings = readiness?.checks.filter((c) => !c.ok && c.check !== 'docker').map((c) => c.detail) ?? [];
      report(
        'readiness',
        'done',
        `Docker ${docker.version ?? ''} is ready; ${info.name} answers on chain ${info.chainId}.${warnings.length ? ` Warnings: ${warnings.join('; ')}` : ''}`.replace(
          '  ',
          ' ',
        ),
      );

      // 2. Identity.
      report('identity', 'running', 'Loading the node identity key');
      const identity = loadOrCreateNodeKey(this.o.dataDir);
      const client = new CoordinatorClient({
        baseUrl: url,
        identity: identity.wallet,
        trust: { coordinator: info.coordinator, chainId: info.chainId },
      });
      report(
        'identity',
        'done',
        `${identity.created ? 'Created' : 'Loaded'} node identity ${identity.address} (kept in ${identity.file}, owner-only).`,
      );

      // 3. Benchmark in the sandbox.
      report('benchmark', 'running', 'Running the benchmark job in the sandbox');
      let image = info.benchmarkImage ?? process.env.RIGSHARE_BENCHMARK_IMAGE ?? null;
      let localImageId: string | undefined;
      if (!image && req.network === 'local') {
        // "This machine" has no registry: build the benchmark image from the host's own busybox,
        // so a newcomer sees the whole flow with nothing to download.
        localImageId = await this.o.jobs.buildLocalImage().catch((err: Error) => {
          throw new StepFailed(
            'benchmark',
            err.message,
            'Install busybox-static (apt install busybox-static), then press Join again.',
          );
        });
        image = `rigshare-local@${localImageId}`;
      }
      if (!image) {
        throw new StepFailed(
          'benchmark',
          `${info.name} names no benchmark image.`,
          'Ask the network operator to set one, or set RIGSHARE_BENCHMARK_IMAGE to a pinned image (name@sha256:…).',
        );
      }
      const result = await this.o.jobs.run(benchmarkSpec(image), { jobId: `benchmark-${Date.now()}`, localImageId });
      let benchmark;
      try {
        benchmark = benchmarkFromResult(result, Date.now());
      } catch (err) {
        throw new StepFailed(
          'benchmark',
          (err as Error).message,
          'Check that Docker can pull the benchmark image (the registry is reachable and allowed in Settings), then press Join again.',
        );
      }
      report('benchmark', 'done', `Benchmark passed in ${benchmark.durationMs} ms (score ${benchmark.score}).`);

      // 4. Registration.
      report('registration', 'running', 'Registering this rig');
      const inventory = await this.o.gpu.list(false);
      const gpus = inventory.gpus.slice(0, 16).map((g) => ({
        index: g.index,
        model: g.model.slice(0, 120),
        key: g.key.slice(0, 60),
        vramMiB: Math.round(g.vramMiB ?? 0),
        uuid: g.uuid,
      }));
      const priceFloor = req.priceFloorPerGpuHour ?? this.state?.priceFloorPerGpuHour ?? 0;
      const slaTier = req.slaTier ?? this.state?.slaTier ?? 'bronze';
      const payoutAddress = req.payoutAddress ?? this.state?.payoutAddress ?? null;
      const reg = await client
        .register({
          gpus,
          benchmark,
          priceFloorPerGpuHour: priceFloor,
          slaTier,
          payoutAddress,
          agentVersion: AGENT_VERSION,
        })
        .catch((err: Error) => {
          throw new StepFailed(
            'registration',
            err.message,
            'Check the price floor and payout address, then press Join again.',
          );
        });
      this.state = {
        joined: true,
        network: req.network,
        name: info.name,
        coordinator: info.coordinator,
        chainId: info.chainId,
        priceFloorPerGpuHour: priceFloor,
        slaTier,
        payoutAddress,
        benchmark,
        joinedAt: Date.now(),
        token: info.token,
        maxCheckpointBytes: info.maxCheckpointBytes,
        heartbeatIntervalMs: info.heartbeatIntervalMs,
        localUrl: req.network === 'local' ? url : null,
      };
      writeJoinState(this.o.dataDir, this.state);
      report('registration', 'done', `Registered as ${reg.nodeId} with ${gpus.length} GPU(s).`);

      // 5. Work loop.
      report('work-loop', 'running', 'Starting the work loop');
      this.client = client;
      this.startLoop(client, url, this.state);
      report('work-loop', 'done', 'Waiting for jobs.');
      return this.status();
    } catch (err) {
      const failure =
        err instanceof StepFailed
          ? err
          : new StepFailed(
              current,
              err instanceof Error ? err.message : String(err),
              err instanceof CoordinatorUnreachable
                ? 'Check the network URL and your connection, then press Join again.'
                : 'See the agent log, then press Join again.',
            );
      report(failure.step, 'failed', failure.message, failure.fix);
      this.lastError = `${failure.message} ${failure.fix}`;
      throw new AppError(
        err instanceof CoordinatorRefused && err.status === 401 ? 'unauthorized' : 'unavailable',
        `${failure.step}: ${failure.message} ${failure.fix}`,
      );
    } finally {
      this.joining = false;
      this.publish();
    }
  }

  private async resume(state: JoinState): Promise<void> {
    const url = state.network === 'local' ? await this.startLocal() : state.network;
    const identity = loadOrCreateNodeKey(this.o.dataDir);
    const client = new CoordinatorClient({
      baseUrl: url,
      identity: identity.wallet,
      trust: { coordinator: state.coordinator, chainId: state.chainId },
    });
    this.client = client;
    if (state.network === 'local' && state.localUrl !== url) {
      this.state = { ...state, localUrl: url };
      writeJoinState(this.o.dataDir, this.state);
    }
    this.startLoop(client, url, state);
  }

  private startLoop(client: CoordinatorClient, url: string, state: JoinState): void {
    const gpuUuids: string[] = [];
    void this.o.gpu
      .list(false)
      .then((inv) => gpuUuids.push(...inv.gpus.map((g) => g.uuid ?? String(g.index))))
      .catch(() => undefined);
    this.loop = new WorkLoop({
      client,
      // Reports are filed under the network, not the port the local coordinator happened to get.
      networkUrl: state.network,
      outbox: this.outbox,
      earnings: this.earnings,
      runner: {
        run: (spec, opts) => this.o.jobs.run(spec, opts),
        preempt: (jobId) => this.o.jobs.runner.preempt(jobId),
        docker: () => this.o.engine.docker,
      },
      log: this.o.log,
      gpuUuids,
      heartbeatMs: Number(process.env.RIGSHARE_HEARTBEAT_MS) || state.heartbeatIntervalMs,
      maxCheckpointBytes: state.maxCheckpointBytes,
      checkpointIntervalMs: Number(process.env.RIGSHARE_CHECKPOINT_POLL_MS) || 5000,
      leaseWaitMs: 10_000,
      canWork: () => {
        const docker = this.o.engine.current();
        return docker.reachable ? null : `Not taking jobs: ${docker.error ?? 'the Docker engine is not reachable.'}`;
      },
      onStatus: () => this.publish(),
      onEarned: () => this.publish(),
      ...this.uptimeHooks(client, state),
    });
    void url;
    const loop = this.loop;
    const off = this.o.events.on('job.progress', (p) => (this.loop === loop ? loop.runnerProgress(p) : off()));
    this.loop.start();
    this.publish();
  }

  /**
   * Every heartbeat goes to the local uptime ledger as it leaves (offline until answered), and its
   * signed receipt is checked and kept: the half of uptime a third party can verify.
   */
  private uptimeHooks(client: CoordinatorClient, state: JoinState) {
    const sent = new Map<string, { at: number; state: string }>();
    return {
      onHeartbeatSent: (beat: { nonce: string; at: number; state: string }) => {
        sent.set(beat.nonce, beat);
        if (sent.size > 64) sent.delete(sent.keys().next().value!);
        this.uptime.recordHeartbeat(beat.nonce, beat.at, beat.state, 'offline');
      },
      onHeartbeat: (res: { ok: true; envelope: unknown; nonce: string } | { ok: false; error: string }) => {
        if (!res.ok) return;
        const beat = sent.get(res.nonce);
        if (beat)
          this.uptime.recordHeartbeat(res.nonce, beat.at, beat.state, beat.state === 'paused' ? 'paused' : 'acked');
        this.uptime.acceptReceipt(res.envelope, {
          coordinator: state.coordinator,
          chainId: state.chainId,
          nodeAddress: client.address,
        });
      },
    };
  }

  /** Leave: stop leasing, hand back a running job's lease with its checkpoint, deliver reports. */
  leave(): Promise<NetworkStatus> {
    const run = this.busy.then(async () => {
      await this.loop?.stop(true);
      this.loop = null;
      if (this.state) {
        this.state = { ...this.state, joined: false };
        writeJoinState(this.o.dataDir, this.state);
      }
      await this.local?.close();
      this.local = null;
      this.client = null;
      this.publish();
      return this.status();
    });
    this.busy = run.catch(() => undefined);
    return run;
  }

  async diagnostics(): Promise<Diagnostics> {
    if (!this.client)
      throw new AppError('conflict', 'Join a network first; diagnostics come from the network this rig has joined.');
    try {
      return await this.client.diagnostics();
    } catch (err) {
      throw new AppError('unavailable', err instanceof Error ? err.message : String(err));
    }
  }

  /**
   * Published market rates, for the estimator and the Network page. The joined network answers
   * through its client; another URL is asked directly. The local network before Join has none.
   */
  async rates(network?: string): Promise<MarketRates | null> {
    const target = network ?? this.state?.network;
    if (!target) return null;
    const url = target === 'local' ? (this.local?.url ?? null) : target;
    if (!url) return null;
    try {
      const res = await fetch(`${url.replace(/\/+$/, '')}/v1/market/rates`, { signal: AbortSignal.timeout(10_000) });
      return res.ok ? MarketRates.parse(await res.json()) : null;
    } catch {
      return null;
    }
  }

  /** The joined network's live rates as estimator offers; none before Join or when it is silent. */
  async liveOffers(gpuKey: string): Promise<RateCardEntry[]> {
    const state = this.state;
    if (!state?.joined) return [];
    const rates = await this.rates();
    if (!rates) return [];
    const url = state.network === 'local' ? (this.local?.url ?? 'local') : state.network;
    return offersFromMarketRates(rates, gpuKey, { name: state.name, url });
  }

  /** Starts the built-in local network's coordinator, with its data under the agent's data dir. */
  private async startLocal(): Promise<string> {
    if (this.local) return this.local.url;
    const port = this.o.localPort ?? (Number(process.env.RIGSHARE_LOCAL_NETWORK_PORT) || 0);
    this.local = await startCoordinator({
      dataDir: localCoordinatorDir(this.o.dataDir),
      port,
      config: { name: 'This machine', ...configFromEnv() },
      log: pino(
        { level: 'warn' },
        pino.destination({ dest: path.join(this.o.dataDir, 'local-network.log'), mkdir: true, sync: false }),
      ),
    });
    return this.local.url;
  }
}
