import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { CoordinatorContext } from '../context';
import type { DevChain } from '../chain/devchain';
import type { SettlementChain } from './chain';
import { startLocalChain } from './local';
import { settle, type SettleOptions, type SettleReport } from './settle';

export interface SettlementConfig {
  /** A real chain; omitted, the local network runs its own dev chain. */
  chain?: SettlementChain;
  minimumPayout?: number;
  /** Settle on this schedule; 0 settles only on demand. */
  intervalMs?: number;
  devChain?: { blockIntervalMs?: number; port?: number; confirmations?: number };
  broadcast?: SettleOptions['broadcast'];
  waitMs?: number;
}

export interface Settlement {
  chain: SettlementChain;
  dev: DevChain | null;
  /** Guards the on-demand settle endpoint; kept in the data dir for `rigshare coordinator settle`. */
  adminToken: string;
  settleNow(): Promise<SettleReport>;
  close(): Promise<void>;
}

const attached = new WeakMap<CoordinatorContext, Settlement>();

export function settlementOf(ctx: CoordinatorContext): Settlement | null {
  return attached.get(ctx) ?? null;
}

export const SETTLE_FILE = 'settle.json';

/** Where the settle command finds a running coordinator and the token it accepts. */
export function writeSettleHandle(dataDir: string, url: string, token: string): void {
  const file = path.join(dataDir, SETTLE_FILE);
  fs.writeFileSync(file, JSON.stringify({ url, token }), { mode: 0o600 });
}

export async function startSettlement(
  ctx: CoordinatorContext,
  dataDir: string,
  config: SettlementConfig = {},
): Promise<Settlement> {
  let dev: DevChain | null = null;
  let chain = config.chain;
  if (!chain) {
    const local = await startLocalChain({
      dataDir,
      chainId: ctx.config.chainId,
      token: ctx.config.token,
      ...config.devChain,
    });
    dev = local.dev;
    chain = local.chain;
  }
  const adminToken = `rss_${crypto.randomBytes(24).toString('base64url')}`;
  const options: SettleOptions = {
    minimumPayout: config.minimumPayout ?? 10 ** Math.max(0, chain.token.decimals - 2),
    broadcast: config.broadcast,
    waitMs: config.waitMs,
  };
  const run = () => settle(ctx, chain, options);
  let timer: NodeJS.Timeout | null = null;
  if (config.intervalMs && config.intervalMs > 0) {
    timer = setInterval(() => {
      run().catch((err) => ctx.log.error({ err }, 'scheduled settlement failed'));
    }, config.intervalMs);
    timer.unref();
  }
  const handle: Settlement = {
    chain,
    dev,
    adminToken,
    settleNow: run,
    async close() {
      if (timer) clearInterval(timer);
      chain.provider.destroy();
      if (dev) await dev.close();
      attached.delete(ctx);
    },
  };
  attached.set(ctx, handle);
  return handle;
}
