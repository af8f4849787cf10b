import { LookoutError } from '../errors.ts';

// The one way times and durations are written: query parameters, rule files, silences, config,
// command-line flags and the web UI all read them here (docs/api.md "Times and durations").
// Pure: no Node imports, so the web UI's build can import it too.

export const SECOND_MS = 1_000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;

// An instant outside these is a mistake (seconds for milliseconds, a zero date), not a time.
export const MIN_INSTANT_MS = Date.UTC(2000, 0, 1);
export const MAX_INSTANT_MS = Date.UTC(2100, 0, 1);
// Epoch numbers below this are seconds, from it on milliseconds. Within the bounds above the two
// cannot be confused: 1e11 seconds is the year 5138, 1e11 milliseconds is 1973.
export const EPOCH_SECONDS_BELOW = 1e11;
// Every duration is an exact whole number of milliseconds (below 2^53); what a field accepts is
// bounded further by the field.
export const MAX_DURATION_MS = 100_000_000 * DAY_MS;

const UNITS = [
  ['w', WEEK_MS],
  ['d', DAY_MS],
  ['h', HOUR_MS],
  ['m', MINUTE_MS],
  ['s', SECOND_MS],
] as const;
// Whole numbers with units, largest unit first, each unit at most once: 90s, 1h30m, 2w3d.
const DURATION_PATTERN = /^(?:(\d{1,12})w)?(?:(\d{1,12})d)?(?:(\d{1,12})h)?(?:(\d{1,12})m)?(?:(\d{1,12})s)?$/;
const FRACTION_PATTERN = /^(\d{1,12})\.(\d{1,12})([wdhms])$/;
const DURATION_HINT = 'use e.g. 90s, 5m, 1h30m, 7d or 2w';

// Error messages quote the input; a long input is cut so that the answer stays small.
const quote = (text: string) => `'${text.length > 64 ? `${text.slice(0, 64)}…` : text}'`;

function invalid(name: string, problem: string): LookoutError {
  return new LookoutError('invalid_parameter', `${name}: ${problem}`);
}

// The duration's milliseconds, or null when the text is not one: for schemas that refine a value.
export function tryParseDuration(text: string): number | null {
  const ms = readDuration(text);
  return typeof ms === 'string' ? null : ms;
}

// The duration's milliseconds, or what is wrong with the text (a message without the field's
// name): for schemas, whose errors carry the field's path. Everything else calls parseDuration.
export function readDuration(text: string): number | string {
  const v = text.trim();
  const m = v === '' ? null : DURATION_PATTERN.exec(v);
  if (!m) {
    const f = FRACTION_PATTERN.exec(v);
    if (f) {
      // 1.5h is refused rather than rounded: one spelling for each duration, the one the API writes back.
      const unitMs = UNITS.find(([u]) => u === f[3])![1];
      const ms = Math.round(Number(`${f[1]}.${f[2]}`) * unitMs);
      const exact = ms % SECOND_MS === 0 && ms > 0 && ms <= MAX_DURATION_MS;
      return `${quote(text)} has a fraction; ${exact ? `write ${formatDuration(ms)}` : DURATION_HINT}`;
    }
    return `${quote(text)} is not a duration; ${DURATION_HINT}`;
  }
  let ms = 0;
  for (let i = 0; i < UNITS.length; i++) ms += Number(m[i + 1] ?? 0) * UNITS[i][1];
  if (ms > MAX_DURATION_MS) return `${quote(text)} is longer than ${formatDuration(MAX_DURATION_MS)}`;
  return ms;
}

// 90s, 5m, 1h30m, 7d, 2w -> milliseconds. `name` is the parameter or field, for the message.
export function parseDuration(text: string, options: { name?: string } = {}): number {
  const ms = readDuration(text);
  if (typeof ms === 'string') throw invalid(options.name ?? 'duration', ms);
  return ms;
}

// Milliseconds -> the canonical spelling, largest unit first: 5400000 -> '1h30m'. Below two days
// in hours (24h, 36h: how a day's window is usually written), from two days on in days (2d, 8d);
// weeks are read but not written (8d reads better than 1w1d). parseDuration(formatDuration(ms))
// === ms for every whole number of seconds; what is left below a second is dropped.
export function formatDuration(ms: number): string {
  let rest = Math.floor(ms / SECOND_MS) * SECOND_MS;
  if (!(rest > 0)) return '0s';
  let out = '';
  for (const [unit, size] of UNITS) {
    if (unit === 'w' || (unit === 'd' && rest < 2 * DAY_MS)) continue;
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out;
}

// RFC 3339 with seconds optional: 2026-11-01T10:00Z, 2026-11-01 10:00:00.5+02:00. The offset is
// found separately so that a date-time without one gets its own message.
const DATE_TIME_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/;
const EPOCH_PATTERN = /^\d{1,16}$/;

export interface InstantOptions {
  // The parameter or field, for the message.
  name?: string;
  // Whether a duration means that long before now (`from=24h`): where a range's bound is expected.
  relative?: boolean;
}

function instantHint(relative: boolean): string {
  return `use RFC 3339 with an offset (2026-11-01T00:00:00Z), a date (2026-11-01, UTC midnight), epoch seconds or milliseconds, or now${relative ? ', or a duration back from now such as 24h or 7d' : ''}`;
}

function readDateTime(v: string, text: string): number | string {
  const m = DATE_TIME_PATTERN.exec(v);
  if (!m) return `${quote(text)} is not a time; `;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const [year, month, day] = [Number(y), Number(mo), Number(d)];
  // Date.UTC rolls 2026-02-30 over into March: a day the month does not have is refused.
  const dayMs = Date.UTC(year, month - 1, day);
  const check = new Date(dayMs);
  if (month < 1 || month > 12 || check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return `${quote(text)} is not a date in the calendar; `;
  }
  if (h === undefined) return dayMs;
  if (zone === undefined) {
    return `${quote(text)} has no offset: add Z for UTC (${v.replace(' ', 'T')}Z) or an offset such as +02:00`;
  }
  const [hour, minute, second] = [Number(h), Number(mi), Number(s ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) return `${quote(text)} is not a time of day; `;
  let offsetMin = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const digits = zone.replace(':', '');
    const [oh, om] = [Number(digits.slice(1, 3)), Number(digits.slice(3, 5))];
    if (oh > 23 || om > 59) return `${quote(text)} has an offset that is not one; `;
    offsetMin = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const fractionMs = frac ? Math.floor(Number(`0${frac}`) * 1000) : 0;
  return dayMs + ((hour * 60 + minute - offsetMin) * 60 + second) * SECOND_MS + fractionMs;
}

// An instant in epoch milliseconds: RFC 3339 with Z or an offset, a date (UTC midnight), `now`,
// epoch seconds (below 1e11) or milliseconds, or, with `relative`, a duration back from now.
// Within 2000-01-01..2100-01-01. `name` is the parameter or field, for the message.
export function parseInstant(text: string, nowMs: number, options: InstantOptions = {}): number {
  const ms = readInstant(text, nowMs, options);
  if (typeof ms === 'string') throw invalid(options.name ?? 'time', ms);
  return ms;
}

// The instant, or what is wrong with the text (a message without the field's name): for
// schemas and bodies, whose errors carry the field's path.
export function readInstant(text: string, nowMs: number, options: Omit<InstantOptions, 'name'> = {}): number | string {
  const relative = options.relative ?? false;
  const v = text.trim();
  let ms: number | string;
  if (v === 'now') ms = nowMs;
  else if (EPOCH_PATTERN.test(v)) ms = Number(v) < EPOCH_SECONDS_BELOW ? Number(v) * SECOND_MS : Number(v);
  else if (/^[\d.]+[wdhms]/.test(v)) {
    const d = readDuration(v);
    if (typeof d === 'string') ms = d;
    else if (!relative) ms = `${quote(text)} is a duration; a time is needed here: `;
    else ms = nowMs - d;
  } else ms = readDateTime(v, text);
  // Problems that end in "; " or ": " are completed with the grammar.
  if (typeof ms === 'string') return /[;:] $/.test(ms) ? ms + instantHint(relative) : ms;
  if (!(ms >= MIN_INSTANT_MS && ms <= MAX_INSTANT_MS)) return `${quote(text)} is outside 2000-01-01..2100-01-01`;
  return ms;
}

export interface TimeRange {
  fromMs: number;
  toMs: number;
}

export interface RangeDefaults {
  // When `from` is absent, the range is this long, ending at `to`.
  spanMs: number;
}

// A half-open range [from, to) from a range's two parameters: either may be absent (`to` is then
// now, `from` is `to` minus defaults.spanMs), and either may be a duration back from now.
export function parseRange(raw: { from?: string; to?: string }, nowMs: number, defaults: RangeDefaults): TimeRange {
  const toMs = raw.to === undefined ? nowMs : parseInstant(raw.to, nowMs, { name: 'to', relative: true });
  const fromMs = raw.from === undefined ? toMs - defaults.spanMs : parseInstant(raw.from, nowMs, { name: 'from', relative: true });
  if (fromMs >= toMs) throw invalid('from', `must be before to (${new Date(fromMs).toISOString()} >= ${new Date(toMs).toISOString()})`);
  return { fromMs, toMs };
}
