import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { API_PREFIX } from '../../shared/protocol/constants';
import type { CoordinatorContext } from '../context';
import { ProtocolError } from '../http/errors';
import { authenticateNode } from '../services/auth';
import { settlementOf } from './service';
import { statementsFor } from './settle';

function unavailable(): ProtocolError {
  return new ProtocolError(503, 'no_settlement', 'This network does not settle payouts on a chain.');
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** Payout routes: the chain nodes check against, a node's statements, and settle-now for the operator. */
export function registerSettlementRoutes(app: FastifyInstance, ctx: CoordinatorContext): void {
  app.get(`${API_PREFIX}/chain`, async () => {
    const s = settlementOf(ctx);
    if (!s) throw unavailable();
    return {
      rpcUrl: s.chain.rpcUrl,
      chainId: s.chain.chainId,
      token: s.chain.token,
      treasury: s.chain.treasury.address,
      fromBlock: s.chain.fromBlock,
      confirmations: s.chain.confirmations,
      explorerTxUrl: s.chain.explorerTxUrl,
    };
  });
  app.get(`${API_PREFIX}/nodes/me/statements`, async (req) => {
    const session = authenticateNode(ctx, req.headers.authorization);
    return { statements: await statementsFor(ctx, session.nodeId) };
  });
  app.post(`${API_PREFIX}/admin/settle`, async (req) => {
    const s = settlementOf(ctx);
    if (!s) throw unavailable();
    const token = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
    if (!token || !sameSecret(token, s.adminToken))
      throw new ProtocolError(401, 'unauthorized', 'Settling needs the operator token from the data dir.');
    return s.settleNow();
  });
}
