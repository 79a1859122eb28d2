import type Docker from 'dockerode';

/** An open way out for one job: its internal network and the proxy that is its only exit. */
export interface EgressSession {
  networkName: string;
  proxyUrl: string;
  close(): Promise<void>;
}

/** What the runner needs from the egress capability. */
export interface EgressGate {
  /** Null when egress jobs can run here; otherwise why not, in words the owner can act on. */
  unavailableReason(): Promise<string | null>;
  /** Opens (or, after a restart, re-opens) the job's network, proxy and host guard. */
  open(docker: Docker, jobId: string): Promise<EgressSession>;
  /** Removes host rules left behind by these jobs (after a crash). */
  sweep?(jobIds: readonly string[]): Promise<void>;
}
