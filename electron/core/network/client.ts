import crypto from 'node:crypto';
import { getAddress, type Wallet } from 'ethers';
import { z } from 'zod';
import { API_PREFIX } from '../../../shared/protocol/constants';
import {
  AuthNonceResponse,
  CompleteResponse,
  CompletionReceipt,
  Diagnostics,
  ErrorBody,
  HeartbeatReceipt,
  HeartbeatResponse,
  LeaseResponse,
  LoginResponse,
  MarketRates,
  NetworkInfo,
  NodeEarnings,
  OfferPayload,
  RegisterResponse,
  ReportAck,
  type JobResultWire,
  type NodeWorkState,
  type RegisterRequest,
} from '../../../shared/protocol/messages';
import { signPayload, verifySigned } from '../../../shared/protocol/signing';
import { MemoryNonceGuard, makeStamp } from '../../../shared/protocol/stamp';
import { CoordinatorRefused, CoordinatorUnreachable, UntrustedMessage } from './errors';

export interface ClientOptions {
  baseUrl: string;
  identity: Wallet;
  /** The coordinator key and chain this node trusts. Learned from /v1/info at first join and kept. */
  trust?: { coordinator: string; chainId: number };
  now?: () => number;
  /** Per-request timeout for everything but the lease long-poll. */
  timeoutMs?: number;
}

export type VerifiedOffer = z.output<typeof OfferPayload>;
export type VerifiedCompletion = { duplicate: boolean; receipt: z.output<typeof CompletionReceipt> };
export type ReportBody = { idempotencyKey: string } & Record<string, unknown>;

/**
 * The node side of the /v1 protocol. It logs in with the identity key once per session token,
 * stamps every request with a fresh nonce, and verifies every signed message from the
 * coordinator against the pinned key before handing it on.
 */
export class CoordinatorClient {
  readonly baseUrl: string;
  private readonly identity: Wallet;
  private readonly now: () => number;
  private readonly timeoutMs: number;
  private readonly seen: MemoryNonceGuard;
  private trust: { coordinator: string; chainId: number } | null;
  private session: { token: string; expiresAt: number; nodeId: string } | null = null;
  private infoCache: NetworkInfo | null = null;

  constructor(options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.identity = options.identity;
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.trust = options.trust ?? null;
    this.seen = new MemoryNonceGuard(this.now);
  }

  get address(): string {
    return this.identity.address;
  }

  get nodeId(): string | null {
    return this.session?.nodeId ?? null;
  }

  get trusted(): { coordinator: string; chainId: number } | null {
    return this.trust;
  }

  async info(): Promise<NetworkInfo> {
    const info = NetworkInfo.parse(await this.send('GET', '/info'));
    if (
      this.trust &&
      (getAddress(this.trust.coordinator) !== getAddress(info.coordinator) || this.trust.chainId !== info.chainId)
    ) {
      throw new UntrustedMessage(
        'network description',
        `its key or chain changed since this node joined (was ${this.trust.coordinator} on chain ${this.trust.chainId}). If the operator really rotated it, Leave and Join again`,
      );
    }
    this.trust ??= { coordinator: info.coordinator, chainId: info.chainId };
    this.infoCache = info;
    return info;
  }

  private async chain(): Promise<{ coordinator: string; chainId: number }> {
    if (!this.trust) await this.info();
    return this.trust!;
  }

  async login(): Promise<string> {
    const { chainId } = await this.chain();
    const { nonce } = AuthNonceResponse.parse(await this.send('POST', '/auth/nonce', { address: this.address }));
    const env = await signPayload(this.identity, {
      kind: 'login' as const,
      address: this.address,
      nonce,
      timestamp: this.now(),
      chainId,
      domain: this.baseUrl,
    });
    const res = LoginResponse.parse(await this.send('POST', '/auth/login', env));
    this.session = res;
    return res.nodeId;
  }

  private async token(): Promise<string> {
    // Renew a little early so a request never leaves with a token about to lapse.
    if (!this.session || this.session.expiresAt - 30_000 <= this.now()) await this.login();
    return this.session!.token;
  }

  /** A token-authenticated call with a fresh stamp. On an expired token it logs in once and retries. */
  private async authed(
    method: 'GET' | 'POST',
    path: string,
    body?: Record<string, unknown>,
    timeoutMs?: number,
    signal?: AbortSignal,
    onStamp?: (stamp: { nonce: string; timestamp: number }) => void,
  ): Promise<unknown> {
    const { chainId } = await this.chain();
    for (let attempt = 0; ; attempt++) {
      const token = await this.token();
      const stamp = makeStamp(chainId, this.now(), crypto.randomBytes);
      const stamped = body ? { ...body, ...stamp } : undefined;
      if (body) onStamp?.(stamp);
      try {
        return await this.send(method, path, stamped, token, timeoutMs, signal);
      } catch (err) {
        if (attempt === 0 && err instanceof CoordinatorRefused && err.status === 401) {
          this.session = null;
          continue;
        }
        throw err;
      }
    }
  }

  async register(
    req: Omit<RegisterRequest, 'nonce' | 'timestamp' | 'chainId'>,
  ): Promise<{ nodeId: string; registeredAt: number }> {
    return RegisterResponse.parse(await this.authed('POST', '/nodes/register', req));
  }

  /** `onSent` learns the heartbeat's nonce before it leaves, so the local uptime ledger can record it. */
  async heartbeat(
    state: NodeWorkState,
    leaseIds: string[],
    onSent?: (stamp: { nonce: string; timestamp: number }) => void,
  ): Promise<{
    receipt: z.output<typeof HeartbeatReceipt>;
    signature: string;
    envelope: unknown;
    revokedLeaseIds: string[];
  }> {
    const res = HeartbeatResponse.parse(
      await this.authed('POST', '/nodes/heartbeat', { state, leaseIds }, undefined, undefined, onSent),
    );
    const receipt = await this.verify(res.receipt, HeartbeatReceipt, 'heartbeat_receipt', 'heartbeat receipt');
    return { receipt, signature: res.receipt.signature, envelope: res.receipt, revokedLeaseIds: res.revokedLeaseIds };
  }

  /** Long-polls for work. Returns a verified offer meant for this node, or null when none came. */
  async lease(waitMs: number, signal?: AbortSignal): Promise<VerifiedOffer | null> {
    const res = LeaseResponse.parse(
      await this.authed('POST', '/leases/next', { waitMs }, waitMs + this.timeoutMs, signal),
    );
    if (!res.offer) return null;
    const offer = await this.verify(res.offer, OfferPayload, 'offer', 'job offer');
    if (offer.nodeId !== this.nodeId || getAddress(offer.nodeAddress) !== this.address)
      throw new UntrustedMessage('job offer', 'it was made out to another node');
    return offer;
  }

  async report(
    leaseId: string,
    kind: 'progress' | 'checkpoint' | 'fail' | 'release',
    body: ReportBody,
  ): Promise<{ duplicate: boolean }> {
    return ReportAck.parse(await this.authed('POST', `/leases/${encodeURIComponent(leaseId)}/${kind}`, body));
  }

  async complete(
    leaseId: string,
    body: { idempotencyKey: string; result: JobResultWire },
  ): Promise<VerifiedCompletion> {
    const res = CompleteResponse.parse(
      await this.authed('POST', `/leases/${encodeURIComponent(leaseId)}/complete`, body),
    );
    const receipt = await this.verify(res.receipt, CompletionReceipt, 'completion_receipt', 'completion receipt');
    if (receipt.leaseId !== leaseId || getAddress(receipt.nodeAddress) !== this.address)
      throw new UntrustedMessage('completion receipt', 'it is for another lease');
    return { duplicate: res.duplicate, receipt };
  }

  async diagnostics(): Promise<Diagnostics> {
    return Diagnostics.parse(await this.authed('GET', '/nodes/me/diagnostics'));
  }

  async earnings(): Promise<NodeEarnings> {
    return NodeEarnings.parse(await this.authed('GET', '/nodes/me/earnings'));
  }

  async marketRates(): Promise<MarketRates> {
    return MarketRates.parse(await this.send('GET', '/market/rates'));
  }

  cachedInfo(): NetworkInfo | null {
    return this.infoCache;
  }

  private async verify<S extends z.ZodType>(
    envelope: unknown,
    schema: S,
    kind: string,
    what: string,
  ): Promise<z.output<S>> {
    const trust = await this.chain();
    const res = await verifySigned(envelope, {
      schema,
      kind,
      expectedSigner: trust.coordinator,
      chainId: trust.chainId,
      now: this.now(),
      nonces: this.seen,
    });
    if (!res.ok) throw new UntrustedMessage(what, res.message);
    return res.payload;
  }

  private async send(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    token?: string,
    timeoutMs = this.timeoutMs,
    signal?: AbortSignal,
  ): Promise<unknown> {
    const url = `${this.baseUrl}${API_PREFIX}${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: signal ? AbortSignal.any([AbortSignal.timeout(timeoutMs), signal]) : AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new CoordinatorUnreachable(this.baseUrl, (err as { cause?: unknown }).cause ?? err);
    }
    const text = await res.text().catch(() => '');
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON: reported below with the status.
    }
    if (!res.ok) {
      const parsed = ErrorBody.safeParse(json);
      if (parsed.success) throw new CoordinatorRefused(res.status, parsed.data.error.code, parsed.data.error.message);
      throw new CoordinatorRefused(
        res.status,
        'http_error',
        `The network answered HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}.`,
      );
    }
    return json;
  }
}
