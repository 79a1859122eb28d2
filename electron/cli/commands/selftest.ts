import type { Command } from 'commander';
import { imageRegistry } from '../../../shared/jobs/spec';
import { buildProbeImage } from '../../core/jobs/probe-image';
import { runSelfTest, type SelfTestReport } from '../../core/jobs/selftest';
import { HostEgress } from '../../core/egress/host-egress';
import { addDataDirOption, resolveDataDir } from '../options';
import { openJobContext } from './job';

export function formatSelfTest(report: SelfTestReport): string {
  const lines = report.checks.map(
    (c) => `  [${c.ok ? 'pass' : 'FAIL'}] ${c.group.padEnd(10)} ${c.name.padEnd(22)} ${c.detail}`,
  );
  lines.push(
    '',
    report.ok
      ? 'All checks passed: jobs on this machine are isolated.'
      : 'Some checks FAILED: do not run jobs from strangers on this machine until they pass.',
  );
  return lines.join('\n');
}

export function registerSelfTestCommand(program: Command): void {
  addDataDirOption(
    program
      .command('selftest')
      .description('run hostile probes through the sandbox on this machine and report each isolation check')
      .option('--json', 'print {ok, checks:[{group, name, ok, detail}]} as JSON')
      .option('--image <ref>', 'probe with this pinned image instead of one built from the local busybox'),
  ).action(async (opts: { json?: boolean; image?: string; dataDir?: string }) => {
    let ctx: Awaited<ReturnType<typeof openJobContext>>;
    try {
      ctx = await openJobContext(resolveDataDir(opts.dataDir), opts.image ? [imageRegistry(opts.image)] : []);
    } catch (err) {
      const report: SelfTestReport = {
        ok: false,
        checks: [{ group: 'privileges', name: 'engine', ok: false, detail: (err as Error).message }],
      };
      process.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : `${formatSelfTest(report)}\n`);
      process.exitCode = 1;
      return;
    }
    try {
      const docker = ctx.engine.requireDocker();
      let image = opts.image;
      let localImageId: string | undefined;
      if (!image) {
        localImageId = await buildProbeImage(docker);
        // The spec still names a pinned image; the runner uses the local content id instead.
        image = `rigshare-selftest@${localImageId}`;
      }
      const report = await runSelfTest({
        runner: ctx.jobs.runner,
        image,
        localImageId,
        egressUnavailable: await new HostEgress().unavailableReason(),
      });
      process.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : `${formatSelfTest(report)}\n`);
      process.exitCode = report.ok ? 0 : 1;
    } finally {
      ctx.close();
    }
  });
}
