import type { FastifyInstance } from 'fastify';
import { describeZodError } from '../../shared/api/errors';
import { API_PREFIX } from '../../shared/protocol/constants';
import { HeartbeatRequest } from '../../shared/protocol/messages';
import type { CoordinatorContext } from '../context';
import { ProtocolError, badRequest } from '../http/errors';
import { metricsFor } from '../ops/metrics';
import { authenticateNode, checkRequestStamp } from '../services/auth';
import { heartbeat } from '../services/nodes';
import { DEFAULT_WRITER_OPTIONS, HeartbeatWriter, WriterClosedError, type WriterOptions } from './writer';

function outcome(err: unknown): string {
  if (err instanceof ProtocolError) return err.code === 'replayed' ? 'replayed' : 'rejected';
  return 'error';
}

/**
 * POST /v1/nodes/heartbeat on the fast path: the session token is checked by its HMAC (no
 * signature recovery, no database read), and the nonce claim, the uptime sample and the node's
 * state are written by the batching writer in one statement with other heartbeats.
 */
export function registerHeartbeatRoute(
  app: FastifyInstance,
  ctx: CoordinatorContext,
  options: Partial<WriterOptions> = {},
): HeartbeatWriter {
  const metrics = metricsFor(ctx);
  const writer = new HeartbeatWriter(ctx.db, {
    ...DEFAULT_WRITER_OPTIONS,
    ...options,
    onFlush: (rows, seconds) => {
      metrics.flushRows.observe(rows);
      metrics.flushSeconds.observe(seconds);
    },
    onError: (err, rows) => {
      metrics.flushErrors.inc();
      ctx.log.error({ err, rows }, 'heartbeat batch write failed');
    },
  });
  metrics.backlog = () => writer.backlog;
  // Fastify runs onClose before the store is closed, so accepted heartbeats are written first.
  app.addHook('onClose', async () => writer.close());

  app.post(`${API_PREFIX}/nodes/heartbeat`, async (req) => {
    const started = process.hrtime.bigint();
    try {
      const session = authenticateNode(ctx, req.headers.authorization);
      const parsed = HeartbeatRequest.safeParse(req.body);
      if (!parsed.success) throw badRequest(describeZodError(parsed.error));
      const body = parsed.data;
      const at = ctx.now();
      await checkRequestStamp(ctx, session, body, {
        claim: (nonce, nonceExpiresAt) =>
          writer.record({ nodeId: session.nodeId, nonce, nonceExpiresAt, at, state: body.state }),
      });
      const res = await heartbeat(ctx, session, body);
      metrics.heartbeats.inc({ result: 'ok' });
      return res;
    } catch (err) {
      metrics.heartbeats.inc({ result: outcome(err) });
      if (err instanceof WriterClosedError) throw new ProtocolError(503, 'unavailable', err.message);
      if (!(err instanceof ProtocolError))
        throw new ProtocolError(503, 'unavailable', 'The heartbeat could not be recorded; send it again.');
      throw err;
    } finally {
      metrics.heartbeatSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    }
  });
  return writer;
}
