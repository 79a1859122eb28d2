import { createHash } from 'node:crypto';
import path from 'node:path';

export type SocketSource = 'DOCKER_HOST' | 'docker-context' | 'default' | 'podman';

export interface SocketCandidate {
  /** unix socket path, `npipe:////./pipe/...`, or `tcp://host:port` */
  address: string;
  source: SocketSource;
}

/** What discovery may look at. Injected so every platform's rules are testable on any machine. */
export interface DiscoveryEnv {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  home: string;
  uid: number | null;
  readFile(file: string): string | null;
  exists(file: string): boolean;
}

/** Follows the docker CLI: ~/.docker/config.json names the current context, its meta holds the host. */
export function contextHost(d: DiscoveryEnv): string | null {
  const configDir = d.env.DOCKER_CONFIG ?? path.join(d.home, '.docker');
  const name = d.env.DOCKER_CONTEXT ?? readCurrentContext(d, configDir);
  if (!name || name === 'default') return null;
  const id = createHash('sha256').update(name).digest('hex');
  const meta = d.readFile(path.join(configDir, 'contexts', 'meta', id, 'meta.json'));
  if (!meta) return null;
  try {
    const parsed = JSON.parse(meta) as { Endpoints?: { docker?: { Host?: string } } };
    return parsed.Endpoints?.docker?.Host ?? null;
  } catch {
    return null;
  }
}

function readCurrentContext(d: DiscoveryEnv, configDir: string): string | null {
  const raw = d.readFile(path.join(configDir, 'config.json'));
  if (!raw) return null;
  try {
    return (JSON.parse(raw) as { currentContext?: string }).currentContext ?? null;
  } catch {
    return null;
  }
}

function normalise(address: string): string {
  return address.startsWith('unix://') ? address.slice('unix://'.length) : address;
}

/** Well-known engine sockets per platform, Docker first, then Podman. */
export function defaultCandidates(d: DiscoveryEnv): SocketCandidate[] {
  if (d.platform === 'win32') {
    return [
      { address: 'npipe:////./pipe/docker_engine', source: 'default' },
      { address: 'npipe:////./pipe/podman-machine-default', source: 'podman' },
    ];
  }
  const list: SocketCandidate[] = [];
  if (d.platform === 'darwin') {
    list.push({ address: path.join(d.home, '.docker/run/docker.sock'), source: 'default' });
    list.push({ address: '/var/run/docker.sock', source: 'default' });
    list.push({ address: path.join(d.home, '.colima/default/docker.sock'), source: 'default' });
    list.push({ address: path.join(d.home, '.local/share/containers/podman/machine/podman.sock'), source: 'podman' });
    return list;
  }
  list.push({ address: '/var/run/docker.sock', source: 'default' });
  list.push({ address: '/run/docker.sock', source: 'default' });
  list.push({ address: path.join(d.home, '.docker/desktop/docker.sock'), source: 'default' });
  const runtime = d.env.XDG_RUNTIME_DIR ?? (d.uid !== null ? `/run/user/${d.uid}` : null);
  if (runtime) list.push({ address: path.join(runtime, 'docker.sock'), source: 'default' });
  if (runtime) list.push({ address: path.join(runtime, 'podman/podman.sock'), source: 'podman' });
  list.push({ address: '/run/podman/podman.sock', source: 'podman' });
  return list;
}

/**
 * The engine address to use: DOCKER_HOST wins, then the docker context, then the first
 * well-known socket that exists. Null when nothing is found.
 */
export function discoverSocket(d: DiscoveryEnv): SocketCandidate | null {
  const fromEnv = d.env.DOCKER_HOST;
  if (fromEnv) return { address: normalise(fromEnv), source: 'DOCKER_HOST' };
  const fromContext = contextHost(d);
  if (fromContext) return { address: normalise(fromContext), source: 'docker-context' };
  for (const candidate of defaultCandidates(d)) {
    if (candidate.address.startsWith('npipe:') || d.exists(candidate.address)) return candidate;
  }
  return null;
}
