import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { SETTLE_FILE } from '../../../coordinator/settlement/service';

/**
 * `rigshare coordinator settle`: asks the running coordinator of a data dir to settle now. It goes
 * through the coordinator, because only that process may hold the store and the treasury nonce.
 */
export function registerSettleSubcommand(coordinator: Command, defaultDir: () => string): void {
  coordinator
    .command('settle')
    .description('pay accrued earnings above the minimum now, on the running coordinator of this data dir')
    .option('--data-dir <dir>', 'the coordinator data dir', (v) => path.resolve(v))
    .option('--json', 'print the settlement report as JSON')
    .action(async (opts: { dataDir?: string; json?: boolean }, sub: Command) => {
      const dataDir = opts.dataDir ?? (sub.parent?.opts() as { dataDir?: string } | undefined)?.dataDir ?? defaultDir();
      let handle: { url: string; token: string };
      try {
        handle = JSON.parse(fs.readFileSync(path.join(dataDir, SETTLE_FILE), 'utf8')) as { url: string; token: string };
      } catch {
        process.stderr.write(
          `No settling coordinator for ${dataDir}. Start it first: rigshare coordinator --data-dir ${dataDir}\n`,
        );
        process.exitCode = 1;
        return;
      }
      let res: Response;
      try {
        res = await fetch(`${handle.url}/v1/admin/settle`, {
          method: 'POST',
          headers: { authorization: `Bearer ${handle.token}` },
          signal: AbortSignal.timeout(120_000),
        });
      } catch {
        process.stderr.write(
          `The coordinator at ${handle.url} is not running. Start it: rigshare coordinator --data-dir ${dataDir}\n`,
        );
        process.exitCode = 1;
        return;
      }
      const body = (await res.json().catch(() => null)) as {
        created?: string[];
        confirmed?: string[];
        pending?: string[];
        failed?: { statementId: string; error: string }[];
        error?: { message: string };
      } | null;
      if (!res.ok || !body || body.error) {
        process.stderr.write(`Settlement refused: ${body?.error?.message ?? `HTTP ${res.status}`}\n`);
        process.exitCode = 1;
        return;
      }
      if (opts.json) process.stdout.write(`${JSON.stringify(body)}\n`);
      else {
        process.stdout.write(
          `New statements: ${body.created?.length ?? 0}; paid: ${body.confirmed?.length ?? 0}; waiting: ${body.pending?.length ?? 0}; failed: ${body.failed?.length ?? 0}\n`,
        );
        for (const f of body.failed ?? []) process.stdout.write(`  ${f.statementId}: ${f.error}\n`);
      }
      if (body.failed?.length) process.exitCode = 2;
    });
}
