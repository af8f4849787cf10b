import { describe, expect, it } from 'vitest';
import { countsByType, MAX_CHART_BUCKETS, summaryChart, typeTone, wholeCount } from './security.ts';

const HOUR = 3_600_000;
const at = (ms: number) => new Date(ms).toISOString();
const T0 = Date.parse('2026-12-01T00:00:00.000Z');

describe('countsByType', () => {
  it('lists every type in the log order, zero for the types the range has none of', () => {
    const counts = countsByType({ byType: [{ type: 'prompt_injection', events: 3, values: 3 }, { type: 'pii', events: 5, values: 9 }] });
    expect(counts.map((c) => c.type)).toEqual(['pii', 'secret', 'prompt_injection', 'jailbreak', 'auth_failure', 'rate_limited', 'budget_blocked']);
    expect(counts[0]).toEqual({ type: 'pii', events: 5, values: 9 });
    expect(counts[1]).toEqual({ type: 'secret', events: 0, values: 0 });
    expect(counts[2]).toEqual({ type: 'prompt_injection', events: 3, values: 3 });
  });
});

describe('summaryChart', () => {
  it('puts every bucket of the range on the axis, zero where the server sent no point, one series per type with events', () => {
    // A range that starts mid-bucket: the first bucket is the one that holds its start.
    const chart = summaryChart({
      from: at(T0 + 30 * 60_000),
      to: at(T0 + 4 * HOUR),
      bucketSeconds: 3600,
      series: [
        { time: at(T0 + HOUR), type: 'pii', events: 2, values: 3 },
        { time: at(T0 + 3 * HOUR), type: 'pii', events: 1, values: 1 },
        { time: at(T0 + 3 * HOUR), type: 'prompt_injection', events: 4, values: 4 },
        { time: at(T0 + 2 * HOUR), type: 'secret', events: 0, values: 0 },
      ],
    });
    expect(chart.times).toEqual([T0, T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR]);
    expect(chart.series.map((s) => s.label)).toEqual(['Personal data', 'Prompt injection']);
    expect(chart.series[0]!.values).toEqual([0, 2, 0, 1]);
    expect(chart.series[1]!.values).toEqual([0, 0, 0, 4]);
    // Colours follow the type, not the position: prompt injection keeps its colour without pii.
    const alone = summaryChart({ from: at(T0), to: at(T0 + HOUR), bucketSeconds: 3600, series: [{ time: at(T0), type: 'prompt_injection', events: 1, values: 1 }] });
    expect(alone.series[0]!.color).toBe(chart.series[1]!.color);
  });

  it('keeps a point off the grid and falls back to the points alone for a range of too many buckets', () => {
    const off = summaryChart({ from: at(T0), to: at(T0 + 2 * HOUR), bucketSeconds: 3600, series: [{ time: at(T0 + 90 * 60_000), type: 'pii', events: 1, values: 1 }] });
    expect(off.times).toEqual([T0, T0 + HOUR, T0 + 90 * 60_000]);
    expect(off.series[0]!.values).toEqual([0, 0, 1]);
    const years = summaryChart({
      from: at(T0 - (MAX_CHART_BUCKETS + 1) * 24 * HOUR),
      to: at(T0 + 24 * HOUR),
      bucketSeconds: 86_400,
      series: [{ time: at(T0), type: 'secret', events: 7, values: 7 }],
    });
    expect(years.times).toEqual([T0]);
    expect(years.series[0]!.values).toEqual([7]);
  });

  it('has no series for a range without events', () => {
    expect(summaryChart({ from: at(T0), to: at(T0 + HOUR), bucketSeconds: 300, series: [] }).series).toEqual([]);
  });
});

describe('typeTone', () => {
  it('marks attacks and leaked secrets as bad, other events as a warning, none as neutral', () => {
    expect(typeTone('prompt_injection', 1)).toBe('bad');
    expect(typeTone('secret', 2)).toBe('bad');
    expect(typeTone('pii', 5)).toBe('warn');
    expect(typeTone('jailbreak', 0)).toBeUndefined();
  });
});

describe('wholeCount', () => {
  it('labels whole numbers of events only', () => {
    expect(wholeCount(2)).toBe('2');
    expect(wholeCount(12_345)).toBe('12.3k');
    expect(wholeCount(1.5)).toBe('');
  });
});
