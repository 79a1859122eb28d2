// Child process for the crash test: finishes jobs as fast as it can and reports each commit.
import { openLedgerDb } from '../../../electron/core/ledger/database';
import { JobLedger } from '../../../electron/core/ledger/job-ledger';

const file = process.argv[2]!;
const ledger = new JobLedger(openLedgerDb(file));
for (let i = 0; ; i++) {
  const id = `job-${process.pid}-${i}`;
  ledger.create({ id, spec: { n: i }, image: 'img@sha256:' + '0'.repeat(64) });
  ledger.event(id, 'log', { line: 'x'.repeat(200) }, 'running');
  ledger.finish(id, { status: 'succeeded', exitCode: 0, reason: null, logTail: 'done', outputs: [], durationMs: i });
  process.stdout.write(`${id}\n`);
}
