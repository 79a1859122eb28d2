import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

const COMMENT_PREFIX = 'rigshare-egress-';

/**
 * Closes the path a job network has to the host itself. A Docker `--internal` network blocks
 * forwarding, but packets addressed to the host (its bridge or LAN address) take the INPUT
 * chain and reach every service listening there. These rules drop all of it except the one
 * proxy port.
 */
export class HostGuard {
  /** Null when rules can be installed here; otherwise the reason. */
  async unavailableReason(): Promise<string | null> {
    if (process.platform !== 'linux') return 'the host guard is only available on Linux';
    if (typeof process.getuid === 'function' && process.getuid() !== 0) {
      return 'the host guard needs root to add firewall rules (run the agent as root, or keep egress jobs off)';
    }
    try {
      await run('iptables', ['-w', '-S', 'INPUT']);
      return null;
    } catch (err) {
      return `iptables is not usable (${(err as Error).message.split('\n')[0]}); install iptables to allow egress jobs`;
    }
  }

  async install(jobId: string, bridge: string, gateway: string, proxyPort: number): Promise<void> {
    await this.remove(jobId);
    const tag = ['-m', 'comment', '--comment', `${COMMENT_PREFIX}${jobId}`];
    // Inserted in reverse order so the ACCEPT for the proxy ends up above the DROP.
    await run('iptables', ['-w', '-I', 'INPUT', '1', '-i', bridge, ...tag, '-j', 'DROP']);
    await run('iptables', [
      '-w',
      '-I',
      'INPUT',
      '1',
      '-i',
      bridge,
      '-p',
      'tcp',
      '-d',
      gateway,
      '--dport',
      String(proxyPort),
      ...tag,
      '-j',
      'ACCEPT',
    ]);
    // Link-local IPv6 exists on every bridge even when the network has no IPv6 subnet.
    await run('ip6tables', ['-w', '-I', 'INPUT', '1', '-i', bridge, ...tag, '-j', 'DROP']).catch(() => {});
  }

  /** Removes this job's rules (every copy, so a half-finished earlier install is cleaned too). */
  async remove(jobId: string): Promise<void> {
    for (const tool of ['iptables', 'ip6tables']) await removeTagged(tool, (id) => id === jobId);
  }

  /** Removes the rules of these jobs, left behind when an agent died (other agents' rules stay). */
  async sweep(jobIds: readonly string[]): Promise<void> {
    for (const tool of ['iptables', 'ip6tables']) await removeTagged(tool, (id) => jobIds.includes(id));
  }

  async rules(jobId: string): Promise<string[]> {
    const { stdout } = await run('iptables', ['-w', '-S', 'INPUT']);
    return stdout.split('\n').filter((l) => l.includes(`${COMMENT_PREFIX}${jobId}`));
  }
}

async function removeTagged(tool: string, match: (jobId: string) => boolean): Promise<void> {
  let listing: string;
  try {
    listing = (await run(tool, ['-w', '-S', 'INPUT'])).stdout;
  } catch {
    return;
  }
  for (const line of listing.split('\n')) {
    const m = new RegExp(`--comment "?${COMMENT_PREFIX}([A-Za-z0-9_-]+)"?`).exec(line);
    if (!m || !match(m[1]!) || !line.startsWith('-A INPUT ')) continue;
    const args = splitRule(line.slice('-A INPUT '.length));
    await run(tool, ['-w', '-D', 'INPUT', ...args]).catch(() => {});
  }
}

/** Splits an `iptables -S` rule into arguments, honouring double quotes. */
function splitRule(rule: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(rule))) out.push(m[1] ?? m[2]!);
  return out;
}
