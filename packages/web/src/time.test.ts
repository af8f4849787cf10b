import { describe, expect, it } from 'vitest';
import { bucketFor, DEFAULT_RANGE, rangeProblem, resolveRange } from './time.ts';
import { DAY_MS, HOUR_MS } from '../../server/src/domain/time.ts';
const q = (text: string) => new URLSearchParams(text);

describe('bucketFor', () => {
  it('picks minutes up to 6 h, hours up to 7 days, days beyond', () => {
    expect(bucketFor(6 * HOUR_MS)).toBe('minute');
    expect(bucketFor(6 * HOUR_MS + 1)).toBe('hour');
    expect(bucketFor(7 * DAY_MS)).toBe('hour');
    expect(bucketFor(7 * DAY_MS + 1)).toBe('day');
  });
});

describe('resolveRange', () => {
  const nowMs = Date.UTC(2026, 0, 10, 12, 0, 30);
  const nextMinuteMs = Date.UTC(2026, 0, 10, 12, 1, 0);

  it('ends a preset at the next whole minute and reaches back its length', () => {
    const r = resolveRange(q('range=6h'), nowMs);
    expect(r).toEqual({
      label: '6h',
      fromMs: nextMinuteMs - 6 * HOUR_MS,
      toMs: nextMinuteMs,
      from: new Date(nextMinuteMs - 6 * HOUR_MS).toISOString(),
      to: '2026-01-10T12:01:00.000Z',
      bucket: 'minute',
    });
  });

  it('keeps a time on the minute as it is', () => {
    expect(resolveRange(q('range=1h'), nextMinuteMs).toMs).toBe(nextMinuteMs);
  });

  it('takes the default for no range or an unknown one', () => {
    for (const text of ['', 'range=5y', 'range=2h']) {
      const r = resolveRange(q(text), nowMs);
      expect(r.label).toBe(DEFAULT_RANGE);
      expect(r.toMs - r.fromMs).toBe(DAY_MS);
      expect(r.bucket).toBe('hour');
    }
  });

  it('uses days as buckets for 30 days', () => {
    expect(resolveRange(q('range=30d'), nowMs).bucket).toBe('day');
  });

  it('takes a custom from/to as given, normalised to ISO', () => {
    const r = resolveRange(q('from=2026-01-01T00:00:00Z&to=2026-01-03T00:00:00%2B01:00&range=1h'), nowMs);
    expect(r.label).toBe('custom');
    expect(r.from).toBe('2026-01-01T00:00:00.000Z');
    expect(r.to).toBe('2026-01-02T23:00:00.000Z');
    expect(r.bucket).toBe('hour');
  });

  it('falls back to the preset when from/to are unusable', () => {
    expect(resolveRange(q('from=2026-01-03T00:00:00Z&to=2026-01-01T00:00:00Z&range=1h'), nowMs).label).toBe('1h');
    expect(resolveRange(q('from=yesterday&to=2026-01-01T00:00:00Z'), nowMs).label).toBe(DEFAULT_RANGE);
    expect(resolveRange(q('from=2026-01-01T00:00:00Z'), nowMs).label).toBe(DEFAULT_RANGE);
    expect(resolveRange(q('from=2026-01-01T00:00:00&to=2026-01-02T00:00:00Z'), nowMs).label).toBe(DEFAULT_RANGE);
    // Epoch seconds and a date alone (UTC midnight) are times, as in the API.
    expect(resolveRange(q(`from=${Date.UTC(2026, 0, 1) / 1000}&to=2026-01-02`), nowMs)).toMatchObject({ label: 'custom', fromMs: Date.UTC(2026, 0, 1), toMs: Date.UTC(2026, 0, 2) });
  });
});

describe('rangeProblem', () => {
  it('accepts presets and a well-formed custom range', () => {
    expect(rangeProblem(q(''))).toBeNull();
    expect(rangeProblem(q('range=7d'))).toBeNull();
    expect(rangeProblem(q('from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z'))).toBeNull();
  });

  it('names what is wrong with the address', () => {
    expect(rangeProblem(q('from=2026-01-01T00:00:00Z'))).toBe('The address has from without to');
    expect(rangeProblem(q('to=2026-01-01T00:00:00Z'))).toBe('The address has to without from');
    expect(rangeProblem(q('from=x&to=y'))).toMatch(/^The address's from: 'x' is not a time; use RFC 3339 with an offset/);
    expect(rangeProblem(q('from=2026-01-01T00:00:00Z&to=2026-02-30'))).toMatch(/^The address's to: '2026-02-30' is not a date in the calendar/);
    // As in the API: a time without an offset is refused rather than read in the browser's zone.
    expect(rangeProblem(q('from=2026-01-01T00:00:00&to=2026-01-02T00:00:00Z'))).toBe(
      "The address's from: '2026-01-01T00:00:00' has no offset: add Z for UTC (2026-01-01T00:00:00Z) or an offset such as +02:00",
    );
    expect(rangeProblem(q('from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z'))).toBe(
      'The range in the address ends before it starts (2026-01-02T00:00:00Z → 2026-01-01T00:00:00Z)',
    );
    expect(rangeProblem(q('range=2h'))).toBe("'2h' is not a range; use one of 15m, 1h, 6h, 24h, 7d, 30d");
  });
});
