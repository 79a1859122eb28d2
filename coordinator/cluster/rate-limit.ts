import type { FastifyInstance, FastifyRequest } from 'fastify';
import { API_PREFIX } from '../../shared/protocol/constants';
import type { CoordinatorContext } from '../context';
import { ProtocolError } from '../http/errors';
import type { Db } from '../store/db';

export interface RateLimit {
  /** Requests allowed per window for one key. */
  limit: number;
  windowMs: number;
}

export interface AuthRateLimits {
  perAddress: RateLimit;
  perClient: RateLimit;
  /** Behind a load balancer, take the client from the first X-Forwarded-For entry. */
  trustProxy: boolean;
}

export function authRateLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): AuthRateLimits {
  const perMinute = (name: string, fallback: number) => {
    const n = Number(env[name] ?? fallback);
    if (!Number.isSafeInteger(n) || n <= 0)
      throw new Error(`${name} must be a positive whole number of requests per minute, got "${env[name]}".`);
    return { limit: n, windowMs: 60_000 };
  };
  return {
    perAddress: perMinute('RIGSHARE_AUTH_RATE_PER_ADDRESS', 20),
    perClient: perMinute('RIGSHARE_AUTH_RATE_PER_CLIENT', 600),
    trustProxy: env.RIGSHARE_TRUST_PROXY === '1',
  };
}

/**
 * Counts one hit for `bucket` in the current fixed window and returns the count so far. The
 * count lives in the database, so a client that spreads its requests over every instance is
 * counted once, not once per instance.
 */
export async function hit(
  db: Db,
  bucket: string,
  rule: RateLimit,
  now: number,
): Promise<{ hits: number; retryAfterMs: number }> {
  const windowStart = Math.floor(now / rule.windowMs) * rule.windowMs;
  const row = (
    await db.query<{ hits: number }>(
      `INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1)
       ON CONFLICT (bucket) DO UPDATE SET
         hits = CASE WHEN rate_limits.window_start = EXCLUDED.window_start THEN rate_limits.hits + 1 ELSE 1 END,
         window_start = EXCLUDED.window_start
       RETURNING hits`,
      [bucket, windowStart],
    )
  ).rows[0]!;
  return { hits: Number(row.hits), retryAfterMs: windowStart + rule.windowMs - now };
}

function clientOf(req: FastifyRequest, trustProxy: boolean): string {
  const forwarded = trustProxy
    ? String(req.headers['x-forwarded-for'] ?? '')
        .split(',')[0]
        ?.trim()
    : '';
  return forwarded || req.ip;
}

function claimedAddress(url: string, body: unknown): string | null {
  const b = body as { address?: unknown; payload?: { address?: unknown } } | null;
  const value = url.endsWith('/auth/nonce') ? b?.address : b?.payload?.address;
  return typeof value === 'string' && /^0x[0-9a-fA-F]{40}$/.test(value) ? value.toLowerCase() : null;
}

/**
 * Login is the one unauthenticated, expensive path (a signature recovery, a nonce row), so it
 * is limited per claimed node address and per client, across all instances.
 */
export function registerAuthRateLimits(
  app: FastifyInstance,
  ctx: CoordinatorContext,
  limits: AuthRateLimits = authRateLimitsFromEnv(),
): void {
  const paths = new Set([`${API_PREFIX}/auth/nonce`, `${API_PREFIX}/auth/login`]);
  app.addHook('preHandler', async (req, reply) => {
    if (req.method !== 'POST' || !paths.has(req.routeOptions.url ?? '')) return;
    const now = ctx.now();
    const checks: Array<[string, RateLimit]> = [[`auth:client:${clientOf(req, limits.trustProxy)}`, limits.perClient]];
    const address = claimedAddress(req.url, req.body);
    if (address) checks.push([`auth:address:${address}`, limits.perAddress]);
    for (const [bucket, rule] of checks) {
      const { hits, retryAfterMs } = await hit(ctx.db, bucket, rule, now);
      if (hits > rule.limit) {
        reply.header('retry-after', String(Math.ceil(retryAfterMs / 1000)));
        throw new ProtocolError(
          429,
          'rate_limited',
          `Too many login attempts; wait ${Math.ceil(retryAfterMs / 1000)} s and try again.`,
        );
      }
    }
  });
  // Old windows are dead weight; any instance may clear them.
  const prune = setInterval(() => {
    const horizon = ctx.now() - 2 * Math.max(limits.perAddress.windowMs, limits.perClient.windowMs);
    ctx.db
      .query('DELETE FROM rate_limits WHERE window_start < $1', [horizon])
      .catch((err) => ctx.log.warn({ err }, 'rate limit prune failed'));
  }, 60_000);
  prune.unref();
  app.addHook('onClose', async () => clearInterval(prune));
}
