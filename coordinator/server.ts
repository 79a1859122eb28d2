import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { Logger } from 'pino';
import { defaultConfig, type CoordinatorConfig } from './config';
import type { CoordinatorContext } from './context';
import { shareNetworkKeys } from './cluster/shared-keys';
import { buildApp } from './http/app';
import { createCoordinatorLogger } from './ops/logger';
import { loadSecrets } from './secrets';
import { startSettlement, writeSettleHandle, type Settlement, type SettlementConfig } from './settlement/service';
import { ensureCustomer } from './services/customers';
import { graceOpenLeases, sweepExpiredLeases } from './services/leasing';
import type { Db } from './store/db';
import { migrate } from './store/migrations';
import { openPglite } from './store/pglite';
import { openPostgres } from './store/postgres';

export interface CoordinatorOptions {
  dataDir: string;
  host?: string;
  port?: number;
  /** postgres://… to use a PostgreSQL server; the embedded store in the data dir otherwise. */
  databaseUrl?: string;
  config?: Partial<CoordinatorConfig>;
  log?: Logger;
  now?: () => number;
  /** Pays accrued earnings on a chain; with no chain given, the local network runs a dev chain. Off when omitted. */
  settlement?: SettlementConfig;
}

export interface RunningCoordinator {
  url: string;
  port: number;
  address: string;
  customerToken: string;
  createdCustomerToken: boolean;
  ctx: CoordinatorContext;
  settlement: Settlement | null;
  close(): Promise<void>;
}

export function embeddedStoreDir(dataDir: string): string {
  return path.join(dataDir, 'store');
}

export async function openStore(options: Pick<CoordinatorOptions, 'dataDir' | 'databaseUrl'>): Promise<Db> {
  return options.databaseUrl ? openPostgres(options.databaseUrl) : openPglite(embeddedStoreDir(options.dataDir));
}

/** Starts the reference coordinator: store, migrations, lease sweeper and the /v1 HTTP API. */
export async function startCoordinator(options: CoordinatorOptions): Promise<RunningCoordinator> {
  const log = options.log ?? createCoordinatorLogger({ level: process.env.RIGSHARE_LOG_LEVEL ?? 'warn' });
  const secrets = loadSecrets(options.dataDir);
  const db = await openStore(options);
  const ctx: CoordinatorContext = {
    db,
    config: defaultConfig(options.config),
    secrets,
    log,
    now: options.now ?? Date.now,
    wake: new EventEmitter().setMaxListeners(0),
  };
  const applied = await migrate(db, ctx.now);
  if (applied.length > 0) log.info({ applied, engine: db.engine }, 'schema migrated');
  // Instances on one database must sign as one network and accept each other's session tokens.
  Object.assign(secrets, await shareNetworkKeys(db, secrets, { now: ctx.now(), log }));
  await ensureCustomer(ctx, secrets.customerToken);
  await graceOpenLeases(ctx);

  const settlement = options.settlement ? await startSettlement(ctx, options.dataDir, options.settlement) : null;
  const app = buildApp(ctx);
  let sweeping = false;
  const sweeper = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    sweepExpiredLeases(ctx)
      .catch((err) => log.error({ err }, 'lease sweep failed'))
      .finally(() => (sweeping = false));
  }, ctx.config.sweepIntervalMs);
  sweeper.unref();

  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 7431 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (options.port ?? 0);
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
  log.info({ port, engine: db.engine, coordinator: secrets.signer.address }, 'coordinator listening');
  if (settlement)
    writeSettleHandle(
      options.dataDir,
      `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
      settlement.adminToken,
    );
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    address: secrets.signer.address,
    customerToken: secrets.customerToken,
    createdCustomerToken: secrets.createdCustomerToken,
    ctx,
    settlement,
    async close() {
      clearInterval(sweeper);
      // Long-polls end at their own deadline; don't wait for them.
      app.server.closeAllConnections?.();
      await app.close();
      await settlement?.close();
      await db.close();
    },
  };
}
