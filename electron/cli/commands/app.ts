import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Command } from 'commander';
import { addDataDirOption, parsePort, resolveDataDir } from '../options';
import { APP_ROOT, runHeadless } from '../run-agent';
import { DEFAULT_PORT } from './agent';

/** The Electron binary, when the electron package could download it on this machine. */
function electronBinary(): string | null {
  try {
    const require = createRequire(import.meta.url);
    const binary = require('electron') as unknown;
    return typeof binary === 'string' && fs.existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

function hasDisplay(): boolean {
  if (process.platform !== 'linux') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

export function registerAppCommand(program: Command): void {
  addDataDirOption(
    program
      .command('app', { isDefault: false })
      .description('open the desktop app; without a display or Electron, run headless and print the dashboard URL')
      .option('--port <n>', 'dashboard port when headless', parsePort, DEFAULT_PORT),
  ).action(async (opts: { dataDir?: string; port: number }) => {
    const binary = electronBinary();
    const mainEntry = path.join(APP_ROOT, 'out/main/index.js');
    if (binary && hasDisplay() && fs.existsSync(mainEntry)) {
      const args = [mainEntry, ...(opts.dataDir ? [`--data-dir=${opts.dataDir}`] : [])];
      const child = spawn(binary, args, { stdio: 'inherit' });
      child.on('exit', (code) => process.exit(code ?? 0));
      return;
    }
    const why = !binary ? 'the Electron binary is not installed' : 'no display is attached';
    process.stdout.write(`Running headless because ${why}.\n`);
    await runHeadless({ dataDir: resolveDataDir(opts.dataDir), host: '127.0.0.1', port: opts.port });
  });
}
