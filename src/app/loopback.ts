/**
 * Is a bind address loopback? `serve` refuses any other address without authentication
 * (docs/security.md "Defaults"). Names are resolved first: every address must be loopback.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** True for a loopback IP address: 127.0.0.0/8, ::1, and IPv4-mapped ::ffff:127.x.y.z. */
export function isLoopbackAddress(address: string): boolean {
  const a = address.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(a);
  // BlockList matches IPv4-mapped IPv6 addresses against the IPv4 rules.
  return family !== 0 && LOOPBACK.check(a, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * True when every address `host` stands for is loopback. A name is resolved (every address,
 * IPv4 and IPv6) first: `127.example.com` is a name like any other, not a loopback address.
 * A name that does not resolve is not loopback.
 */
export async function isLoopback(host: string, resolve: typeof lookup = lookup): Promise<boolean> {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (isIP(bare)) return isLoopbackAddress(bare);
  let addresses: { address: string }[];
  try {
    addresses = await resolve(bare, { all: true, verbatim: true });
  } catch {
    return false;
  }
  return addresses.length > 0 && addresses.every((a) => isLoopbackAddress(a.address));
}
