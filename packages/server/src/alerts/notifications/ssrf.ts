import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

// Outbound URLs (webhooks, Slack, PagerDuty, Alertmanager) are checked before every request:
// http or https only, and no private, loopback, link-local or otherwise internal address unless
// the host name, the address or a range containing it is allow-listed. The check resolves the
// name itself; a name that resolves differently between the check and the request (DNS
// rebinding) is not covered.

export class OutboundRefusedError extends Error {}

export type Lookup = (hostname: string) => Promise<{ address: string; family: number }[]>;
const defaultLookup: Lookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

const DENIED_V4: [string, number, string][] = [
  ['0.0.0.0', 8, 'an unspecified'],
  ['10.0.0.0', 8, 'a private'],
  ['100.64.0.0', 10, 'a carrier-grade NAT'],
  ['127.0.0.0', 8, 'a loopback'],
  ['169.254.0.0', 16, 'a link-local'],
  ['172.16.0.0', 12, 'a private'],
  ['192.0.0.0', 24, 'a reserved'],
  ['192.168.0.0', 16, 'a private'],
  ['198.18.0.0', 15, 'a benchmarking'],
  ['224.0.0.0', 4, 'a multicast'],
  ['240.0.0.0', 4, 'a reserved'],
];
const DENIED_V6: [string, number, string][] = [
  ['::', 128, 'an unspecified'],
  ['::1', 128, 'a loopback'],
  ['fc00::', 7, 'a unique-local (private)'],
  ['fe80::', 10, 'a link-local'],
  ['ff00::', 8, 'a multicast'],
  ['64:ff9b::', 96, 'a NAT64'],
];

// ::ffff:10.0.0.1 and ::ffff:a00:1 are IPv4 addresses in IPv6 clothing.
function unmapped(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const lower = address.toLowerCase();
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return { address: dotted[1], family: 'ipv4' };
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const hi = parseInt(hex[1], 16);
    const lo = parseInt(hex[2], 16);
    return { address: `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, family: 'ipv4' };
  }
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

export class OutboundGuard {
  private readonly allowedNames = new Set<string>();
  private readonly allowed = new BlockList();
  private readonly lookup: Lookup;

  constructor(allowedHosts: readonly string[], lookup: Lookup = defaultLookup) {
    this.lookup = lookup;
    for (const entry of allowedHosts) {
      const [addr, bits] = entry.split('/');
      const family = isIP(addr);
      if (family && bits !== undefined) this.allowed.addSubnet(addr, Number(bits), family === 6 ? 'ipv6' : 'ipv4');
      else if (family) this.allowed.addAddress(addr, family === 6 ? 'ipv6' : 'ipv4');
      else this.allowedNames.add(entry.toLowerCase());
    }
  }

  private static denied(address: string, family: 'ipv4' | 'ipv6'): string | null {
    for (const [net, bits, what] of family === 'ipv4' ? DENIED_V4 : DENIED_V6) {
      const list = new BlockList();
      list.addSubnet(net, bits, family);
      if (list.check(address, family)) return what;
    }
    return null;
  }

  // Resolves when the URL may be called; throws OutboundRefusedError saying why not.
  async check(url: string): Promise<void> {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new OutboundRefusedError(`refused: '${url}' is not a URL`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new OutboundRefusedError(`refused: ${u.protocol} URLs are not allowed; use http or https`);
    const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    if (this.allowedNames.has(host)) return;
    let addresses: string[];
    if (isIP(host)) addresses = [host];
    else {
      try {
        addresses = (await this.lookup(host)).map((a) => a.address);
      } catch (err) {
        throw new OutboundRefusedError(`refused: cannot resolve ${host} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      }
      if (!addresses.length) throw new OutboundRefusedError(`refused: ${host} resolves to no address`);
    }
    for (const raw of addresses) {
      const { address, family } = unmapped(raw);
      if (this.allowed.check(address, family) || this.allowed.check(raw, isIP(raw) === 6 ? 'ipv6' : 'ipv4')) continue;
      const what = OutboundGuard.denied(address, family);
      if (what) {
        // An IPv4-mapped address is named in its IPv4 form too: the URL parser rewrites
        // [::ffff:127.0.0.1] as [::ffff:7f00:1], which nobody recognises.
        const notes = [address !== raw ? `IPv4 ${address}` : null, host !== raw ? host : null].filter((n) => n !== null);
        const named = notes.length ? `${raw} (${notes.join(', ')})` : raw;
        throw new OutboundRefusedError(`refused: ${named} is ${what} address; add it to alerts.notifications.allowedHosts to allow it`);
      }
    }
  }
}
