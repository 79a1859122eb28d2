import type { EstimateRequest, EstimateView } from '../../../shared/api/methods/earnings';
import type { ReadinessReport, TelemetryHistory } from '../../../shared/api/methods/gpu';
import type { GpuInventory, TelemetryTick } from '../../../shared/gpu/types';
import type { Settings } from '../../../shared/settings/schema';
import type { ContainerEngine } from '../engine/engine';
import type { Logger } from '../log/logger';
import { runReadiness } from '../readiness/run-checks';
import { detectGpus, DEFAULT_TOOL_TIMEOUT_MS } from './detect';
import { estimateFor } from './estimator';
import { loadMarketData, type MarketData } from './market-data';
import type { RateCardEntry } from '../../../shared/earnings/rate-card';
import { defaultRunner, type Runner } from './nvidia';
import { GpuTelemetry } from './telemetry';

export interface GpuServiceOptions {
  engine: ContainerEngine;
  dataDir: string;
  log: Logger;
  publish: (tick: TelemetryTick) => void;
  settings: () => Settings;
  run?: Runner;
  resourcesDir?: string;
}

/** Detection, live telemetry, readiness and earnings for this rig, as the agent serves them. */
export class GpuService {
  readonly telemetry: GpuTelemetry;
  private inventory: GpuInventory | null = null;
  private detecting: Promise<GpuInventory> | null = null;
  private market: MarketData | null = null;
  private readonly run: Runner;

  constructor(private readonly options: GpuServiceOptions) {
    this.run = options.run ?? defaultRunner(DEFAULT_TOOL_TIMEOUT_MS);
    this.telemetry = new GpuTelemetry({ run: this.run, publish: options.publish });
  }

  async start(): Promise<void> {
    const inventory = await this.list(false);
    this.options.log.info(
      { gpus: inventory.gpus.map((g) => g.key), tools: inventory.tools.map((t) => `${t.tool}:${t.state}`) },
      'GPU inventory',
    );
    this.telemetry.start();
  }

  async stop(): Promise<void> {
    await this.telemetry.stop();
  }

  /** Concurrent callers share one detection run. */
  async list(refresh = false): Promise<GpuInventory> {
    if (this.inventory && !refresh) return this.inventory;
    this.detecting ??= detectGpus({ run: this.run }).finally(() => {
      this.detecting = null;
    });
    this.inventory = await this.detecting;
    this.telemetry.setGpus(this.inventory.gpus);
    return this.inventory;
  }

  history(sinceMs?: number): TelemetryHistory {
    return { intervalMs: this.telemetry.intervalMs, ticks: this.telemetry.recent(sinceMs) };
  }

  async readiness(): Promise<ReadinessReport> {
    const inventory = await this.list(false);
    return { checks: await runReadiness(this.options.engine, inventory, this.options.dataDir), at: Date.now() };
  }

  /**
   * `liveOffers` come from a joined network's published rates; they replace the bundled card's
   * figures for that network.
   */
  async estimate(
    request: EstimateRequest,
    liveOffers: (gpuKey: string) => Promise<RateCardEntry[]> = async () => [],
  ): Promise<EstimateView> {
    const inventory = await this.list(false);
    this.market ??= loadMarketData(this.options.resourcesDir);
    const gpuKey = request.gpuKey ?? inventory.gpus[0]?.key;
    const live = gpuKey ? await liveOffers(gpuKey) : [];
    const market: MarketData =
      live.length === 0
        ? this.market
        : {
            ...this.market,
            rateCard: {
              ...this.market.rateCard,
              entries: [
                ...live,
                ...this.market.rateCard.entries.filter((e) => !live.some((l) => l.network === e.network)),
              ],
            },
          };
    return estimateFor(request, inventory.gpus, this.options.settings(), market);
  }
}
