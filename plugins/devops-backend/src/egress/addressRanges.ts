import { BlockList, isIP } from 'node:net';

/** The address ranges the allow-list treats specially, and the checks on them. */

export type Family = 'ipv4' | 'ipv6';

/**
 * Address ranges no entity reaches through a host-name entry alone. `byName: true` ranges are
 * admitted by an exact host-name entry (not `*.domain`) or an IP/CIDR entry; the others only by
 * an IP/CIDR entry that contains the address. IPv4-mapped IPv6 forms (`::ffff:10.0.0.1`) fall in
 * the IPv4 ranges (`BlockList` compares them as IPv4).
 */
interface SpecialRange {
  kind: string;
  byName: boolean;
  ranges: Array<[string, number, Family]>;
}

const SPECIAL_RANGES = (
  [
    {
      kind: 'a cloud metadata address',
      byName: false,
      ranges: [
        ['168.63.129.16', 32, 'ipv4'], // Azure WireServer
        ['fd00:ec2::254', 128, 'ipv6'], // AWS IMDS over IPv6
        ['100.100.100.200', 32, 'ipv4'], // Alibaba Cloud
      ],
    },
    {
      kind: 'the unspecified address',
      byName: false,
      ranges: [
        ['0.0.0.0', 8, 'ipv4'],
        ['::', 128, 'ipv6'],
      ],
    },
    {
      kind: 'a loopback address',
      byName: true,
      ranges: [
        ['127.0.0.0', 8, 'ipv4'],
        ['::1', 128, 'ipv6'],
      ],
    },
    {
      kind: 'a link-local address (where cloud metadata services answer)',
      byName: false,
      ranges: [
        ['169.254.0.0', 16, 'ipv4'],
        ['fe80::', 10, 'ipv6'],
      ],
    },
    {
      kind: 'a private address',
      byName: true,
      ranges: [
        ['10.0.0.0', 8, 'ipv4'],
        ['172.16.0.0', 12, 'ipv4'],
        ['192.168.0.0', 16, 'ipv4'],
        ['fc00::', 7, 'ipv6'],
      ],
    },
    {
      kind: 'a shared (carrier-grade NAT) address',
      byName: true,
      ranges: [['100.64.0.0', 10, 'ipv4']],
    },
    {
      kind: 'a reserved, multicast or broadcast address',
      byName: false,
      ranges: [
        ['192.0.0.0', 24, 'ipv4'],
        ['198.18.0.0', 15, 'ipv4'],
        ['224.0.0.0', 4, 'ipv4'],
        ['240.0.0.0', 4, 'ipv4'],
        ['::', 96, 'ipv6'], // IPv4-compatible (deprecated)
        ['ff00::', 8, 'ipv6'],
      ],
    },
    {
      kind: 'an IPv6 address that embeds an IPv4 one (NAT64, 6to4, Teredo)',
      byName: false,
      ranges: [
        ['64:ff9b::', 96, 'ipv6'],
        ['64:ff9b:1::', 48, 'ipv6'],
        ['2002::', 16, 'ipv6'],
        ['2001::', 32, 'ipv6'],
      ],
    },
  ] satisfies SpecialRange[]
).map(group => ({ ...group, list: blockList(group.ranges) }));

export function blockList(ranges: Array<[string, number, Family]>): BlockList {
  const list = new BlockList();
  for (const [network, prefix, family] of ranges) {
    list.addSubnet(network, prefix, family);
  }
  return list;
}

export function familyOf(address: string): Family {
  return isIP(address) === 6 ? 'ipv6' : 'ipv4';
}

/** The special range an address is in, or `undefined` for a public address. */
export function specialRangeOf(
  address: string,
): { kind: string; byName: boolean } | undefined {
  const family = familyOf(address);
  return SPECIAL_RANGES.find(group => group.list.check(address, family));
}
