import { parsePhoneNumberFromString, type CountryCode, type PhoneNumber } from 'libphonenumber-js/max';
import { digitsOf, isWordChar, labelledBefore, standsAlone, type Detector, type Match } from './detector.ts';

// Phone numbers. libphonenumber-js decides what is a number (with its full metadata, so that
// "valid" means a number range that is in use); a cheap regex only finds the candidates, because
// the library's own text search costs ~300 µs per clean 2 KB text and ~4 ms when it has digits.
//
// Accepted:
// - international numbers, "+CC …" or "00CC …", that the library finds possible (length) and, when
//   shorter than 10 digits, valid;
// - national numbers written with the separators people use, for these default regions:
//   US/Canada "(415) 555-2671", "415-555-2671", "415.555.2671", "1 415 555 2671";
//   a trunk "0" then groups, valid in GB, DE, FR, IN, JP or KR ("020 7946 0958", "030 901820",
//   "06 12 34 56 78", "03-5321-1111");
//   Russia's trunk "8" ("8 (948) 600-08-42"); Chinese mobiles ("138 3148 9204");
//   Indian mobiles ("98765 43210"); Brazilian "(31) 98865-5898"; nine digits in threes valid in
//   ES or PL ("645 914 341");
// - an unformatted digit run only right after a phone label ("phone", "tel", "Telefon", "móvil",
//   "電話"…) and valid in one of those regions.
// Order numbers, timestamps, prices, versions, dates and parts of UUIDs are not phone-shaped:
// they fail these rules before the library is asked.

const TRUNK_REGIONS: readonly CountryCode[] = ['GB', 'DE', 'FR', 'IN', 'JP', 'KR'];

const CANDIDATE = /\+?\(?\d[\d \u00a0\u2009\u202f().\/-]{5,22}\d/g;
const US_FORMAT = /^(?:\+?1[ .-]?)?(?:\(\d{3}\) ?\d{3}[ .-]?|\d{3}[ .-]\d{3}[ .-])\d{4}$/;
const IN_MOBILE_FORMAT = /^[6-9]\d{4}[ -]\d{5}$/;
const CN_MOBILE_FORMAT = /^1[3-9]\d[ -]\d{4}[ -]\d{4}$/;
const BR_FORMAT = /^\(\d{2}\) ?9?\d{4}-\d{4}$/;
const RU_FORMAT = /^8 ?\(\d{3}\) ?\d{3}-\d{2}-\d{2}$/;
const THREES_FORMAT = /^[5-9]\d\d([ -])\d{3}\1\d{3}$/;
const TRUNK_FORMAT = /^\(?0[1-9]\d{0,4}\)?(?:[ \/.-]\d{2,8}){1,4}$/;
// Year-month-day, day-month-year and month/day/year: "2024-03-15 12" is ten digits, like a number.
const DATE = /(?:19|20)\d\d[-./](?:0?[1-9]|1[0-2])[-./](?:0?[1-9]|[12]\d|3[01])|\b(?:0?[1-9]|[12]\d|3[01])[-./](?:0?[1-9]|[12]\d|3[01])[-./](?:19|20)\d\d/;
const DOTTED_QUAD = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
// Words that introduce a phone number, ending right before it (a colon, "is", "は" may follow).
// (\b only before Latin words: JavaScript's \b does not know other scripts' letters.)
const LABEL = /(?:\b(?:phone|tel|call|mobile|cell|fax|whatsapp|sms|telefon|handy|t[ée]l[ée]phone|t[ée]l|portable|m[óo]vil|tel[ée]fono|cellulare|celular|telefone|kom[óo]rka)|телефон|फ़ोन|मोबाइल|電話|携帯|电话|手机)[^\n\d]{0,12}$/i;
// Labels of the digit runs that look like phone numbers but are not: "SKU 400-982-4116", "#…".
const NOT_A_PHONE_LABEL = /(?:\b(?:sku|lot|part|order|invoice|ref|reference|ticket|case|id|no|nr|serial|model|isbn|ean|upc|tracking|batch|build|commit|pedido|commande|bestellung|auftrag|rechnung|factura|fattura|zamówienie)\.?|заказ|注文番号|订单号|#|№)[^\n\d]{0,4}$/i;
const MAX_TRIMS = 4;

function valid(p: PhoneNumber | undefined): p is PhoneNumber {
  return p !== undefined && p.isValid();
}

// The number's E.164 form when `candidate` is one, else null.
function classify(candidate: string, labelled: boolean): string | null {
  const digits = digitsOf(candidate);
  if (digits.length < 7 || digits.length > 17) return null;
  if (DATE.test(candidate) || DOTTED_QUAD.test(candidate)) return null;
  const hasSeparators = /[ ().\/-]/.test(candidate);

  const international = candidate.startsWith('+') ? candidate : candidate.startsWith('00') ? `+${candidate.slice(2)}` : null;
  if (international !== null) {
    const p = parsePhoneNumberFromString(international);
    if (!p) return null;
    if (p.isValid() || (p.isPossible() && digits.length >= 10)) return p.number;
    return null;
  }
  if (!hasSeparators && !labelled) return null;

  if (US_FORMAT.test(candidate) || (labelled && /^1?[2-9]\d{9}$/.test(digits))) {
    const p = parsePhoneNumberFromString(candidate, 'US');
    if (p && (p.isValid() || (hasSeparators && p.isPossible()))) return p.number;
  }
  if (RU_FORMAT.test(candidate)) {
    const p = parsePhoneNumberFromString(candidate, 'RU');
    return p?.isPossible() ? p.number : null;
  }
  if (candidate.replace(/^\(/, '').startsWith('0')) {
    if (hasSeparators && !TRUNK_FORMAT.test(candidate)) return null;
    for (const region of TRUNK_REGIONS) {
      const p = parsePhoneNumberFromString(candidate, region);
      if (valid(p)) return p.number;
    }
    // Numbers from ranges kept for fiction ("07700 900123") are still someone's way of writing one.
    if (hasSeparators && digits.length >= 10) {
      const p = parsePhoneNumberFromString(candidate, 'GB');
      if (p?.isPossible()) return p.number;
    }
    return null;
  }
  const regions: CountryCode[] = [];
  if (IN_MOBILE_FORMAT.test(candidate) || (labelled && /^[6-9]\d{9}$/.test(digits))) regions.push('IN');
  if (CN_MOBILE_FORMAT.test(candidate) || (labelled && /^1[3-9]\d{9}$/.test(digits))) regions.push('CN');
  if (BR_FORMAT.test(candidate)) regions.push('BR');
  if (THREES_FORMAT.test(candidate) || (labelled && /^[5-9]\d{8}$/.test(digits))) regions.push('ES', 'PL');
  for (const region of regions) {
    const p = parsePhoneNumberFromString(candidate, region);
    if (valid(p)) return p.number;
  }
  return null;
}

export const phoneDetector: Detector = {
  minRunDigits: 7,
  gate: () => true,
  find(text, out: Match[]) {
    CANDIDATE.lastIndex = 0;
    for (let m = CANDIDATE.exec(text); m !== null; m = CANDIDATE.exec(text)) {
      const start = m.index;
      // No-break and thin spaces count as spaces; one for one, so offsets stay the same.
      let candidate = m[0].replace(/[\u00a0\u2009\u202f]/g, ' ');
      // A closing parenthesis or separator the regex swallowed at the end is not part of it.
      // Times and ratios glue numbers with ':'; "tel:+1…" is a link.
      const alone = candidate.startsWith('+') ? !isWordChar(text[start - 1]) && standsAlone(text, start + 1, start + candidate.length, '-./:') : standsAlone(text, start, start + candidate.length, '-./:');
      if (!alone) continue;
      if (labelledBefore(text, start, NOT_A_PHONE_LABEL, 20)) continue;
      const labelled = labelledBefore(text, start, LABEL, 40);
      let e164 = classify(candidate, labelled);
      // "415 555 2671 12 units": drop trailing groups that are not part of the number.
      for (let trims = 0; e164 === null && trims < MAX_TRIMS; trims++) {
        const cut = candidate.lastIndexOf(' ');
        if (cut <= 0) break;
        candidate = candidate.slice(0, cut).trimEnd();
        e164 = classify(candidate, labelled);
      }
      if (e164 !== null) out.push({ type: 'phone', detector: 'phone', start, end: start + candidate.length, canonical: e164 });
    }
  },
};
