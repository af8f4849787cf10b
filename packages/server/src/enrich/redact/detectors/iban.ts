import { getCountrySpecifications, isValidIBAN } from 'ibantools';
import { isWordChar, nextWordStart, type Detector, type Match } from './detector.ts';

// IBANs: a country code, two check digits and the country's BBAN, in the electronic form
// ("DE89370400440532013000") or printed in groups of four ("DE89 3704 0044 0532 0130 00",
// "ES21-8256-3099-1739-5867-4981").
// ibantools checks the country's length and BBAN format and the ISO 13616 mod-97 checksum, so a
// random look-alike passes about 1 time in 97.

const SPECS = getCountrySpecifications();
// Group separators: spaces (no-break and thin ones too) and, less often, dashes.
const SPACES = ' \u00a0\u2009\u202f-';
const CANDIDATE = /[A-Za-z]{2}\d{2}[A-Za-z0-9 \u00a0\u2009\u202f-]{8,40}/g;

export const ibanDetector: Detector = {
  // Two letters then two digits: "DE89", "gb82".
  gate: (text) => /[A-Za-z]{2}\d{2}/.test(text),
  find(text, out: Match[]) {
    CANDIDATE.lastIndex = 0;
    for (let m = CANDIDATE.exec(text); m !== null; m = CANDIDATE.exec(text)) {
      const start = m.index;
      if (isWordChar(text[start - 1])) {
        CANDIDATE.lastIndex = nextWordStart(text, start);
        continue;
      }
      const country = m[0].slice(0, 2).toUpperCase();
      const chars = SPECS[country]?.chars;
      if (!chars) {
        CANDIDATE.lastIndex = nextWordStart(text, start);
        continue;
      }
      // Walk the run, taking characters (and single spaces between groups) until the country's
      // length is reached.
      let electronic = '';
      let end = start;
      const run = m[0];
      for (let i = 0; i < run.length && electronic.length < chars; i++) {
        const ch = run[i];
        if (SPACES.includes(ch)) {
          if (SPACES.includes(run[i - 1]) || SPACES.includes(run[i + 1] ?? 'x')) break;
          continue;
        }
        electronic += ch;
        end = start + i + 1;
      }
      if (electronic.length === chars && !isWordChar(text[end]) && isValidIBAN(electronic.toUpperCase())) {
        out.push({ type: 'iban', detector: 'iban', start, end, canonical: electronic.toUpperCase() });
        CANDIDATE.lastIndex = end;
      } else {
        CANDIDATE.lastIndex = nextWordStart(text, start);
      }
    }
  },
};
