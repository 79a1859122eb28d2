import { Wallet } from 'ethers';
import { API_PREFIX } from '../../../shared/protocol/constants';
import { AuthNonceResponse, LoginResponse } from '../../../shared/protocol/messages';
import { signPayload } from '../../../shared/protocol/signing';
import { ChainInfo } from '../../../shared/wallet/chain-info';
import { StatementsResponse, type SignedStatement } from '../../../shared/wallet/statement';

/**
 * Reads what the network says about payouts: its chain description and this node's signed
 * statements. It logs in with the node identity like the work loop does; statements are checked
 * against the pinned network key later, so nothing here is trusted yet.
 */
export class NetworkPayoutFeed {
  private token: { value: string; expiresAt: number } | null = null;

  constructor(
    private readonly baseUrl: string,
    private readonly identity: Wallet,
    private readonly chainId: number,
    private readonly timeoutMs = 10_000,
  ) {}

  async chain(): Promise<ChainInfo> {
    return ChainInfo.parse(await this.send('GET', '/chain'));
  }

  async statements(): Promise<SignedStatement[]> {
    if (!this.token || this.token.expiresAt - 30_000 < Date.now()) await this.login();
    return StatementsResponse.parse(await this.send('GET', '/nodes/me/statements', undefined, this.token!.value))
      .statements;
  }

  private async login(): Promise<void> {
    const { nonce } = AuthNonceResponse.parse(
      await this.send('POST', '/auth/nonce', { address: this.identity.address }),
    );
    const env = await signPayload(this.identity, {
      kind: 'login' as const,
      address: this.identity.address,
      nonce,
      timestamp: Date.now(),
      chainId: this.chainId,
      domain: this.baseUrl.replace(/\/+$/, ''),
    });
    const res = LoginResponse.parse(await this.send('POST', '/auth/login', env));
    this.token = { value: res.token, expiresAt: res.expiresAt };
  }

  private async send(method: 'GET' | 'POST', path: string, body?: unknown, token?: string): Promise<unknown> {
    const res = await fetch(`${this.baseUrl.replace(/\/+$/, '')}${API_PREFIX}${path}`, {
      method,
      headers: {
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const json = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    if (!res.ok) throw new Error(`The network refused ${path}: ${json?.error?.message ?? `HTTP ${res.status}`}`);
    return json;
  }
}
