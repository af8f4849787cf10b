import type { PiiType } from '../types.ts';

// A detector finds one kind of value. `find` appends its matches; they may overlap other
// detectors' (the redactor resolves that) but not each other.
export interface Match {
  type: PiiType;
  detector: string;
  start: number;
  end: number;
  // The value in a canonical spelling (digits only, lower-cased…), so `hash` gives the same token
  // for "4111 1111 1111 1111" and "4111-1111-1111-1111". Absent: the matched text as it is.
  canonical?: string;
}

export interface Detector {
  // Runs on every text: a cheap test (a character, a prefix) that most clean texts fail, so that
  // only texts with a candidate pay for the real search.
  gate(text: string): boolean;
  find(text: string, out: Match[]): void;
  // Every value it finds contains a number run (NUMBER_RUN) of at least this many digits, and
  // at least NUMBER_RUN_MIN_DIGITS: the redactor finds those runs once and runs the detector only
  // on the text around runs that long.
  minRunDigits?: number;
}

// Digits with at most the separators phone numbers, cards and ids are written with between them.
export const NUMBER_RUN = /\d[\d \u00a0\u2009\u202f().\/-]{4,}\d/g;
export const NUMBER_RUN_MIN_DIGITS = 6;
// Characters of context kept on each side of a number run: labels ("SSN:", "Telefon") and
// letters that belong to the value ("AB 12 34 56 C", "X1234567L").
export const NUMBER_CONTEXT_CHARS = 64;

// Letters and digits glue a value into a longer word, except in scripts written without spaces
// between words (Chinese, Japanese, Thai: "手机号是+86 137 5958 6967") or that attach particles
// to numbers (Korean: "카드 4317-7635-8512-2602로").
const WORD_CHAR = /(?![\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Thai}\p{sc=Hangul}])[\p{L}\p{N}_]/u;
const UNSPACED_SCRIPT = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Thai}\p{sc=Hangul}]/u;

export function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && ch !== '' && WORD_CHAR.test(ch);
}

export function isUnspacedScript(ch: string | undefined): boolean {
  return ch !== undefined && ch !== '' && UNSPACED_SCRIPT.test(ch);
}

// True when text[start, end) stands alone: not glued to letters or digits, and not the tail or
// head of a hyphenated / dotted token such as a UUID ("a716-446655440000") or a version
// ("1.2.3.4.5").
export function standsAlone(text: string, start: number, end: number, joiners = '-.'): boolean {
  const before = text[start - 1];
  const after = text[end];
  if (isWordChar(before) || isWordChar(after)) return false;
  if (before !== undefined && joiners.includes(before) && isWordChar(text[start - 2])) return false;
  if (after !== undefined && joiners.includes(after) && isWordChar(text[end + 1])) return false;
  return true;
}

// Whether one of `words` appears in the `windowChars` before `start` (a label such as "SSN:" or
// "BSN"), for formats that are plain digit runs and would otherwise be guesses.
export function labelledBefore(text: string, start: number, label: RegExp, windowChars = 40): boolean {
  return label.test(text.slice(Math.max(0, start - windowChars), start));
}

export function digitsOf(s: string): string {
  return s.replace(/\D/g, '');
}

const WORD_RUN = /(?:(?![\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Thai}\p{sc=Hangul}])[\p{L}\p{N}_])*/uy;

// Where the next candidate that stands alone can start after a rejected one at `from`: past the
// rest of the word it sits in and the character that ends it. Restarting at `from + 1` instead
// makes a 100 KB digit run cost one regex attempt per digit.
export function nextWordStart(text: string, from: number): number {
  WORD_RUN.lastIndex = from + 1;
  WORD_RUN.exec(text);
  return WORD_RUN.lastIndex + 1;
}
