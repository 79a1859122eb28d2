import type { Command } from 'commander';
import { addDataDirOption, parsePort, resolveDataDir } from '../options';
import { runHeadless } from '../run-agent';

export const DEFAULT_PORT = 7420;

export function registerAgentCommand(program: Command): void {
  addDataDirOption(
    program
      .command('agent')
      .description('run the agent headless and serve the dashboard (for rigs without a screen)')
      .option('--port <n>', 'dashboard port (0 picks a free one)', parsePort, DEFAULT_PORT)
      .option('--host <addr>', 'address to listen on; keep 127.0.0.1 unless you front it with a proxy', '127.0.0.1'),
  ).action(async (opts: { dataDir?: string; port: number; host: string }) => {
    await runHeadless({ dataDir: resolveDataDir(opts.dataDir), host: opts.host, port: opts.port });
  });
}
