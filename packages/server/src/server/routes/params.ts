import { LookoutError } from '../../errors.ts';

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const MIN_TIME_MS = Date.UTC(2000, 0, 1);
const MAX_TIME_MS = Date.UTC(2100, 0, 1);

// Parses a time given as ISO-8601, epoch milliseconds, `now`, or a duration back from now
// ("90m", "24h", "7d", "2w"). `name` is the parameter, for the error message.
export function parseTimeParam(name: string, value: string, nowMs: number): number {
  const v = value.trim();
  if (v === 'now') return nowMs;
  const rel = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(v);
  const ms = rel ? nowMs - Number(rel[1]) * UNIT_MS[rel[2]] : /^\d{10,}$/.test(v) ? Number(v) : Date.parse(v);
  // Huge numbers of digits give Infinity or dates no store can hold: a mistake, not a range.
  if (Number.isFinite(ms)) {
    if (ms >= MIN_TIME_MS && ms <= MAX_TIME_MS) return ms;
    throw new LookoutError('invalid_parameter', `${name}: '${value.slice(0, 64)}' is outside 2000-01-01..2100-01-01`);
  }
  throw new LookoutError('invalid_parameter', `${name}: '${value}' is not a time; use ISO-8601 (2026-11-01T00:00:00Z), epoch milliseconds, or a duration back from now such as 24h or 7d`);
}

// "7d" -> milliseconds; for --since style options.
export function parseDurationMs(name: string, value: string): number {
  const rel = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(value.trim());
  if (!rel) throw new LookoutError('invalid_parameter', `${name}: '${value}' is not a duration; use e.g. 30m, 24h, 7d, 2w`);
  return Number(rel[1]) * UNIT_MS[rel[2]];
}
