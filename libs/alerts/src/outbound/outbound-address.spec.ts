import { describe, expect, it } from '@jest/globals';

import { OutboundRefusedError, forbiddenAddressReason, outboundPolicy, parseAllowedHosts, pinOutboundHost } from './outbound-address.js';
import type { HostResolver } from './outbound-address.js';

const resolveTo = (...addresses: string[]): HostResolver => () =>
  Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? (6 as const) : (4 as const) })));

describe('forbiddenAddressReason', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['::1', 'loopback'],
    ['fe80::1', 'linkLocal'],
    ['fd00::1', 'uniqueLocal'],
    ['fc12:3456::1', 'uniqueLocal'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['64:ff9b::a00:1', 'rfc6052'],
    ['2002:a00:1::1', '6to4'],
    ['::', 'unspecified'],
  ])('refuses %s (%s)', (address, range) => {
    expect(forbiddenAddressReason(address)).toContain(range);
  });

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:93.184.215.14'])('accepts the public address %s', (address) => {
    expect(forbiddenAddressReason(address)).toBeNull();
  });
});

describe('pinOutboundHost', () => {
  it('pins the first address of a public host', async () => {
    const sut = await pinOutboundHost('Hooks.Example.COM', outboundPolicy([], resolveTo('93.184.215.14', '2606:4700::1')));
    expect(sut).toEqual({ host: 'hooks.example.com', address: '93.184.215.14', family: 4 });
  });

  it('refuses a host when any of its addresses is private', async () => {
    await expect(pinOutboundHost('mixed.example.com', outboundPolicy([], resolveTo('93.184.215.14', '10.0.0.5')))).rejects.toThrow(/10\.0\.0\.5 is in the private range/);
  });

  it('refuses IP literals in forbidden ranges, bracketed IPv6 included', async () => {
    await expect(pinOutboundHost('[::1]', outboundPolicy([]))).rejects.toBeInstanceOf(OutboundRefusedError);
    await expect(pinOutboundHost('127.0.0.1', outboundPolicy([]))).rejects.toThrow(/RATCHET_ALERT_ALLOWED_HOSTS/);
  });

  it('lets an allowed host through, still pinned to what it resolved to', async () => {
    const policy = outboundPolicy(parseAllowedHosts(' Receiver.Internal ,127.0.0.1'), resolveTo('10.0.0.7'));
    expect(await pinOutboundHost('receiver.internal', policy)).toEqual({ host: 'receiver.internal', address: '10.0.0.7', family: 4 });
    expect((await pinOutboundHost('127.0.0.1', policy)).address).toBe('127.0.0.1');
  });

  it('refuses a host that does not resolve', async () => {
    const policy = outboundPolicy([], () => Promise.reject(new Error('ENOTFOUND')));
    await expect(pinOutboundHost('nowhere.example', policy)).rejects.toThrow(/does not resolve \(ENOTFOUND\)/);
  });
});
