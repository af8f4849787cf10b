import { isIP } from 'node:net';
import { isWordChar, type Detector, type Match } from './detector.ts';

// IP addresses. IPv4: four dotted decimal octets, each ≤ 255 without leading zeros, not part of a
// longer dotted run (a version such as "1.2.3.4.5") nor right after "v"/"version". IPv6: a run of
// hex digits and colons (with an optional dotted IPv4 tail) that node:net accepts, which rules
// out times ("12:30:45"), MAC addresses and C++ scopes ("std::vector").
// Loopback and unspecified addresses are found too: an address is an address, and which ones
// matter to a project is not the redactor's to guess.

const IPV4 = /\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}/g;
const IPV6 = /(?:[0-9A-Fa-f]{1,4}:|::)[0-9A-Fa-f:.]{1,60}/g;
const VERSION_BEFORE = /(?:\bv|\bversion|\bver\.?|\brelease|\bbuild|\bOID)\s*$/i;

function ipv6Plausible(s: string): boolean {
  // Two colons at least and a hex digit, so that "::" alone (a Rust or C++ path) is not an address.
  return isIP(s) === 6 && (s.match(/:/g) ?? []).length >= 2 && /[0-9a-f]/i.test(s);
}

const IPV4_GATE = /\d\.\d{1,3}\.\d{1,3}\.\d/;
// An IPv6 address has "::" or two groups between colons; starting at the colon (rare in prose)
// is several times cheaper than starting at a hex digit.
const IPV6_GATE = /:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:/;
const maybeIpv6 = (text: string) => text.includes('::') || IPV6_GATE.test(text);

export const ipDetector: Detector = {
  gate: (text) => IPV4_GATE.test(text) || maybeIpv6(text),
  find(text, out: Match[]) {
    if (IPV4_GATE.test(text)) findIpv4(text, out);
    if (maybeIpv6(text)) findIpv6(text, out);
  },
};

function findIpv4(text: string, out: Match[]): void {
  IPV4.lastIndex = 0;
  for (let m = IPV4.exec(text); m !== null; m = IPV4.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    const before = text[start - 1];
    const after = text[end];
    const glued = isWordChar(before) || isWordChar(after) || before === '.' || (after === '.' && /\d/.test(text[end + 1] ?? ''));
    if (glued || VERSION_BEFORE.test(text.slice(Math.max(0, start - 10), start)) || isIP(m[0]) !== 4) {
      // Skip the whole dotted run: its tail is not an address either.
      continue;
    }
    out.push({ type: 'ip_address', detector: 'ip_address', start, end });
  }
}

function findIpv6(text: string, out: Match[]): void {
  IPV6.lastIndex = 0;
  for (let m = IPV6.exec(text); m !== null; m = IPV6.exec(text)) {
    const start = m.index;
    let candidate = m[0];
    // A sentence or a port may follow: "fe80::1:", "2001:db8::1." — trim what cannot end one.
    while (candidate.endsWith('.') || (candidate.endsWith(':') && !candidate.endsWith('::'))) candidate = candidate.slice(0, -1);
    const end = start + candidate.length;
    if (isWordChar(text[start - 1]) || text[start - 1] === ':' || isWordChar(text[end])) continue;
    if (ipv6Plausible(candidate)) out.push({ type: 'ip_address', detector: 'ip_address', start, end, canonical: candidate.toLowerCase() });
  }
}
