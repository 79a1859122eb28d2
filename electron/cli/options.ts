import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { defaultDataDir } from '../core/paths';

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError('must be a port number from 0 to 65535');
  }
  return port;
}

export function addDataDirOption(cmd: Command): Command {
  return cmd.option('--data-dir <dir>', 'where Rigshare keeps settings, ledger and keys', (v) => path.resolve(v));
}

export function resolveDataDir(opt: string | undefined): string {
  return opt ?? defaultDataDir();
}
