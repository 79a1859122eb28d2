import crypto from 'node:crypto';
import { getAddress } from 'ethers';
import { LOGIN_NONCE_TTL_MS, MAX_CLOCK_SKEW_MS, SESSION_TOKEN_TTL_MS } from '../../shared/protocol/constants';
import { LoginPayload, type LoginResponse } from '../../shared/protocol/messages';
import { mintSessionToken, verifySessionToken, type SessionClaims } from '../../shared/protocol/session-token';
import { verifySigned } from '../../shared/protocol/signing';
import { checkStamp, type NonceGuard, type Stamp } from '../../shared/protocol/stamp';
import type { CoordinatorContext } from '../context';
import { badRequest, conflict, unauthorized } from '../http/errors';
import { newId } from '../ids';
import type { Queryable } from '../store/db';

export async function issueLoginNonce(
  ctx: CoordinatorContext,
  address: string,
): Promise<{ nonce: string; expiresAt: number }> {
  const now = ctx.now();
  const nonce = crypto.randomBytes(16).toString('hex');
  const expiresAt = now + LOGIN_NONCE_TTL_MS;
  await ctx.db.query('INSERT INTO login_nonces (nonce, address, expires_at) VALUES ($1, $2, $3)', [
    nonce,
    getAddress(address),
    expiresAt,
  ]);
  return { nonce, expiresAt };
}

/** Login: the one place a signature is recovered. Everything after uses the session token. */
export async function login(ctx: CoordinatorContext, body: unknown): Promise<LoginResponse> {
  const now = ctx.now();
  const claimed = (body as { payload?: { address?: unknown } } | null)?.payload?.address;
  const result = await verifySigned(body, {
    schema: LoginPayload,
    kind: 'login',
    expectedSigner: typeof claimed === 'string' && /^0x[0-9a-fA-F]{40}$/.test(claimed) ? claimed : undefined,
    chainId: ctx.config.chainId,
    now,
    // The nonce must be one this network issued to this address, unexpired, and it is used up here.
    nonces: {
      claim: async (nonce) =>
        (
          await ctx.db.query(
            'DELETE FROM login_nonces WHERE nonce = $1 AND address = $2 AND expires_at > $3 RETURNING nonce',
            [nonce, getAddress(String(claimed)), now],
          )
        ).rowCount === 1,
    },
  });
  if (!result.ok) {
    if (result.reason === 'malformed') throw badRequest(`Login refused: ${result.message}.`);
    throw unauthorized(
      `login_${result.reason}`,
      `Login refused: ${result.message}. Ask for a new nonce and sign again.`,
    );
  }
  const address = result.signer;
  const nodeId = await ensureNode(ctx.db, address, now);
  const expiresAt = now + SESSION_TOKEN_TTL_MS;
  const token = mintSessionToken(ctx.secrets.sessionKey, {
    sub: address,
    nid: nodeId,
    chainId: ctx.config.chainId,
    iat: now,
    exp: expiresAt,
  });
  return { token, expiresAt, nodeId };
}

async function ensureNode(db: Queryable, address: string, now: number): Promise<string> {
  await db.query('INSERT INTO nodes (id, address, created_at) VALUES ($1, $2, $3) ON CONFLICT (address) DO NOTHING', [
    newId('node'),
    address,
    now,
  ]);
  const row = (await db.query<{ id: string }>('SELECT id FROM nodes WHERE address = $1', [address])).rows[0];
  if (!row) throw new Error('node row vanished after insert');
  return row.id;
}

export interface NodeSession {
  nodeId: string;
  address: string;
}

export function authenticateNode(ctx: CoordinatorContext, authorization: string | undefined): NodeSession {
  const token = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (!token)
    throw unauthorized('no_token', 'Log in first: this call needs a session token (Authorization: Bearer …).');
  const res = verifySessionToken(ctx.secrets.sessionKey, token, { now: ctx.now(), chainId: ctx.config.chainId });
  if (!res.ok) {
    if (res.reason === 'expired') throw unauthorized('token_expired', 'The session token has expired. Log in again.');
    throw unauthorized('invalid_token', 'The session token is not valid for this network. Log in again.');
  }
  const claims: SessionClaims = res.claims;
  return { nodeId: claims.nid, address: claims.sub };
}

/**
 * Checks a token-authenticated request's stamp: right chain, fresh, and a nonce this node has not
 * used before. Nonces live in the database so every instance sees them. `nonces` replaces the
 * one-row claim, for the heartbeat path that claims nonces in batches.
 */
export async function checkRequestStamp(
  ctx: CoordinatorContext,
  session: NodeSession,
  stamp: Stamp,
  nonces?: NonceGuard,
): Promise<void> {
  const failure = await checkStamp(stamp, {
    chainId: ctx.config.chainId,
    now: ctx.now(),
    nonces: nonces ?? {
      claim: async (nonce, expiresAt) =>
        (
          await ctx.db.query(
            'INSERT INTO request_nonces (node_id, nonce, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING nonce',
            [session.nodeId, nonce, expiresAt],
          )
        ).rowCount === 1,
    },
  });
  if (failure === 'wrong_chain')
    throw badRequest(`This request is for chain ${stamp.chainId}; this network is chain ${ctx.config.chainId}.`);
  if (failure === 'stale')
    throw badRequest(
      `The request timestamp is more than ${MAX_CLOCK_SKEW_MS / 1000} s from the network's clock. Set the rig's clock (NTP).`,
    );
  if (failure === 'replayed')
    throw conflict('replayed', 'This request nonce was already used; a replayed request is refused.');
}
