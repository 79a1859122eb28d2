import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { describeZodError } from '../../shared/api/errors';
import { API_PREFIX, PROTOCOL_VERSION } from '../../shared/protocol/constants';
import {
  AuthNonceRequest,
  CheckpointRequest,
  CompleteRequest,
  FailRequest,
  Id,
  LeaseRequest,
  type NetworkInfo,
  ProgressRequest,
  RegisterRequest,
  ReleaseRequest,
  SubmitJobRequest,
} from '../../shared/protocol/messages';
import type { Stamp } from '../../shared/protocol/stamp';
import type { CoordinatorContext } from '../context';
import { registerHeartbeatRoute } from '../heartbeats/route';
import { registerOpsRoutes } from '../ops/routes';
import { registerAuthRateLimits } from '../cluster/rate-limit';
import { registerSettlementRoutes } from '../settlement/routes';
import { authenticateNode, checkRequestStamp, issueLoginNonce, login, type NodeSession } from '../services/auth';
import { authenticateCustomer, submitJob, viewJob } from '../services/customers';
import { diagnose, marketRates, nodeEarnings } from '../services/insight';
import {
  completeJob,
  failJob,
  leaseWithWait,
  releaseLease,
  reportCheckpoint,
  reportProgress,
} from '../services/leasing';
import { registerNode } from '../services/nodes';
import { ProtocolError, badRequest } from './errors';

/** Every body but a checkpoint is small; anything bigger is refused before it is parsed. */
export const BODY_LIMIT = 64 * 1024;

function parse<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const res = schema.safeParse(body);
  if (!res.success) throw badRequest(describeZodError(res.error));
  return res.data;
}

export function networkInfo(ctx: CoordinatorContext): NetworkInfo {
  return {
    protocol: PROTOCOL_VERSION,
    name: ctx.config.name,
    chainId: ctx.config.chainId,
    coordinator: ctx.secrets.signer.address,
    feeBps: ctx.config.feeBps,
    heartbeatIntervalMs: ctx.config.heartbeatIntervalMs,
    leaseTtlMs: ctx.config.leaseTtlMs,
    maxCheckpointBytes: ctx.config.maxCheckpointBytes,
    benchmarkImage: ctx.config.benchmarkImage,
    token: ctx.config.token,
  };
}

export function buildApp(ctx: CoordinatorContext): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
    if (err instanceof ProtocolError)
      return reply.code(err.status).send({ error: { code: err.code, message: err.message } });
    if (err instanceof z.ZodError)
      return reply.code(400).send({ error: { code: 'bad_request', message: describeZodError(err) } });
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) ctx.log.error({ err }, 'request failed');
    const code =
      status === 413
        ? 'too_large'
        : status === 415
          ? 'unsupported_media_type'
          : status === 500
            ? 'internal'
            : 'bad_request';
    return reply.code(status).send({
      error: { code, message: status === 500 ? 'Internal error; the request changed nothing.' : err.message },
    });
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: { code: 'not_found', message: `No route ${req.method} ${req.url}` } }),
  );

  const nodeRoute =
    <S extends z.ZodType<Stamp>, R>(
      schema: S,
      handler: (session: NodeSession, body: z.output<S>, req: FastifyRequest) => Promise<R>,
    ) =>
    async (req: FastifyRequest): Promise<R> => {
      const session = authenticateNode(ctx, req.headers.authorization);
      const body = parse(schema, req.body);
      await checkRequestStamp(ctx, session, body);
      return handler(session, body, req);
    };
  const leaseParam = (req: FastifyRequest) => parse(Id, (req.params as { leaseId?: string }).leaseId);

  registerOpsRoutes(app, ctx);
  registerAuthRateLimits(app, ctx);
  app.get(`${API_PREFIX}/info`, async () => networkInfo(ctx));

  app.post(`${API_PREFIX}/auth/nonce`, async (req) => issueLoginNonce(ctx, parse(AuthNonceRequest, req.body).address));
  app.post(`${API_PREFIX}/auth/login`, async (req) => login(ctx, req.body));

  app.post(
    `${API_PREFIX}/nodes/register`,
    nodeRoute(RegisterRequest, (s, b) => registerNode(ctx, s, b)),
  );
  registerHeartbeatRoute(app, ctx);
  registerSettlementRoutes(app, ctx);
  app.get(`${API_PREFIX}/nodes/me/diagnostics`, async (req) =>
    diagnose(ctx, authenticateNode(ctx, req.headers.authorization)),
  );
  app.get(`${API_PREFIX}/nodes/me/earnings`, async (req) =>
    nodeEarnings(ctx, authenticateNode(ctx, req.headers.authorization)),
  );

  app.post(
    `${API_PREFIX}/leases/next`,
    nodeRoute(LeaseRequest, async (s, b, req) => ({
      offer: await leaseWithWait(ctx, s, b.waitMs, () => req.raw.socket?.destroyed ?? false),
    })),
  );
  app.post(
    `${API_PREFIX}/leases/:leaseId/progress`,
    nodeRoute(ProgressRequest, (s, b, req) => reportProgress(ctx, s, leaseParam(req), b)),
  );
  app.post(
    `${API_PREFIX}/leases/:leaseId/checkpoint`,
    { bodyLimit: Math.ceil((ctx.config.maxCheckpointBytes * 4) / 3) + 8192 },
    nodeRoute(CheckpointRequest, (s, b, req) => reportCheckpoint(ctx, s, leaseParam(req), b)),
  );
  app.post(
    `${API_PREFIX}/leases/:leaseId/complete`,
    nodeRoute(CompleteRequest, (s, b, req) => completeJob(ctx, s, leaseParam(req), b)),
  );
  app.post(
    `${API_PREFIX}/leases/:leaseId/fail`,
    nodeRoute(FailRequest, (s, b, req) => failJob(ctx, s, leaseParam(req), b)),
  );
  app.post(
    `${API_PREFIX}/leases/:leaseId/release`,
    nodeRoute(ReleaseRequest, (s, b, req) => releaseLease(ctx, s, leaseParam(req), b)),
  );

  app.get(`${API_PREFIX}/market/rates`, async () => marketRates(ctx));

  app.post(`${API_PREFIX}/jobs`, async (req, reply: FastifyReply) => {
    const customer = await authenticateCustomer(ctx, req.headers.authorization);
    const view = await submitJob(ctx, customer, parse(SubmitJobRequest, req.body));
    return reply.code(201).send(view);
  });
  app.get(`${API_PREFIX}/jobs/:jobId`, async (req) => {
    const customer = await authenticateCustomer(ctx, req.headers.authorization);
    return viewJob(ctx, customer, parse(Id, (req.params as { jobId?: string }).jobId));
  });

  return app;
}
