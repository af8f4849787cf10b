import { describe, expect, it } from 'vitest';
import { bucketStarts, utcDate } from './buckets.ts';

describe('time buckets', () => {
  it('bucket starts match date_trunc', () => {
    expect(bucketStarts('week', Date.UTC(2026, 10, 5), Date.UTC(2026, 10, 17)).map((t) => new Date(t).toISOString().slice(0, 10))).toEqual([
      '2026-11-02',
      '2026-11-09',
      '2026-11-16',
    ]);
    expect(bucketStarts('month', Date.UTC(2026, 10, 15), Date.UTC(2027, 1, 1)).map((t) => new Date(t).toISOString().slice(0, 7))).toEqual(['2026-11', '2026-12', '2027-01']);
  });

  it('cuts minutes, hours and days at their UTC starts, the partial first one included', () => {
    expect(bucketStarts('hour', Date.UTC(2026, 10, 10, 9, 30), Date.UTC(2026, 10, 10, 11, 0))).toEqual([Date.UTC(2026, 10, 10, 9), Date.UTC(2026, 10, 10, 10)]);
    expect(bucketStarts('minute', Date.UTC(2026, 10, 10, 9, 0, 30), Date.UTC(2026, 10, 10, 9, 2))).toEqual([Date.UTC(2026, 10, 10, 9, 0), Date.UTC(2026, 10, 10, 9, 1)]);
    expect(bucketStarts('day', Date.UTC(2026, 10, 30, 23), Date.UTC(2026, 11, 2)).map(utcDate)).toEqual(['2026-11-30', '2026-12-01']);
    expect(bucketStarts('day', Date.UTC(2026, 10, 1), Date.UTC(2026, 10, 1))).toEqual([]);
  });
});
