import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { getAddress } from 'ethers';
import type { WalletView } from '../../../shared/api/methods/wallet';
import { AppError } from '../../../shared/api/errors';
import { NetworkInfo } from '../../../shared/protocol/messages';
import type { Settings } from '../../../shared/settings/schema';
import type { ChainInfo } from '../../../shared/wallet/chain-info';
import { walletCsv } from '../../../shared/wallet/csv';
import { SLA_TARGETS, type UptimeReport } from '../../../shared/wallet/uptime';
import { chainConfigFrom, explorerLink, type ChainConfig } from '../chain/config';
import { ChainReader } from '../chain/reader';
import { loadOrCreateNodeKey } from '../identity/node-key';
import { ledgerPath, openLedgerDb } from '../ledger/database';
import { readJoinState } from '../network/join-state';
import { EarningsStore } from '../payouts/earnings-store';
import { NetworkPayoutFeed } from '../payouts/network-feed';
import { PayoutService, type ChainState } from '../payouts/service';
import { StatementStore } from '../payouts/statement-store';
import { computeUptime, monthOutlook } from '../uptime/compute';
import { UptimeStore } from '../uptime/store';
import { WalletError } from './errors';
import { WalletService, type WalletServiceOptions } from './service';

export interface WalletDeskOptions {
  dataDir: string;
  settings: () => Settings;
  /** Local currency per USD for the owner's currency. */
  perUsd: () => number | null;
  keystore?: WalletServiceOptions['keystore'];
  secretBox?: WalletServiceOptions['secretBox'];
  db?: Database.Database;
}

const PIN_FILE = 'network-pin.json';
const DAY_MS = 86_400_000;

/**
 * The wallet page's back end: the payout wallet, the ledger's earnings, the network's statements
 * and the chain, put together into one view. Every outside dependency may be down; the view says
 * which, and shows what it last knew.
 */
export class WalletDesk {
  readonly wallet: WalletService;
  readonly earnings: EarningsStore;
  readonly statements: StatementStore;
  readonly uptime: UptimeStore;
  private readonly db: Database.Database;
  private readonly ownsDb: boolean;
  private reader: { key: string; reader: ChainReader } | null = null;
  private chainInfo: { url: string; info: ChainInfo } | null = null;

  constructor(private readonly o: WalletDeskOptions) {
    this.wallet = new WalletService({ dataDir: o.dataDir, keystore: o.keystore, secretBox: o.secretBox });
    this.ownsDb = !o.db;
    this.db = o.db ?? openLedgerDb(ledgerPath(o.dataDir));
    this.earnings = new EarningsStore(this.db);
    this.statements = new StatementStore(this.db);
    this.uptime = new UptimeStore(this.db);
  }

  close(): void {
    this.reader?.reader.provider.destroy();
    if (this.ownsDb) this.db.close();
  }

  private get pinFile(): string {
    return path.join(this.wallet.paths.dir, PIN_FILE);
  }

  /** The network key statements must be signed with: learned once from the network, then pinned. */
  private async networkSigner(url: string): Promise<string> {
    let pinned: { url: string; coordinator: string } | null = null;
    try {
      pinned = JSON.parse(fs.readFileSync(this.pinFile, 'utf8')) as { url: string; coordinator: string };
    } catch {
      pinned = null;
    }
    if (pinned && pinned.url === url) return pinned.coordinator;
    const res = await fetch(`${url.replace(/\/+$/, '')}/v1/info`, { signal: AbortSignal.timeout(5_000) });
    const info = NetworkInfo.parse(await res.json());
    fs.mkdirSync(path.dirname(this.pinFile), { recursive: true, mode: 0o700 });
    fs.writeFileSync(this.pinFile, JSON.stringify({ url, coordinator: getAddress(info.coordinator) }), { mode: 0o600 });
    return getAddress(info.coordinator);
  }

  private async chainConfig(feed: NetworkPayoutFeed | null, url: string | null): Promise<ChainConfig | null> {
    const explicit = this.o.settings().payouts.chain;
    let info = explicit;
    if (!info && feed && url) {
      if (this.chainInfo?.url !== url) this.chainInfo = { url, info: await feed.chain() };
      info = this.chainInfo.info;
    }
    return info ? chainConfigFrom(info) : null;
  }

  private readerFor(config: ChainConfig): ChainReader {
    const key = JSON.stringify(config);
    if (this.reader?.key !== key) {
      this.reader?.reader.provider.destroy();
      this.reader = { key, reader: new ChainReader(config) };
    }
    return this.reader.reader;
  }

  async view(): Promise<WalletView> {
    const settings = this.o.settings();
    const joined = this.joinedNetwork();
    const url = settings.payouts.networkUrl ?? joined.url;
    const state = this.wallet.state();
    const payoutAddress = (state.state === 'ready' ? state.info.payoutAddress : null) ?? joined.payoutAddress;
    let networkProblem: string | null = null;
    let feed: NetworkPayoutFeed | null = null;
    let signer: string | null = null;
    let config: ChainConfig | null = null;
    if (url) {
      try {
        signer = await this.networkSigner(url);
        const identity = loadOrCreateNodeKey(this.o.dataDir).wallet;
        const info = NetworkInfo.parse(
          await (await fetch(`${url.replace(/\/+$/, '')}/v1/info`, { signal: AbortSignal.timeout(5_000) })).json(),
        );
        feed = new NetworkPayoutFeed(url, identity, info.chainId);
        this.ingestQuietly(await feed.statements());
      } catch (err) {
        networkProblem = `The network at ${url} could not be reached (${(err as Error).message}). Payouts below are as last seen.`;
      }
    }
    try {
      config = await this.chainConfig(feed, url);
    } catch (err) {
      networkProblem ??= `The network did not describe its chain (${(err as Error).message}).`;
    }
    const reader = config ? this.readerFor(config) : null;
    const service = new PayoutService({
      statements: this.statements,
      earnings: this.earnings,
      reader: () => reader,
      networkSigner: () => signer,
      payoutAddress: () => payoutAddress,
    });
    const checked = await service.checkAll();
    let balances: WalletView['balances'] = { native: null, token: null };
    if (reader && payoutAddress && checked.chain.state === 'ok') {
      try {
        const [native, token] = await Promise.all([
          reader.nativeBalance(payoutAddress),
          reader.tokenBalance(payoutAddress),
        ]);
        balances = { native: native.toString(), token: token.toString() };
      } catch {
        // Already reported through the chain state on the next refresh; balances just stay unknown.
      }
    }
    const total = this.earnings.summary();
    const paid = checked.payouts.filter((p) => p.status === 'verified').reduce((s, p) => s + p.amount, 0);
    const tokenInfo = config?.token ?? checked.payouts[0]?.token ?? { symbol: 'USDC', decimals: 6, address: null };
    const perUsd = this.o.perUsd();
    return {
      wallet: walletStateView(state),
      chain: chainView(checked.chain, config),
      network: { url, problem: networkProblem },
      token: { symbol: tokenInfo.symbol, decimals: tokenInfo.decimals, address: tokenInfo.address ?? null },
      balances,
      localPerToken: /USD/i.test(tokenInfo.symbol) && perUsd !== null ? perUsd : null,
      earnings: { earned: total.net, paid, pending: Math.max(0, total.net - paid), jobs: total.jobs },
      payouts: checked.payouts.map((p) => ({
        statementId: p.statementId,
        periodFrom: p.periodFrom,
        periodTo: p.periodTo,
        jobs: p.envelope.payload.jobs.length,
        amount: p.amount,
        txHash: p.txHash,
        status: p.status,
        reasons: p.reasons,
        ledgerAmount: p.ledgerAmount,
        chainAmount: p.chainAmount,
        confirmations: p.confirmations,
        blockNumber: p.blockNumber,
        explorerUrl: config ? explorerLink(config, p.txHash) : null,
      })),
    };
  }

  /**
   * The network this rig joined and the payout address it registered there. A rig that joined
   * with a payout address is paid by that network, so its payouts are checked without any
   * wallet or Settings set up; both, when set, win.
   */
  private joinedNetwork(): { url: string | null; payoutAddress: string | null } {
    const joined = readJoinState(this.o.dataDir);
    if (!joined) return { url: null, payoutAddress: null };
    const url = joined.network === 'local' ? (joined.localUrl ?? null) : joined.network;
    return { url, payoutAddress: joined.payoutAddress };
  }

  private ingestQuietly(envelopes: unknown[]): void {
    new PayoutService({
      statements: this.statements,
      earnings: this.earnings,
      reader: () => null,
      networkSigner: () => null,
      payoutAddress: () => null,
    }).ingest(envelopes);
  }

  watch(address: string): void {
    try {
      this.wallet.watch(address);
    } catch (err) {
      throw toAppError(err);
    }
  }

  async confirmBackup(password: string, words: Record<string, string>): Promise<void> {
    try {
      await this.wallet.confirmBackup(
        password,
        Object.fromEntries(Object.entries(words).map(([k, v]) => [Number(k), v])),
      );
    } catch (err) {
      throw toAppError(err);
    }
  }

  csv(): { filename: string; csv: string } {
    const payouts = this.statements.all();
    const paidBy = new Map<string, string>();
    for (const p of payouts) for (const j of p.envelope.payload.jobs) paidBy.set(j.jobId, p.statementId);
    const token = payouts[0]?.token ??
      this.chainInfo?.info.token ??
      this.o.settings().payouts.chain?.token ?? { symbol: 'USDC', decimals: 6 };
    const csv = walletCsv({
      earnings: this.earnings.all().map((e) => ({
        jobId: e.jobId,
        completedAt: e.completedAt,
        net: e.net,
        statementId: paidBy.get(e.jobId) ?? null,
      })),
      payouts: payouts.map((p) => ({
        statementId: p.statementId,
        periodTo: p.periodTo,
        txHash: p.txHash,
        amount: p.amount,
        status: p.status,
      })),
      token,
    });
    return { filename: `rigshare-earnings-${new Date().toISOString().slice(0, 10)}.csv`, csv };
  }

  uptimeReport(days: number, heartbeatIntervalMs = 15_000, now = Date.now()): UptimeReport {
    const tier = this.o.settings().payouts.slaTier;
    const target = SLA_TARGETS[tier];
    const maxGapMs = Math.round(heartbeatIntervalMs * 1.5);
    const from = Math.floor(now / DAY_MS) * DAY_MS - (days - 1) * DAY_MS;
    const monthStart = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), 1);
    const since = Math.min(from, monthStart);
    const beats = this.uptime.credited(since);
    const local = this.uptime.local(since);
    const res = computeUptime({ beats, local, maxGapMs, from, now });
    return {
      tier,
      target,
      heartbeatIntervalMs,
      days: res.days,
      incidents: res.incidents,
      month: monthOutlook({ beats, local, maxGapMs, now, serviceStart: this.uptime.firstCreditedAt() }, target),
      receipts: this.uptime.counts(),
    };
  }
}

function walletStateView(s: ReturnType<WalletService['state']>): WalletView['wallet'] {
  if (s.state === 'none') return { state: 'none' };
  if (s.state === 'corrupt') return { state: 'corrupt', message: s.message };
  return { state: 'ready', ...s.info };
}

function chainView(c: ChainState, config: ChainConfig | null): WalletView['chain'] {
  return {
    state: c.state,
    message: c.state === 'ok' ? null : c.message,
    chainId: config?.chainId ?? null,
    head: c.state === 'ok' ? c.head : null,
    confirmations: config && config.finality.mode === 'confirmations' ? config.finality.confirmations : null,
  };
}

function toAppError(err: unknown): unknown {
  if (!(err instanceof WalletError)) return err;
  const code =
    err.code === 'wrong_password' || err.code === 'backup_mismatch' || err.code === 'bad_address'
      ? 'bad_request'
      : err.code === 'exists'
        ? 'conflict'
        : err.code === 'no_wallet'
          ? 'not_found'
          : 'unavailable';
  return new AppError(code, err.message);
}
