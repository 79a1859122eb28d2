import fs from 'node:fs';
import type { Handlers } from './handlers';
import type { AgentStatus } from '../../shared/api/events';
import { dispatch, type DispatchReply } from './dispatch';
import { hostDiscoveryEnv } from './engine/discovery-env';
import { ContainerEngine } from './engine/engine';
import type { DiscoveryEnv } from './engine/socket';
import { EventBus } from './events';
import { GpuService } from './gpu/service';
import { JobService } from './jobs/service';
import { networkHandlers } from './network/handlers';
import { NetworkService } from './network/service';
import { DEFAULT_RESOURCES_DIR } from './resources';
import type { Runner } from './gpu/nvidia';
import type { Logger } from './log/logger';
import { createConfBackend, type SettingsBackend } from './settings/backend';
import { SettingsService, settingsFilePath } from './settings/service';
import { readSystemInfo } from './system/info';
import { AGENT_VERSION } from './version';
import { WalletDesk } from './wallet/desk';
import { walletHandlers } from './wallet/handlers';
import type { SecretBox } from './wallet/secret-box';
import { loadMarketData } from './gpu/market-data';
import { resolveRate } from '../../shared/earnings/exchange';
import { ledgerPath, ledgerQuarantine } from './ledger/database';

export interface AgentOptions {
  dataDir: string;
  log: Logger;
  /** The desktop shell passes electron-store; headless runs use conf. */
  settingsBackend?: (dataDir: string) => SettingsBackend;
  discovery?: DiscoveryEnv;
  /** Where rate cards, exchange rates and the network directory live; see resources.ts. */
  resourcesDir?: string;
  /** Runs GPU vendor tools; tests and benches pass their own. */
  gpuRunner?: Runner;
  /** The desktop shell passes the OS keychain (safeStorage) as an extra seal on the wallet keystore. */
  secretBox?: SecretBox;
}

/**
 * The agent: composes the services and implements the app API contract. It never imports
 * 'electron', so the same agent runs in the desktop app, headless, and in tests.
 */
export class Agent {
  readonly events = new EventBus();
  readonly engine: ContainerEngine;
  readonly settings: SettingsService;
  readonly gpu: GpuService;
  readonly jobs: JobService;
  readonly network: NetworkService;
  readonly wallet: WalletDesk;
  readonly dataDir: string;
  readonly log: Logger;
  private readonly startedAt = Date.now();
  private readonly handlers: Handlers;
  private watchers = 0;
  private readonly watchListeners = new Set<(watching: boolean) => void>();
  private state: AgentStatus['state'] = 'starting';

  constructor(options: AgentOptions) {
    this.dataDir = options.dataDir;
    this.log = options.log;
    fs.mkdirSync(this.dataDir, { recursive: true, mode: 0o700 });
    const openBackend = options.settingsBackend ?? createConfBackend;
    this.settings = new SettingsService(
      settingsFilePath(this.dataDir),
      () => openBackend(this.dataDir),
      this.log,
      () => this.events.emit('data.changed', { topic: 'settings' }),
    );
    this.engine = new ContainerEngine(options.discovery ?? hostDiscoveryEnv(), this.log);
    this.engine.on('status', () => {
      this.publishStatus();
      this.events.emit('data.changed', { topic: 'system' });
    });
    this.gpu = new GpuService({
      engine: this.engine,
      dataDir: this.dataDir,
      log: this.log,
      publish: (tick) => this.events.emit('gpu.telemetry', tick),
      settings: () => this.settings.get(),
      run: options.gpuRunner,
      resourcesDir: options.resourcesDir,
    });
    this.onWatchingChange((watching) => this.gpu.telemetry.setFast(watching));
    this.jobs = new JobService({
      dataDir: this.dataDir,
      engine: this.engine,
      log: this.log,
      events: this.events,
      settings: () => this.settings.get(),
    });
    this.network = new NetworkService({
      dataDir: this.dataDir,
      resourcesDir: options.resourcesDir ?? DEFAULT_RESOURCES_DIR,
      log: this.log,
      events: this.events,
      engine: this.engine,
      gpu: this.gpu,
      jobs: this.jobs,
    });
    this.wallet = new WalletDesk({
      dataDir: this.dataDir,
      secretBox: options.secretBox,
      settings: () => this.settings.get(),
      perUsd: () => {
        try {
          const s = this.settings.get();
          return resolveRate(loadMarketData(options.resourcesDir).exchange, s.currency, s.exchangeRateOverrides).perUsd;
        } catch {
          return null;
        }
      },
    });
    this.handlers = this.buildHandlers();
  }

  private buildHandlers(): Handlers {
    return {
      'system.info': async () =>
        readSystemInfo(this.dataDir, this.engine.current(), {
          version: AGENT_VERSION,
          dataDir: this.dataDir,
          uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
        }),
      'settings.get': async () => this.settings.view(),
      'settings.update': async (patch) => this.settings.update(patch),
      'gpu.list': async ({ refresh }) => this.gpu.list(refresh ?? false),
      'gpu.telemetry': async ({ sinceMs }) => this.gpu.history(sinceMs),
      'readiness.check': async () => this.gpu.readiness(),
      'earnings.estimate': async (request) => this.gpu.estimate(request, (gpuKey) => this.network.liveOffers(gpuKey)),
      ...this.jobs.handlers(),
      ...networkHandlers(this.network),
      ...walletHandlers(this.wallet),
    };
  }

  async start(): Promise<void> {
    const ledger = ledgerQuarantine(ledgerPath(this.dataDir));
    if (ledger)
      this.log.warn(
        { movedTo: ledger.movedTo },
        `Ledger damaged (${ledger.reason}); moved aside, fresh ledger started`,
      );
    await this.engine.start();
    await this.gpu.start();
    await this.jobs.start();
    await this.network.start();
    this.state = 'ready';
    this.publishStatus();
    this.log.info({ dataDir: this.dataDir, docker: this.engine.current().reachable }, 'agent ready');
  }

  async stop(): Promise<void> {
    this.state = 'stopping';
    this.publishStatus();
    await this.gpu.stop();
    await this.network.stop();
    this.engine.stop();
    this.jobs.stop();
    this.wallet.close();
    this.log.info('agent stopped');
  }

  call(method: unknown, input: unknown): Promise<DispatchReply> {
    return dispatch(this.handlers, method, input);
  }

  status(): AgentStatus {
    const docker = this.engine.current();
    const problems = docker.reachable ? [] : [docker.error ?? 'Docker engine unreachable'];
    const ledger = ledgerQuarantine(ledgerPath(this.dataDir));
    if (ledger) {
      problems.push(
        `The ledger file was damaged (${ledger.reason}) and a fresh one was started. The old file is kept at ${ledger.movedTo}; keep it for your records.`,
      );
    }
    const state = this.state === 'ready' && problems.length > 0 ? 'degraded' : this.state;
    return { state, dockerReachable: docker.reachable, problems, at: Date.now() };
  }

  private publishStatus(): void {
    this.events.emit('agent.status', this.status());
  }

  /** A dashboard is looking: live data may refresh faster. Returns the matching release. */
  addWatcher(): () => void {
    this.watchers += 1;
    if (this.watchers === 1) this.notifyWatching();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.watchers -= 1;
      if (this.watchers === 0) this.notifyWatching();
    };
  }

  /** Called when the first dashboard starts watching and when the last one leaves. */
  onWatchingChange(listener: (watching: boolean) => void): () => void {
    this.watchListeners.add(listener);
    return () => this.watchListeners.delete(listener);
  }

  private notifyWatching(): void {
    for (const listener of this.watchListeners) listener(this.watching);
  }

  get watching(): boolean {
    return this.watchers > 0;
  }
}
