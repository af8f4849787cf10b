import { DAY_MS } from '../domain/time.ts';
import { LookoutError } from '../errors.ts';
import type { QualityRange } from '../store/store.ts';
import { parseRangeParams } from './params.ts';

// Top issues scan every failed span and score of the range: a quarter is plenty to find what
// recurs, and keeps one request's scan bounded.
export const MAX_QUALITY_RANGE_DAYS = 90;

export function qualityRange(raw: { from?: string; to?: string }, nowMs: number): QualityRange {
  const range = parseRangeParams(raw, nowMs);
  if (range.toMs - range.fromMs > MAX_QUALITY_RANGE_DAYS * DAY_MS) {
    throw new LookoutError('invalid_parameter', `from: the range may span at most ${MAX_QUALITY_RANGE_DAYS} days`);
  }
  return { fromUs: range.fromMs * 1000, toUs: range.toMs * 1000 };
}
