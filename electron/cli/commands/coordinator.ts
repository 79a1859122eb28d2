import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { configFromEnv } from '../../../coordinator/env-config';
import { customerTokenPath } from '../../../coordinator/secrets';
import { startCoordinator } from '../../../coordinator/server';
import { settlementFromEnv } from '../../../coordinator/settlement/env';
import { registerSettleSubcommand } from './settle';
import { defaultDataDir } from '../../core/paths';
import { parsePort } from '../options';

export const DEFAULT_COORDINATOR_PORT = 7431;

/** A coordinator keeps its data apart from the agent's, so one machine can run both. */
export function defaultCoordinatorDir(): string {
  return path.join(defaultDataDir(), 'coordinator');
}

export function registerCoordinatorCommand(program: Command): void {
  const cmd = program
    .command('coordinator')
    .description('run the reference network coordinator that rigs join and customers submit jobs to')
    .option('--port <n>', 'port to listen on (0 picks a free one)', parsePort, DEFAULT_COORDINATOR_PORT)
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--data-dir <dir>', 'where the coordinator keeps its keys and embedded database', (v) => path.resolve(v))
    .option('--database <url>', 'postgres://… to store on a PostgreSQL server instead of the embedded store')
    .action(async (opts: { port: number; host: string; dataDir?: string; database?: string }) => {
      const dataDir = opts.dataDir ?? defaultCoordinatorDir();
      const running = await startCoordinator({
        dataDir,
        host: opts.host,
        port: opts.port,
        databaseUrl: opts.database,
        config: configFromEnv(),
        settlement: settlementFromEnv({ sharedDatabase: !!opts.database }),
      });
      process.stdout.write(
        `Rigshare coordinator listening on ${running.url} (store: ${running.ctx.db.engine}, data: ${dataDir})\n`,
      );
      process.stdout.write(`Coordinator key: ${running.address} on chain ${running.ctx.config.chainId}\n`);
      if (running.createdCustomerToken) {
        process.stdout.write(
          `Customer token (keep it secret; \`rigshare coordinator token\` prints it again):\n${running.customerToken}\n`,
        );
      }
      let stopping = false;
      const stop = async () => {
        if (stopping) return;
        stopping = true;
        await running.close();
        process.exit(0);
      };
      process.on('SIGINT', () => void stop());
      process.on('SIGTERM', () => void stop());
    });

  registerSettleSubcommand(cmd, defaultCoordinatorDir);

  cmd
    .command('token')
    .description("print the customer token created at the coordinator's first start")
    .option('--data-dir <dir>', 'the coordinator data dir', (v) => path.resolve(v))
    .action((opts: { dataDir?: string }, sub: Command) => {
      const dataDir =
        opts.dataDir ?? (sub.parent?.opts() as { dataDir?: string } | undefined)?.dataDir ?? defaultCoordinatorDir();
      const file = customerTokenPath(dataDir);
      if (!fs.existsSync(file)) {
        process.stderr.write(
          `No customer token in ${dataDir}. Start the coordinator once with --data-dir ${dataDir}; it creates one.\n`,
        );
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`${fs.readFileSync(file, 'utf8').trim()}\n`);
    });
}
