import { luhnValid } from './checksums.ts';
import { standsAlone, type Detector, type Match } from './detector.ts';

// Payment card numbers (PANs): 13–19 digits, optionally in groups separated by single spaces or
// dashes, with a Luhn check digit and an issuer prefix (IIN) of a known network at a length that
// network issues. A Luhn-valid order number passes 1 time in 10; the IIN and length rules cut
// that by another order of magnitude.

// Spaces include the no-break and thin spaces text copied from PDFs and web pages carries.
const CANDIDATE = /\d[\d \u00a0\u2009\u202f-]{11,78}\d/g;
const MAX_GROUPS = 8;

function networkAccepts(d: string): boolean {
  const n = d.length;
  const p2 = Number(d.slice(0, 2));
  const p3 = Number(d.slice(0, 3));
  const p4 = Number(d.slice(0, 4));
  const p6 = Number(d.slice(0, 6));
  if (d[0] === '4') return n === 13 || n === 16 || n === 19; // Visa
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n === 16; // Mastercard
  if (p2 === 34 || p2 === 37) return n === 15; // American Express
  if (p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649) || (p6 >= 622126 && p6 <= 622925)) return n >= 16 && n <= 19; // Discover
  if (p4 >= 3528 && p4 <= 3589) return n >= 16 && n <= 19; // JCB
  if (p2 === 36 || p2 === 38 || p2 === 39 || (p3 >= 300 && p3 <= 305) || p3 === 309) return n >= 14 && n <= 19; // Diners Club
  if (p2 === 62) return n >= 16 && n <= 19; // UnionPay
  return false;
}

export function isCardNumber(digits: string): boolean {
  return digits.length >= 13 && digits.length <= 19 && networkAccepts(digits) && luhnValid(digits);
}

export const cardDetector: Detector = {
  minRunDigits: 13,
  gate: () => true,
  find(text, out: Match[]) {
    CANDIDATE.lastIndex = 0;
    for (let m = CANDIDATE.exec(text); m !== null; m = CANDIDATE.exec(text)) {
      // Groups are separated by exactly one space or dash; a run such as "1234  5678" or
      // "12--34" is several numbers, so split there.
      const base = m.index;
      const run = m[0];
      const groups: { start: number; end: number }[] = [];
      const re = /\d+/g;
      for (let g = re.exec(run); g !== null; g = re.exec(run)) groups.push({ start: base + g.index, end: base + g.index + g[0].length });
      // From each group, the longest sequence of groups joined by single separators that is a
      // card; several cards may share one run ("4111 1111 1111 1111 5500 0000 0000 0004").
      for (let i = 0; i < groups.length; i++) {
        let count = 0;
        let best = -1;
        for (let j = i; j < groups.length && j < i + MAX_GROUPS; j++) {
          if (j > i && groups[j].start - groups[j - 1].end !== 1) break;
          count += groups[j].end - groups[j].start;
          if (count > 19) break;
          if (count < 13) continue;
          // "+49 176 09618815" is a phone number that happens to pass.
          const digits = text.slice(groups[i].start, groups[j].end).replace(/\D/g, '');
          if (isCardNumber(digits) && text[groups[i].start - 1] !== '+' && standsAlone(text, groups[i].start, groups[j].end, '-.')) best = j;
        }
        if (best < 0) continue;
        const start = groups[i].start;
        const end = groups[best].end;
        out.push({ type: 'credit_card', detector: 'credit_card', start, end, canonical: text.slice(start, end).replace(/\D/g, '') });
        i = best;
      }
    }
  },
};
