import { isUnspacedScript, type Detector, type Match } from './detector.ts';

// Email addresses, found from each '@' outwards rather than with one big regex: the scan is linear
// and a text without '@' costs one indexOf. Local parts may be Unicode (RFC 6531) and domains
// internationalised (IDN, in Unicode or punycode).

const LOCAL_CHAR = /[\p{L}\p{N}.!#$%&'*+/=?^_`{|}~-]/u;
const DOMAIN_CHAR = /[\p{L}\p{N}.-]/u;
const MAX_LOCAL_CHARS = 64; // RFC 5321 §4.5.3.1.1
const MAX_DOMAIN_CHARS = 253;
const TLD = /^(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})$/iu;
const LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;
// "icon@2x.png", "logo@3x.webp": asset names, not addresses.
const FILE_EXTENSIONS = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'avif', 'ico', 'bmp', 'pdf', 'js', 'ts', 'css']);
// `git@github.com:org/repo.git` is an SSH remote, not a person.
const SERVICE_LOCALS = new Set(['git']);

// "scheme://user:password@host": the password detector's business, not an address.
function isUrlUserinfo(text: string, start: number): boolean {
  if (text[start - 1] !== ':' && text[start - 1] !== '/') return false;
  const token = text.slice(Math.max(0, start - 300), start);
  const lastSpace = Math.max(token.lastIndexOf(' '), token.lastIndexOf('\n'), token.lastIndexOf('\t'));
  return token.indexOf('://', lastSpace + 1) >= 0;
}

export const emailDetector: Detector = {
  gate: (text) => text.includes('@'),
  find(text, out: Match[]) {
    let from = 0;
    for (;;) {
      const at = text.indexOf('@', from);
      if (at < 0) return;
      from = at + 1;
      let start = at;
      // Chinese or Japanese prose runs into an ASCII address without a space ("邮箱是wei.liu@…"):
      // a switch from ASCII to those scripts ends the local part (a local part wholly in them stays).
      while (start > 0 && at - start < MAX_LOCAL_CHARS && LOCAL_CHAR.test(text[start - 1]) && !(start < at && isUnspacedScript(text[start - 1]) && !isUnspacedScript(text[start]))) start--;
      // A local part cannot start with a dot; "see:john.doe@…" keeps "john.doe".
      while (start < at && text[start] === '.') start++;
      if (start === at || text[at - 1] === '.' || text.slice(start, at).includes('..')) continue;
      // A longer run of local characters before the cut: not one address (or a pathological input).
      if (start > 0 && at - start >= MAX_LOCAL_CHARS && LOCAL_CHAR.test(text[start - 1])) continue;
      let end = at + 1;
      while (end < text.length && end - at - 1 < MAX_DOMAIN_CHARS && DOMAIN_CHAR.test(text[end]) && !(isUnspacedScript(text[end]) && /[A-Za-z0-9-]/.test(text[end - 1]))) end++;
      // A sentence may end right after the address.
      while (end > at + 1 && (text[end - 1] === '.' || text[end - 1] === '-')) end--;
      const domain = text.slice(at + 1, end);
      const labels = domain.split('.');
      if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) continue;
      const tld = labels[labels.length - 1];
      if (!TLD.test(tld) || FILE_EXTENSIONS.has(tld.toLowerCase())) continue;
      const local = text.slice(start, at);
      if (SERVICE_LOCALS.has(local) || isUrlUserinfo(text, start)) continue;
      out.push({ type: 'email', detector: 'email', start, end, canonical: `${local}@${domain.toLowerCase()}` });
      from = end;
    }
  },
};
