import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { Agent } from 'undici';
import { LookoutError } from '../../errors.ts';

// Outbound URLs (webhooks, Slack, PagerDuty, Alertmanager, and a judge endpoint an evaluator
// names, quality/judge/): http or https only, and no private, loopback, link-local or otherwise
// internal address unless the host name, the address or a range containing it is allow-listed.
// IPv6 addresses that carry an IPv4 address (IPv4-mapped, NAT64, 6to4) are judged by the IPv4
// address they reach.
//
// A name is resolved once, when the connection is made, by the lookup of the agent() below: every
// address it resolves to is checked and the socket connects to one of those checked addresses, so
// a name that answers differently between a check and the connection (DNS rebinding) gets nowhere.
// TLS still names the host (SNI and certificate checks use the URL's name, not the address).

export class OutboundRefusedError extends LookoutError {
  override name = 'OutboundRefusedError';
  // The same refusal without the addresses, for records that a project's readers see.
  readonly publicMessage: string;
  constructor(message: string, publicMessage = message) {
    super('outbound_refused', message);
    this.publicMessage = publicMessage;
  }
}

export type Lookup = (hostname: string) => Promise<{ address: string; family: number }[]>;
const defaultLookup: Lookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

type Family = 'ipv4' | 'ipv6';
const DENIED: [string, number, Family, string][] = [
  ['0.0.0.0', 8, 'ipv4', 'an unspecified'],
  ['10.0.0.0', 8, 'ipv4', 'a private'],
  ['100.64.0.0', 10, 'ipv4', 'a carrier-grade NAT'],
  ['127.0.0.0', 8, 'ipv4', 'a loopback'],
  ['169.254.0.0', 16, 'ipv4', 'a link-local'],
  ['172.16.0.0', 12, 'ipv4', 'a private'],
  ['192.0.0.0', 24, 'ipv4', 'a reserved'],
  ['192.0.2.0', 24, 'ipv4', 'a documentation'],
  ['192.88.99.0', 24, 'ipv4', 'a 6to4 relay'],
  ['192.168.0.0', 16, 'ipv4', 'a private'],
  ['198.18.0.0', 15, 'ipv4', 'a benchmarking'],
  ['198.51.100.0', 24, 'ipv4', 'a documentation'],
  ['203.0.113.0', 24, 'ipv4', 'a documentation'],
  ['224.0.0.0', 4, 'ipv4', 'a multicast'],
  ['240.0.0.0', 4, 'ipv4', 'a reserved'],
  ['::', 128, 'ipv6', 'an unspecified'],
  ['::1', 128, 'ipv6', 'a loopback'],
  // IPv4-compatible (deprecated, RFC 4291 §2.5.5.1): ::127.0.0.1 reaches loopback on some stacks.
  ['::', 96, 'ipv6', 'an IPv4-compatible (deprecated)'],
  ['::ffff:0:0:0', 96, 'ipv6', 'an IPv4-translated'],
  ['64:ff9b:1::', 48, 'ipv6', 'a local-use NAT64'],
  ['100::', 64, 'ipv6', 'a discard-only'],
  ['2001::', 32, 'ipv6', 'a Teredo'],
  ['2001:db8::', 32, 'ipv6', 'a documentation'],
  ['fc00::', 7, 'ipv6', 'a unique-local (private)'],
  ['fe80::', 10, 'ipv6', 'a link-local'],
  ['fec0::', 10, 'ipv6', 'a site-local (deprecated)'],
  ['ff00::', 8, 'ipv6', 'a multicast'],
];
const DENIED_LISTS = DENIED.map(([net, bits, family, what]) => {
  const list = new BlockList();
  list.addSubnet(net, bits, family);
  return { list, family, what };
});

// Prefixes whose addresses carry an IPv4 address, and where its 32 bits are (as 16-bit groups).
// IPv4-mapped (::ffff:a.b.c.d), NAT64 (RFC 6052) and 6to4 (RFC 3056).
const EMBEDDING: { list: BlockList; group: number }[] = [
  { net: '::ffff:0:0', bits: 96, group: 6 },
  { net: '64:ff9b::', bits: 96, group: 6 },
  { net: '2002::', bits: 16, group: 1 },
].map(({ net, bits, group }) => {
  const list = new BlockList();
  list.addSubnet(net, bits, 'ipv6');
  return { list, group };
});

// The eight 16-bit groups of a valid IPv6 address (isIP(address) === 6).
function groupsOf(address: string): number[] {
  let text = address.toLowerCase().split('%')[0]!;
  const tail: number[] = [];
  const dotted = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(2).map(Number) as [number, number, number, number];
    tail.push((a << 8) | b, (c << 8) | d);
    text = dotted[1]!.endsWith('::') ? dotted[1]! : dotted[1]!.slice(0, -1);
  }
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const gap = text.indexOf('::');
  if (gap < 0) return [...parse(text), ...tail];
  const left = parse(text.slice(0, gap));
  const right = [...parse(text.slice(gap + 2)), ...tail];
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

export interface AddressVerdict {
  denied: string | null; // 'a loopback' ... or null when the address may be called
  ipv4: string | null; // the IPv4 address an IPv6 one carries, if any
}

// What an address is: the range it is denied for, judging an embedded IPv4 address by itself.
export function judgeAddress(address: string): AddressVerdict {
  const v = isIP(address);
  if (v === 0) return { denied: 'not an IP', ipv4: null };
  const family: Family = v === 6 ? 'ipv6' : 'ipv4';
  if (family === 'ipv6') {
    for (const e of EMBEDDING) {
      if (!e.list.check(address, 'ipv6')) continue;
      const g = groupsOf(address);
      const hi = g[e.group]!;
      const lo = g[e.group + 1]!;
      const ipv4 = `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
      const inner = judgeAddress(ipv4);
      return { denied: inner.denied, ipv4 };
    }
  }
  for (const d of DENIED_LISTS) if (d.family === family && d.list.check(address, family)) return { denied: d.what, ipv4: null };
  return { denied: null, ipv4: null };
}

export class OutboundGuard {
  private readonly allowedNames = new Set<string>();
  private readonly allowed = new BlockList();
  private readonly lookup: Lookup;
  // What is called, as refusals name it to the project's readers: 'receiver', 'judge'.
  private readonly subject: string;

  constructor(allowedHosts: readonly string[], lookup: Lookup = defaultLookup, subject = 'receiver') {
    this.lookup = lookup;
    this.subject = subject;
    for (const entry of allowedHosts) {
      const [addr, bits] = entry.split('/');
      const family = isIP(addr!);
      if (family && bits !== undefined) this.allowed.addSubnet(addr!, Number(bits), family === 6 ? 'ipv6' : 'ipv4');
      else if (family) this.allowed.addAddress(addr!, family === 6 ? 'ipv6' : 'ipv4');
      else this.allowedNames.add(entry.toLowerCase());
    }
  }

  private isAllowed(address: string, ipv4: string | null): boolean {
    if (this.allowed.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4')) return true;
    return ipv4 !== null && this.allowed.check(ipv4, 'ipv4');
  }

  // Throws OutboundRefusedError when `address` (which `host` resolved to) may not be called.
  private checkAddress(address: string, host: string): void {
    const { denied, ipv4 } = judgeAddress(address);
    if (denied === null || this.isAllowed(address, ipv4)) return;
    // An embedded IPv4 address is named too: the URL parser rewrites [::ffff:127.0.0.1] as
    // [::ffff:7f00:1], which nobody recognises.
    const notes = [ipv4 !== null ? `IPv4 ${ipv4}` : null, host !== address ? host : null].filter((n) => n !== null);
    const named = notes.length ? `${address} (${notes.join(', ')})` : address;
    throw new OutboundRefusedError(
      `refused: ${named} is ${denied} address; add it to alerts.notifications.allowedHosts to allow it`,
      `refused: the ${this.subject}'s host ${host === address ? 'is' : 'resolves to'} ${denied} address; allow it in alerts.notifications.allowedHosts`,
    );
  }

  // The scheme and, for an address in the URL, the address; a name is left to the connection's
  // lookup. Throws OutboundRefusedError.
  precheck(url: string): URL {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new OutboundRefusedError(`refused: '${url}' is not a URL`, `refused: the ${this.subject} URL is not a URL`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new OutboundRefusedError(`refused: ${u.protocol} URLs are not allowed; use http or https`);
    const host = hostOf(u);
    if (isIP(host) && !this.allowedNames.has(host)) this.checkAddress(host, host);
    return u;
  }

  // The addresses a name may be connected to: all it resolves to, each checked (one refused
  // address refuses the name). Throws OutboundRefusedError.
  async resolve(hostname: string): Promise<LookupAddress[]> {
    const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
    if (isIP(host)) {
      if (!this.allowedNames.has(host)) this.checkAddress(host, host);
      return [{ address: host, family: isIP(host) }];
    }
    let found: { address: string; family: number }[];
    try {
      found = await this.lookup(host);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new OutboundRefusedError(`refused: cannot resolve ${host} (${code ?? (err as Error).message})`, `refused: cannot resolve the ${this.subject}'s host (${code ?? 'lookup failed'})`);
    }
    if (!found.length) throw new OutboundRefusedError(`refused: ${host} resolves to no address`, `refused: the ${this.subject}'s host resolves to no address`);
    if (!this.allowedNames.has(host)) for (const a of found) this.checkAddress(a.address, host);
    return found.map((a) => ({ address: a.address, family: a.family === 6 || isIP(a.address) === 6 ? 6 : 4 }));
  }

  // Resolves when the URL may be called; throws OutboundRefusedError saying why not. Resolves the
  // name itself: a decision only. Requests go through agent(), which resolves and checks at connect.
  async check(url: string): Promise<void> {
    const u = this.precheck(url);
    const host = hostOf(u);
    if (this.allowedNames.has(host) || isIP(host)) return;
    await this.resolve(host);
  }

  // A `lookup` for net.connect / tls.connect that resolves once and hands the socket only
  // addresses that passed the check.
  readonly connectLookup = (
    hostname: string,
    options: LookupOptions,
    callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    this.resolve(hostname).then(
      (addresses) => {
        const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
        if (!wanted.length) return callback(Object.assign(new Error(`no IPv${options.family} address for ${hostname}`), { code: 'ENOTFOUND' }), '');
        if (options.all) callback(null, wanted);
        else callback(null, wanted[0]!.address, wanted[0]!.family);
      },
      (err: Error) => callback(err as NodeJS.ErrnoException, ''),
    );
  };

  // An HTTP agent whose every connection goes through connectLookup.
  // `ca` replaces the trusted certificate authorities (a receiver with a private CA).
  agent(options: { connectTimeoutMs?: number; ca?: string | Buffer } = {}): Agent {
    return new Agent({ connect: { lookup: this.connectLookup, timeout: options.connectTimeoutMs ?? 10_000, ...(options.ca ? { ca: options.ca } : {}) } });
  }
}

function hostOf(u: URL): string {
  return u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
}
