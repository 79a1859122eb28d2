import { createHash } from 'node:crypto';
import type Docker from 'dockerode';
import { ignoreMissing } from '../jobs/cleanup';
import { jobLabels, networkName } from '../jobs/names';
import type { EgressGate, EgressSession } from './gate';
import { HostGuard } from './host-guard';
import { EgressProxy, type Refusal } from './proxy';

/**
 * The proxy's port on each job network's gateway. Every job network has its own gateway address,
 * so one fixed port never collides, and a job re-attached after a restart finds its proxy where
 * its environment says.
 */
export const PROXY_PORT = 3128;

/** Linux interface names are at most 15 characters; derive a stable one from the job id. */
export function bridgeName(jobId: string): string {
  return `rsj${createHash('sha256').update(jobId).digest('hex').slice(0, 12)}`;
}

/**
 * Egress for jobs on this host: a per-job internal Docker network, the filtering proxy bound to
 * that network's gateway address, and the host guard around it.
 */
export class HostEgress implements EgressGate {
  readonly guard = new HostGuard();

  constructor(private readonly onRefusal: (jobId: string, r: Refusal) => void = () => {}) {}

  unavailableReason(): Promise<string | null> {
    return this.guard.unavailableReason();
  }

  async open(docker: Docker, jobId: string): Promise<EgressSession> {
    const name = networkName(jobId);
    const bridge = bridgeName(jobId);
    const existing = await docker.listNetworks({ filters: { name: [name] } });
    const found = existing.find((n) => n.Name === name);
    const network = found
      ? docker.getNetwork(found.Id)
      : await docker.createNetwork({
          Name: name,
          Driver: 'bridge',
          Internal: true,
          Attachable: false,
          Labels: jobLabels(jobId),
          Options: {
            'com.docker.network.bridge.name': bridge,
            'com.docker.network.bridge.enable_icc': 'false',
            'com.docker.network.bridge.enable_ip_masquerade': 'false',
          },
        });
    const info = (await network.inspect()) as { IPAM?: { Config?: { Gateway?: string }[] } };
    const gateway = info.IPAM?.Config?.find((c) => c.Gateway)?.Gateway;
    if (!gateway) {
      await ignoreMissing(network.remove());
      throw new Error('The job network has no gateway address for the egress proxy.');
    }
    const proxy = new EgressProxy((r) => this.onRefusal(jobId, r));
    let port: number;
    try {
      port = await proxy.listen(gateway, PROXY_PORT);
      await this.guard.install(jobId, bridge, gateway, port);
    } catch (err) {
      await proxy.close().catch(() => {});
      await this.guard.remove(jobId).catch(() => {});
      await ignoreMissing(network.remove());
      throw err;
    }
    return {
      networkName: name,
      proxyUrl: `http://${gateway}:${port}`,
      close: async () => {
        await proxy.close();
        await ignoreMissing(network.remove());
        await this.guard.remove(jobId);
      },
    };
  }

  sweep(jobIds: readonly string[]): Promise<void> {
    return this.guard.sweep(jobIds);
  }
}
