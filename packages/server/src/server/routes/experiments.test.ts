import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../testing/app.ts';
import { experimentTraffic } from '../../query/experiments/traffic.testing.ts';
import { hex } from '../../testing/fixtures.ts';

// The comparison over generated traffic whose answer is known (query/experiments/traffic.testing.ts):
// B 30% cheaper at equal quality, C slower with lower scores, D too small to read.

const FROM = '2026-11-02T00:00:00Z';
const TO = '2026-11-09T00:00:00Z';
const RANGE = `from=${FROM}&to=${TO}`;

let t: TestApp;

// The triage feature: two prompts, router (fast) and answer (slow), each in versions 1 and 2; the
// router's calls in variant 'x,1' (a comma in a value), the answer's in 'y'.
function triageTraffic(): Record<string, unknown>[] {
  const items: Record<string, unknown>[] = [];
  for (const [name, durationMs, variant] of [['router', 100, 'x,1'], ['answer', 900, 'y']] as const) {
    for (const version of ['1', '2']) {
      for (let i = 0; i < 40; i++) {
        items.push({
          type: 'generation',
          traceId: hex(16),
          startTime: new Date(Date.UTC(2026, 10, 3, 12) + i * 1000).toISOString(),
          durationMs: durationMs + i,
          provider: 'openai',
          model: 'gpt-4o',
          feature: 'triage',
          prompt: { name, version, variant },
          usage: { input: 100, output: 10 },
        });
      }
    }
  }
  return items;
}

beforeAll(async () => {
  t = await makeTestApp();
  const items = [...experimentTraffic(), ...triageTraffic()];
  for (let i = 0; i < items.length; i += 500) {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch: items.slice(i, i + 500) } });
    expect(res.statusCode, res.statusCode === 200 ? '' : JSON.stringify(res.json().results.filter((r: { status: string }) => r.status !== 'accepted').slice(0, 3))).toBe(200);
  }
});

afterAll(async () => {
  await t?.close();
});

type Body = Record<string, any>;

async function compare(query: string): Promise<Body> {
  const res = await t.app.inject(`/api/v1/experiments/compare?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const groupOf = (body: Body, value: string) => body.groups.find((g: Body) => g.value === value) as Body;
const cell = (body: Body, value: string, metric: string) => {
  const index = body.metrics.findIndex((m: Body) => m.metric === metric);
  expect(index, metric).toBeGreaterThanOrEqual(0);
  return groupOf(body, value).metrics[index] as Body;
};

describe('GET /api/v1/experiments/compare', () => {
  it('finds B 30% cheaper at equal quality, and C slower with lower scores, each with the right significance', async () => {
    const body = await compare(`feature=support&by=variant&values=A,B,C,D&${RANGE}`);
    expect(body.baseline).toEqual({ value: 'A', chosenBy: 'first_value' });
    expect(body.groups.map((g: Body) => [g.value, g.calls, g.baseline])).toEqual([['A', 300, true], ['B', 300, false], ['C', 300, false], ['D', 8, false]]);
    expect(body.metrics.map((m: Body) => m.metric)).toEqual(['cost_per_call', 'input_tokens_per_call', 'output_tokens_per_call', 'latency_p50', 'latency_p95', 'error_rate', 'score:helpfulness']);

    // The baseline's own cells carry figures and intervals, no comparison.
    const aCost = cell(body, 'A', 'cost_per_call');
    expect(aCost.comparison).toBeNull();
    expect(aCost.n).toBe(300);
    expect(aCost.interval.low).toBeLessThan(aCost.value);
    expect(aCost.interval.high).toBeGreaterThan(aCost.value);
    // 1,000 input and 200 output tokens on average at $2.50 and $10 a million: about $0.0045.
    expect(aCost.value).toBeGreaterThan(0.0042);
    expect(aCost.value).toBeLessThan(0.0048);

    const bCost = cell(body, 'B', 'cost_per_call').comparison;
    expect(bCost).toMatchObject({ test: 'welch_t', significant: true, verdict: 'better' });
    expect(bCost.relativeDifference).toBeGreaterThan(-0.34);
    expect(bCost.relativeDifference).toBeLessThan(-0.26);
    expect(bCost.differenceInterval.high).toBeLessThan(0);
    expect(bCost.adjustedPValue).toBeLessThan(1e-6);
    expect(cell(body, 'B', 'score:helpfulness').comparison).toMatchObject({ test: 'welch_t', significant: false, verdict: 'no_significant_difference' });
    expect(cell(body, 'B', 'latency_p50').comparison).toMatchObject({ test: 'quantile_exceedance_z', verdict: 'no_significant_difference' });
    expect(cell(body, 'B', 'error_rate').comparison.verdict).toBe('no_significant_difference');

    // p50 by the median test: the share of each group's calls above the pooled median.
    expect(cell(body, 'C', 'latency_p50').comparison).toMatchObject({ test: 'quantile_exceedance_z', significant: true, verdict: 'worse' });
    expect(cell(body, 'C', 'latency_p95').comparison).toMatchObject({ significant: true, verdict: 'worse' });
    expect(cell(body, 'C', 'latency_p50').comparison.relativeDifference).toBeGreaterThan(0.3);
    // The score came from the application, which did not say which way it is better: C's is
    // significantly lower, which the answer says without calling it worse.
    expect(body.metrics.find((m: Body) => m.metric === 'score:helpfulness')).toMatchObject({ better: null, betterFrom: null });
    expect(body.metrics.find((m: Body) => m.metric === 'cost_per_call')).toMatchObject({ better: 'lower', betterFrom: 'metric' });
    const cScore = cell(body, 'C', 'score:helpfulness').comparison;
    expect(cScore).toMatchObject({ significant: true, verdict: 'lower' });
    expect(cScore.difference).toBeLessThan(-0.1);
    expect(cell(body, 'C', 'cost_per_call').comparison.verdict).toBe('no_significant_difference');

    // Every p-value is Holm-adjusted over the whole table: never below the raw one.
    for (const g of body.groups) for (const c of g.metrics) if (c.comparison) expect(c.comparison.adjustedPValue).toBeGreaterThanOrEqual(c.comparison.pValue);

    // D: 8 calls — every figure warns that it rests on too few.
    const d = groupOf(body, 'D');
    expect(d.metrics.every((c: Body) => c.lowSample)).toBe(true);
    expect(d.warnings).toContain('D: cost per call rests on 8 values, fewer than the 30 it needs to be read with confidence');
    expect(groupOf(body, 'B').warnings).toEqual([]);
    // Its input tokens differ at p < 0.05 alone, but not once the table's 21 tests are accounted for.
    const dTokens = cell(body, 'D', 'input_tokens_per_call').comparison;
    expect(dTokens.pValue).toBeLessThan(0.05);
    expect(dTokens).toMatchObject({ significant: false, verdict: 'no_significant_difference' });
    // Its p95 interval has no upper end: 8 values cannot bound it.
    expect(cell(body, 'D', 'latency_p95').interval.high).toBeNull();
  });

  it("reads a score's direction from the request, or from a Lookout evaluator of its name", async () => {
    const higher = await compare(`feature=support&by=variant&values=A,C&higherIsBetter=helpfulness&${RANGE}`);
    expect(higher.metrics.find((m: Body) => m.metric === 'score:helpfulness')).toMatchObject({ better: 'higher', betterFrom: 'parameter' });
    expect(cell(higher, 'C', 'score:helpfulness').comparison.verdict).toBe('worse');
    // A score where less is better (hallucination, toxicity): the drop is better.
    const lower = await compare(`feature=support&by=variant&values=A&values=C&lowerIsBetter=other,helpfulness&${RANGE}`);
    expect(lower.metrics.find((m: Body) => m.metric === 'score:helpfulness')).toMatchObject({ better: 'lower', betterFrom: 'parameter' });
    expect(cell(lower, 'C', 'score:helpfulness').comparison.verdict).toBe('better');
    // An evaluator named like the score writes 1 for the best answer: higher is better.
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/evaluators', payload: { name: 'helpfulness', kind: 'heuristic', criterion: 'empty_output', enabled: false } });
    expect(created.statusCode, created.body).toBe(201);
    try {
      const byEvaluator = await compare(`feature=support&by=variant&values=A,C&${RANGE}`);
      expect(byEvaluator.metrics.find((m: Body) => m.metric === 'score:helpfulness')).toMatchObject({ better: 'higher', betterFrom: 'evaluator' });
      expect(cell(byEvaluator, 'C', 'score:helpfulness').comparison.verdict).toBe('worse');
      // The request still has the last word.
      const overridden = await compare(`feature=support&by=variant&values=A,C&lowerIsBetter=helpfulness&${RANGE}`);
      expect(cell(overridden, 'C', 'score:helpfulness').comparison.verdict).toBe('better');
    } finally {
      await t.app.inject({ method: 'DELETE', url: `/api/v1/evaluators/${created.json().id}` });
    }
  });

  it('compares the versions of one prompt, and warns when a version group mixes several prompts', async () => {
    const mixed = await compare(`feature=triage&by=prompt_version&${RANGE}`);
    expect(mixed.groups.map((g: Body) => [g.value, g.calls])).toEqual([['1', 80], ['2', 80]]);
    expect(mixed.prompt).toBeNull();
    expect(mixed.warnings).toEqual([
      "versions '1', '2' hold the calls of several prompts (2 in '1', such as 'answer' and 'router'): name one with prompt=<name> to compare its versions",
    ]);
    const one = await compare(`feature=triage&prompt=answer&by=prompt_version&${RANGE}`);
    expect(one.prompt).toBe('answer');
    expect(one.warnings).toEqual([]);
    expect(one.groups.map((g: Body) => [g.value, g.calls])).toEqual([['1', 40], ['2', 40]]);
    expect(cell(one, '1', 'latency_p50').value).toBeGreaterThanOrEqual(900);
    // The calls behind a group: that prompt's version only.
    const two = groupOf(one, '2');
    expect(two.traces).toEqual({ from: '2026-11-02T00:00:00.000Z', to: '2026-11-09T00:00:00.000Z', feature: 'triage', prompt: 'answer', metadata: 'lookout.prompt.version:2' });
    const list = await t.app.inject(`/api/v1/traces?${new URLSearchParams({ ...two.traces, limit: '1' })}`);
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().total).toBe(40);
    // Other dimensions carry no such check.
    expect((await compare(`feature=support&by=variant&values=A,B&${RANGE}`)).warnings).toEqual([]);
  });

  it('takes a repeated values parameter as one group each, so a value may hold a comma', async () => {
    const body = await compare(`feature=triage&by=variant&values=${encodeURIComponent('x,1')}&values=y&${RANGE}`);
    expect(body.groups.map((g: Body) => [g.value, g.calls])).toEqual([['x,1', 80], ['y', 80]]);
    expect(groupOf(body, 'x,1').traces.metadata).toBe('lookout.prompt.variant:x,1');
  });

  it("links each group to its calls in the trace list, and the failed ones", async () => {
    const body = await compare(`feature=support&by=variant&values=A,B&${RANGE}`);
    const b = groupOf(body, 'B');
    expect(b.traces).toEqual({ from: '2026-11-02T00:00:00.000Z', to: '2026-11-09T00:00:00.000Z', feature: 'support', metadata: 'lookout.prompt.variant:B' });
    const list = await t.app.inject(`/api/v1/traces?${new URLSearchParams({ ...b.traces, limit: '1' })}`);
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().total).toBe(b.calls);
    const failed = await t.app.inject(`/api/v1/traces?${new URLSearchParams({ ...b.errorTraces, limit: '1' })}`);
    expect(failed.json().total).toBe(b.errors);
    expect(b.sampleTraceIds).toHaveLength(5);
    const sample = await t.app.inject(`/api/v1/traces/${b.sampleTraceIds[0]}`);
    expect(sample.statusCode).toBe(200);
    // The trace list's metadata filter names a malformed entry.
    const bad = await t.app.inject('/api/v1/traces?metadata=no-separator');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toBe("metadata: 'no-separator' is not <key>:<value> with a key of 1-128 letters, digits and _ . - / @");
    // A key asked for twice is refused, not one of its values dropped.
    const twice = await t.app.inject('/api/v1/traces?metadata=lookout.prompt.variant:A&metadata=lookout.prompt.variant:B');
    expect(twice.statusCode).toBe(400);
    expect(twice.json().error.message).toBe("metadata: 'lookout.prompt.variant' is asked for twice; a span has one value per key");
    const contradicts = await t.app.inject('/api/v1/traces?prompt=router&metadata=lookout.prompt.name:answer');
    expect(contradicts.statusCode).toBe(400);
    expect(contradicts.json().error.message).toBe("prompt: 'router' contradicts metadata lookout.prompt.name:answer");
  });

  it('compares the groups with the most calls when none are named, against the earliest', async () => {
    const body = await compare(`feature=support&by=variant&limit=3&${RANGE}`);
    expect(body.groups.map((g: Body) => g.value)).toEqual(['A', 'B', 'C']);
    expect(body.baseline).toEqual({ value: 'A', chosenBy: 'earliest_first_call' });
    const named = await compare(`feature=support&by=variant&limit=2&baseline=C&${RANGE}`);
    expect(named.groups.map((g: Body) => g.value)).toEqual(['C', 'A']);
    expect(named.baseline.chosenBy).toBe('baseline_parameter');
    // The same comparison by any metadata key the calls carry.
    const byKey = await compare(`feature=support&by=metadata.lookout.prompt.variant&values=A,B&${RANGE}`);
    expect(cell(byKey, 'B', 'cost_per_call').comparison.verdict).toBe('better');
  });

  it('names what is wrong with a request', async () => {
    const cases: [string, RegExp][] = [
      [`feature=support&${RANGE}`, /by/],
      [`by=status&${RANGE}`, /by: 'status' cannot be compared/],
      [`by=nope&${RANGE}`, /by: 'nope' is not a dimension/],
      [`by=variant&values=A&${RANGE}`, /values: name at least two groups/],
      [`by=variant&values=A,A&${RANGE}`, /values: a group is named twice/],
      [`by=variant&values=A,B&baseline=C&${RANGE}`, /baseline: 'C' is not one of the values/],
      [`by=variant&values=${'x,'.repeat(11)}y&${RANGE}`, /values: at most 10 groups/],
      ['by=variant&from=2026-01-01T00:00:00Z&to=2026-06-01T00:00:00Z', /from: the range may span at most 92 days/],
      [`by=variant&limit=50&${RANGE}`, /limit: must be a whole number from 2 to 10/],
      [`by=feature&feature=support&${RANGE}`, /feature: by=feature compares features/],
      [`by=variant&color=red&${RANGE}`, /color/],
      [`by=prompt&prompt=answer&${RANGE}`, /prompt: by=prompt compares prompts/],
      [`by=variant&lowerIsBetter=toxicity&higherIsBetter=toxicity&${RANGE}`, /lowerIsBetter: score 'toxicity' is also in higherIsBetter/],
      [`by=variant&lowerIsBetter=${Array.from({ length: 51 }, (_, i) => `s${i}`).join(',')}&${RANGE}`, /lowerIsBetter: at most 50 score names/],
    ];
    for (const [query, message] of cases) {
      const res = await t.app.inject(`/api/v1/experiments/compare?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.message, query).toMatch(message);
    }
  });

  it('answers an empty comparison when no call matches', async () => {
    const body = await compare(`feature=none&by=variant&${RANGE}`);
    expect(body.groups).toEqual([]);
    expect(body.baseline.value).toBeNull();
  });
});
