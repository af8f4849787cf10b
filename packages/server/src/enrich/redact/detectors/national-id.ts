import { elfproefValid, luhnValid, mod11_10Valid, verhoeffValid } from './checksums.ts';
import { digitsOf, labelledBefore, nextWordStart, standsAlone, type Detector, type Match } from './detector.ts';

// US Social Security numbers and a documented set of national identifiers. Each format is checked
// with its check character where it has one; formats that are a bare digit run with a weak or no
// check (a 9-digit SSN, a Dutch BSN, a German tax id, an unformatted Aadhaar) are only taken
// after a label such as "SSN" or "BSN", since order numbers look the same.
//
//   ssn                       US SSN "123-45-6789" (never area 000, 666 or 9xx, group 00, serial 0000)
//   national_id:uk_nino       UK National Insurance number "AB 12 34 56 C" (prefix rules; no check)
//   national_id:fr_nir        French INSEE/NIR, 15 digits with its mod-97 key (Corsica 2A/2B)
//   national_id:es_dni        Spanish DNI "12345678Z" and NIE "X1234567L", mod-23 letter
//   national_id:it_cf         Italian codice fiscale, odd/even check letter (omocodia accepted)
//   national_id:in_aadhaar    Indian Aadhaar, 12 digits, Verhoeff check
//   national_id:nl_bsn        Dutch BSN, 9 digits, elfproef — labelled only
//   national_id:de_steuer_id  German tax id, 11 digits, ISO 7064 mod 11,10 — labelled only
//   national_id:br_cpf        Brazilian CPF "123.456.789-09" (two mod-11 digits); bare: labelled only
//   national_id:ca_sin        Canadian SIN "046 454 286", Luhn — labelled only (Spanish and Polish
//                             phone numbers are written the same way)
//   national_id:in_pan        Indian PAN "ABCPE1234F" (the fourth letter says who holds it; no check)
//   national_id:jp_my_number  Japanese My Number, 12 digits, mod-11 check — labelled only

interface IdRule {
  detector: string;
  type: 'ssn' | 'national_id';
  // Without: the rule runs only around number runs of `minRunDigits` digits or more (see Detector).
  gate?: RegExp;
  minRunDigits?: number;
  pattern: RegExp; // global; candidates, then `check`
  // Letters that must come right before `pattern`'s match, and are part of the value.
  prefix?: RegExp;
  prefixChars?: number;
  check(value: string, text: string, start: number): boolean;
}

function ssnParts(d: string): boolean {
  const area = Number(d.slice(0, 3));
  const group = Number(d.slice(3, 5));
  const serial = Number(d.slice(5));
  return d.length === 9 && area !== 0 && area !== 666 && area < 900 && group !== 0 && serial !== 0;
}

const SSN_LABEL = /(?:ssn|social security|soc\.? sec|sozialversicherung)[^\n]{0,20}$/i;
const SEP_SSN = /^\d{3}([- ])\d{2}\1\d{4}$/;

const NINO_BAD_PREFIXES = new Set(['BG', 'GB', 'NK', 'KN', 'TN', 'NT', 'ZZ']);

function nirValid(v: string): boolean {
  const s = v.replace(/\s/g, '').toUpperCase();
  if (s.length !== 15) return false;
  // Corsica: department 2A counts as 19 and 2B as 18 in the key.
  const body = s.slice(0, 13).replace('2A', '19').replace('2B', '18');
  if (!/^\d{13}$/.test(body)) return false;
  const key = Number(s.slice(13));
  return key === 97 - Number(BigInt(body) % 97n);
}

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';
function dniValid(v: string): boolean {
  const s = v.replace(/[\s-]/g, '').toUpperCase();
  const nie = { X: '0', Y: '1', Z: '2' }[s[0]];
  const num = nie ? nie + s.slice(1, -1) : s.slice(0, -1);
  if (!/^\d{8}$/.test(num)) return false;
  return DNI_LETTERS[Number(num) % 23] === s[s.length - 1];
}

// Codice fiscale: the 16th letter from the odd (1st, 3rd…) and even positions of the first 15.
const CF_ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
function cfValue(ch: string, odd: boolean): number {
  const c = ch.charCodeAt(0);
  const idx = c >= 48 && c <= 57 ? c - 48 : c - 65;
  return odd ? CF_ODD[idx] : idx;
}
function codiceFiscaleValid(v: string): boolean {
  const s = v.toUpperCase();
  let sum = 0;
  for (let i = 0; i < 15; i++) sum += cfValue(s[i], i % 2 === 0);
  return String.fromCharCode(65 + (sum % 26)) === s[15];
}

// A German tax id: check digit, and among the first ten digits one digit occurs two or three
// times and no other repeats.
function steuerIdValid(d: string): boolean {
  if (d.length !== 11 || d[0] === '0' || !mod11_10Valid(d)) return false;
  const counts = new Map<string, number>();
  for (const ch of d.slice(0, 10)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const repeated = [...counts.values()].filter((n) => n > 1);
  return repeated.length === 1 && repeated[0] <= 3;
}

function cpfValid(d: string): boolean {
  if (d.length !== 11 || /^(\d)\1{10}$/.test(d)) return false;
  const check = (n: number) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += (d.charCodeAt(i) - 48) * (n + 1 - i);
    const r = (sum * 10) % 11;
    return r === 10 ? 0 : r;
  };
  return check(9) === d.charCodeAt(9) - 48 && check(10) === d.charCodeAt(10) - 48;
}

function myNumberValid(d: string): boolean {
  if (d.length !== 12) return false;
  let sum = 0;
  for (let n = 1; n <= 11; n++) sum += (d.charCodeAt(11 - n) - 48) * (n <= 6 ? n + 1 : n - 5);
  const r = sum % 11;
  return (r <= 1 ? 0 : 11 - r) === d.charCodeAt(11) - 48;
}

const RULES: IdRule[] = [
  {
    detector: 'ssn',
    minRunDigits: 9,
    type: 'ssn',
    pattern: /\d{3}[- ]?\d{2}[- ]?\d{4}/g,
    check: (v, text, start) => ssnParts(digitsOf(v)) && (SEP_SSN.test(v) || labelledBefore(text, start, SSN_LABEL)),
  },
  {
    detector: 'national_id:uk_nino',
    minRunDigits: 6,
    type: 'national_id',
    pattern: /[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]/g,
    check: (v) => !NINO_BAD_PREFIXES.has(v.slice(0, 2)),
  },
  {
    detector: 'national_id:fr_nir',
    minRunDigits: 6,
    type: 'national_id',
    pattern: /[12] ?\d{2} ?(?:0[1-9]|1[0-2]|[2-9]\d) ?(?:\d{2}|2[ABab]) ?\d{3} ?\d{3} ?\d{2}/g,
    check: (v) => nirValid(v),
  },
  {
    detector: 'national_id:es_dni',
    minRunDigits: 7,
    type: 'national_id',
    pattern: /(?:\d{8}|[XYZxyz]-?\d{7})[- ]?[A-Za-z]/g,
    check: (v) => dniValid(v),
  },
  {
    detector: 'national_id:it_cf',
    type: 'national_id',
    // Found from its digits (birth year, day, town code) and then the six letters before: a
    // search that starts at letters costs ~10 µs per 2 KB of prose. Codes with omocodia (letters
    // standing in for those digits, a few in a thousand) are not found.
    gate: /\d\d[A-EHLMPR-Ta-ehlmpr-t]\d\d[A-Za-z]\d\d\d[A-Za-z]/,
    pattern: /\d\d[A-EHLMPR-Ta-ehlmpr-t]\d\d[A-Za-z]\d\d\d[A-Za-z]/g,
    prefix: /^[A-Za-z]{6}$/,
    prefixChars: 6,
    check: (v) => codiceFiscaleValid(v),
  },
  {
    detector: 'national_id:in_aadhaar',
    minRunDigits: 12,
    type: 'national_id',
    pattern: /[2-9]\d{3}[ -]?\d{4}[ -]?\d{4}/g,
    check: (v, text, start) => {
      const d = digitsOf(v);
      const formatted = /^\d{4}([ -])\d{4}\1\d{4}$/.test(v);
      return verhoeffValid(d) && (formatted || labelledBefore(text, start, /(?:aadhaa?r|uidai|\buid\b|आधार)[^\n]{0,20}$/i));
    },
  },
  {
    detector: 'national_id:nl_bsn',
    minRunDigits: 9,
    type: 'national_id',
    pattern: /\d{9}|\d{4}\.\d{2}\.\d{3}/g,
    check: (v, text, start) => elfproefValid(digitsOf(v)) && labelledBefore(text, start, /(?:\bbsn|burgerservicenummer|sofi-?nummer)[^\n]{0,20}$/i),
  },
  {
    detector: 'national_id:de_steuer_id',
    minRunDigits: 11,
    type: 'national_id',
    pattern: /[1-9]\d ?\d{3} ?\d{3} ?\d{3}/g,
    check: (v, text, start) =>
      steuerIdValid(digitsOf(v)) && labelledBefore(text, start, /(?:steuer-?id|steuerliche identifikationsnummer|identifikationsnummer|\bidnr|tax id)[^\n]{0,20}$/i),
  },
  {
    detector: 'national_id:br_cpf',
    minRunDigits: 11,
    type: 'national_id',
    pattern: /\d{3}\.?\d{3}\.?\d{3}-?\d{2}/g,
    check: (v, text, start) => cpfValid(digitsOf(v)) && (/^\d{3}\.\d{3}\.\d{3}-\d{2}$/.test(v) || labelledBefore(text, start, /\bcpf[^\n\d]{0,20}$/i)),
  },
  {
    detector: 'national_id:ca_sin',
    minRunDigits: 9,
    type: 'national_id',
    pattern: /[1-79]\d{2}[ -]?\d{3}[ -]?\d{3}/g,
    check: (v, text, start) =>
      luhnValid(digitsOf(v)) && labelledBefore(text, start, /(?:\bsin\b|social insurance|\bnas\b|assurance sociale)[^\n\d]{0,40}$/i, 60),
  },
  {
    detector: 'national_id:in_pan',
    type: 'national_id',
    // Found from its digits, then the five letters before (see it_cf).
    // (\d\d\d\d, not \d{4}: V8 scans the spelled-out form about 4× faster.)
    gate: /\d\d\d\d[A-Z]/,
    pattern: /\d\d\d\d[A-Z]/g,
    prefix: /^[A-Z]{3}[ABCFGHJLPT][A-Z]$/,
    prefixChars: 5,
    check: () => true,
  },
  {
    detector: 'national_id:jp_my_number',
    minRunDigits: 12,
    type: 'national_id',
    pattern: /\d{4}[ -]?\d{4}[ -]?\d{4}/g,
    check: (v, text, start) => myNumberValid(digitsOf(v)) && labelledBefore(text, start, /(?:マイナンバー|個人番号|my ?number)[^\n\d]{0,12}$/i),
  },
];

// "6273 8768 3490 2551": the last twelve digits are not a number of their own.
function partOfLongerNumber(text: string, start: number, end: number): boolean {
  const digit = (ch: string | undefined) => ch !== undefined && ch >= '0' && ch <= '9';
  return (' -.'.includes(text[start - 1] ?? 'x') && digit(text[start - 2])) || (' -.'.includes(text[end] ?? 'x') && digit(text[end + 1]));
}

export const nationalIdDetectors: Detector[] = RULES.map((rule) => ({
  minRunDigits: rule.gate === undefined ? rule.minRunDigits : undefined,
  gate: (text) => rule.gate === undefined || rule.gate.test(text),
  find(text, out: Match[]) {
    const re = rule.pattern;
    const prefixChars = rule.prefixChars ?? 0;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const start = m.index - prefixChars;
      const end = m.index + m[0].length;
      const value = text.slice(Math.max(0, start), end);
      if (start < 0 || (rule.prefix && !rule.prefix.test(value.slice(0, prefixChars)))) continue;
      if (standsAlone(text, start, end, '-./') && !partOfLongerNumber(text, start, end) && rule.check(value, text, start)) {
        out.push({ type: rule.type, detector: rule.detector, start, end, canonical: value.replace(/[\s.-]/g, '').toUpperCase() });
      } else {
        re.lastIndex = nextWordStart(text, m.index);
      }
    }
  },
}));
