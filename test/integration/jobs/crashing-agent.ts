// A stand-in for the agent process in the recovery test: it starts one job and is killed -9 mid-run.
import { HostEgress } from '../../../electron/core/egress/host-egress';
import { shJob, startRig } from './harness';

const [dataDir, jobId, script, leaseMs, network] = process.argv.slice(2) as [string, string, string, string, string?];
const egress = network === 'egress';
const rig = await startRig({ dataDir, ...(egress ? { egress: new HostEgress() } : {}) });
// A job finished before the crash, so the test can check the ledger keeps it.
await rig.run(shJob('echo before-crash'), { jobId: `${jobId}-before` });
await rig.run(shJob(script, { resources: { maxSeconds: 120 }, network: egress ? 'egress' : 'none' }), {
  jobId,
  leaseExpiresAt: Date.now() + Number(leaseMs),
  onContainer: (id) => {
    process.stdout.write(`container ${id}\n`);
  },
});
