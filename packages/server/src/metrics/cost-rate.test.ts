import { describe, expect, it } from 'vitest';
import { makeSpan } from '../testing/fixtures.ts';
import { EVALUATION_FEATURE } from '../domain/quality.ts';
import { COST_RATE_WINDOW_MS, CostRateWindow } from './cost-rate.ts';
import { LookoutMetrics } from './registry.ts';

const MINUTE_MS = 60_000;
// A minute boundary, so the slots are easy to reason about.
const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);

describe('cost rate', () => {
  it('is the known spend of the calls that ended in the last 15 minutes, in USD per hour', () => {
    const w = new CostRateWindow();
    w.add('openai', T0 - 2 * MINUTE_MS, 3e9, T0); // $3
    w.add('openai', T0 - 14 * MINUTE_MS, 1e9, T0); // $1
    w.add('openai', T0 - 20 * MINUTE_MS, 50e9, T0); // ended before the window: not spending now
    w.add('anthropic', T0 + 5 * MINUTE_MS, 0.5e9, T0); // a client clock ahead: counts as now
    w.add('mistral', T0 - 16 * MINUTE_MS, 1e9, T0); // only old calls: no series for it
    let rates = w.ratesUsdPerHour(T0);
    expect([...rates.keys()].sort()).toEqual(['anthropic', 'openai']);
    // $4 in 15 minutes is $16 an hour.
    expect(rates.get('openai')).toBeCloseTo(16, 9);
    expect(rates.get('anthropic')).toBeCloseTo(2, 9);
    // Ten minutes on, the $1 call has left the window.
    rates = w.ratesUsdPerHour(T0 + 10 * MINUTE_MS);
    expect(rates.get('openai')).toBeCloseTo(12, 9);
    // Once everything has left, the provider reads 0 rather than disappearing.
    rates = w.ratesUsdPerHour(T0 + COST_RATE_WINDOW_MS + MINUTE_MS);
    expect(rates.get('openai')).toBe(0);
    expect(rates.get('anthropic')).toBe(0);
  });

  it('reuses a minute slot for a later minute without carrying the old minute over', () => {
    const w = new CostRateWindow();
    w.add('openai', T0, 1e9, T0);
    // Exactly one window later the same ring slot holds the new minute only.
    const later = T0 + COST_RATE_WINDOW_MS;
    w.add('openai', later, 2e9, later);
    expect(w.ratesUsdPerHour(later).get('openai')).toBeCloseTo(8, 9);
    // A late call of the old minute arriving now is outside the window and changes nothing.
    w.add('openai', T0, 7e9, later);
    expect(w.ratesUsdPerHour(later).get('openai')).toBeCloseTo(8, 9);
  });

  it('is on /metrics by provider, without the judge calls and without old calls loaded late', async () => {
    const metrics = new LookoutMetrics({ defaultMetrics: false });
    const now = Date.now();
    const endingAt = (endMs: number, nano: number, feature: string | null = null) => {
      const s = makeSpan({ startUs: (endMs - 1_000) * 1000 });
      s.endUs = endMs * 1000;
      s.cost = { ...s.cost, totalNanoUsd: nano };
      s.attribution = { ...s.attribution, feature };
      return s;
    };
    metrics.recordSpans(
      [endingAt(now - 1_000, 300_000_000), endingAt(now - 2_000, 200_000_000), endingAt(now - 3_600_000, 9e9), endingAt(now, 1e9, EVALUATION_FEATURE)],
      now,
    );
    const text = (await metrics.render('prometheus')).body;
    expect(text).toContain('# TYPE lookout_llm_cost_rate_usd_per_hour gauge');
    const line = text.split('\n').find((l) => l.startsWith('lookout_llm_cost_rate_usd_per_hour{provider="openai"}'));
    // $0.50 in the last 15 minutes: $2 an hour.
    expect(Number(line?.split(' ')[1])).toBeCloseTo(2, 9);
  });
});
