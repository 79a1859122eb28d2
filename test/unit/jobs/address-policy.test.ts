import { describe, expect, it } from 'vitest';
import { blockedReason, type HostView } from '../../../electron/core/egress/address-policy';

const home: HostView = {
  localAddresses: ['127.0.0.1', '192.0.2.2', '::1', '2001:470:1:2::5'],
  onLink: [
    { address: '192.0.2.2', prefix: 24 },
    { address: '2001:470:1:2::5', prefix: 64 },
  ],
};

describe('egress address policy', () => {
  it.each([
    ['127.0.0.1', /loopback/],
    ['127.8.9.10', /loopback/],
    ['10.1.2.3', /private/],
    ['172.16.0.1', /private/],
    ['172.31.255.255', /private/],
    ['192.168.1.1', /private/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['100.127.255.254', /carrier-grade NAT/],
    ['169.254.169.254', /metadata/],
    ['0.0.0.0', /this network/],
    ['224.0.0.1', /multicast/],
    ['255.255.255.255', /reserved/],
    ['::1', /loopback/],
    ['fe80::1', /link-local/],
    ['fd00::1', /private/],
    ['::ffff:10.0.0.1', /private/],
    ['::ffff:127.0.0.1', /loopback/],
    ['64:ff9b::a9fe:a9fe', /link-local/],
    ['2002:c0a8:0101::1', /private/],
  ])('refuses %s', (ip, why) => {
    expect(blockedReason(ip, home)).toMatch(why);
  });

  it('refuses the host itself and its own network, even in public address space', () => {
    expect(blockedReason('192.0.2.2', home)).toMatch(/this computer/);
    expect(blockedReason('192.0.2.1', home)).toMatch(/local network/);
    expect(blockedReason('2001:470:1:2::1', home)).toMatch(/local network/);
  });

  it('allows public destinations', () => {
    for (const ip of ['1.1.1.1', '8.8.8.8', '203.0.113.10', '172.32.0.1', '100.128.0.1', '2606:4700::1111']) {
      expect(blockedReason(ip, home), ip).toBeNull();
    }
  });

  it('refuses things that are not addresses', () => {
    expect(blockedReason('example.com', home)).toMatch(/not an IP/);
  });
});
