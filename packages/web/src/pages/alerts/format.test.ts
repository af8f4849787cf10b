import { describe, expect, it } from 'vitest';
import type { Rule } from '../../api/types.ts';
import { ago, expressionText, formatRuleValue, isZeroDuration, matcherText, RULE_MEASURES, ruleToInput, severityTone, silenceActive, silenceMatchers, stateTone, thresholdText } from './format.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../../../server/src/domain/time.ts';


function rule(over: Partial<Rule> = {}): Rule {
  return {
    id: 'r1',
    name: 'R1',
    kind: 'threshold',
    query: { measure: 'requests', filter: {}, groupBy: [] },
    op: '>',
    for: '0s',
    minSamples: 0,
    cooldown: '0s',
    severity: 'warning',
    category: 'cost',
    labels: {},
    enabled: true,
    ...over,
  };
}

describe('isZeroDuration', () => {
  it('knows the API spelling of no duration', () => {
    expect(isZeroDuration('0s')).toBe(true);
    expect(isZeroDuration('5m')).toBe(false);
    expect(isZeroDuration('1h30m')).toBe(false);
  });
});

describe('silenceActive', () => {
  const now = Date.UTC(2026, 0, 10);

  it('holds from its start up to, not including, its end', () => {
    expect(silenceActive({ startsAtMs: now - HOUR_MS, endsAtMs: now + HOUR_MS }, now)).toBe(true);
    expect(silenceActive({ startsAtMs: now, endsAtMs: now + HOUR_MS }, now)).toBe(true);
    expect(silenceActive({ startsAtMs: now - HOUR_MS, endsAtMs: now }, now)).toBe(false);
    expect(silenceActive({ startsAtMs: now + MINUTE_MS, endsAtMs: now + HOUR_MS }, now)).toBe(false);
  });
});

describe('ago', () => {
  const now = Date.UTC(2026, 0, 10);

  it('says how long ago, in the largest fitting unit', () => {
    expect(ago(now - 30_000, now)).toBe('30s ago');
    expect(ago(now - 5 * MINUTE_MS, now)).toBe('5m ago');
    expect(ago(now - 3 * HOUR_MS, now)).toBe('3h ago');
    expect(ago(now - 47 * HOUR_MS, now)).toBe('47h ago');
    expect(ago(now - 3 * DAY_MS, now)).toBe('3d ago');
  });

  it('says "in" for the future and a dash for no time', () => {
    expect(ago(now + 5 * MINUTE_MS, now)).toBe('in 5m');
    expect(ago(null, now)).toBe('—');
  });
});

describe('RULE_MEASURES', () => {
  it('offers the measure names the server takes, not the older spellings it still reads', () => {
    expect(RULE_MEASURES).toEqual(expect.arrayContaining(['cost', 'total_tokens', 'cache_read_tokens', 'prompt_tokens', 'errors.rate_limit', 'latency_ms', 'score', 'ingest_queue_depth']));
    expect(RULE_MEASURES).toHaveLength(new Set(RULE_MEASURES).size);
    for (const old of ['cost_usd', 'tokens', 'tokens.cacheRead']) expect(RULE_MEASURES).not.toContain(old);
  });
});

describe('formatRuleValue', () => {
  it('shows a value in the unit of the rule kind', () => {
    expect(formatRuleValue(rule({ kind: 'budget' }), 85)).toBe('85%');
    expect(formatRuleValue(rule({ kind: 'forecast' }), 120.4)).toBe('120%');
    expect(formatRuleValue(rule({ kind: 'ratio', query: { numerator: 'errors', denominator: 'requests', filter: {}, groupBy: [] } }), 0.05)).toBe('5.0%');
    expect(formatRuleValue(rule({ kind: 'ratio', query: { numerator: 'cost', denominator: 'requests', filter: {}, groupBy: [] } }), 0.5)).toBe('$0.50');
    expect(formatRuleValue(rule({ kind: 'rate', query: { measure: 'cost', filter: {}, groupBy: [] } }), 2)).toBe('$2.00/s');
    expect(formatRuleValue(rule({ kind: 'rate' }), 2)).toBe('2/s');
    expect(formatRuleValue(rule({ kind: 'absence' }), 10)).toBe('10 min');
    expect(formatRuleValue(rule({ kind: 'anomaly' }), 3)).toBe('3×');
  });

  it('shows a threshold value in the unit of its measure', () => {
    expect(formatRuleValue(rule({ query: { measure: 'cost', filter: {}, groupBy: [] } }), 5)).toBe('$5.00');
    expect(formatRuleValue(rule({ query: { measure: 'latency_ms', filter: {}, groupBy: [] } }), 1500)).toBe('1.50 s');
    expect(formatRuleValue(rule({ query: { measure: 'ttft_ms', filter: {}, groupBy: [] } }), 250)).toBe('250 ms');
  });

  it('shows plain numbers with few digits when the rule is unknown', () => {
    expect(formatRuleValue(undefined, 12_345)).toBe('12.3k');
    expect(formatRuleValue(undefined, 150.4)).toBe('150');
    expect(formatRuleValue(undefined, 1.234)).toBe('1.23');
    expect(formatRuleValue(undefined, 0.012345)).toBe('0.0123');
    expect(formatRuleValue(undefined, null)).toBe('—');
    expect(formatRuleValue(rule(), Number.NaN)).toBe('—');
  });
});

describe('thresholdText', () => {
  it('writes the condition of each kind', () => {
    expect(thresholdText(rule({ threshold: 5, query: { measure: 'cost', filter: {}, groupBy: [] } }))).toBe('> $5.00');
    expect(thresholdText(rule({ kind: 'absence' }))).toBe('no calls');
    expect(thresholdText(rule())).toBe('—');
  });

  it('writes an anomaly as factor or z-score, with its floor', () => {
    expect(thresholdText(rule({ kind: 'anomaly', baseline: { kind: 'preceding', days: 7, factor: 3, zScore: 2 }, op: '>=', threshold: 10 }))).toBe('> 3× baseline or z > 2 and >= 10');
    expect(thresholdText(rule({ kind: 'anomaly', baseline: { kind: 'preceding', days: 7, zScore: 2.5 } }))).toBe('z > 2.5');
  });
});

describe('expressionText', () => {
  it('writes measure, window, filter and grouping', () => {
    const r = rule({ window: '1h', query: { measure: 'cost', filter: { model: ['a', 'b'], environment: 'prod' }, groupBy: ['model', 'team'] } });
    expect(expressionText(r)).toBe('cost over 1h where model=a|b, environment=prod by model, team');
  });

  it('writes each kind in its own words', () => {
    const q = { filter: {}, groupBy: [] };
    expect(expressionText(rule({ kind: 'ratio', window: '5m', query: { ...q, numerator: 'errors', denominator: 'requests' } }))).toBe('errors / requests over 5m');
    expect(expressionText(rule({ kind: 'percentile', query: { ...q, measure: 'latency_ms', percentile: 95 } }))).toBe('p95 latency_ms');
    expect(expressionText(rule({ kind: 'budget', budget: { scope: 'user', period: 'daily' } }))).toBe('% spent of user daily budgets');
    expect(expressionText(rule({ kind: 'forecast', budget: { scope: 'team', period: 'monthly' } }))).toBe('forecast % of team monthly budgets');
    expect(expressionText(rule({ kind: 'absence', query: q }))).toBe('no requests');
    expect(expressionText(rule({ kind: 'rate' }))).toBe('rate(requests)');
    expect(expressionText(rule({ kind: 'anomaly', baseline: { kind: 'same_hour', days: 7 } }))).toBe('requests vs same hour, last 7d');
    expect(expressionText(rule({ kind: 'anomaly', baseline: { kind: 'same_hour', days: 14 } }))).toBe('requests vs same hour, last 14d');
    expect(expressionText(rule({ kind: 'anomaly', baseline: { kind: 'preceding', days: 7, lookback: '24h' } }))).toBe('requests vs preceding 24h');
  });
});

describe('ruleToInput', () => {
  it('keeps the durations as the API wrote them, for PUT, without changing the rule', () => {
    const r = rule({ window: '5m', lookback: '2d', for: '0s', cooldown: '1h', baseline: { kind: 'preceding', days: 7, lookback: '1h30m', factor: 2 } });
    const input = ruleToInput(r);
    expect(input).toMatchObject({ window: '5m', lookback: '2d', for: '0s', cooldown: '1h', baseline: { kind: 'preceding', lookback: '1h30m', factor: 2 } });
    expect(r.window).toBe('5m');
    expect(r.labels).toEqual({});
  });

  it('drops empty labels and keeps the others', () => {
    expect(ruleToInput(rule())).not.toHaveProperty('labels');
    expect(ruleToInput(rule({ labels: { team: 'core' } })).labels).toEqual({ team: 'core' });
    expect(ruleToInput(rule())).not.toHaveProperty('window');
  });
});

describe('matchers and tones', () => {
  it('writes each matcher operator', () => {
    expect(matcherText({ name: 'model', value: 'gpt.*', isRegex: true, isEqual: true })).toBe('model=~"gpt.*"');
    expect(matcherText({ name: 'model', value: 'gpt.*', isRegex: true, isEqual: false })).toBe('model!~"gpt.*"');
    expect(matcherText({ name: 'team', value: 'core', isRegex: false, isEqual: true })).toBe('team="core"');
    expect(matcherText({ name: 'team', value: 'core', isRegex: false, isEqual: false })).toBe('team!="core"');
  });

  it('silences an alert by its name, severity and group labels', () => {
    const labels = { alertname: 'HighCost', severity: 'warning', category: 'cost', project: 'p1', seed: '1', model: 'gpt-4o' };
    expect(silenceMatchers(labels)).toBe('alertname="HighCost"\nseverity="warning"\nmodel="gpt-4o"');
  });

  it('colours severities and states', () => {
    expect([severityTone('critical'), severityTone('warning'), severityTone('info')]).toEqual(['bad', 'warn', '']);
    expect([stateTone('firing'), stateTone('pending'), stateTone('resolved'), stateTone('other')]).toEqual(['bad', 'warn', 'good', '']);
  });
});
