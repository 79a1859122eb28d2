import net from 'node:net';
import os from 'node:os';

/**
 * Which destinations a job's traffic may reach. A stranger's job may talk to the internet, never
 * to the owner's machine, home network, provider's carrier NAT or a cloud metadata service.
 */

interface Cidr {
  base: bigint;
  bits: number;
  family: 4 | 6;
  why: string;
}

function parseCidr(text: string, why: string): Cidr {
  const [addr, bits] = text.split('/') as [string, string];
  const family = net.isIPv4(addr) ? 4 : 6;
  return { base: toBigInt(addr), bits: Number(bits), family, why };
}

/** Special-purpose ranges that are never a job's business (IANA special-purpose registries). */
const BLOCKED: Cidr[] = [
  parseCidr('0.0.0.0/8', 'a "this network" address'),
  parseCidr('10.0.0.0/8', 'a private (RFC 1918) address'),
  parseCidr('100.64.0.0/10', 'a carrier-grade NAT address'),
  parseCidr('127.0.0.0/8', 'a loopback address'),
  parseCidr('169.254.0.0/16', 'a link-local address (this includes cloud metadata at 169.254.169.254)'),
  parseCidr('172.16.0.0/12', 'a private (RFC 1918) address'),
  parseCidr('192.0.0.0/24', 'an IETF protocol address'),
  parseCidr('192.168.0.0/16', 'a private (RFC 1918) address'),
  parseCidr('198.18.0.0/15', 'a benchmarking address'),
  parseCidr('224.0.0.0/4', 'a multicast address'),
  parseCidr('240.0.0.0/4', 'a reserved address'),
  parseCidr('::/128', 'the unspecified address'),
  parseCidr('::1/128', 'a loopback address'),
  parseCidr('fc00::/7', 'a private (unique local) address'),
  parseCidr('fe80::/10', 'a link-local address'),
  parseCidr('ff00::/8', 'a multicast address'),
  parseCidr('2001:db8::/32', 'a documentation address'),
];
// The IPv4 documentation ranges (TEST-NET-1/2/3) route nowhere on the internet; a home network
// that uses them anyway is caught by the on-link rule below.

export interface HostView {
  /** The host's own addresses, whatever range they are in. */
  localAddresses: string[];
  /** Subnets the host is directly attached to: the owner's LAN, even when it uses public space. */
  onLink: { address: string; prefix: number }[];
}

export function hostView(): HostView {
  const localAddresses: string[] = [];
  const onLink: HostView['onLink'] = [];
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) {
      const address = a.address.split('%')[0]!;
      localAddresses.push(address);
      const prefix = Number(a.cidr?.split('/')[1] ?? (a.family === 'IPv4' ? 32 : 128));
      onLink.push({ address, prefix });
    }
  }
  return { localAddresses, onLink };
}

/** Null when the job may connect to `ip`, otherwise the reason it may not. */
export function blockedReason(ip: string, host: HostView): string | null {
  if (!net.isIP(ip)) return `"${ip}" is not an IP address`;
  const address = unmapV4(ip);
  const family = net.isIPv4(address) ? 4 : 6;
  const value = toBigInt(address);
  for (const c of BLOCKED) {
    if (c.family === family && inRange(value, c.base, c.bits, family)) return `${address} is ${c.why}`;
  }
  // NAT64 and 6to4 embed an IPv4 address that would then be reached anyway.
  if (family === 6 && inRange(value, toBigInt('64:ff9b::'), 96, 6)) {
    return blockedReason(fromV4Bits(value & 0xffffffffn), host);
  }
  if (family === 6 && inRange(value, toBigInt('2002::'), 16, 6)) {
    return blockedReason(fromV4Bits((value >> 80n) & 0xffffffffn), host);
  }
  for (const local of host.localAddresses) {
    if (net.isIP(local) && sameAddress(unmapV4(local), address)) return `${address} is this computer`;
  }
  for (const link of host.onLink) {
    const linkAddr = unmapV4(link.address);
    const linkFamily = net.isIPv4(linkAddr) ? 4 : 6;
    if (linkFamily === family && inRange(value, toBigInt(linkAddr), link.prefix, family)) {
      return `${address} is on this computer's local network (${linkAddr}/${link.prefix})`;
    }
  }
  return null;
}

function unmapV4(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m ? m[1]! : ip;
}

function sameAddress(a: string, b: string): boolean {
  return net.isIPv4(a) === net.isIPv4(b) && toBigInt(a) === toBigInt(b);
}

function inRange(value: bigint, base: bigint, bits: number, family: 4 | 6): boolean {
  const width = family === 4 ? 32 : 128;
  const shift = BigInt(width - bits);
  return value >> shift === base >> shift;
}

function fromV4Bits(v: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => Number((v >> s) & 0xffn)).join('.');
}

function toBigInt(ip: string): bigint {
  if (net.isIPv4(ip)) return ip.split('.').reduce((acc, part) => (acc << 8n) + BigInt(Number(part)), 0n);
  let text = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = toBigInt(v4[1]!);
    text = text.slice(0, -v4[1]!.length) + `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  const missing = 8 - headParts.length - tailParts.length;
  const parts = tail === undefined ? headParts : [...headParts, ...Array<string>(missing).fill('0'), ...tailParts];
  return parts.reduce((acc, part) => (acc << 16n) + BigInt(parseInt(part || '0', 16)), 0n);
}
