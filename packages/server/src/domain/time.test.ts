import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LookoutError } from '../errors.ts';
import { generation, makeTestApp, type TestApp } from '../testing/app.ts';
import { DAY_MS, formatDuration, HOUR_MS, MINUTE_MS, parseDuration, parseInstant, parseRange, readDuration, readInstant, SECOND_MS, WEEK_MS } from './time.ts';

const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);

function refusal(fn: () => unknown): LookoutError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(LookoutError);
    expect((err as LookoutError).code).toBe('invalid_parameter');
    return err as LookoutError;
  }
  throw new Error('was accepted');
}

describe('durations', () => {
  it('reads whole numbers with units w d h m s, compound, largest first', () => {
    expect(parseDuration('90s')).toBe(90 * SECOND_MS);
    expect(parseDuration('5m')).toBe(5 * MINUTE_MS);
    expect(parseDuration('1h30m')).toBe(90 * MINUTE_MS);
    expect(parseDuration('7d')).toBe(7 * DAY_MS);
    expect(parseDuration('2w')).toBe(2 * WEEK_MS);
    expect(parseDuration('1w2d3h4m5s')).toBe(WEEK_MS + 2 * DAY_MS + 3 * HOUR_MS + 4 * MINUTE_MS + 5 * SECOND_MS);
    expect(parseDuration(' 24h ')).toBe(DAY_MS);
    expect(parseDuration('0s')).toBe(0);
  });

  it('refuses anything else, naming the parameter', () => {
    for (const bad of ['', '5', 'm', '5 minutes', '30m1h', '1h1h', '-5m', '5M', '1y', '5ms', '1e3s']) {
      expect(refusal(() => parseDuration(bad, { name: 'window' })).message, bad).toMatch(/^window: '.*' is not a duration; use e\.g\. 90s, 5m, 1h30m, 7d or 2w$/);
    }
    expect(readDuration('5 minutes')).toMatch(/^'5 minutes' is not a duration/);
    expect(readDuration('1h30m')).toBe(90 * MINUTE_MS);
  });

  it('refuses fractions and says how to write them', () => {
    expect(refusal(() => parseDuration('1.5h', { name: 'from' })).message).toBe("from: '1.5h' has a fraction; write 1h30m");
    expect(refusal(() => parseDuration('0.1s')).message).toMatch(/has a fraction; use e\.g\. 90s/);
  });

  it('is bounded, so that every duration is exact', () => {
    expect(parseDuration('99999999d')).toBe(99_999_999 * DAY_MS);
    expect(refusal(() => parseDuration('123456789012d')).message).toMatch(/is longer than 100000000d/);
    expect(refusal(() => parseDuration('123456789012345678d')).message).toMatch(/is not a duration/);
  });

  it('writes the canonical spelling, which reads back the same', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(DAY_MS)).toBe('24h');
    expect(formatDuration(DAY_MS + 30 * MINUTE_MS)).toBe('24h30m');
    expect(formatDuration(2 * DAY_MS + HOUR_MS)).toBe('2d1h');
    expect(formatDuration(WEEK_MS + DAY_MS)).toBe('8d');
    expect(formatDuration(2 * WEEK_MS)).toBe('14d');
    expect(formatDuration(1_999)).toBe('1s');
    expect(formatDuration(500)).toBe('0s');
    for (const ms of [SECOND_MS, 59 * SECOND_MS, 90 * MINUTE_MS, 26 * HOUR_MS, 8 * DAY_MS, 123_456_000]) expect(parseDuration(formatDuration(ms))).toBe(ms);
  });
});

describe('instants', () => {
  it('reads RFC 3339 with Z or an offset, seconds and fraction optional', () => {
    expect(parseInstant('2026-11-01T10:00:00Z', NOW)).toBe(Date.UTC(2026, 10, 1, 10));
    expect(parseInstant('2026-11-01T10:00Z', NOW)).toBe(Date.UTC(2026, 10, 1, 10));
    expect(parseInstant('2026-11-01 10:00:00.250z', NOW)).toBe(Date.UTC(2026, 10, 1, 10, 0, 0, 250));
    expect(parseInstant('2026-11-01T12:00:00+02:00', NOW)).toBe(Date.UTC(2026, 10, 1, 10));
    expect(parseInstant('2026-11-01T05:30:00-0430', NOW)).toBe(Date.UTC(2026, 10, 1, 10));
  });

  it('reads a bare date as UTC midnight', () => {
    expect(parseInstant('2026-11-01', NOW)).toBe(Date.UTC(2026, 10, 1));
  });

  it('refuses a date-time without an offset instead of guessing a zone', () => {
    const err = refusal(() => parseInstant('2026-11-01T10:00:00', NOW, { name: 'endsAt' }));
    expect(err.message).toBe("endsAt: '2026-11-01T10:00:00' has no offset: add Z for UTC (2026-11-01T10:00:00Z) or an offset such as +02:00");
  });

  it('tells epoch seconds from epoch milliseconds: below 1e11 is seconds', () => {
    expect(parseInstant('1700000000', NOW)).toBe(1_700_000_000_000);
    expect(parseInstant('1700000000000', NOW)).toBe(1_700_000_000_000);
    expect(parseInstant('4102444800', NOW)).toBe(Date.UTC(2100, 0, 1));
    // On either side of the rule a number is far outside the bounds, so no time is misread.
    expect(refusal(() => parseInstant('99999999999', NOW)).message).toMatch(/outside/);
    expect(refusal(() => parseInstant('100000000000', NOW)).message).toMatch(/outside/);
  });

  it('reads now, and a duration back from now only where a range bound is expected', () => {
    expect(parseInstant('now', NOW)).toBe(NOW);
    expect(parseInstant('24h', NOW, { relative: true })).toBe(NOW - DAY_MS);
    expect(parseInstant('1h30m', NOW, { relative: true })).toBe(NOW - 90 * MINUTE_MS);
    expect(refusal(() => parseInstant('24h', NOW, { name: 'startsAt' })).message).toMatch(/^startsAt: '24h' is a duration; a time is needed here: use RFC 3339/);
    expect(readInstant('24h', NOW)).toMatch(/^'24h' is a duration/);
    expect(readInstant('24h', NOW, { relative: true })).toBe(NOW - DAY_MS);
  });

  it('is bounded to 2000-01-01..2100-01-01', () => {
    expect(refusal(() => parseInstant('1999-12-31', NOW, { name: 'from' })).message).toBe("from: '1999-12-31' is outside 2000-01-01..2100-01-01");
    expect(refusal(() => parseInstant('9999999999999999', NOW)).message).toMatch(/outside 2000-01-01..2100-01-01/);
    expect(refusal(() => parseInstant('1000000', NOW)).message).toMatch(/outside/);
    expect(parseInstant('2100-01-01T00:00:00Z', NOW)).toBe(Date.UTC(2100, 0, 1));
  });

  it('refuses what is not in the calendar or not a time at all', () => {
    expect(refusal(() => parseInstant('2026-02-30', NOW)).message).toMatch(/is not a date in the calendar/);
    expect(refusal(() => parseInstant('2026-11-01T24:00:00Z', NOW)).message).toMatch(/is not a time of day/);
    expect(refusal(() => parseInstant('2026-11-01T10:00:00+25:00', NOW)).message).toMatch(/offset/);
    for (const bad of ['yesterday', 'Nov 1 2026', '2026-11-01T10', '-1', '1.7e9', '']) {
      expect(refusal(() => parseInstant(bad, NOW, { name: 'to' })).message, bad).toMatch(/^to: '.*' is not a time; use RFC 3339/);
    }
  });
});

describe('ranges', () => {
  it('defaults to the given span ending now, and reads either bound relative to now', () => {
    expect(parseRange({}, NOW, { spanMs: 7 * DAY_MS })).toEqual({ fromMs: NOW - 7 * DAY_MS, toMs: NOW });
    expect(parseRange({ from: '24h' }, NOW, { spanMs: 7 * DAY_MS })).toEqual({ fromMs: NOW - DAY_MS, toMs: NOW });
    expect(parseRange({ from: '2d', to: '1d' }, NOW, { spanMs: 7 * DAY_MS })).toEqual({ fromMs: NOW - 2 * DAY_MS, toMs: NOW - DAY_MS });
    expect(parseRange({ to: '2026-11-10' }, NOW, { spanMs: DAY_MS })).toEqual({ fromMs: Date.UTC(2026, 10, 9), toMs: Date.UTC(2026, 10, 10) });
  });

  it('names the parameter at fault', () => {
    expect(refusal(() => parseRange({ from: '2026-11-11', to: '2026-11-10' }, NOW, { spanMs: DAY_MS })).message).toMatch(/^from: must be before to/);
    expect(refusal(() => parseRange({ to: '2026-11-10T00:00' }, NOW, { spanMs: DAY_MS })).message).toMatch(/^to: .* has no offset/);
  });
});

// What the review found, through the real routes: every endpoint speaks the one grammar.
describe('times and durations on every endpoint', () => {
  let t: TestApp;
  const startMs = Date.now() - 30 * MINUTE_MS;
  beforeAll(async () => {
    t = await makeTestApp({ 'alerts.defaultPack': false });
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch: [generation({ startTime: new Date(startMs).toISOString() })] } });
    expect(res.statusCode).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
  });
  const get = (url: string) => t.app.inject({ method: 'GET', url });

  it('reads epoch seconds the same on /spans and /analytics (they were January 1970 on one, refused on the other)', async () => {
    const before = Math.floor((startMs - HOUR_MS) / SECOND_MS);
    const after = Math.floor((startMs + MINUTE_MS) / SECOND_MS);
    const spans = await get(`/api/v1/spans?from=${before}&to=${after}`);
    expect(spans.statusCode).toBe(200);
    expect(spans.json().total).toBe(1);
    const analytics = await get(`/api/v1/analytics/query?measures=requests&from=${before}&to=${after}`);
    expect(analytics.statusCode).toBe(200);
    expect(analytics.json().rows[0].requests).toBe(1);
    // The same instants in milliseconds select the same.
    expect((await get(`/api/v1/spans?from=${before * 1000}&to=${after * 1000}`)).json().total).toBe(1);
    expect((await get(`/api/v1/spans?from=${after}`)).json().total).toBe(0);
  });

  it('refuses a date-time without an offset on every endpoint (it was local time on some, UTC on others)', async () => {
    const local = '2026-11-01T10:00:00';
    const urls = [
      `/api/v1/spans?from=${local}`,
      `/api/v1/traces?to=${local}`,
      `/api/v1/otel-metrics?from=${local}`,
      `/api/v1/analytics/query?measures=cost&from=${local}`,
      `/api/v1/analytics/daily?to=${local}`,
      `/api/v1/analytics/top-spenders?from=${local}`,
      `/api/v1/analytics/model-efficiency?from=${local}`,
      `/api/v1/analytics/latency-distribution?from=${local}`,
      `/api/v1/analytics/forecast?now=${local}`,
      `/api/v1/alerts/history?since=${local}`,
      `/api/v1/alerts/history?until=${local}`,
    ];
    for (const url of urls) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.message, url).toMatch(/^(from|to|now|since|until): '2026-11-01T10:00:00' has no offset: add Z for UTC/);
    }
    for (const field of ['endsAt', 'startsAt']) {
      const payload = { matchers: ['alertname="X"'], endsAt: '2099-01-01T00:00:00Z', [field]: '2098-01-01T10:00:00' };
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/alerts/silences', payload });
      expect(res.statusCode, field).toBe(400);
      expect(res.json().error.message).toBe(`the silence is not valid: ${field}: '2098-01-01T10:00:00' has no offset: add Z for UTC (2098-01-01T10:00:00Z) or an offset such as +02:00`);
    }
  });

  it('takes compound durations such as 1h30m on every route (routes took one unit only)', async () => {
    for (const url of ['/api/v1/spans?from=1h30m', '/api/v1/traces?from=1h30m', '/api/v1/otel-metrics?from=1h30m', '/api/v1/analytics/query?measures=requests&from=1h30m', '/api/v1/alerts/history?since=1h30m']) {
      expect((await get(url)).statusCode, url).toBe(200);
    }
    expect((await get('/api/v1/spans?from=1h30m')).json().total).toBe(1);
    expect((await get('/api/v1/spans?from=20m')).json().total).toBe(0);
    expect((await get('/api/v1/analytics/query?measures=requests&from=1h30m')).json().rows[0].requests).toBe(1);
    const silence = await t.app.inject({ method: 'POST', url: '/api/v1/alerts/silences', payload: { matchers: ['alertname="X"'], duration: '1h30m' } });
    expect(silence.statusCode).toBe(201);
    expect(silence.json().silence.endsAtMs - silence.json().silence.startsAtMs).toBe(90 * MINUTE_MS);
    // One spelling: a fraction is refused everywhere, with the way to write it.
    const fraction = await get('/api/v1/spans?from=1.5h');
    expect(fraction.statusCode).toBe(400);
    expect(fraction.json().error.message).toBe("from: '1.5h' has a fraction; write 1h30m");
  });

  it('answers alert rules with durations as it takes them, so a rule read back can be put back ("window": "1h30m")', async () => {
    const input = { name: 'Slow', kind: 'percentile', query: { measure: 'latency_ms', percentile: 95 }, window: '1h30m', for: '5m', cooldown: '1d', op: '>', threshold: 1e9, severity: 'warning', category: 'performance', annotations: { summary: 'slow' } };
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/alerts/rules', payload: input });
    expect(created.statusCode).toBe(201);
    expect(created.json().rule).toMatchObject({ window: '1h30m', for: '5m', cooldown: '24h' });
    const listed = (await get('/api/v1/alerts/rules')).json().rules.find((v: { rule: { id: string } }) => v.rule.id === 'Slow');
    expect(listed.rule).toEqual(created.json().rule);
    const put = await t.app.inject({ method: 'PUT', url: '/api/v1/alerts/rules/Slow', payload: listed.rule });
    expect(put.statusCode).toBe(200);
    expect(put.json().rule).toEqual(listed.rule);
    const off = await t.app.inject({ method: 'PATCH', url: '/api/v1/alerts/rules/Slow', payload: { enabled: false } });
    expect(off.json().rule).toMatchObject({ window: '1h30m', for: '5m', cooldown: '24h' });
    const tested = await t.app.inject({ method: 'POST', url: '/api/v1/alerts/test-rule', payload: { ...input, kind: 'anomaly', query: { measure: 'requests' }, baseline: { kind: 'preceding', lookback: '6h', factor: 2 } } });
    expect(tested.statusCode).toBe(200);
    expect(tested.json().rule).toMatchObject({ window: '1h30m', for: '5m', cooldown: '24h', baseline: { kind: 'preceding', lookback: '6h', factor: 2 } });
  });
});
