import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

import ipaddr from 'ipaddr.js';

/** One address a host name resolved to. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all of its addresses (default: the system resolver, as connections would use it). */
export type HostResolver = (host: string) => Promise<ResolvedAddress[]>;

export const systemResolver: HostResolver = async (host) => {
  const answers = await lookup(host, { all: true, verbatim: true });
  return answers.map((answer) => ({ address: answer.address, family: answer.family === 6 ? 6 : 4 }));
};

/**
 * Where alerts may go. `allowedHosts` (RATCHET_ALERT_ALLOWED_HOSTS, lowercased host names or IP literals) skip the
 * address check: an operator's own in-cluster receiver, or tests' local receivers.
 */
export interface OutboundPolicy {
  allowedHosts: ReadonlySet<string>;
  resolve: HostResolver;
}

export function outboundPolicy(allowedHosts: Iterable<string>, resolve: HostResolver = systemResolver): OutboundPolicy {
  return { allowedHosts: new Set([...allowedHosts].map(normalizeHost)), resolve };
}

/** A destination refused: it resolves to an address Ratchet never sends to, or does not resolve. */
export class OutboundRefusedError extends Error {
  override readonly name = 'OutboundRefusedError';
  constructor(
    readonly host: string,
    readonly reason: string,
  ) {
    super(`${host} is refused as an alert destination: ${reason}`);
  }
}

/** A host checked and pinned: connect to `address`, while TLS and the Host header keep using `host`. */
export interface PinnedHost {
  host: string;
  address: string;
  family: 4 | 6;
}

function normalizeHost(host: string): string {
  // URL.hostname keeps IPv6 literals in brackets; policies and lookups use the bare address.
  return host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
}

/**
 * Why an address may not be an alert destination, or null when it may. Only ipaddr.js's `unicast` range (public
 * unicast) passes: loopback, private (RFC 1918), link-local (169.254/16, fe80::/10, which holds cloud metadata
 * services), carrier-grade NAT, unique-local (fc00::/7), multicast, unspecified, reserved and documentation ranges
 * are refused, and so are the IPv6 ranges that embed an IPv4 address (6to4, Teredo, NAT64), whose target the check
 * cannot vouch for. An IPv4-mapped IPv6 address (::ffff:10.0.0.1) is judged as the IPv4 address it maps to.
 */
export function forbiddenAddressReason(address: string): string | null {
  if (!ipaddr.isValid(address)) return `"${address}" is not an IP address`;
  // process() turns ::ffff:a.b.c.d into the IPv4 address a.b.c.d.
  const parsed = ipaddr.process(address);
  const range = parsed.range();
  if (range === 'unicast') return null;
  return `${address} is in the ${range} range (${parsed.kind()})`;
}

/**
 * Resolves `host` and checks every address it resolves to (one forbidden address refuses the host: a resolver
 * may hand any of them to a connection). Returns the first address, which the caller must connect to (pinning),
 * so a DNS answer that changes between this check and the connection (DNS rebinding) cannot reach a forbidden
 * address. An allowed host is resolved and pinned without the range check. Throws OutboundRefusedError.
 */
export async function pinOutboundHost(rawHost: string, policy: OutboundPolicy): Promise<PinnedHost> {
  const host = normalizeHost(rawHost);
  if (host === '') throw new OutboundRefusedError(rawHost, 'the host is empty');
  const allowed = policy.allowedHosts.has(host);
  let addresses: ResolvedAddress[];
  if (isIP(host) !== 0) {
    addresses = [{ address: host, family: isIP(host) === 6 ? 6 : 4 }];
  } else {
    try {
      addresses = await policy.resolve(host);
    } catch (error) {
      throw new OutboundRefusedError(host, `it does not resolve (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  if (addresses.length === 0) throw new OutboundRefusedError(host, 'it resolves to no address');
  if (!allowed) {
    for (const { address } of addresses) {
      const reason = forbiddenAddressReason(address);
      if (reason !== null) throw new OutboundRefusedError(host, `${reason}; add the host to RATCHET_ALERT_ALLOWED_HOSTS to allow it`);
    }
  }
  const first = addresses[0]!;
  return { host, address: first.address, family: first.family };
}

/** Parses RATCHET_ALERT_ALLOWED_HOSTS: comma-separated host names or IP literals (no ports, no wildcards). */
export function parseAllowedHosts(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((entry) => normalizeHost(entry))
    .filter((entry) => entry !== '');
}

/** Whether one entry of RATCHET_ALERT_ALLOWED_HOSTS is well-formed (a host name or an IP literal). */
export function isAllowedHostEntry(entry: string): boolean {
  return isIP(entry) !== 0 || /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(entry);
}
