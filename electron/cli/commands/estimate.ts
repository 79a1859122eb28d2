import fs from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import type { EstimateRequest, EstimateView } from '../../../shared/api/methods/earnings';
import { CurrencyCode } from '../../../shared/format/currency';
import { formatMoney } from '../../../shared/format/numbers';
import type { Gpu } from '../../../shared/gpu/types';
import { defaultSettings, Settings } from '../../../shared/settings/schema';
import { detectGpus } from '../../core/gpu/detect';
import { estimateFor } from '../../core/gpu/estimator';
import { loadMarketData } from '../../core/gpu/market-data';
import { settingsFilePath } from '../../core/settings/service';
import { addDataDirOption, resolveDataDir } from '../options';

function nonNegative(max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0 || n > max) throw new InvalidArgumentError(`must be a number from 0 to ${max}`);
    return n;
  };
}

function currency(value: string): CurrencyCode {
  const parsed = CurrencyCode.safeParse(value.toUpperCase());
  if (!parsed.success) throw new InvalidArgumentError(`must be one of ${CurrencyCode.options.join(', ')}`);
  return parsed.data;
}

/** Saved settings when the data dir has them; defaults otherwise. Reading never writes. */
export function readSavedSettings(dataDir: string): Settings {
  try {
    const parsed = Settings.safeParse(JSON.parse(fs.readFileSync(settingsFilePath(dataDir), 'utf8')));
    return parsed.success ? parsed.data : defaultSettings();
  } catch {
    return defaultSettings();
  }
}

interface EstimateOptions {
  gpu?: string;
  detect?: boolean;
  kwhPrice?: number;
  currency?: CurrencyCode;
  hours?: number;
  utilization?: number;
  fee?: number;
  watts?: number;
  json?: boolean;
  dataDir?: string;
}

export async function runEstimate(opts: EstimateOptions, gpus: Gpu[] | null = null): Promise<EstimateView> {
  const detected = gpus ?? (opts.detect || !opts.gpu ? (await detectGpus()).gpus : []);
  const request: EstimateRequest = {
    gpuKey: opts.gpu,
    kwhPrice: opts.kwhPrice,
    currency: opts.currency,
    hoursPerDay: opts.hours,
    utilization: opts.utilization === undefined ? undefined : opts.utilization / 100,
    fee: opts.fee === undefined ? undefined : opts.fee / 100,
    powerW: opts.watts,
  };
  return estimateFor(request, detected, readSavedSettings(resolveDataDir(opts.dataDir)), loadMarketData());
}

export function formatEstimate(view: EstimateView): string {
  const money = (n: number): string => formatMoney(n, view.currency, 'en');
  const range = (r: { low: number; high: number }): string => `${money(r.low)} – ${money(r.high)}`;
  const lines = [
    `${view.gpuKey}: ${view.powerW} W (${view.powerSource}), ${view.hoursPerDay} h/day offered, ` +
      `${Math.round(view.utilization * 100)}% rented, electricity ${money(view.kwhPrice)}/kWh`,
    `Exchange: 1 USD = ${view.perUsd} ${view.currency} (${view.exchange.origin === 'user' ? 'your rate' : `bundled table of ${view.exchange.date}`}); rate cards of ${view.rateCardUpdated}`,
    '',
  ];
  if (view.offers.length === 0) {
    lines.push(`No public rates for ${view.gpuKey} yet. Rate cards cover: ${view.knownKeys.join(', ')}.`);
  }
  for (const o of view.offers) {
    lines.push(
      `${o.network} · ${o.tier}   ($${o.usdPerHour.low.toFixed(2)}–${o.usdPerHour.high.toFixed(2)}/h, fee ${Math.round(o.fee * 100)}%${o.feeAssumed ? ' assumed' : ''})`,
    );
    lines.push(
      `  per month: gross ${range(o.perMonth.gross)}, electricity ${money(o.perMonth.electricity.low)}, net ${range(o.perMonth.net)}`,
    );
    lines.push(`  break-even electricity price: ${range(o.breakEvenKwhPrice)} per kWh`);
    if (o.warning === 'loses-money') lines.push('  WARNING: at this electricity price this offer loses money.');
    if (o.warning === 'may-lose-money') lines.push('  WARNING: at the low end of its rates this offer loses money.');
    lines.push(`  source: ${o.source} (${o.sourceDate})`);
  }
  return lines.join('\n');
}

export function registerEstimateCommand(program: Command): void {
  addDataDirOption(
    program
      .command('estimate')
      .description('estimate net earnings per network and tier, after electricity, in your currency')
      .option('--gpu <key>', 'GPU model key, e.g. rtx-4090 (default: the detected card)')
      .option('--detect', 'use the GPU detected in this machine')
      .option('--kwh-price <n>', 'electricity price per kWh in the chosen currency', nonNegative(100_000))
      .option('--currency <code>', `currency: ${CurrencyCode.options.join(', ')}`, currency)
      .option('--hours <n>', 'hours per day offered to networks', nonNegative(24))
      .option('--utilization <percent>', 'share of offered hours actually rented', nonNegative(100))
      .option('--fee <percent>', 'network fee where a rate card does not state one', nonNegative(100))
      .option('--watts <n>', 'power under load, when the driver does not report it', nonNegative(5000))
      .option('--json', 'print the estimate as JSON (see docs/cli.md)'),
  ).action(async (opts: EstimateOptions) => {
    if (opts.gpu && opts.detect) throw new InvalidArgumentError('use either --gpu or --detect, not both');
    try {
      const view = await runEstimate(opts);
      process.stdout.write(opts.json ? `${JSON.stringify(view, null, 2)}\n` : `${formatEstimate(view)}\n`);
    } catch (err) {
      process.stderr.write(`${(err as Error).message}\n`);
      process.exitCode = 1;
    }
  });
}
