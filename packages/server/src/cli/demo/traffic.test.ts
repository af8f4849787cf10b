import { describe, expect, it } from 'vitest';
import { Pricer } from '../../enrich/pricing/index.ts';
import { appCacheResultOf } from '../../enrich/quality/app-cache.ts';
import { spanFromItem } from '../../ingest/api/map.ts';
import { ingestItemSchema, type IngestItem, type IngestItemInput } from '../../ingest/api/schema.ts';
import { DEMO_APPLICATION, DEMO_ENVIRONMENT, DEMO_FEATURES, DEMO_MODELS, generateDemoTraffic, NIGHTLY_FEATURE, Prng } from './index.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../domain/time.ts';
import { SUMMARY_CACHE_HIT_RATE } from './features.ts';

// A fixed "now" (a Wednesday afternoon, UTC) so that the traffic is the same on every run.
const NOW_MS = Date.UTC(2026, 2, 11, 15, 30, 0);

const traffic = generateDemoTraffic({ days: 7, calls: 3_000, seed: 42, nowMs: NOW_MS });

// Timestamps are checked against the real clock by the schema, so parse with a clock that
// believes it is NOW_MS.
function parseAll(items: IngestItemInput[]): IngestItem[] {
  const realNow = Date.now;
  Date.now = () => NOW_MS;
  try {
    return items.map((item, i) => {
      const parsed = ingestItemSchema.safeParse(item);
      if (!parsed.success) throw new Error(`item ${i} (${JSON.stringify(item).slice(0, 300)}) is invalid: ${parsed.error.message}`);
      return parsed.data;
    });
  } finally {
    Date.now = realNow;
  }
}

const parsed = parseAll(traffic.items);
const spans = parsed.filter((i): i is Extract<IngestItem, { type: 'generation' | 'span' }> => i.type === 'generation' || i.type === 'span');
const generations = parsed.filter((i): i is Extract<IngestItem, { type: 'generation' }> => i.type === 'generation');
const scores = parsed.filter((i): i is Extract<IngestItem, { type: 'score' }> => i.type === 'score');
const logs = parsed.filter((i): i is Extract<IngestItem, { type: 'log' }> => i.type === 'log');

function uniq<T>(values: T[]): Set<T> {
  return new Set(values.filter((v) => v !== null && v !== undefined));
}

describe('Prng', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const a = new Prng(7);
    const b = new Prng(7);
    const c = new Prng(8);
    const seqA = Array.from({ length: 20 }, () => a.nextUint32());
    expect(Array.from({ length: 20 }, () => b.nextUint32())).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c.nextUint32())).not.toEqual(seqA);
    const r = new Prng(1);
    for (let i = 0; i < 1_000; i++) {
      const x = r.next();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });
});

describe('generateDemoTraffic', () => {
  it('is deterministic: the same options give the same items', () => {
    const again = generateDemoTraffic({ days: 7, calls: 3_000, seed: 42, nowMs: NOW_MS });
    expect(JSON.stringify(again.items)).toBe(JSON.stringify(traffic.items));
    const other = generateDemoTraffic({ days: 7, calls: 3_000, seed: 43, nowMs: NOW_MS });
    expect(JSON.stringify(other.items)).not.toBe(JSON.stringify(traffic.items));
  });

  it('gives a later run fresh ids, so that running the demo twice adds traffic', () => {
    const later = generateDemoTraffic({ days: 7, calls: 300, seed: 42, nowMs: NOW_MS + 60_000 });
    const now = generateDemoTraffic({ days: 7, calls: 300, seed: 42, nowMs: NOW_MS });
    const ids = (t: typeof now) => new Set(t.items.map((i) => ('spanId' in i ? i.spanId : i.id)));
    const overlap = [...ids(later)].filter((id) => ids(now).has(id));
    expect(overlap).toEqual([]);
  });

  it('produces only items the ingest API accepts, with unique ids', () => {
    expect(parsed).toHaveLength(traffic.items.length);
    const spanKeys = spans.map((s) => `${s.traceId}/${s.spanId}`);
    expect(new Set(spanKeys).size).toBe(spanKeys.length);
    const eventIds = [...scores, ...logs].map((i) => i.id);
    expect(new Set(eventIds).size).toBe(eventIds.length);
  });

  it('produces the requested number of LLM calls inside the window, business hours busier', () => {
    expect(traffic.generations).toBe(generations.length);
    // The incident's and the nightly job's calls come on top of the requested background.
    const background = generations.length - traffic.scenario.incident!.calls - traffic.scenario.nightlyJob.calls;
    expect(background).toBeGreaterThanOrEqual(3_000);
    expect(background).toBeLessThan(3_100);
    for (const s of spans) {
      expect(s.startTime).toBeGreaterThanOrEqual(NOW_MS - 7 * DAY_MS);
      expect(s.startTime).toBeLessThan(NOW_MS);
    }
    const days = uniq(generations.map((g) => Math.floor(g.startTime / DAY_MS)));
    expect(days.size).toBeGreaterThanOrEqual(7);
    const business = generations.filter((g) => {
      const h = new Date(g.startTime).getUTCHours();
      return h >= 9 && h < 17;
    }).length;
    // 8 of 24 hours carry well over half of the calls.
    expect(business / generations.length).toBeGreaterThan(0.5);
  });

  it('builds traces of several spans: agent/chain root → retrieval → embedding, generations, tools', () => {
    const byTrace = new Map<string, typeof spans>();
    for (const s of spans) byTrace.set(s.traceId!, [...(byTrace.get(s.traceId!) ?? []), s]);
    expect(byTrace.size).toBe(traffic.traces);
    let ragTraces = 0;
    for (const list of byTrace.values()) {
      const roots = list.filter((s) => !s.parentSpanId);
      expect(roots).toHaveLength(1);
      expect(['agent', 'chain']).toContain(roots[0].type === 'span' ? roots[0].kind : 'generation');
      const ids = new Set(list.map((s) => s.spanId));
      for (const s of list) if (s.parentSpanId) expect(ids.has(s.parentSpanId)).toBe(true);
      const retrieval = list.find((s) => s.type === 'span' && s.kind === 'retrieval');
      if (retrieval) {
        ragTraces++;
        expect(retrieval.parentSpanId).toBe(roots[0].spanId);
        expect(Object.keys(retrieval.metadata).sort()).toEqual(['retrieval.index', 'retrieval.num_results', 'retrieval.query', 'retrieval.top_score']);
        const embedding = list.find((s) => s.type === 'span' && s.kind === 'embedding');
        expect(embedding?.parentSpanId).toBe(retrieval.spanId);
        expect(embedding?.model).toBe('text-embedding-3-small');
        expect(embedding?.metadata['embedding.dimensions']).toBeDefined();
      }
    }
    expect(ragTraces).toBeGreaterThan(100);
    expect(spans.some((s) => s.type === 'span' && s.kind === 'tool')).toBe(true);
    expect(spans.some((s) => s.type === 'span' && s.kind === 'agent')).toBe(true);
    expect(spans.some((s) => s.type === 'span' && s.kind === 'chain')).toBe(true);
    // Agent/chain spans carry no usage, so nothing is counted twice.
    for (const s of spans) if (s.type === 'span' && (s.kind === 'agent' || s.kind === 'chain')) expect(s.usage).toEqual({});
  });

  it('mixes ≥3 priced models from 2 providers and one model the catalog does not know', () => {
    const models = uniq(generations.map((g) => `${g.provider}/${g.model}`));
    for (const m of ['openai/gpt-4o', 'openai/gpt-4o-mini', 'openai/o4-mini', 'anthropic/claude-sonnet-4-20250514', 'anthropic/claude-3-5-haiku-20241022', 'acme/acme-llm-1']) {
      expect(models).toContain(m);
    }
    expect(uniq(generations.map((g) => g.provider))).toEqual(new Set(['openai', 'anthropic', 'acme']));
    const pricer = new Pricer();
    const costs = new Map<string, string>();
    for (const s of spans) {
      if (!s.model) continue;
      const record = spanFromItem(s, 'default');
      costs.set(`${s.provider}/${s.model}`, pricer.price(record).status === 'priced' || record.usage.input === 0 ? 'priced' : pricer.price(record).status);
    }
    for (const spec of Object.values(DEMO_MODELS)) {
      expect(costs.get(`${spec.provider}/${spec.model}`)).toBe(spec.provider === 'acme' ? 'unknown_model' : 'priced');
    }
  });

  it('attributes every span to 20 users in 4 teams and their departments, 5 features and a nightly job, one application', () => {
    expect(uniq(spans.map((s) => s.userId)).size).toBe(20);
    const teams = uniq(spans.map((s) => s.team));
    expect(teams.size).toBe(4);
    const deptOf = new Map<string, string>();
    for (const s of spans) {
      expect(s.department).toBeTruthy();
      const known = deptOf.get(s.team!);
      if (known) expect(s.department).toBe(known);
      else deptOf.set(s.team!, s.department!);
    }
    expect(uniq([...deptOf.values()]).size).toBeGreaterThanOrEqual(2);
    expect(uniq(spans.map((s) => s.feature))).toEqual(new Set([...DEMO_FEATURES, NIGHTLY_FEATURE]));
    expect(uniq(spans.map((s) => s.application))).toEqual(new Set([DEMO_APPLICATION]));
    expect(uniq(spans.map((s) => s.environment))).toEqual(new Set([DEMO_ENVIRONMENT]));
    expect(uniq(spans.map((s) => s.sessionId)).size).toBeGreaterThan(50);
  });

  it('reports usage the way each provider does: cached, cache write, reasoning; streaming with TTFT', () => {
    const openAiCached = generations.filter((g) => g.provider === 'openai' && (g.usage.cacheRead ?? 0) > 0);
    expect(openAiCached.length).toBeGreaterThan(50);
    // OpenAI's prompt_tokens include the cached ones.
    for (const g of openAiCached) expect(g.usage.input!).toBeGreaterThanOrEqual(g.usage.cacheRead!);
    expect(generations.some((g) => g.provider === 'anthropic' && (g.usage.cacheRead ?? 0) > 0)).toBe(true);
    expect(generations.some((g) => g.provider === 'anthropic' && (g.usage.cacheWrite ?? 0) > 0)).toBe(true);
    const reasoning = generations.filter((g) => (g.usage.reasoning ?? 0) > 0);
    expect(reasoning.length).toBeGreaterThan(50);
    expect(uniq(reasoning.map((g) => g.model))).toEqual(new Set(['o4-mini']));
    for (const g of reasoning) expect(g.usage.output!).toBeGreaterThanOrEqual(g.usage.reasoning!);
    const streamed = generations.filter((g) => g.ttftMs !== undefined && g.ttftMs !== null);
    expect(streamed.length).toBeGreaterThan(300);
    for (const g of streamed) expect(g.ttftMs!).toBeLessThanOrEqual(g.durationMs!);
  });

  it('has errors of every class at a few percent, and several finish reasons', () => {
    const errors = generations.filter((g) => g.status === 'error');
    const rate = errors.length / generations.length;
    expect(rate).toBeGreaterThan(0.01);
    expect(rate).toBeLessThan(0.1);
    expect(uniq(errors.map((g) => g.errorClass))).toEqual(new Set(['rate_limit', 'timeout', 'server', 'invalid_request', 'content_filter']));
    for (const g of errors) expect(g.errorMessage).toBeTruthy();
    const reasons = uniq(generations.map((g) => g.finishReason));
    for (const r of ['stop', 'length', 'tool_calls', 'end_turn', 'tool_use', 'content_filter']) expect(reasons).toContain(r);
  });

  it('has user feedback and evaluator scores of all three types, and logs linked to traces', () => {
    const traceIds = uniq(spans.map((s) => s.traceId));
    expect(uniq(scores.map((s) => typeof s.value))).toEqual(new Set(['number', 'boolean', 'string']));
    for (const s of scores) {
      expect(traceIds.has(s.traceId)).toBe(true);
      if (typeof s.value === 'number') {
        expect(s.value).toBeGreaterThanOrEqual(0);
        expect(s.value).toBeLessThanOrEqual(1);
      }
    }
    expect(uniq(scores.map((s) => s.name))).toEqual(new Set(['helpfulness', 'thumbs_up', 'answer_quality']));
    expect(logs.length).toBeGreaterThan(5);
    for (const l of logs) expect(traceIds.has(l.traceId!)).toBe(true);
  });

  it('tells a story: a cost spike and a quality dip on different days, a PII leak, an injection attempt', () => {
    const { costSpike, qualityDip } = traffic.scenario;
    expect(Math.floor(costSpike.fromMs / DAY_MS)).not.toBe(Math.floor(qualityDip.fromMs / DAY_MS));
    const pricer = new Pricer();
    const costPerHour = (from: number, to: number) => {
      let nano = 0;
      for (const s of spans) {
        if (s.startTime < from || s.startTime >= to || !s.model) continue;
        nano += pricer.price(spanFromItem(s, 'default')).totalNanoUsd ?? 0;
      }
      return nano / ((to - from) / 3_600_000);
    };
    const spikeRate = costPerHour(costSpike.fromMs, costSpike.toMs);
    const normalRate = costPerHour(NOW_MS - 7 * DAY_MS, costSpike.fromMs);
    expect(spikeRate).toBeGreaterThan(5 * normalRate);

    // The dip is the feature's (doc-search's truncated embeddings): its answers score lower that day.
    const dipTraces = new Set(spans.filter((s) => s.feature === qualityDip.feature).map((s) => s.traceId));
    const helpfulness = (inside: boolean) => {
      const values = scores
        .filter((s) => s.name === 'helpfulness' && dipTraces.has(s.traceId) && (s.timestamp! >= qualityDip.fromMs && s.timestamp! < qualityDip.toMs + 3_600_000) === inside)
        .map((s) => s.value as number);
      return values.reduce((a, b) => a + b, 0) / values.length;
    };
    expect(helpfulness(true)).toBeLessThan(helpfulness(false) - 0.2);
    const topScores = (inside: boolean) => {
      const values = spans
        .filter((s) => s.type === 'span' && s.kind === 'retrieval' && (s.startTime >= qualityDip.fromMs && s.startTime < qualityDip.toMs) === inside)
        .map((s) => Number(s.metadata['retrieval.top_score']));
      return values.reduce((a, b) => a + b, 0) / values.length;
    };
    expect(topScores(true)).toBeLessThan(topScores(false) - 0.2);

    const inputs = generations.map((g) => g.input ?? '');
    expect(inputs.some((i) => /@example\.com|4111 1111 1111 1111|\d{3}-\d{2}-\d{4}/.test(i))).toBe(true);
    expect(inputs.some((i) => /ignore all previous instructions|disregard your rules/i.test(i))).toBe(true);
  });

  it('works for small runs and rejects nonsense options', () => {
    const small = generateDemoTraffic({ days: 1, calls: 20, seed: 1, nowMs: NOW_MS });
    expect(small.generations).toBeGreaterThanOrEqual(20);
    expect(parseAll(small.items)).toHaveLength(small.items.length);
    expect(() => generateDemoTraffic({ days: 0, calls: 10, seed: 1, nowMs: NOW_MS })).toThrow(/days/);
    expect(() => generateDemoTraffic({ days: 1, calls: 0, seed: 1, nowMs: NOW_MS })).toThrow(/calls/);
  });
});

// docs/cost.md#application-caches: summarize looks its summary cache up first, in a `cache.get`
// span Lookout counts as a hit or a miss; a hit answers without a model call.
describe('the summary cache', () => {
  const lookups = spans.filter((s) => s.type === 'span' && s.name === 'cache.get');
  const byTrace = new Map<string, typeof spans>();
  for (const s of spans) byTrace.set(s.traceId!, [...(byTrace.get(s.traceId!) ?? []), s]);

  it('is looked up once in every summarize request, and Lookout reads each lookup as a hit or a miss', () => {
    expect(lookups.length).toBeGreaterThan(200);
    for (const l of lookups) {
      expect(l.feature).toBe('summarize');
      expect(l.metadata['cache.operation']).toBe('get');
      const trace = byTrace.get(l.traceId!)!;
      expect(trace.filter((s) => s.name === 'cache.get')).toHaveLength(1);
      expect(l.parentSpanId).toBe(trace.find((s) => !s.parentSpanId)!.spanId);
      expect(appCacheResultOf(spanFromItem(l, 'default'))).toBe(l.metadata['cache.hit'] === true ? 'hit' : 'miss');
    }
    // Nothing else in the traffic is a lookup.
    expect(spans.filter((s) => appCacheResultOf(spanFromItem(s, 'default')) !== null)).toHaveLength(lookups.length);
  });

  it('finds about the designed share of summaries; a hit makes no model call, a miss calls the model after the lookup', () => {
    const hits = lookups.filter((l) => l.metadata['cache.hit'] === true);
    expect(Math.abs(hits.length / lookups.length - SUMMARY_CACHE_HIT_RATE)).toBeLessThan(0.08);
    for (const l of lookups) {
      const calls = byTrace.get(l.traceId!)!.filter((s) => s.type === 'generation');
      if (l.metadata['cache.hit'] === true) {
        expect(calls).toEqual([]);
      } else {
        expect(calls.length).toBeGreaterThan(0);
        for (const g of calls) expect(g.startTime).toBeGreaterThanOrEqual(l.startTime + l.durationMs!);
      }
    }
    // A small run has both too (the second demo of the Grafana proof).
    const small = generateDemoTraffic({ days: 1, calls: 300, seed: 7, nowMs: NOW_MS }).items.filter((i) => i.type === 'span' && i.name === 'cache.get');
    expect(new Set(small.map((i) => (i.type === 'span' ? i.metadata?.['cache.hit'] : null)))).toEqual(new Set([true, false]));
  });
});

// What the cost recommendations need to find in it (docs/cost.md#recommendations): a feature
// nobody waits on, all of it at one hour of the night (batch API); a prompt:output ratio more than
// 3 times the median feature's (oversized prompt); a move to a cheaper model with at least 10
// calls on each side (applied).
describe('the nightly job', () => {
  const job = traffic.scenario.nightlyJob;
  const jobCalls = (list: typeof generations) => list.filter((g) => g.feature === NIGHTLY_FEATURE);

  it('runs every night at 02:00 UTC with no user, no session and nothing streamed, for one team', () => {
    const calls = jobCalls(generations);
    expect(calls.length).toBe(job.calls);
    expect(job).toMatchObject({ nights: 7, accounts: 24 });
    expect(calls.length).toBeGreaterThanOrEqual(7 * 24);
    for (const g of calls) {
      expect(new Date(g.startTime).getUTCHours()).toBe(2);
      expect(g.userId ?? null).toBeNull();
      expect(g.sessionId ?? null).toBeNull();
      expect(g.ttftMs ?? null).toBeNull();
      expect(g.team).toBe('support-ops');
      expect(g.metadata['user.tier']).toBeUndefined();
    }
    const nights = uniq(spans.filter((s) => s.feature === NIGHTLY_FEATURE).map((s) => Math.floor(s.startTime / DAY_MS)));
    expect(nights.size).toBe(7);
    // Each digest is of another account or day: no prompt is answered twice (a call retried after
    // a rate limit sends its prompt again).
    const prompts = calls.filter((g) => g.status === 'ok').map((g) => `${g.model} ${JSON.stringify(g.input)}`);
    expect(new Set(prompts).size).toBe(prompts.length);
  });

  it('moved from gpt-4o to gpt-4o-mini on a day boundary halfway, with enough calls on each side, whatever the hour', () => {
    for (const nowMs of [NOW_MS, Date.UTC(2026, 2, 11, 2, 5, 0), Date.UTC(2026, 2, 11, 23, 59, 0)]) {
      const t = generateDemoTraffic({ days: 7, calls: 300, seed: 42, nowMs });
      const j = t.scenario.nightlyJob;
      const calls = t.items.filter((i) => i.type === 'generation' && i.feature === NIGHTLY_FEATURE && i.status === 'ok') as Extract<IngestItemInput, { type: 'generation' }>[];
      expect(j.movedMs! % DAY_MS).toBe(0);
      const before = calls.filter((g) => Number(g.startTime) < j.movedMs!);
      const after = calls.filter((g) => Number(g.startTime) >= j.movedMs!);
      expect(uniq(before.map((g) => g.model))).toEqual(new Set([j.fromModel]));
      expect(uniq(after.map((g) => g.model))).toEqual(new Set([j.toModel]));
      // 12 accounts a night with --calls 300, over 3 nights or more on each side.
      expect(j.accounts).toBe(12);
      expect(before.length).toBeGreaterThanOrEqual(3 * 10);
      expect(after.length).toBeGreaterThanOrEqual(3 * 10);
    }
    // One night only: nothing moved, it runs on the cheaper model.
    const short = generateDemoTraffic({ days: 1, calls: 20, seed: 1, nowMs: NOW_MS }).scenario.nightlyJob;
    expect(short).toMatchObject({ nights: 1, movedMs: null });
  });

  it('sends prompts more than 3 times as long, against its output, as the median feature', () => {
    const ratio = new Map<string, { prompt: number; output: number }>();
    for (const g of generations) {
      const u = spanFromItem(g, 'default').usage;
      const r = ratio.get(g.feature!) ?? { prompt: 0, output: 0 };
      r.prompt += u.input + u.cacheRead + u.cacheWrite;
      r.output += u.output + u.reasoning;
      ratio.set(g.feature!, r);
    }
    const ratios = new Map([...ratio].map(([f, r]) => [f, r.prompt / r.output]));
    const sorted = [...ratios.values()].sort((a, b) => a - b);
    const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    expect(ratios.get(NIGHTLY_FEATURE)!).toBeGreaterThan(3 * median);
  });
});

describe('the incident now', () => {
  const incident = traffic.scenario.incident!;
  const pricer = new Pricer();
  const costUsd = (list: typeof spans) => list.reduce((sum, s) => sum + (s.model ? (pricer.price(spanFromItem(s, 'default')).totalNanoUsd ?? 0) : 0), 0) / 1e9;
  const since = (ms: number) => spans.filter((s) => s.startTime >= NOW_MS - ms && s.startTime < NOW_MS);
  const calls = (list: typeof spans) => list.filter((s) => s.type === 'generation' || (s.type === 'span' && s.kind === 'embedding'));

  it('lives in the last minutes before the anchor, after the background traffic', () => {
    expect(incident.fromMs).toBe(NOW_MS - 4 * MINUTE_MS);
    expect(incident.toMs).toBe(NOW_MS - MINUTE_MS);
    const recent = generations.filter((g) => g.startTime >= traffic.toMs);
    expect(recent).toHaveLength(incident.calls);
    for (const g of recent) {
      expect(g.startTime).toBeGreaterThanOrEqual(incident.fromMs);
      expect(g.startTime).toBeLessThan(NOW_MS);
    }
    // A few hundred calls at most.
    expect(incident.calls).toBeGreaterThan(100);
    expect(incident.calls).toBeLessThan(400);
  });

  it('leaves the background alone: without it, a seed gives the same items minus the incident', () => {
    const quiet = generateDemoTraffic({ days: 7, calls: 3_000, seed: 42, nowMs: NOW_MS, incident: false });
    expect(quiet.scenario.incident).toBeNull();
    expect(JSON.stringify(traffic.items.slice(0, quiet.items.length))).toBe(JSON.stringify(quiet.items));
    expect(quiet.generations).toBe(traffic.generations - incident.calls);
  });

  it('spends over $100 in the day and over $10 an hour in the last 5 minutes, on a priced model', () => {
    const day = costUsd(since(24 * HOUR_MS));
    expect(day).toBeGreaterThan(100);
    const runaway = since(5 * MINUTE_MS).filter((s) => s.model === incident.runawayAgent.model);
    expect(runaway).toHaveLength(incident.runawayAgent.calls);
    expect(costUsd(runaway)).toBeGreaterThan(100); // the incident alone, whatever --calls says
    expect(costUsd(since(5 * MINUTE_MS)) / 300).toBeGreaterThan(0.00277778);
    // CostSpike's baseline: the same hour on each of the last 7 days, averaged.
    let baseline = 0;
    for (let d = 1; d <= 7; d++) baseline += costUsd(spans.filter((s) => s.startTime >= NOW_MS - HOUR_MS - d * 86_400_000 && s.startTime < NOW_MS - d * 86_400_000));
    expect(costUsd(since(HOUR_MS))).toBeGreaterThan(1.5 * (baseline / 7));
  });

  it('has one model slow (p95 > 5 s, p99 > 10 s) and failing (> 5%) over the last 5 minutes, with ≥ 10 calls', () => {
    const degraded = calls(since(5 * MINUTE_MS)).filter((s) => s.provider === incident.degradedModel.provider && s.model === incident.degradedModel.model);
    expect(degraded.length).toBeGreaterThanOrEqual(10);
    expect(degraded).toHaveLength(incident.degradedModel.calls);
    const durations = degraded.map((s) => s.durationMs!).sort((a, b) => a - b);
    const pct = (p: number) => durations[Math.ceil((p / 100) * durations.length) - 1];
    expect(pct(95)).toBeGreaterThan(5_000);
    expect(pct(99)).toBeGreaterThan(10_000);
    expect(pct(95)).toBe(incident.degradedModel.p95Ms);
    const failed = degraded.filter((s) => s.status === 'error').length;
    expect(failed).toBe(incident.degradedModel.failed);
    expect(failed / degraded.length).toBeGreaterThan(0.05);
  });

  it('calls the unknown model in the last hour', () => {
    const unknown = since(HOUR_MS).filter((s) => s.model === DEMO_MODELS.unknown.model && s.startTime >= incident.fromMs);
    expect(unknown.length).toBe(incident.unknownModel.calls);
    expect(unknown.length).toBeGreaterThan(0);
  });

  // Generates and parses a 20,000-call day: seconds on a busy machine.
  it('pulls the hour average of one score below 0.5 with ≥ 20 scores, even over a busy background', { timeout: 30_000 }, () => {
    for (const t of [traffic, generateDemoTraffic({ days: 1, calls: 20_000, seed: 7, nowMs: NOW_MS })]) {
      const drop = t.scenario.incident!.qualityDrop;
      const values = parseAll(t.items)
        .filter((i): i is Extract<IngestItem, { type: 'score' }> => i.type === 'score' && i.name === drop.scoreName && i.timestamp! >= NOW_MS - HOUR_MS)
        .map((i) => i.value as number);
      expect(values.length).toBe(drop.hourScores);
      expect(values.length).toBeGreaterThanOrEqual(20);
      const avg = values.reduce((a, b) => a + b, 0) / values.length;
      expect(avg).toBeLessThan(0.5);
      expect(avg).toBeCloseTo(drop.hourAverageScore, 2);
    }
  });

  it('has a free-tier user spend over $1 today', () => {
    const user = incident.overBudgetUser;
    expect(user.tier).toBe('free');
    const today = Math.floor(NOW_MS / 86_400_000) * 86_400_000;
    const theirs = spans.filter((s) => s.userId === user.user && s.startTime >= today);
    expect(costUsd(theirs)).toBeGreaterThan(user.dailyLimitUsd);
    expect(generations.filter((g) => g.userId === user.user).every((g) => g.metadata['user.tier'] === 'free')).toBe(true);
  });

  it('starts after midnight when the anchor is just past it, so the spend counts today', () => {
    const midnight = Date.UTC(2026, 2, 12, 0, 2, 0);
    const t = generateDemoTraffic({ days: 2, calls: 200, seed: 3, nowMs: midnight });
    const user = t.scenario.incident!.overBudgetUser.user;
    const theirs = t.items.filter((i) => i.type === 'generation' && i.userId === user && Number(i.startTime) >= midnight - 4 * MINUTE_MS);
    expect(theirs.length).toBe(t.scenario.incident!.overBudgetUser.calls);
    for (const g of theirs) expect(Number(g.type === 'generation' ? g.startTime : 0)).toBeGreaterThanOrEqual(Date.UTC(2026, 2, 12));
  });
  it('gives RetrievalDrift ≥ 50 doc-search retrievals on each side, whatever the hour, weekday or --calls: low top scores now, ordinary before', () => {
    const anchors = [NOW_MS, Date.UTC(2026, 2, 15, 3, 0, 0) /* Sunday night */, Date.UTC(2026, 2, 14, 23, 50, 0) /* Saturday */];
    for (const nowMs of anchors) {
      for (const calls of [300, 3_000]) {
        const t = generateDemoTraffic({ days: 7, calls, seed: 42, nowMs });
        const retrievals = t.items.flatMap((i) => (i.type === 'span' && i.kind === 'retrieval' && i.feature === 'doc-search' ? [{ at: Number(i.startTime), top: Number(i.metadata!['retrieval.top_score']) }] : []));
        const hour = retrievals.filter((r) => r.at >= nowMs - HOUR_MS && r.at < nowMs);
        const before = retrievals.filter((r) => r.at >= nowMs - DAY_MS && r.at < nowMs - HOUR_MS);
        const label = `${new Date(nowMs).toISOString()} --calls ${calls}`;
        expect(hour.length, label).toBeGreaterThanOrEqual(50);
        expect(before.length, label).toBeGreaterThanOrEqual(50);
        const median = (list: typeof hour) => list.map((r) => r.top).sort((a, b) => a - b)[Math.floor(list.length / 2)];
        expect(median(hour), label).toBeLessThan(0.55);
        expect(median(before), label).toBeGreaterThan(0.75);
        expect(t.scenario.incident!.retrievalDrift.retrievals).toBeGreaterThanOrEqual(50);
      }
    }
  });
});
