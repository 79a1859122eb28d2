import type { Command } from 'commander';
import { addDataDirOption, parsePort, resolveDataDir } from '../options';
import { runHeadless } from '../run-agent';
import { headlessJoin, type HeadlessJoinOptions } from './agent-join';

export const DEFAULT_PORT = 7420;

export function registerAgentCommand(program: Command): void {
  addDataDirOption(
    program
      .command('agent')
      .description('run the agent headless and serve the dashboard (for rigs without a screen)')
      .option('--port <n>', 'dashboard port (0 picks a free one)', parsePort, DEFAULT_PORT)
      .option('--host <addr>', 'address to listen on; keep 127.0.0.1 unless you front it with a proxy', '127.0.0.1')
      .option('--network <url|local>', 'the network to join: a coordinator URL, or "local" for one inside this agent')
      .option('--join', 'join --network now: readiness, identity key, benchmark, registration, then work')
      .option('--price-floor <amount>', 'least this rig accepts per GPU-hour, in the network token (e.g. 0.25)')
      .option('--payout <address>', 'where the network pays this rig (0x…)'),
  ).action(async (opts: { dataDir?: string; port: number; host: string } & HeadlessJoinOptions) => {
    const agent = await runHeadless({ dataDir: resolveDataDir(opts.dataDir), host: opts.host, port: opts.port });
    // A rig that joined before rejoins by itself; say so, and print its status lines.
    if (opts.join || opts.network || agent.network.status().joined) await headlessJoin(agent, opts);
  });
}
