import { describe, expect, it } from 'vitest';
import type { QueryResult, Row } from '../api/types.ts';
import { alignSeries, label, num, pivot, series, share } from './rows.ts';

const T1 = '2026-01-01T00:00:00.000Z';
const T2 = '2026-01-01T01:00:00.000Z';
const T3 = '2026-01-01T02:00:00.000Z';
const result = (rows: Row[]): QueryResult => ({ fromMs: 0, toMs: 0, bucket: 'hour', columns: [], rows, truncated: false });

describe('num and label', () => {
  it('reads a measure as a number, null when missing', () => {
    expect(num({ cost: '1.5' }, 'cost')).toBe(1.5);
    expect(num({ cost: 0 }, 'cost')).toBe(0);
    expect(num({ cost: null }, 'cost')).toBeNull();
    expect(num({}, 'cost')).toBeNull();
    expect(num(undefined, 'cost')).toBeNull();
  });

  it('names an empty dimension value', () => {
    expect(label('gpt-4o')).toBe('gpt-4o');
    expect(label(0)).toBe('0');
    expect(label(null)).toBe('(none)');
    expect(label('')).toBe('(none)');
    expect(label(undefined, 'unknown')).toBe('unknown');
  });
});

describe('share', () => {
  it('rounds to whole percent, keeping one decimal under 1%', () => {
    expect(share(1, 3)).toBe('33%');
    expect(share(1, 200)).toBe('0.5%');
    expect(share(0, 10)).toBe('0%');
    expect(share(5, 0)).toBe('—');
  });
});

describe('series', () => {
  it('gives the bucket times and one list of numbers per measure, gaps as null', () => {
    const s = series(result([{ bucket: T1, cost: '2', requests: 4 }, { bucket: T2, cost: null, requests: 1 }]), ['cost', 'requests']);
    expect(s).toEqual({ times: [Date.parse(T1), Date.parse(T2)], values: { cost: [2, null], requests: [4, 1] } });
  });
});

describe('pivot', () => {
  const rows: Row[] = [
    { bucket: T2, model: 'a', cost: 1 },
    { bucket: T1, model: 'a', cost: 2 },
    { bucket: T1, model: 'b', cost: 10 },
    { bucket: T2, model: null, cost: 4 },
    { bucket: T1, model: 'c', cost: 0.5 },
  ];

  it('makes one series per group, biggest total first, over sorted bucket times', () => {
    const p = pivot(result(rows), 'model', 'cost');
    expect(p.times).toEqual([Date.parse(T1), Date.parse(T2)]);
    expect(p.series).toEqual([
      { label: 'b', values: [10, 0] },
      { label: '(none)', values: [0, 4] },
      { label: 'a', values: [2, 1] },
      { label: 'c', values: [0.5, 0] },
    ]);
  });

  it('keeps only the top groups', () => {
    expect(pivot(result(rows), 'model', 'cost', 2).series.map((s) => s.label)).toEqual(['b', '(none)']);
  });
});

describe('alignSeries', () => {
  it('lays grouped series onto all buckets, zero where a group had no data', () => {
    const times = [Date.parse(T1), Date.parse(T2), Date.parse(T3)];
    const grouped = { times: [Date.parse(T2)], series: [{ label: 'openai', values: [5] }] };
    expect(alignSeries(times, grouped)).toEqual([{ label: 'openai', values: [0, 5, 0] }]);
  });
});
