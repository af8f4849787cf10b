import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { SpanRecord } from '../../domain/span.ts';
import { Rollups } from '../../rollups/rollups.ts';
import { HOUR_MS, MINUTE_MS } from '../../domain/time.ts';
import { JsonFile } from '../../state/json-file.ts';
import { makeScore, makeSpan } from '../../testing/fixtures.ts';
import type { Alert } from '../types.ts';
import { ruleIdOf, ruleSchema, type Rule } from '../rules/schema.ts';
import { AlertEngine, fingerprintOf, type AlertStateDoc } from './engine.ts';
import { evaluateRule, type BudgetStatusLike } from './evaluate.ts';

const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);

function rule(input: Record<string, unknown>): Rule {
  const r = ruleSchema.parse(input);
  return { ...r, id: ruleIdOf(r, input.severity !== undefined && input.name === 'Levels') };
}
const validate = (input: unknown) => rule(input as Record<string, unknown>);

function call(atMs: number, over: Partial<SpanRecord> = {}): SpanRecord {
  return makeSpan({ startUs: atMs * 1000, endUs: atMs * 1000 + 500_000, ...over });
}

class Clock {
  t = T0;
  now = () => this.t;
}

function setup(rules: Rule[], options: { budgets?: BudgetStatusLike[] | (() => BudgetStatusLike[]); statePath?: string; gauge?: number | null } = {}) {
  const clock = new Clock();
  const rollups = new Rollups({ now: clock.now });
  const updates: (readonly Alert[])[] = [];
  let registry = new Registry();
  const make = () => {
    registry = new Registry();
    const engine = new AlertEngine(
      {
        sources: {
          rollups,
          budgets: options.budgets ? { statuses: () => (typeof options.budgets === 'function' ? options.budgets() : options.budgets!) } : undefined,
          gauge: () => options.gauge ?? null,
        },
        projects: async () => ['default'],
        state: options.statePath ? new JsonFile<AlertStateDoc>(options.statePath) : null,
        sink: { update: (alerts) => updates.push(alerts) },
        now: clock.now,
        validate,
        registry,
      },
      { intervalMs: 30_000, packRules: rules, fileRules: [] },
    );
    return engine;
  };
  return { clock, rollups, updates, make, metrics: () => registry.metrics() };
}

const costRule = (over: Record<string, unknown> = {}) =>
  rule({
    name: 'DailyCost',
    kind: 'threshold',
    query: { measure: 'cost' },
    window: '24h',
    threshold: 1,
    for: '5m',
    severity: 'warning',
    category: 'cost',
    annotations: { summary: 'spent ${{ $value }} of ${{ $threshold }}', description: 'model {{ $labels.model }}' },
    runbook: 'docs/runbooks.md#dailycostexceeded',
    ...over,
  });

describe('AlertEngine lifecycle', () => {
  it('goes pending, then firing after `for`, then resolved, recording history and notifying only what fired', async () => {
    const { clock, rollups, updates, make } = setup([costRule()]);
    const engine = make();
    await engine.open();
    await engine.evaluate();
    expect(engine.list('default')).toEqual([]);

    rollups.onAccepted([call(T0 - MINUTE_MS, { cost: { status: 'priced', totalNanoUsd: 1.5e9, byBucketNanoUsd: {}, priceRowId: 'x', catalogVersion: 'v' } })], []);
    await engine.evaluate();
    let [a] = engine.list('default');
    expect(a.state).toBe('pending');
    expect(a.value).toBeCloseTo(1.5, 9);
    expect(a.labels).toEqual({ alertname: 'DailyCost', severity: 'warning', category: 'cost', project: 'default' });
    expect(a.annotations).toEqual({ summary: 'spent $1.5 of $1', description: 'model ', runbook_url: 'docs/runbooks.md#dailycostexceeded' });
    expect(a.fingerprint).toBe(fingerprintOf('default', a.labels));
    expect(updates.at(-1)).toEqual([]); // pending is not notified

    clock.t += 4 * MINUTE_MS;
    await engine.evaluate();
    expect(engine.list('default')[0].state).toBe('pending');
    clock.t += MINUTE_MS;
    await engine.evaluate();
    [a] = engine.list('default');
    expect(a.state).toBe('firing');
    expect(a.firedAtMs).toBe(clock.t);
    expect(updates.at(-1)!.map((x) => x.state)).toEqual(['firing']);

    // The call leaves the 24-hour window: resolved, notified once more as resolved.
    clock.t = T0 + 24 * HOUR_MS;
    await engine.evaluate();
    expect(engine.list('default')).toEqual([]);
    const [resolved] = engine.list('default', { states: ['resolved'] });
    expect(resolved.resolvedAtMs).toBe(clock.t);
    expect(updates.at(-1)!.map((x) => x.state)).toEqual(['resolved']);
    expect(engine.history('default').map((e) => `${e.from}->${e.to}`)).toEqual(['firing->resolved', 'pending->firing', 'null->pending']);
  });

  it('keeps alerts, silences and history across a restart', async () => {
    const statePath = join(mkdtempSync(join(tmpdir(), 'lookout-alerts-')), 'alerts.json');
    const { clock, rollups, make } = setup([costRule({ for: '0s' })], { statePath });
    rollups.onAccepted([call(T0 - MINUTE_MS, { cost: { status: 'priced', totalNanoUsd: 2e9, byBucketNanoUsd: {}, priceRowId: 'x', catalogVersion: 'v' } })], []);
    const first = make();
    await first.open();
    await first.evaluate();
    const silence = await first.addSilence('default', { matchers: ['alertname="DailyCost"'], duration: '2h', createdBy: 'ops', comment: 'known' });
    const before = first.list('default');
    expect(before[0].state).toBe('firing');
    expect(before[0].silencedBy).toEqual([silence.id]);
    await first.stop();

    const second = make();
    await second.open();
    expect(second.list('default')).toEqual(before);
    clock.t += MINUTE_MS;
    await second.evaluate();
    const after = second.list('default');
    expect(after[0].firedAtMs).toBe(before[0].firedAtMs); // the same alert, not a new one
    expect(second.history('default').filter((e) => e.to === 'firing')).toHaveLength(1);
    expect(second.silences('default').map((s) => s.id)).toEqual([silence.id]);
  });

  it('a firing critical alert inhibits the warning of the same name and group only', async () => {
    const levels = (severity: string, threshold: number) =>
      rule({ name: 'Levels', kind: 'threshold', query: { measure: 'latency_ms', groupBy: ['model'] }, window: '5m', threshold, severity, category: 'performance' });
    const { rollups, make } = setup([levels('warning', 1000), levels('critical', 3000)]);
    rollups.onAccepted(
      [
        call(T0 - MINUTE_MS, { requestModel: 'slow', endUs: (T0 - MINUTE_MS) * 1000 + 4_000_000 }),
        call(T0 - MINUTE_MS, { requestModel: 'medium', endUs: (T0 - MINUTE_MS) * 1000 + 2_000_000 }),
      ],
      [],
    );
    const engine = make();
    await engine.evaluate();
    const alerts = engine.list('default');
    const find = (model: string, severity: string) => alerts.find((a) => a.labels.model === model && a.labels.severity === severity)!;
    expect(alerts).toHaveLength(3);
    expect(find('slow', 'warning').inhibitedBy).toEqual([find('slow', 'critical').fingerprint]);
    expect(find('medium', 'warning').inhibitedBy).toEqual([]);
    expect(find('slow', 'critical').inhibitedBy).toEqual([]);
  });

  it('silences match by label and can be expired; bad silences are refused with the field named', async () => {
    const { rollups, make } = setup([costRule({ for: '0s', query: { measure: 'cost', groupBy: ['model'] } })]);
    rollups.onAccepted([call(T0 - MINUTE_MS, { requestModel: 'a' }), call(T0 - MINUTE_MS, { requestModel: 'b' })], []);
    const engine = make();
    await engine.evaluate();
    expect(engine.list('default')).toEqual([]); // $0.0045 each: below $1
    const low = costRule({ for: '0s', threshold: 0.001, query: { measure: 'cost', groupBy: ['model'] } });
    const e2 = setup([low]);
    e2.rollups.onAccepted([call(T0 - MINUTE_MS, { requestModel: 'a' }), call(T0 - MINUTE_MS, { requestModel: 'b' })], []);
    const engine2 = e2.make();
    await engine2.evaluate();
    const s = await engine2.addSilence('default', { matchers: ['model=~"a|c"', 'severity!="critical"'], duration: '1h' });
    const byModel = (m: string) => engine2.list('default').find((a) => a.labels.model === m)!;
    expect(byModel('a').silencedBy).toEqual([s.id]);
    expect(byModel('b').silencedBy).toEqual([]);
    await engine2.expireSilence('default', s.id);
    expect(byModel('a').silencedBy).toEqual([]);
    expect(engine2.silences('default')).toEqual([]);
    await expect(engine2.addSilence('default', { matchers: ['model=~"("'], duration: '1h' })).rejects.toThrow(/matchers\[0\]: .*regular expression/);
    await expect(engine2.addSilence('default', { matchers: ['alertname="X"'], duration: 'soon' })).rejects.toThrow(/duration: 'soon' is not a duration/);
    await expect(engine2.addSilence('default', { matchers: ['alertname=~".*"'], duration: '1h' })).rejects.toThrow(/every alert/);
    await expect(engine2.addSilence('default', { matchers: ['alertname="X"'] })).rejects.toThrow(/endsAt/);
  });

  it('debounces: minSamples turns a thin window into no data, and cooldown keeps a resolved alert quiet', async () => {
    const quality = rule({
      name: 'LowQuality',
      kind: 'threshold',
      query: { measure: 'score', groupBy: ['score_name'] },
      window: '1h',
      op: '<',
      threshold: 0.7,
      minSamples: 3,
      cooldown: '30m',
      severity: 'warning',
      category: 'quality',
    });
    const { clock, rollups, make } = setup([quality]);
    const engine = make();
    const score = (at: number, v: number) => makeScore({ name: 'helpfulness', numericValue: v, timestampUs: at * 1000 });
    rollups.onAccepted([], [score(T0 - 10 * MINUTE_MS, 0.1), score(T0 - 9 * MINUTE_MS, 0.2)]);
    await engine.evaluate();
    expect(engine.list('default')).toEqual([]);
    expect(engine.rules('default')[0].health.noData).toBe(true);
    rollups.onAccepted([], [score(T0 - 8 * MINUTE_MS, 0.3)]);
    await engine.evaluate();
    expect(engine.list('default').map((a) => [a.state, a.labels.score_name, a.value])).toEqual([['firing', 'helpfulness', expect.closeTo(0.2, 9)]]);
    // Good scores lift the mean: resolved.
    rollups.onAccepted([], [1, 2, 3, 4, 5, 6].map((i) => score(T0 - i * 1000, 1)));
    clock.t += MINUTE_MS;
    await engine.evaluate();
    expect(engine.list('default')).toEqual([]);
    // Bad again within the cool-down: stays resolved; after it: fires again.
    rollups.onAccepted([], Array.from({ length: 30 }, (_, i) => score(clock.t - i * 1000, 0)));
    clock.t += 10 * MINUTE_MS;
    await engine.evaluate();
    expect(engine.list('default')).toEqual([]);
    clock.t += 25 * MINUTE_MS;
    rollups.onAccepted([], Array.from({ length: 30 }, (_, i) => score(clock.t - i * 1000, 0)));
    await engine.evaluate();
    expect(engine.list('default').map((a) => a.state)).toEqual(['firing']);
  });

  it('a rule that fails is reported and the others still run', async () => {
    const budget = rule({ name: 'Budget', kind: 'budget', budget: { scope: 'user', period: 'daily' }, threshold: 100, severity: 'critical', category: 'cost' });
    const { rollups, make, metrics } = setup([budget, costRule({ for: '0s', threshold: 0 })], {
      budgets: () => {
        throw new Error('budget book unavailable');
      },
    });
    rollups.onAccepted([call(T0 - MINUTE_MS)], []);
    const engine = make();
    await engine.evaluate();
    const views = engine.rules('default');
    expect(views.find((v) => v.rule.id === 'Budget')!.health.lastError).toBe('budget book unavailable');
    expect(engine.list('default').map((a) => a.labels.alertname)).toEqual(['DailyCost']);
    const text = await metrics();
    expect(text).toMatch(/lookout_alert_rule_evaluation_failures_total\{rule_id="Budget"\} 1/);
    expect(text).toMatch(/lookout_alert_rules_failing 1/);
  });

  it('API rules: create, replace, disable, delete; default rules can be disabled but not deleted', async () => {
    const { rollups, make } = setup([costRule({ for: '0s', threshold: 0 })]);
    rollups.onAccepted([call(T0 - MINUTE_MS)], []);
    const engine = make();
    await engine.evaluate();
    expect(engine.list('default')).toHaveLength(1);
    await engine.setEnabled('default', 'DailyCost', false);
    expect(engine.list('default')).toEqual([]);
    await engine.evaluate();
    expect(engine.list('default')).toEqual([]);
    await expect(engine.deleteRule('default', 'DailyCost')).rejects.toThrow(/disable it instead/);
    await engine.putRule('default', { name: 'Mine', kind: 'rate', query: { measure: 'requests' }, window: '5m', threshold: 0, severity: 'info', category: 'availability' });
    await engine.evaluate();
    expect(engine.list('default').map((a) => a.labels.alertname)).toEqual(['Mine']);
    expect(engine.rules('other').some((v) => v.rule.id === 'Mine')).toBe(false);
    await engine.deleteRule('default', 'Mine');
    expect(engine.list('default')).toEqual([]);
    // A deleted rule's on/off setting goes with it: a new rule of the same id starts enabled.
    const mine = { name: 'Mine', kind: 'rate', query: { measure: 'requests' }, window: '5m', threshold: 0, severity: 'info', category: 'availability' };
    await engine.putRule('default', mine);
    await engine.setEnabled('default', 'Mine', false);
    await engine.deleteRule('default', 'Mine');
    await engine.putRule('default', mine);
    expect(engine.rules('default').find((v) => v.rule.id === 'Mine')?.enabled).toBe(true);
    // A pack rule keeps its setting.
    expect(engine.rules('default').find((v) => v.rule.id === 'DailyCost')?.enabled).toBe(false);
  });
});

describe('evaluateRule kinds', () => {
  const sourcesWith = (spans: SpanRecord[], budgets?: BudgetStatusLike[], now = T0) => {
    const rollups = new Rollups({ now: () => now });
    rollups.onAccepted(spans, []);
    return { rollups, budgets: budgets ? { statuses: () => budgets } : undefined, gauge: () => 25_000 };
  };
  const base = { severity: 'warning', category: 'cost' };

  it('ratio: error rate by model, with minSamples on the denominator', async () => {
    const spans = [
      ...Array.from({ length: 18 }, () => call(T0 - MINUTE_MS, { requestModel: 'a' })),
      ...Array.from({ length: 2 }, () => call(T0 - MINUTE_MS, { requestModel: 'a', status: 'error', errorClass: 'server' })),
      call(T0 - MINUTE_MS, { requestModel: 'b', status: 'error', errorClass: 'timeout' }),
    ];
    const r = rule({ ...base, name: 'Err', kind: 'ratio', query: { numerator: 'errors', denominator: 'requests', groupBy: ['model'] }, window: '5m', threshold: 0.05, minSamples: 10 });
    const out = await evaluateRule(r, 'default', T0, sourcesWith(spans));
    expect(out.groups.find((g) => g.labels.model === 'a')).toEqual({ labels: { model: 'a' }, value: 0.1, active: true });
    expect(out.groups.find((g) => g.labels.model === 'b')).toEqual({ labels: { model: 'b' }, value: null, active: false });
  });

  it('ratio with a look-back: groups that never had the numerator are no data', async () => {
    const usage = (cacheRead: number) => ({ input: 1000, output: 10, cacheRead, cacheWrite: 0, reasoning: 0, audio: 0 });
    const spans = [
      call(T0 - 3 * HOUR_MS, { requestModel: 'cached', usage: usage(800) }),
      call(T0 - MINUTE_MS, { requestModel: 'cached', usage: usage(0) }),
      call(T0 - MINUTE_MS, { requestModel: 'never', usage: usage(0) }),
    ];
    const r = rule({ ...base, name: 'Cache', kind: 'ratio', query: { numerator: 'cache_read_tokens', denominator: 'prompt_tokens', groupBy: ['model'] }, window: '10m', lookback: '1d', op: '<', threshold: 0.4 });
    const out = await evaluateRule(r, 'default', T0, sourcesWith(spans));
    expect(out.groups.find((g) => g.labels.model === 'cached')).toEqual({ labels: { model: 'cached' }, value: 0, active: true });
    expect(out.groups.find((g) => g.labels.model === 'never')).toEqual({ labels: { model: 'never' }, value: null, active: false });
  });

  it('percentile: p95 latency within the sketch accuracy', async () => {
    const spans = Array.from({ length: 100 }, (_, i) => call(T0 - MINUTE_MS, { endUs: (T0 - MINUTE_MS) * 1000 + (i + 1) * 100_000 }));
    const r = rule({ ...base, name: 'P95', kind: 'percentile', query: { measure: 'latency_ms', percentile: 95 }, window: '5m', threshold: 9000 });
    const [g] = (await evaluateRule(r, 'default', T0, sourcesWith(spans))).groups;
    expect(Math.abs(g.value! - 9500) / 9500).toBeLessThan(0.021);
    expect(g.active).toBe(true);
  });

  it('absence: a group silent for the window after calls in the look-back', async () => {
    const spans = [call(T0 - 30 * MINUTE_MS, { attribution: { ...makeSpan().attribution, application: 'shop' } }), call(T0 - MINUTE_MS, { attribution: { ...makeSpan().attribution, application: 'blog' } })];
    const r = rule({ ...base, name: 'Down', kind: 'absence', query: { groupBy: ['application'] }, window: '10m', lookback: '1h' });
    const out = await evaluateRule(r, 'default', T0, sourcesWith(spans));
    expect(out.groups.find((g) => g.labels.application === 'shop')).toEqual({ labels: { application: 'shop' }, value: 30, active: true });
    expect(out.groups.find((g) => g.labels.application === 'blog')!.active).toBe(false);
  });

  it('anomaly: same hour over 7 days (factor and z-score) and the preceding hour', async () => {
    const cost = (usd: number) => ({ status: 'priced' as const, totalNanoUsd: usd * 1e9, byBucketNanoUsd: {}, priceRowId: 'x', catalogVersion: 'v' });
    const spans: SpanRecord[] = [];
    for (let d = 1; d <= 7; d++) spans.push(call(T0 - d * 86_400_000 - 30 * MINUTE_MS, { cost: cost(d % 2 ? 9 : 11) }));
    spans.push(call(T0 - 30 * MINUTE_MS, { cost: cost(20) }));
    const sources = sourcesWith(spans);
    const factor = rule({ ...base, name: 'Spike', kind: 'anomaly', query: { measure: 'cost' }, window: '1h', threshold: 1, baseline: { kind: 'same_hour', factor: 1.5 } });
    const [g] = (await evaluateRule(factor, 'default', T0, sources)).groups;
    const mean = (9 * 4 + 11 * 3) / 7;
    expect(g.value).toBeCloseTo(20 / mean, 9);
    expect(g.active).toBe(true);
    // The floor: above 1.5× but not above $50.
    expect((await evaluateRule({ ...factor, threshold: 50 }, 'default', T0, sources)).groups[0].active).toBe(false);
    const z = rule({ ...base, name: 'Z', kind: 'anomaly', query: { measure: 'cost' }, window: '1h', baseline: { kind: 'same_hour', zScore: 3 } });
    const [gz] = (await evaluateRule(z, 'default', T0, sources)).groups;
    const sd = Math.sqrt(((9 - mean) ** 2 * 4 + (11 - mean) ** 2 * 3) / 7);
    expect(gz.value).toBeCloseTo((20 - mean) / sd, 9);
    expect(gz.active).toBe(true);

    const tokens = [
      ...Array.from({ length: 6 }, (_, i) => call(T0 - 15 * MINUTE_MS - i * 10 * MINUTE_MS)), // 1 call per 10 min before the window
      ...Array.from({ length: 3 }, () => call(T0 - 5 * MINUTE_MS)),
    ];
    const spike = rule({ ...base, name: 'Tok', kind: 'anomaly', query: { measure: 'total_tokens' }, window: '10m', baseline: { kind: 'preceding', lookback: '1h', factor: 2 } });
    const [gt] = (await evaluateRule(spike, 'default', T0, sourcesWith(tokens))).groups;
    expect(gt.value).toBeCloseTo(3, 9);
    expect(gt.active).toBe(true);
  });

  it('budget and forecast read the budget statuses; gauges read the server', async () => {
    const statuses: BudgetStatusLike[] = [
      { budget: { id: 'b1', scope: 'user', period: 'daily' }, subject: 'u1', limitUsd: 1, spentUsd: 1.2, percent: 120, forecastUsd: 3 },
      { budget: { id: 'b1', scope: 'user', period: 'daily' }, subject: 'u2', limitUsd: 1, spentUsd: 0.1, percent: 10, forecastUsd: 0.5 },
      { budget: { id: 'm', scope: 'project', period: 'monthly' }, subject: null, limitUsd: 100, spentUsd: 40, percent: 40, forecastUsd: 130 },
    ];
    const s = sourcesWith([], statuses);
    const user = rule({ ...base, name: 'UserBudget', kind: 'budget', budget: { scope: 'user', period: 'daily' }, op: '>=', threshold: 100 });
    expect((await evaluateRule(user, 'default', T0, s)).groups).toEqual([
      { labels: { budget_id: 'b1', scope: 'user', period: 'daily', user: 'u1' }, value: 120, active: true },
      { labels: { budget_id: 'b1', scope: 'user', period: 'daily', user: 'u2' }, value: 10, active: false },
    ]);
    const forecast = rule({ ...base, name: 'Overrun', kind: 'forecast', budget: { scope: 'project', period: 'monthly' }, threshold: 100 });
    expect((await evaluateRule(forecast, 'default', T0, s)).groups).toEqual([{ labels: { budget_id: 'm', scope: 'project', period: 'monthly' }, value: 130, active: true }]);
    const queue = rule({ ...base, name: 'Queue', kind: 'threshold', query: { measure: 'ingest_queue_depth' }, threshold: 20_000 });
    expect((await evaluateRule(queue, 'default', T0, s)).groups).toEqual([{ labels: {}, value: 25_000, active: true }]);
  });

  it("budget and forecast rules do not see a member's budget, so it never fires a rule or its actions", async () => {
    const statuses: BudgetStatusLike[] = [
      { budget: { id: 'admin-set', scope: 'team', period: 'daily' }, subject: 'search', limitUsd: 10, spentUsd: 12, percent: 120, forecastUsd: 20 },
      { budget: { id: 'member-set', scope: 'team', period: 'daily', setByMember: true }, subject: 'payments', limitUsd: 0.01, spentUsd: 5, percent: 50_000, forecastUsd: 9 },
    ];
    const s = sourcesWith([], statuses);
    for (const kind of ['budget', 'forecast'] as const) {
      const r = rule({ ...base, name: `Team${kind}`, kind, budget: { scope: 'team', period: 'daily' }, op: '>=', threshold: 100 });
      expect((await evaluateRule(r, 'default', T0, s)).groups.map((g) => g.labels.team)).toEqual(['search']);
    }
  });

  it('security measures read what the processor chain marked on spans, root spans included', async () => {
    const marked = { 'lookout.redaction': 'email=1' };
    const spans = [
      ...Array.from({ length: 20 }, () => call(T0 - MINUTE_MS, { metadata: marked })),
      ...Array.from({ length: 20 }, () => call(T0 - MINUTE_MS, { kind: 'chain', metadata: { ...marked, 'lookout.security.injection': 'prompt_injection:high' } })),
      call(T0 - MINUTE_MS),
    ];
    const pii = rule({ ...base, name: 'Pii', kind: 'rate', query: { measure: 'pii_detections' }, window: '5m', threshold: 0.1 });
    expect((await evaluateRule(pii, 'default', T0, sourcesWith(spans))).groups).toEqual([{ labels: {}, value: 40 / 300, active: true }]);
    const injections = rule({ ...base, name: 'Inj', kind: 'rate', query: { measure: 'injection_attempts' }, window: '5m', threshold: 0.05 });
    expect((await evaluateRule(injections, 'default', T0, sourcesWith(spans))).groups).toEqual([{ labels: {}, value: 20 / 300, active: true }]);
    const requests = rule({ ...base, name: 'Req', kind: 'threshold', query: { measure: 'requests' }, window: '5m', threshold: 100 });
    expect((await evaluateRule(requests, 'default', T0, sourcesWith(spans))).groups[0].value).toBe(21);
  });
});
