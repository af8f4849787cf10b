// Sensitive values made up fresh for each run, valid by their own rules (a Luhn check digit, an
// IBAN's mod-97 checksum, a phone number in a real numbering plan), so that a detector that checks
// them finds them, and so that finding one anywhere can only mean it was stored.
import { randomBytes, randomInt } from 'node:crypto';

export interface Planted {
  email: string;
  phone: string; // as written: +44 20 7946 0xxx
  card: string; // 16 digits, no spaces
  iban: string; // DE, no spaces
  ssn: string; // ddd-dd-dddd
  openaiKey: string;
  anthropicKey: string;
  awsKeyId: string;
  jwt: string;
}

// The kinds of value, as the redactor names them in its masks.
export const MASKS: Record<keyof Planted, string> = {
  email: '[REDACTED:email]',
  phone: '[REDACTED:phone]',
  card: '[REDACTED:credit_card]',
  iban: '[REDACTED:iban]',
  ssn: '[REDACTED:ssn]',
  openaiKey: '[REDACTED:secret]',
  anthropicKey: '[REDACTED:secret]',
  awsKeyId: '[REDACTED:secret]',
  jwt: '[REDACTED:secret]',
};

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function pick(alphabet: string, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

function digits(n: number): string {
  return pick('0123456789', n);
}

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

export function luhnCheckDigit(payload: string): string {
  let sum = 0;
  for (let i = 0; i < payload.length; i++) {
    let d = Number(payload[payload.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

// ISO 13616: the country code and "00" moved behind the account, letters as 10..35, mod 97.
export function ibanWithChecksum(country: string, bban: string): string {
  const numeric = `${bban}${country}00`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  const check = 98n - (BigInt(numeric) % 97n);
  return `${country}${String(check).padStart(2, '0')}${bban}`;
}

export function plantValues(): Planted {
  const visa = `4${digits(14)}`;
  const area = String(randomInt(100, 666)).padStart(3, '0'); // 666 and 9xx are never issued
  const jwtHeader = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const jwtPayload = base64url(JSON.stringify({ sub: `user-${randomBytes(4).toString('hex')}`, iat: Math.floor(Date.now() / 1000) }));
  return {
    email: `zq.${randomBytes(5).toString('hex')}@example-${randomBytes(3).toString('hex')}.com`,
    phone: `+44 20 7946 0${digits(3)}`,
    card: `${visa}${luhnCheckDigit(visa)}`,
    iban: ibanWithChecksum('DE', digits(18)),
    ssn: `${area}-${String(randomInt(1, 100)).padStart(2, '0')}-${String(randomInt(1, 10_000)).padStart(4, '0')}`,
    // OpenAI's project keys carry "T3BlbkFJ" ("OpenAI" in base64) between two random runs.
    openaiKey: `sk-proj-${pick(ALNUM, 40)}T3BlbkFJ${pick(ALNUM, 40)}`,
    anthropicKey: `sk-ant-api03-${pick(`${ALNUM}-_`, 93)}AA`,
    awsKeyId: `AKIA${pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`,
    jwt: `${jwtHeader}.${jwtPayload}.${base64url(randomBytes(32))}`,
  };
}

// One customer message carrying every value, and a harmless marker that must be stored (it
// proves the text reached the files and the reads being searched).
export function sentenceOf(p: Planted, control: string): string {
  return (
    `Customer ${p.email} (phone ${p.phone}) paid with card ${p.card}, IBAN ${p.iban}, SSN ${p.ssn}. ` +
    `Their keys: ${p.openaiKey} ${p.anthropicKey} ${p.awsKeyId}, session token ${p.jwt}. Ref ${control}.`
  );
}

// The same message as it must be stored: every value masked, the rest unchanged.
export function maskedSentenceOf(control: string): string {
  const m = MASKS;
  return (
    `Customer ${m.email} (phone ${m.phone}) paid with card ${m.card}, IBAN ${m.iban}, SSN ${m.ssn}. ` +
    `Their keys: ${m.openaiKey} ${m.anthropicKey} ${m.awsKeyId}, session token ${m.jwt}. Ref ${control}.`
  );
}

// Every form in which a stored value would show: as sent, JSON-escaped, URL-encoded, and the
// forms a parser would normalise it to (a phone number in E.164, a card or IBAN without spaces).
export function needlesOf(p: Planted): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(p) as [keyof Planted, string][]) {
    const forms = new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value), value.replace(/[\s-]/g, '')]);
    if (name === 'phone') forms.add(value.replace(/\s/g, ''));
    let i = 0;
    for (const form of forms) out[i++ === 0 ? name : `${name} (${form})`] = form;
  }
  return out;
}

// Where a value found in a text would leak: the names of every form `needlesOf` lists for it.
export function leakedIn(text: string, needles: Readonly<Record<string, string>>): string[] {
  return Object.entries(needles)
    .filter(([, form]) => text.includes(form))
    .map(([name]) => name);
}
