/**
 * The egress allow-list of network sources (the config file's `sources.allowed_hosts`,
 * docs/runtime.md "Sources"). A connector manager picks a connector's host and port; the
 * operator bounds where that may lead. Every network source (today the database sources; HTTP
 * sources later) asks `resolveAllowed` for the address to connect to, and connects to exactly
 * that address: the check and the connection use the same resolution, so a DNS answer that
 * changes in between (DNS rebinding) cannot lead elsewhere.
 *
 * Entries: an IPv4 or IPv6 address (`10.0.0.5`, `::1`), a CIDR block (`10.0.0.0/8`,
 * `fd00::/8`), a host name (`db.internal`, case-insensitive, any address it resolves to is
 * allowed) or a name suffix (`*.db.internal`). IPv4-mapped IPv6 addresses are checked as IPv4.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { SourceError } from '../source.js';

/** How long a host-name lookup may take (getaddrinfo runs on libuv's thread pool). */
export const LOOKUP_TIMEOUT_MS = 10_000;

export interface AllowList {
  /** Exact host names, lower case, without a trailing dot. */
  names: Set<string>;
  /** Name suffixes from `*.example.com` entries: `.example.com`. */
  suffixes: string[];
  addresses: BlockList;
}

const cache = new WeakMap<readonly string[], AllowList>();

function normName(h: string): string {
  return h.trim().toLowerCase().replace(/\.$/, '');
}

/** `[::1]` → `::1`; IPv6 in canonical form; IPv4-mapped (`::ffff:10.0.0.1`, `0:0:0:0:0:ffff:a00:1`) → `10.0.0.1`. */
export function normAddress(a: string): string {
  let s = a.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  if (isIP(s) !== 6) return s;
  // The WHATWG URL parser canonicalises IPv6 (compressed, lower case, a mapped IPv4 in hex).
  const canon = new URL(`http://[${s}]/`).hostname.slice(1, -1);
  const m = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canon);
  if (!m) return canon;
  const hi = parseInt(m[1], 16);
  const lo = parseInt(m[2], 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** Parses the entries; throws an Error naming the first bad one (config-file time). */
export function compileAllowList(entries: readonly string[]): AllowList {
  const hit = cache.get(entries);
  if (hit) return hit;
  const out: AllowList = { names: new Set(), suffixes: [], addresses: new BlockList() };
  for (const raw of entries) {
    const e = raw.trim();
    const slash = e.indexOf('/');
    if (slash >= 0) {
      const net = normAddress(e.slice(0, slash));
      const bits = e.slice(slash + 1);
      const family = isIP(net);
      const prefix = Number(bits);
      if (!family || !/^\d{1,3}$/.test(bits) || prefix > (family === 4 ? 32 : 128)) {
        throw new Error(`sources.allowed_hosts: [${raw}] is not a valid CIDR block (e.g. 10.0.0.0/8 or fd00::/8)`);
      }
      out.addresses.addSubnet(net, prefix, family === 4 ? 'ipv4' : 'ipv6');
    } else if (isIP(normAddress(e))) {
      const a = normAddress(e);
      out.addresses.addAddress(a, isIP(a) === 4 ? 'ipv4' : 'ipv6');
    } else if (/^\*\.[a-z0-9.-]+$/i.test(e)) {
      out.suffixes.push(normName(e.slice(1)));
    } else if (/^[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?\.?$/i.test(e) && e.length <= 253) {
      out.names.add(normName(e));
    } else {
      throw new Error(`sources.allowed_hosts: [${raw}] is not a host name, address or CIDR block`);
    }
  }
  cache.set(entries, out);
  return out;
}

export function addressAllowed(list: AllowList, address: string): boolean {
  const a = normAddress(address);
  const family = isIP(a);
  if (!family) return false;
  return list.addresses.check(a, family === 4 ? 'ipv4' : 'ipv6');
}

function nameAllowed(list: AllowList, host: string): boolean {
  const h = normName(host);
  return list.names.has(h) || list.suffixes.some((s) => h.endsWith(s) && h.length > s.length);
}

export interface Target {
  /** The host as configured (for messages, TLS server name checks). */
  host: string;
  /** Where to connect: an address that was checked, or `host` itself without an allow-list. */
  address: string;
}

/**
 * The address a source may connect to for `host`, or a SourceError (a configuration error)
 * when the allow-list does not cover it. Without an allow-list (`null`) nothing is resolved.
 * The message is the same whether the host does not resolve or resolves elsewhere, so it does
 * not reveal the operator's internal DNS; it names neither the addresses nor the list.
 */
export async function resolveAllowed(host: string, allowed: readonly string[] | null, what: string): Promise<Target> {
  if (allowed === null) return { host, address: host };
  const list = compileAllowList(allowed);
  const refused = () =>
    new SourceError(
      `${what}: host "${host}" is not allowed. The server's operator limits which hosts connectors may reach ` +
        '(sources.allowed_hosts in the configuration file); use an allowed host or ask the operator.',
      { transient: false },
    );
  const literal = normAddress(host);
  if (isIP(literal)) {
    if (!addressAllowed(list, literal)) throw refused();
    return { host, address: literal };
  }
  const byName = nameAllowed(list, host);
  let found: { address: string; family: number }[];
  let timer: NodeJS.Timeout | undefined;
  try {
    found = await Promise.race([
      lookup(host, { all: true, verbatim: true }),
      new Promise<never>((_, rej) => {
        timer = setTimeout(() => rej(Object.assign(new Error(`lookup of ${host} timed out`), { code: 'EAI_AGAIN' })), LOOKUP_TIMEOUT_MS);
        timer.unref();
      }),
    ]);
  } catch (err) {
    if (byName) throw err; // an allowed name that does not resolve: the driver's usual message
    throw refused();
  } finally {
    clearTimeout(timer);
  }
  const ok = byName ? found : found.filter((f) => addressAllowed(list, f.address));
  if (ok.length === 0) throw refused();
  return { host, address: normAddress(ok[0].address) };
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | { address: string; family: number }[], family?: number) => void;

/**
 * For HTTP sources: a `lookup` for `http.request` / `https.Agent` / `net.connect` that answers
 * every name with the address `resolveAllowed` checked, so the request goes exactly there
 * (no second resolution, no rebinding) while the URL keeps its host name for `Host` and TLS:
 *
 *   const t = await resolveAllowed(url.hostname, policy.allowedHosts, 'Confluence');
 *   https.request(url, { lookup: pinnedLookup(t.address), signal: ctx.signal }, …)
 *
 * Pass the sync's `ctx.signal` as the request's `signal`: a cancelled job aborts the request.
 */
export function pinnedLookup(address: string) {
  const family = isIP(address);
  if (!family) throw new Error(`pinnedLookup needs an address, got [${address}]`);
  return (_host: string, options: { all?: boolean } | number | LookupCallback, cb?: LookupCallback): void => {
    const callback = (typeof options === 'function' ? options : cb) as LookupCallback;
    const all = typeof options === 'object' && options?.all === true;
    if (all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}
