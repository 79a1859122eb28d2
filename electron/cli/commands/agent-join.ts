import { formatUnits, parseUnits } from '../../../shared/protocol/money';
import { NetworkInfo } from '../../../shared/protocol/messages';
import type { Agent } from '../../core/agent';

export interface HeadlessJoinOptions {
  network?: string;
  join?: boolean;
  priceFloor?: string;
  payout?: string;
}

const say = (line: string) => process.stdout.write(`${line}\n`);

/** The token's decimals, to read --price-floor; the local network uses 6 like its default token. */
async function tokenDecimals(network: string): Promise<number> {
  if (network === 'local') return 6;
  const res = await fetch(`${network.replace(/\/+$/, '')}/v1/info`, { signal: AbortSignal.timeout(10_000) });
  return NetworkInfo.parse(await res.json()).token.decimals;
}

/**
 * `rigshare agent --network … --join`: prints each Join step as it happens, then one status line
 * whenever the work loop changes state. A failed step prints what to do and exits non-zero.
 */
export async function headlessJoin(agent: Agent, opts: HeadlessJoinOptions): Promise<void> {
  const network = opts.network ?? 'local';
  const status = agent.network.status();
  agent.events.on('network.status', (s) => {
    const job = s.jobId ? ` job ${s.jobId}` : '';
    const money = s.earnings.token
      ? ` earned ${formatUnits(s.earnings.net, s.earnings.token.decimals)} ${s.earnings.token.symbol} over ${s.earnings.jobs} job(s)`
      : '';
    const line = `status: ${s.state}${job}${s.pendingReports ? ` (${s.pendingReports} report(s) waiting)` : ''}${money}${s.lastError && s.state === 'offline' ? ` — ${s.lastError}` : ''}`;
    if (line !== lastLine) say(line);
    lastLine = line;
  });
  let lastLine = '';
  if (status.joined && !opts.join) {
    say(`Rejoined ${status.network?.name ?? network}; working.`);
    return;
  }
  if (!opts.join) {
    say(`Not joined to a network. Add --join to join ${network}.`);
    return;
  }
  if (status.joined) {
    say(`Already joined ${status.network?.name}; working.`);
    return;
  }
  try {
    const decimals = opts.priceFloor ? await tokenDecimals(network) : 6;
    await agent.network.join(
      {
        network: network as 'local',
        priceFloorPerGpuHour: opts.priceFloor ? parseUnits(opts.priceFloor, decimals) : undefined,
        payoutAddress: opts.payout ?? undefined,
      },
      (step) => {
        const mark = step.state === 'done' ? 'ok' : step.state === 'failed' ? 'FAILED' : '..';
        say(`[${mark}] ${step.step}: ${step.detail}`);
        if (step.fix) say(`     what to do: ${step.fix}`);
      },
    );
    const s = agent.network.status();
    say(`Joined ${s.network?.name} (${s.network?.url}) as node ${s.nodeId}.`);
  } catch (err) {
    say(`Join failed: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}
