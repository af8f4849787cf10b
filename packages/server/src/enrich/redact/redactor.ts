import { createHmac, randomBytes } from 'node:crypto';
import { LookoutError } from '../../errors.ts';
import { cardDetector } from './detectors/card.ts';
import { customDetector } from './detectors/custom.ts';
import { NUMBER_CONTEXT_CHARS, NUMBER_RUN, NUMBER_RUN_MIN_DIGITS, type Detector, type Match } from './detectors/detector.ts';
import { emailDetector } from './detectors/email.ts';
import { ibanDetector } from './detectors/iban.ts';
import { ipDetector } from './detectors/ip.ts';
import { nationalIdDetectors } from './detectors/national-id.ts';
import { phoneDetector } from './detectors/phone.ts';
import { secretDetector } from './detectors/secrets.ts';
import type { Finding, PiiType, RedactedText, RedactionSettings } from './types.ts';

export { compileCustomPattern } from './detectors/custom.ts';

// The redaction engine: finds sensitive values in one text and rewrites it as a project's
// settings say. Pure and synchronous; the processor chain calls it for every content field.

// Texts longer than this are not scanned and not stored (fail closed). 1 Mi UTF-16 code units
// hold a 250k-token context window of prose, so real prompts are scanned, not dropped. It also
// bounds what one field can cost: a 1 MiB field of prose scans in ~40 ms of CPU (bench/redact.ts
// gives the rates), and the worst inputs built to be slow (1 MiB of digits and spaces, 50,000
// planted values) take 0.3–0.7 s on a loaded 2-core machine. Everything stays linear above it.
export const DEFAULT_MAX_SCAN_CHARS = 1024 * 1024;
const HASH_TOKEN_HEX_CHARS = 12;

export interface RedactorOptions {
  // The token that replaces a value in `hash` mode; the caller keys it per project so the same
  // value gives the same token within a project and different tokens across projects.
  hashToken?: (type: PiiType, value: string) => string;
  maxScanChars?: number;
}

// When findings overlap the most specific kind wins, then the longer one: a secret (checked
// prefix or structure) over everything, a project's own pattern next, then checksummed formats,
// and phone numbers (the loosest) last.
const PRIORITY: Record<PiiType, number> = {
  secret: 9,
  custom: 8,
  email: 7,
  iban: 6,
  credit_card: 5,
  ssn: 4,
  national_id: 4,
  ip_address: 3,
  phone: 2,
};

const BUILT_IN: Detector[] = [secretDetector, emailDetector, ibanDetector, cardDetector, ...nationalIdDetectors, ipDetector, phoneDetector];

export function hmacHashToken(key: Buffer): (type: PiiType, value: string) => string {
  return (type, value) => createHmac('sha256', key).update(`${type}\0${value}`).digest('hex').slice(0, HASH_TOKEN_HEX_CHARS);
}

export class Redactor {
  private readonly settings: RedactionSettings;
  private readonly detectors: Detector[]; // run on the whole text
  private readonly numberDetectors: Detector[]; // run around runs of digits only
  private readonly hashToken: (type: PiiType, value: string) => string;
  readonly maxScanChars: number;

  constructor(settings: RedactionSettings, options: RedactorOptions = {}) {
    this.settings = settings;
    const all = [...BUILT_IN, ...settings.custom.map(customDetector)];
    this.detectors = all.filter((d) => d.minRunDigits === undefined);
    this.numberDetectors = all.filter((d) => d.minRunDigits !== undefined);
    this.hashToken = options.hashToken ?? hmacHashToken(randomBytes(32));
    this.maxScanChars = options.maxScanChars ?? DEFAULT_MAX_SCAN_CHARS;
  }

  // The values found, sorted by start and non-overlapping. Throws for a text too large to scan.
  scan(text: string): Finding[] {
    if (text.length > this.maxScanChars) {
      throw new LookoutError('body_too_large', `the text is ${text.length} characters long; the redactor scans at most ${this.maxScanChars}`);
    }
    return this.matches(text).map(toFinding);
  }

  redact(text: string): RedactedText {
    if (text.length > this.maxScanChars) return { text: null, findings: [], failed: true };
    const matches = this.matches(text);
    if (matches.length === 0) return { text, findings: [], failed: false };
    const findings = matches.map(toFinding);
    const modes = this.settings.modes;
    if (matches.some((m) => modes[m.type] === 'drop')) return { text: null, findings, failed: false };
    let out = '';
    let last = 0;
    for (const m of matches) {
      const mode = modes[m.type];
      if (mode === 'keep') continue;
      out += text.slice(last, m.start);
      out += mode === 'hash' ? `[${m.type}:${this.hashToken(m.type, m.canonical ?? text.slice(m.start, m.end))}]` : `[REDACTED:${m.type}]`;
      last = m.end;
    }
    return { text: last === 0 ? text : out + text.slice(last), findings, failed: false };
  }

  private matches(original: string): Match[] {
    const text = foldWidth(original);
    const all: Match[] = [];
    for (const d of this.detectors) if (d.gate(text)) d.find(text, all);
    for (const w of numberWindows(text)) {
      const slice = text.slice(w.start, w.end);
      const found: Match[] = [];
      for (const d of this.numberDetectors) if (w.digits >= d.minRunDigits! && d.gate(slice)) d.find(slice, found);
      for (const m of found) all.push({ ...m, start: m.start + w.start, end: m.end + w.start });
    }
    if (all.length <= 1) return all;
    return resolveOverlaps(all, text.length);
  }
}

const FULLWIDTH = /[\uff01-\uff5e\u3000]/;
const FULLWIDTH_ALL = /[\uff01-\uff5e\u3000]/g;

// East Asian text writes numbers and addresses in fullwidth forms ("０３－５２２１－９５１５"): scan
// them as their ASCII twins. One code unit for one, so offsets into the original stay right.
function foldWidth(text: string): string {
  if (!FULLWIDTH.test(text)) return text;
  return text.replace(FULLWIDTH_ALL, (c) => (c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0)));
}

// The stretches of text around numbers long enough to be a phone, card or id number, merged where
// they touch, with the digit count of their longest number. One regex pass; most texts have none,
// and the digit detectors then cost nothing.
function numberWindows(text: string): { start: number; end: number; digits: number }[] {
  const windows: { start: number; end: number; digits: number }[] = [];
  NUMBER_RUN.lastIndex = 0;
  for (let m = NUMBER_RUN.exec(text); m !== null; m = NUMBER_RUN.exec(text)) {
    let digits = 0;
    for (let i = 0; i < m[0].length; i++) if (m[0].charCodeAt(i) >= 48 && m[0].charCodeAt(i) <= 57) digits++;
    if (digits < NUMBER_RUN_MIN_DIGITS) continue;
    const start = Math.max(0, m.index - NUMBER_CONTEXT_CHARS);
    const end = Math.min(text.length, m.index + m[0].length + NUMBER_CONTEXT_CHARS);
    const last = windows[windows.length - 1];
    if (last && start <= last.end) {
      last.end = end;
      last.digits = Math.max(last.digits, digits);
    } else windows.push({ start, end, digits });
  }
  return windows;
}

function toFinding(m: Match): Finding {
  // A new object: the canonical value must not travel with the finding.
  return { type: m.type, detector: m.detector, start: m.start, end: m.end };
}

// Keeps the highest-priority (then longest, then earliest) of overlapping matches. Each detector's
// own matches do not overlap, so marking claimed positions costs at most (detectors × text length).
function resolveOverlaps(all: Match[], textLength: number): Match[] {
  const ranked = [...all].sort((a, b) => PRIORITY[b.type] - PRIORITY[a.type] || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const claimed = new Uint8Array(textLength);
  const kept: Match[] = [];
  for (const m of ranked) {
    let free = true;
    for (let i = m.start; i < m.end && free; i++) free = claimed[i] === 0;
    if (!free) continue;
    claimed.fill(1, m.start, m.end);
    kept.push(m);
  }
  return kept.sort((a, b) => a.start - b.start);
}
