import type { SpanRecord } from '../domain/span.ts';
import type { LogRecord, ScoreRecord } from '../domain/score.ts';

// The last check before the journal: a record whose times, costs or token counts the stores
// cannot hold is never journaled. One such row fails every load of the journal segment it is in,
// and with it every project's reads and the next start's replay; so whatever an ingest path
// misses, it stops here. The paths bound their inputs more tightly at the door (with a 4xx);
// these are the stores' own limits, checked with a few comparisons per record.

// Times: from the epoch (OTLP sends 0 for an unknown start) to before 2299, the end of
// ClickHouse's DateTime64 and far inside DuckDB's TIMESTAMP (whose durations are INT64 µs).
export const MIN_STORABLE_US = 0;
export const MAX_STORABLE_US = Date.UTC(2299, 0, 1) * 1000;
// Costs are stored as DECIMAL(18, 9) USD: below 1e9 USD, i.e. 1e18 nano-USD.
export const MAX_STORABLE_NANO_USD = 1e18 - 1;
// Token counts are BIGINT and summed into a total: each stays an exact JS integer.
const MAX_STORABLE_TOKENS = Number.MAX_SAFE_INTEGER;

// NaN fails every comparison, so each check is written to refuse it.
const timeOk = (us: number) => us >= MIN_STORABLE_US && us <= MAX_STORABLE_US;
const nanoOk = (nano: number | null | undefined) => nano === null || nano === undefined || Math.abs(nano) <= MAX_STORABLE_NANO_USD;
const tokensOk = (n: number) => n >= 0 && n <= MAX_STORABLE_TOKENS;

export function storableSpan(s: SpanRecord): boolean {
  if (!timeOk(s.startUs) || !timeOk(s.endUs)) return false;
  const u = s.usage;
  if (!tokensOk(u.input) || !tokensOk(u.output) || !tokensOk(u.cacheRead) || !tokensOk(u.cacheWrite) || !tokensOk(u.reasoning) || !tokensOk(u.audio)) return false;
  if (!nanoOk(s.cost.totalNanoUsd)) return false;
  for (const k in s.cost.byBucketNanoUsd) if (!nanoOk(s.cost.byBucketNanoUsd[k as keyof typeof s.cost.byBucketNanoUsd])) return false;
  return s.ttftMs === null || Number.isFinite(s.ttftMs);
}

export function storableScore(s: ScoreRecord): boolean {
  return timeOk(s.timestampUs) && (s.numericValue === null || Number.isFinite(s.numericValue));
}

export function storableLog(l: LogRecord): boolean {
  return timeOk(l.timestampUs);
}
