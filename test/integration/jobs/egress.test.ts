import http from 'node:http';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostEgress } from '../../../electron/core/egress/host-egress';
import { leftovers, shJob, startRig, type Rig } from './harness';
import { hostGet, startNsTarget, type NsTarget } from './netns';

let rig: Rig;
const egress = new HostEgress();
const targets: NsTarget[] = [];
const servers: http.Server[] = [];

/** A service on the host, like the owner's own web UI or a local database. */
async function hostService(host: string): Promise<number> {
  const server = http.createServer((_req, res) => res.end('host-secret\n'));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, host, r));
  return (server.address() as net.AddressInfo).port;
}

beforeAll(async () => {
  rig = await startRig({ egress });
});
afterAll(async () => {
  for (const t of targets) t.close();
  for (const s of servers) s.close();
  expect(await leftovers(rig.docker, rig.owns)).toEqual({ containers: 0, volumes: 0, networks: 0 });
  await rig.close();
});

/** Tries a URL through the proxy (the job's env) and directly, printing what happened. */
function probe(url: string): string {
  return `echo "via-proxy:$(timeout 5 wget -q -O - ${url} 2>&1 | head -c 200 | tr '\\n' ' ')"; echo "direct:$(timeout 5 wget -Y off -q -O - ${url} 2>&1 | head -c 200 | tr '\\n' ' ')"`;
}

describe('sandbox: network', () => {
  it('gives a network:none job no way to the host or the registry', async () => {
    const port = await hostService('0.0.0.0');
    expect(await hostGet(`http://192.0.2.2:${port}/`)).toBe('host-secret\n');
    const out = await rig.run(
      shJob(
        `cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d ' '; for u in http://192.0.2.2:${port}/ http://172.17.0.1:${port}/ http://127.0.0.1:5000/v2/ http://192.0.2.2:5000/v2/; do timeout 5 wget -q -O - $u >/dev/null 2>&1; echo "rc=$?"; done`,
      ),
    );
    expect(out.status).toBe('succeeded');
    const ifaces = out.logTail.split('\n').filter((l) => l && !l.startsWith('rc='));
    expect(ifaces).toEqual(['lo']);
    expect(out.logTail).not.toContain('host-secret');
    expect(out.logTail.match(/rc=0/g)).toBeNull();
  });

  it('keeps a network:egress job away from 127.0.0.1, the host addresses, a private LAN address and 169.254.169.254', async () => {
    const loopPort = await hostService('127.0.0.1');
    const hostPort = await hostService('0.0.0.0');
    const lan = startNsTarget({ hostCidr: '10.213.7.1/24', nsCidr: '10.213.7.2/24' });
    targets.push(lan);
    const metadata = startNsTarget({ hostCidr: '169.254.169.253/30', nsCidr: '169.254.169.254/30' });
    targets.push(metadata);
    // Each target is really reachable from the host, so a refusal below is the sandbox's doing.
    expect(await hostGet(`http://127.0.0.1:${loopPort}/`)).toBe('host-secret\n');
    expect(await hostGet(`http://192.0.2.2:${hostPort}/`)).toBe('host-secret\n');
    expect(await hostGet(`http://${lan.address}/`)).toBe(lan.body);
    expect(await hostGet(`http://${metadata.address}/`)).toBe(metadata.body);

    let guardRules: string[] = [];
    const urls = [
      `http://127.0.0.1:${loopPort}/`,
      `http://192.0.2.2:${hostPort}/`,
      `http://172.17.0.1:${hostPort}/`,
      `http://${lan.address}/`,
      `http://169.254.169.254/`,
    ];
    const script = `gw=$(echo $http_proxy | sed -e 's#http://##' -e 's#:.*##'); ${probe(`http://$gw:${hostPort}/`)}; ${urls.map(probe).join('; ')}`;
    const out = await rig.run(shJob(script, { network: 'egress', resources: { maxSeconds: 90 } }), {
      onContainer: async () => {
        guardRules = await egress.guard.rules(rig.runner.running[0] ?? '');
      },
    });
    expect(out.status).toBe('succeeded');
    expect(out.logTail).not.toContain('host-secret');
    expect(out.logTail).not.toContain('hello from');
    // The proxy answers each attempt with its reason.
    const lines = out.logTail.split('\n').filter((l) => l.startsWith('via-proxy:') || l.startsWith('direct:'));
    expect(lines).toHaveLength(2 * (urls.length + 1));
    // The gateway itself is the proxy's own host: a direct try is dropped by the host guard.
    for (const line of lines.filter((l) => l.startsWith('via-proxy:')).slice(1)) expect(line).toMatch(/403|Forbidden/);
    for (const line of lines.filter((l) => l.startsWith('direct:'))) expect(line).not.toMatch(/secret|hello/);
    expect(guardRules.some((r) => r.includes('-j DROP'))).toBe(true);
    expect(guardRules.some((r) => r.includes('-j ACCEPT') && r.includes('--dport'))).toBe(true);
    expect(await egress.guard.rules(out.jobId)).toEqual([]);
  });

  it('lets a network:egress job reach a public address through the proxy, and only through it', async () => {
    const site = startNsTarget({
      hostCidr: '198.51.100.1/30',
      nsCidr: '198.51.100.2/30',
      routedAddress: '203.0.113.10',
    });
    targets.push(site);
    expect(await hostGet(`http://${site.address}/`)).toBe(site.body);
    const out = await rig.run(shJob(probe(`http://${site.address}/index.html`), { network: 'egress' }));
    expect(out.status).toBe('succeeded');
    expect(out.logTail).toContain(`via-proxy:${site.body.trim()}`);
    expect(out.logTail).not.toContain(`direct:${site.body.trim()}`);
  });
});
