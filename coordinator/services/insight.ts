import type { Diagnostics, MarketRates, NodeEarnings, PassReason } from '../../shared/protocol/messages';
import { SLA_TIERS } from '../../shared/protocol/constants';
import type { CoordinatorContext } from '../context';
import { notFound } from '../http/errors';
import { adviceFor } from '../matching/advice';
import { passReasons, type JobNeeds, type NodeProfile } from '../matching/reasons';
import { int, intOrNull } from '../store/db';
import type { NodeSession } from './auth';
import { uptime } from './nodes';

const DIAGNOSTIC_SCAN = 1000;
const PASSED_OVER_SHOWN = 50;

/** "Why am I getting no jobs?": the queue as this node sees it, and what to change. */
export async function diagnose(ctx: CoordinatorContext, session: NodeSession): Promise<Diagnostics> {
  const node = (await ctx.db.query('SELECT * FROM nodes WHERE id = $1', [session.nodeId])).rows[0];
  if (!node) throw notFound('This node is unknown to the network. Log in and register again.');
  const profile: NodeProfile = {
    gpuCount: Number(node.gpu_count),
    minVramMiB: Number(node.min_vram_mib),
    gpuKey: (node.gpu_key as string | null) ?? null,
    tierRank: Number(node.tier_rank),
    priceFloor: int(node.price_floor),
    hasBenchmark: node.benchmark !== null,
  };
  const total = int((await ctx.db.query(`SELECT COUNT(*) AS n FROM jobs WHERE status = 'queued'`)).rows[0]?.n);
  const queued = (
    await ctx.db.query(
      `SELECT id, gpu_count, min_vram_mib, gpu_key, tier_rank, sla_tier, price FROM jobs WHERE status = 'queued'
       ORDER BY price DESC, created_at ASC LIMIT $1`,
      [DIAGNOSTIC_SCAN],
    )
  ).rows.map((r) => ({
    jobId: r.id as string,
    slaTier: r.sla_tier as (typeof SLA_TIERS)[number],
    needs: {
      gpuCount: Number(r.gpu_count),
      minVramMiB: Number(r.min_vram_mib),
      gpuKey: (r.gpu_key as string | null) ?? null,
      tierRank: Number(r.tier_rank),
      price: int(r.price),
    } as JobNeeds,
  }));
  const verdicts = queued.map((j) => ({ ...j, reasons: passReasons(profile, j.needs) }));
  const matching = verdicts.filter((v) => v.reasons.length === 0).length;
  const byReason = new Map<PassReason, JobNeeds[]>();
  for (const v of verdicts) for (const r of v.reasons) byReason.set(r, [...(byReason.get(r) ?? []), v.needs]);
  const summary = [...byReason.entries()]
    .sort((a, b) => b[1].length - a[1].length)
    .map(([reason, jobs]) => ({
      reason,
      jobs: jobs.length,
      advice: adviceFor(reason, { node: profile, jobs, token: ctx.config.token }),
    }));
  const registered = node.registered_at !== null;
  let verdict: string;
  if (!registered) verdict = 'This node is not registered yet. Join the network to register it.';
  else if (!profile.hasBenchmark)
    verdict =
      summary.find((s) => s.reason === 'no_benchmark')?.advice ??
      adviceFor('no_benchmark', { node: profile, jobs: [], token: ctx.config.token });
  else if (total === 0)
    verdict = 'The queue is empty: no customer has a job waiting right now. Stay online; jobs go to nodes that are.';
  else if (matching > 0)
    verdict = `${matching} queued job(s) match this node. Keep the agent running and it will lease them.`;
  else if (summary[0] && summary[0].jobs === queued.length)
    verdict = `Every queued job was passed over for at least this reason. ${summary[0].advice}`;
  else verdict = `None of the ${total} queued job(s) match this node. ${summary[0]?.advice ?? ''}`.trim();
  return {
    nodeId: session.nodeId,
    at: ctx.now(),
    registered,
    hasBenchmark: profile.hasBenchmark,
    priceFloorPerGpuHour: profile.priceFloor,
    queue: { total, matching },
    passedOver: verdicts
      .filter((v) => v.reasons.length > 0)
      .slice(0, PASSED_OVER_SHOWN)
      .map((v) => ({
        jobId: v.jobId,
        reasons: v.reasons,
        offerPerGpuHour: v.needs.price,
        minVramMiB: v.needs.minVramMiB,
        gpuCount: v.needs.gpuCount,
        gpuKey: v.needs.gpuKey,
        slaTier: v.slaTier,
      })),
    summary,
    verdict,
  };
}

export async function marketRates(ctx: CoordinatorContext): Promise<MarketRates> {
  const now = ctx.now();
  const queued = await ctx.db.query(
    `SELECT gpu_key, COUNT(*) AS n, percentile_disc(0.5) WITHIN GROUP (ORDER BY price) AS median, MIN(price) AS lo, MAX(price) AS hi
     FROM jobs WHERE status = 'queued' GROUP BY gpu_key`,
  );
  const done = await ctx.db.query(
    `SELECT j.gpu_key, COUNT(*) AS n, FLOOR(AVG(a.price)) AS avg_price FROM accounting a JOIN jobs j ON j.id = a.job_id
     WHERE a.completed_at >= $1 GROUP BY j.gpu_key`,
    [now - 86_400_000],
  );
  const keys = new Set<string | null>([
    ...queued.rows.map((r) => r.gpu_key as string | null),
    ...done.rows.map((r) => r.gpu_key as string | null),
  ]);
  return {
    at: now,
    token: ctx.config.token,
    feeBps: ctx.config.feeBps,
    rates: [...keys].map((key) => {
      const q = queued.rows.find((r) => r.gpu_key === key);
      const d = done.rows.find((r) => r.gpu_key === key);
      return {
        gpuKey: key ?? null,
        queuedJobs: q ? int(q.n) : 0,
        medianOfferPerGpuHour: q ? intOrNull(q.median) : null,
        minOfferPerGpuHour: q ? intOrNull(q.lo) : null,
        maxOfferPerGpuHour: q ? intOrNull(q.hi) : null,
        completedLast24h: d ? int(d.n) : 0,
        avgPaidPerGpuHour: d ? intOrNull(d.avg_price) : null,
      };
    }),
  };
}

export async function nodeEarnings(ctx: CoordinatorContext, session: NodeSession): Promise<NodeEarnings> {
  const rows = (
    await ctx.db.query(
      'SELECT job_id, completed_at, gpu_ms, price, gross, fee, net FROM accounting WHERE node_id = $1 ORDER BY completed_at DESC LIMIT 500',
      [session.nodeId],
    )
  ).rows;
  const totals = (
    await ctx.db.query(
      'SELECT COUNT(*) AS jobs, COALESCE(SUM(gpu_ms),0) AS gpu_ms, COALESCE(SUM(gross),0) AS gross, COALESCE(SUM(fee),0) AS fee, COALESCE(SUM(net),0) AS net FROM accounting WHERE node_id = $1',
      [session.nodeId],
    )
  ).rows[0]!;
  return {
    nodeId: session.nodeId,
    totals: {
      jobs: int(totals.jobs),
      gpuMs: int(totals.gpu_ms),
      gross: int(totals.gross),
      fee: int(totals.fee),
      net: int(totals.net),
    },
    jobs: rows.map((r) => ({
      jobId: r.job_id as string,
      completedAt: int(r.completed_at),
      gpuMs: int(r.gpu_ms),
      pricePerGpuHour: int(r.price),
      gross: int(r.gross),
      fee: int(r.fee),
      net: int(r.net),
    })),
    uptime: await uptime(ctx, session.nodeId, 86_400_000),
  };
}
