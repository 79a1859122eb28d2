import type { FastifyInstance } from 'fastify';
import type { CoordinatorContext } from '../context';
import { int } from '../store/db';
import { MIGRATIONS } from '../store/migrations';
import { gauge, metricsFor } from './metrics';

export const LATEST_SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));

export type Readiness =
  { ready: true; engine: string; schemaVersion: number } | { ready: false; engine: string; reason: string };

/** Ready means: the database answers, and its schema is the one this build expects. */
export async function readiness(ctx: CoordinatorContext): Promise<Readiness> {
  let version: number;
  try {
    version = int((await ctx.db.query('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations')).rows[0]?.v);
  } catch (err) {
    return { ready: false, engine: ctx.db.engine, reason: `The database does not answer: ${(err as Error).message}` };
  }
  if (version < LATEST_SCHEMA_VERSION) {
    return {
      ready: false,
      engine: ctx.db.engine,
      reason: `The schema is at version ${version}; this build needs ${LATEST_SCHEMA_VERSION}. Another instance may be migrating it.`,
    };
  }
  return { ready: true, engine: ctx.db.engine, schemaVersion: version };
}

/** Network-wide figures, the same from every instance because they come from the database. */
async function networkGauges(ctx: CoordinatorContext): Promise<string> {
  const now = ctx.now();
  const row = (
    await ctx.db.query(
      `SELECT
         (SELECT COUNT(*) FROM nodes WHERE registered_at IS NOT NULL) AS registered,
         (SELECT COUNT(*) FROM nodes WHERE last_heartbeat_at >= $1) AS online,
         (SELECT COUNT(*) FROM jobs WHERE status = 'queued') AS queued,
         (SELECT COUNT(*) FROM jobs WHERE status = 'leased') AS leased,
         (SELECT COUNT(*) FROM leases) AS leases_total,
         (SELECT COUNT(*) FROM leases WHERE end_reason = 'expired') AS leases_expired`,
      [now - 2 * ctx.config.heartbeatIntervalMs],
    )
  ).rows[0]!;
  return [
    gauge('rigshare_nodes_registered', 'Nodes that have registered with the network.', [
      { value: int(row.registered) },
    ]),
    gauge('rigshare_nodes_online', 'Nodes heard from within two heartbeat intervals.', [{ value: int(row.online) }]),
    gauge('rigshare_queue_depth', 'Jobs waiting for a node.', [{ value: int(row.queued) }]),
    gauge('rigshare_leases_active', 'Jobs leased to a node right now.', [{ value: int(row.leased) }]),
    gauge('rigshare_leases_granted', 'Leases ever granted on this network (a counter kept in the database).', [
      { value: int(row.leases_total) },
    ]),
    gauge(
      'rigshare_leases_expired',
      'Leases that expired because their node went silent (a counter kept in the database).',
      [{ value: int(row.leases_expired) }],
    ),
  ].join('\n');
}

/** /healthz (the process answers), /readyz (it can serve) and /metrics (Prometheus text format). */
export function registerOpsRoutes(app: FastifyInstance, ctx: CoordinatorContext): void {
  const metrics = metricsFor(ctx);

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ route, status: `${Math.floor(reply.statusCode / 100)}xx` });
  });

  app.get('/healthz', async () => ({ ok: true }));

  app.get('/readyz', async (_req, reply) => {
    const state = await readiness(ctx);
    return reply.code(state.ready ? 200 : 503).send(state);
  });

  app.get('/metrics', async (_req, reply) => {
    let network: string;
    let up = 1;
    try {
      network = await networkGauges(ctx);
    } catch (err) {
      ctx.log.warn({ err }, 'metrics: the database did not answer');
      network = '';
      up = 0;
    }
    const body = [
      gauge('rigshare_database_up', 'Whether the database answered this scrape.', [
        { labels: { engine: ctx.db.engine }, value: up },
      ]),
      network,
      gauge('rigshare_heartbeat_backlog', 'Heartbeats in this instance waiting for their batch write.', [
        { value: metrics.backlog() },
      ]),
      metrics.render(),
    ]
      .filter(Boolean)
      .join('\n');
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(`${body}\n`);
  });
}
