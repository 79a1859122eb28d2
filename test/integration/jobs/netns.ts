import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

/**
 * A web server inside a network namespace the test creates, joined to the host by a veth pair:
 * a stand-in for a LAN device (router, NAS), a metadata service or a public site.
 */
export interface NsTarget {
  /** The address the server listens on. */
  address: string;
  body: string;
  close(): void;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' });
}

let counter = 0;

export function startNsTarget(options: {
  /** Host end of the veth, with prefix, e.g. 10.213.7.1/24. */
  hostCidr: string;
  /** Namespace end, with prefix. */
  nsCidr: string;
  /** Serve on an extra address behind the namespace (routed, not on-link), e.g. 203.0.113.10. */
  routedAddress?: string;
}): NsTarget {
  const n = `${process.pid % 10000}${counter++}`;
  const ns = `rstest-ns${n}`;
  const hostIf = `rsth${n}`;
  const nsIf = `rstn${n}`;
  const hostIp = options.hostCidr.split('/')[0]!;
  const nsIp = options.nsCidr.split('/')[0]!;
  const address = options.routedAddress ?? nsIp;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rigshare-ns-www-'));
  const body = `hello from ${address} ${n}\n`;
  fs.writeFileSync(path.join(root, 'index.html'), body);
  let server: ChildProcess | null = null;
  const close = (): void => {
    if (server?.pid) {
      try {
        process.kill(server.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    if (options.routedAddress) {
      try {
        ip('route', 'del', `${options.routedAddress}/32`);
      } catch {
        /* removed with the link */
      }
    }
    try {
      ip('link', 'del', hostIf);
    } catch {
      /* already gone */
    }
    try {
      ip('netns', 'del', ns);
    } catch {
      /* already gone */
    }
    fs.rmSync(root, { recursive: true, force: true });
  };
  try {
    ip('netns', 'add', ns);
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
    ip('link', 'set', nsIf, 'netns', ns);
    ip('addr', 'add', options.hostCidr, 'dev', hostIf);
    ip('link', 'set', hostIf, 'up');
    ip('-n', ns, 'addr', 'add', options.nsCidr, 'dev', nsIf);
    ip('-n', ns, 'link', 'set', nsIf, 'up');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    ip('-n', ns, 'route', 'add', 'default', 'via', hostIp);
    if (options.routedAddress) {
      ip('-n', ns, 'addr', 'add', `${options.routedAddress}/32`, 'dev', 'lo');
      ip('route', 'add', `${options.routedAddress}/32`, 'via', nsIp, 'dev', hostIf);
    }
    server = spawn('ip', ['netns', 'exec', ns, 'busybox', 'httpd', '-f', '-p', `${address}:80`, '-h', root], {
      stdio: 'ignore',
    });
  } catch (err) {
    close();
    throw err;
  }
  return { address, body, close };
}

/** GET from the host itself, to show the target is really there. */
export async function hostGet(url: string, attempts = 30): Promise<string> {
  for (let i = 0; ; i++) {
    try {
      return await new Promise<string>((resolve, reject) => {
        const req = http.get(url, { timeout: 2000 }, (res) => {
          let data = '';
          res.on('data', (c: Buffer) => (data += c.toString()));
          res.on('end', () => resolve(data));
        });
        req.on('error', reject);
        req.on('timeout', () => req.destroy(new Error('timeout')));
      });
    } catch (err) {
      if (i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
