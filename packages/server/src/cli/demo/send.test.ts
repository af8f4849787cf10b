import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadDefaultPack } from '../../alerts/rules/default-pack.ts';
import type { Rule } from '../../alerts/rules/schema.ts';
import { Pricer } from '../../enrich/pricing/index.ts';
import { spanFromItem } from '../../ingest/api/map.ts';
import { ingestItemSchema, type IngestItem, type IngestItemInput } from '../../ingest/api/schema.ts';
import { projectId } from '../../store/store.ts';
import { makeTestApp, type TestApp } from '../../testing/app.ts';
import {
  DEMO_INCIDENT_ALERTS,
  DEMO_LIVE_FIRING_AFTER_MS,
  DEMO_LIVE_INTERVAL_MS,
  DEMO_MODELS,
  demoLiveSlice,
  describeDemoLiveSummary,
  describeDemoSummary,
  parseDemoLiveDuration,
  runDemo,
  runDemoLive,
  type DemoLiveSliceReport,
  type DemoSummary,
} from './index.ts';
import { MINUTE_MS } from '../../domain/time.ts';

// A fixed "now" (a Wednesday afternoon, UTC) so that the traffic is the same on every run.
const NOW_MS = Date.UTC(2026, 2, 11, 15, 30, 0);

// The whole path: the demo through a real server's ingest API, then the default rule pack.
describe('runDemo against a running server, then the alert engine', () => {
  const INCIDENT_ALERTS = ['DailyCostExceeded', 'CostSpike', 'HighLatency', 'HighErrorRate', 'UnknownModelCalls', 'LowQualityScore'];
  const realNow = Date.now.bind(Date);

  // The server and the demo share a clock pinned near NOW_MS, so what the background puts in the
  // last hour does not depend on when the test runs. The components read the clock they were
  // built with, so it is pinned before the app is made.
  beforeAll(() => {
    const offset = NOW_MS - realNow();
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
  });
  afterAll(() => {
    vi.restoreAllMocks();
  });

  async function demo(incident: boolean): Promise<{ summary: DemoSummary; active: Map<string, string[]>; t: TestApp }> {
    const t = await makeTestApp();
    try {
      const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
      const summary = await runDemo({ url, days: 7, calls: 300, seed: 42, incident }, () => {});
      expect(summary.rejected).toBe(0);
      await t.ctx.alerting.engine.evaluate(Date.now());
      const active = new Map<string, string[]>();
      for (const a of t.ctx.alerting.engine.list('default')) active.set(a.labels.alertname, [...(active.get(a.labels.alertname) ?? []), a.state]);
      return { summary, active, t };
    } catch (err) {
      await t.close();
      throw err;
    }
  }

  it('trips the default pack: the incident rules are pending or firing right after the demo', async () => {
    const { summary, active, t } = await demo(true);
    try {
      for (const name of INCIDENT_ALERTS) {
        expect(active.get(name), `${name} in ${JSON.stringify([...active])}`).toBeDefined();
        for (const state of active.get(name)!) expect(['pending', 'firing']).toContain(state);
      }
      // The free-tier user is assigned through the budgets API and is over their $1.
      expect(summary.tierAssignment).toMatchObject({ user: 'usr_dara', tier: 'free', status: 'assigned' });
      const status = t.ctx.budgets.statuses(projectId('default'), Date.now()).find((s) => s.budget.id === 'tier:free' && s.subject === 'usr_dara');
      expect(status?.percent).toBeGreaterThanOrEqual(100);
      // The expected-to-fire list names the incident alerts, and the summary says when.
      const named = [...DEMO_INCIDENT_ALERTS.firing.map((f) => f.alertname), ...DEMO_INCIDENT_ALERTS.pendingOnly];
      for (const name of INCIDENT_ALERTS) expect(named).toContain(name);
      for (const name of named) expect(active.has(name), name).toBe(true);
      const text = describeDemoSummary(summary);
      expect(text).toMatch(/incident now, .* \(\d+ more LLM calls\)/);
      expect(text).toContain('runaway agent: code-review by usr_ben');
      expect(text).toContain(`degraded model: openai/gpt-4o in support-chat, ${summary.scenario.incident!.degradedModel.calls} calls`);
      expect(text).toContain('free tier: usr_dara is on the free tier ($1/day)');
      expect(text).toMatch(/alerts pending now .*firing within 1–15 minutes: UserBudgetExceeded \(~1 min\), DailyCostExceeded \(~5 min\)/);
      expect(text).toContain('LowQualityScore (~10 min)');
      expect(text).toMatch(/pending for the next ~3 minutes only, then resolved .*: CostSpike, HighLatency, HighLLMLatency, HighErrorRate/);
      expect(text).toContain('to see CostSpike, HighLatency and HighErrorRate fire, keep the incident going: lookout demo --live 10m');
      expect(text).not.toContain('(--live)');
      // The evaluators, set up before the traffic, and what the summary says of the demo judge.
      expect(summary.evaluators).toMatchObject({ status: 'configured', created: expect.arrayContaining(['empty-output', 'judge.helpfulness', 'judge.faithfulness']) });
      expect(text).toContain('judge.* use the built-in DEMO judge (lookout-demo://judge): its scores are fake');
      expect(text).toContain('judged scores arrive over the next minute or so');
      expect(text).toMatch(/retrieval drift: \d+ doc-search retrievals from the truncated embeddings/);
      expect(describeDemoSummary({ ...summary, evaluators: null })).toContain('evaluators: not set up (--no-evaluators)');

      // Then, evaluated every 30 s as the server does, the promised alerts fire in time and the
      // 5-minute ones resolve without firing.
      const start = Date.now();
      const firedAtMin = new Map<string, number>();
      for (let stepMs = 30_000; stepMs <= 16 * 60_000; stepMs += 30_000) {
        await t.ctx.alerting.engine.evaluate(start + stepMs);
        for (const a of t.ctx.alerting.engine.list('default', { states: ['firing'] })) if (!firedAtMin.has(a.labels.alertname)) firedAtMin.set(a.labels.alertname, stepMs / 60_000);
      }
      for (const f of DEMO_INCIDENT_ALERTS.firing) {
        expect(firedAtMin.get(f.alertname), `${f.alertname} fired at ${firedAtMin.get(f.alertname)} min`).toBeLessThanOrEqual(f.withinMinutes + 1);
      }
      for (const name of DEMO_INCIDENT_ALERTS.pendingOnly) expect(firedAtMin.has(name), name).toBe(false);
    } finally {
      await t.close();
    }
  });

  it('with the incident off, none of them is active and the summary says so', async () => {
    const { summary, active, t } = await demo(false);
    try {
      // The background calls the in-house model every day: when one of its tickets lands in the
      // last hour, UnknownModelCalls rightly sees it without any incident.
      const analytics = await t.app.inject('/api/v1/analytics/query?measures=unknown_cost_requests&from=1h');
      expect(analytics.statusCode, analytics.body).toBe(200);
      const backgroundUnknown = Number(analytics.json().rows[0]?.unknown_cost_requests ?? 0);
      for (const name of INCIDENT_ALERTS) expect(active.has(name), `${name} in ${JSON.stringify([...active])}`).toBe(name === 'UnknownModelCalls' && backgroundUnknown > 0);
      expect(summary.scenario.incident).toBeNull();
      expect(summary.tierAssignment).toBeNull();
      const status = t.ctx.budgets.statuses(projectId('default'), Date.now()).find((s) => s.subject === 'usr_dara');
      expect(status).toBeUndefined();
      expect(describeDemoSummary(summary)).toContain('no incident now (--no-incident)');
    } finally {
      await t.close();
    }
  });
});

// `lookout demo --live`: the incident goes on in real time, so that the 5-minute rules fire.
describe('the incident, live', () => {
  const pricer = new Pricer();
  const parseAt = (items: IngestItemInput[], nowMs: number): IngestItem[] => {
    const realNow = Date.now;
    Date.now = () => nowMs;
    try {
      return items.map((item) => ingestItemSchema.parse(item));
    } finally {
      Date.now = realNow;
    }
  };
  type Call = Extract<IngestItem, { type: 'generation' | 'span' }>;
  const callsOf = (items: IngestItem[]) => items.filter((i): i is Call => i.type === 'generation' || i.type === 'span');
  const costUsd = (list: Call[]) => list.reduce((sum, s) => sum + (s.model ? (pricer.price(spanFromItem(s, 'default')).totalNanoUsd ?? 0) : 0), 0) / 1e9;
  const nearestRank = (values: number[], p: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.ceil((p / 100) * sorted.length) - 1];
  };

  let pack: Rule[];
  const rule = (name: string, severity?: string) => {
    const found = pack.filter((r) => r.name === name && (severity === undefined || r.severity === severity));
    expect(found, `${name} ${severity ?? ''}`).toHaveLength(1);
    return found[0];
  };
  beforeAll(async () => {
    const loaded = await loadDefaultPack();
    expect(loaded.errors).toEqual([]);
    pack = loaded.rules;
  });

  it('makes the same slice from a seed and an index, whenever it is sent (ids aside)', () => {
    const strip = (items: IngestItemInput[], nowMs: number) =>
      JSON.stringify(
        items.map((it) => {
          const { traceId, spanId, parentSpanId, id, requestId, ...rest } = it as Record<string, unknown>;
          void [traceId, spanId, parentSpanId, id, requestId];
          if (typeof rest.startTime === 'number') rest.startTime -= nowMs;
          if (typeof rest.timestamp === 'number') rest.timestamp -= nowMs;
          return rest;
        }),
      );
    const a = demoLiveSlice({ seed: 42, index: 3, nowMs: NOW_MS });
    const b = demoLiveSlice({ seed: 42, index: 3, nowMs: NOW_MS + 7 * MINUTE_MS });
    expect(strip(b.items, b.nowMs)).toBe(strip(a.items, a.nowMs));
    expect(strip(demoLiveSlice({ seed: 43, index: 3, nowMs: NOW_MS }).items, NOW_MS)).not.toBe(strip(a.items, NOW_MS));
    expect(strip(demoLiveSlice({ seed: 42, index: 4, nowMs: NOW_MS }).items, NOW_MS)).not.toBe(strip(a.items, NOW_MS));
    // Fresh ids for every slice and every run.
    const ids = (items: IngestItemInput[]) => items.map((i) => (i.type === 'generation' || i.type === 'span' ? `${i.traceId}/${i.spanId}` : i.id));
    const all = [...ids(a.items), ...ids(b.items), ...ids(demoLiveSlice({ seed: 42, index: 4, nowMs: NOW_MS + DEMO_LIVE_INTERVAL_MS }).items)];
    expect(new Set(all).size).toBe(all.length);
  });

  it('stamps a slice with the moment it is sent: valid items, ended by then, started in the minute before', () => {
    for (let index = 0; index < 6; index++) {
      const nowMs = NOW_MS + index * DEMO_LIVE_INTERVAL_MS;
      const slice = demoLiveSlice({ seed: 42, index, nowMs });
      const parsedSlice = parseAt(slice.items, nowMs);
      const spansOf = callsOf(parsedSlice);
      for (const s of spansOf) {
        expect(s.startTime + (s.durationMs ?? 0)).toBeLessThanOrEqual(nowMs);
        expect(s.startTime).toBeGreaterThan(nowMs - 2 * MINUTE_MS);
      }
      for (const i of parsedSlice) if (i.type === 'score') expect(i.timestamp!).toBeLessThanOrEqual(nowMs);
      expect(slice.calls).toBe(parsedSlice.filter((i) => i.type === 'generation').length);
      expect(slice.degradedModel.failed).toBeGreaterThanOrEqual(1);
      const scores = parsedSlice.filter((i) => i.type === 'score' && i.name === slice.qualityScores.scoreName);
      expect(scores).toHaveLength(slice.qualityScores.scores);
      for (const sc of scores) expect(sc.type === 'score' && (sc.value as number)).toBeLessThan(rule('LowQualityScore', 'critical').threshold!);
      expect(spansOf.some((s) => s.model === DEMO_MODELS.unknown.model)).toBe(true);
    }
  });

  it("keeps the 5-minute rules' conditions true, read from the default pack", () => {
    const latencyWarn = rule('HighLatency', 'warning');
    const latencyCrit = rule('HighLatency', 'critical');
    const llmLatency = rule('HighLLMLatency');
    const errorRate = rule('HighErrorRate');
    const costSpike = rule('CostSpike', 'critical');
    expect(costSpike.kind).toBe('rate');
    const windowMs = Math.max(...[latencyWarn, latencyCrit, llmLatency, errorRate, costSpike].map((r) => r.window!));
    expect(windowMs).toBe(5 * MINUTE_MS);
    // The rules' `for` is when the summary says they fire.
    for (const r of [latencyWarn, latencyCrit, llmLatency, errorRate, costSpike]) expect(r.for).toBe(DEMO_LIVE_FIRING_AFTER_MS);

    // The slices of one window, sent every 30 s, and evaluated when the last one is sent.
    const slices = Array.from({ length: windowMs / DEMO_LIVE_INTERVAL_MS }, (_, index) => demoLiveSlice({ seed: 42, index, nowMs: NOW_MS + index * DEMO_LIVE_INTERVAL_MS }));
    const check = (sent: typeof slices) => {
      const endMs = sent.at(-1)!.nowMs;
      const calls = callsOf(sent.flatMap((s) => parseAt(s.items, s.nowMs))).filter((s) => s.startTime >= endMs - windowMs && s.startTime < endMs);
      const gpt4o = calls.filter((s) => s.type === 'generation' && s.provider === 'openai' && s.model === 'gpt-4o');
      const durations = gpt4o.map((g) => g.durationMs!);
      const failed = gpt4o.filter((g) => g.status === 'error').length;
      return { gpt4o: gpt4o.length, p95: nearestRank(durations, 95), p99: nearestRank(durations, 99), errorRate: failed / gpt4o.length, costRate: costUsd(calls) / (costSpike.window! / 1000) };
    };
    const full = check(slices);
    expect(full.gpt4o).toBeGreaterThanOrEqual(Math.max(latencyWarn.minSamples, llmLatency.minSamples, errorRate.minSamples));
    expect(full.p95).toBeGreaterThan(llmLatency.threshold!); // so also HighLatency's warning
    expect(full.p95).toBeGreaterThan(latencyWarn.threshold!);
    expect(full.p99).toBeGreaterThan(latencyCrit.threshold!);
    expect(full.errorRate).toBeGreaterThan(errorRate.threshold!);
    expect(full.costRate).toBeGreaterThan(3 * costSpike.threshold!);
    // Two slices (the first minute) are enough for every rule: without the demo's burst before
    // them, the rules go pending 30 s after the start.
    const start = check(slices.slice(0, 2));
    expect(start.gpt4o).toBeGreaterThanOrEqual(errorRate.minSamples);
    expect(start.p95).toBeGreaterThan(llmLatency.threshold!);
    expect(start.errorRate).toBeGreaterThan(errorRate.threshold!);
    expect(start.costRate).toBeGreaterThan(costSpike.threshold!);
    // Every slice alone spends faster than the critical rate.
    for (const s of slices) expect(costUsd(callsOf(parseAt(s.items, s.nowMs))) / (DEMO_LIVE_INTERVAL_MS / 1000)).toBeGreaterThan(costSpike.threshold!);
  });

  it('accepts s, m and h durations up to 2h, and nothing else', () => {
    expect(parseDemoLiveDuration('10m')).toBe(10 * MINUTE_MS);
    expect(parseDemoLiveDuration('90s')).toBe(90_000);
    expect(parseDemoLiveDuration('1h30m')).toBe(90 * MINUTE_MS);
    expect(parseDemoLiveDuration('2h')).toBe(120 * MINUTE_MS);
    expect(() => parseDemoLiveDuration('2h1s')).toThrow(/longer than the 2h maximum/);
    expect(() => parseDemoLiveDuration('5h')).toThrow(/longer than the 2h maximum/);
    expect(() => parseDemoLiveDuration('0s')).toThrow(/no time at all/);
    // The one duration grammar: days are durations (too long here), a fraction is refused with its spelling.
    expect(() => parseDemoLiveDuration('1d')).toThrow(/longer than the 2h maximum/);
    expect(() => parseDemoLiveDuration('1.5h')).toThrow("'1.5h' has a fraction; write 1h30m (at most 2h)");
    for (const bad of ['3 days', '10', 'm', '', '-5m']) expect(() => parseDemoLiveDuration(bad), bad).toThrow(/is not a duration/);
  });

  // The live loop against a real server, on a fake clock: slices every simulated 30 s, the
  // engine evaluated after each as the server does.
  async function runLive(t: TestApp, url: string, startMs: number, durationMs: number, opts: { abortAfter?: number } = {}) {
    let nowMs = startMs;
    const stop = new AbortController();
    const firedAt = new Map<string, number>();
    const states: { atMs: number; firing: Set<string> }[] = [];
    const reports: DemoLiveSliceReport[] = [];
    const lines: string[] = [];
    const live = await runDemoLive({ url, seed: 42, durationMs }, (line) => lines.push(line), {
      now: () => nowMs,
      sleep: async (ms) => {
        nowMs += ms;
      },
      signal: stop.signal,
      onSlice: async (report) => {
        reports.push(report);
        await t.ctx.alerting.engine.evaluate(report.atMs);
        const firing = new Set<string>();
        for (const a of t.ctx.alerting.engine.list('default', { states: ['firing'] })) {
          const key = `${a.labels.alertname}:${a.labels.severity}`;
          firing.add(key);
          if (!firedAt.has(key)) firedAt.set(key, report.atMs - startMs);
        }
        states.push({ atMs: report.atMs, firing });
        if (opts.abortAfter !== undefined && reports.length >= opts.abortAfter) stop.abort();
      },
    });
    return { live, firedAt, states, reports, lines };
  }
  const LIVE_ALERTS = ['HighLatency:critical', 'HighLatency:warning', 'HighLLMLatency:warning', 'HighErrorRate:critical', 'CostSpike:critical'];

  it('on its own, takes HighLatency, HighErrorRate and the critical CostSpike from pending to firing and keeps them there', async () => {
    const t = await makeTestApp();
    try {
      const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
      const startMs = Date.now();
      const { live, firedAt, states, reports, lines } = await runLive(t, url, startMs, 6.5 * MINUTE_MS);
      expect(live.interrupted).toBe(false);
      expect(live.slices).toBe(13);
      expect(live.rejected).toBe(0);
      expect(live.accepted).toBe(live.sent);
      expect(live.endedMs - live.startedMs).toBe(6.5 * MINUTE_MS);
      expect(reports.map((r) => r.atMs - startMs)).toEqual(Array.from({ length: 13 }, (_, i) => i * DEMO_LIVE_INTERVAL_MS));
      // One short line a slice, plus the opening line.
      expect(lines).toHaveLength(14);
      expect(lines[1]).toMatch(/^live 1\/13 \d\d:\d\d:\d\dZ: \d+ calls, \d+ failed, \d+k tokens to claude-opus-4-20250514$/);

      // Pending from the second slice (10 calls of gpt-4o), firing 5 minutes later, at 5.5 min.
      const last = states.at(-1)!.firing;
      for (const key of LIVE_ALERTS) {
        expect(last.has(key), `${key} firing at the end: ${[...last]}`).toBe(true);
        expect(firedAt.get(key), key).toBeGreaterThanOrEqual(DEMO_LIVE_FIRING_AFTER_MS);
        expect(firedAt.get(key), key).toBeLessThanOrEqual(DEMO_LIVE_FIRING_AFTER_MS + DEMO_LIVE_INTERVAL_MS);
        // Once firing, it stays firing.
        for (const s of states) if (s.atMs - startMs >= firedAt.get(key)!) expect(s.firing.has(key), `${key} at ${s.atMs - startMs}`).toBe(true);
      }
      const text = describeDemoLiveSummary(live);
      expect(text).toMatch(/^Live incident sent for 6m30s \(.*\): 13 of 13 slices/);
      expect(text).toContain('CostSpike, HighLatency, HighLLMLatency, HighErrorRate fired at about');
    } finally {
      await t.close();
    }
  });

  it('after the demo, fires them 5 minutes after it ends, as its summary says; Ctrl-C stops with a summary', async () => {
    const t = await makeTestApp();
    try {
      const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
      const summary = await runDemo({ url, days: 2, calls: 300, seed: 42, liveMs: 10 * MINUTE_MS }, () => {});
      const text = describeDemoSummary(summary);
      expect(text).toMatch(/live for 10m \(--live\), until .*: a slice of the incident every 30 s keeps CostSpike, HighLatency, HighLLMLatency, HighErrorRate pending/);
      expect(text).toMatch(/they fire at about \S+ \S+Z \(~5 min from now\)/);
      expect(text).not.toContain('pending for the next ~3 minutes only');
      expect(describeDemoSummary({ ...summary, liveMs: 3 * MINUTE_MS })).toMatch(/live for 3m \(--live\).*so they will not fire; use --live 10m/);
      // The server evaluates right after the burst: the rules go pending before the live part.
      const startMs = summary.endedMs;
      await t.ctx.alerting.engine.evaluate(startMs);
      const pending = new Set(t.ctx.alerting.engine.list('default', { states: ['pending'] }).map((a) => `${a.labels.alertname}:${a.labels.severity}`));
      for (const key of LIVE_ALERTS) expect(pending.has(key), key).toBe(true);

      const { live, firedAt, states } = await runLive(t, url, startMs, 10 * MINUTE_MS, { abortAfter: 14 });
      for (const key of LIVE_ALERTS) {
        expect(states.at(-1)!.firing.has(key), key).toBe(true);
        expect(firedAt.get(key), key).toBe(DEMO_LIVE_FIRING_AFTER_MS);
      }
      expect(live.interrupted).toBe(true);
      expect(live.slices).toBe(14);
      expect(live.plannedSlices).toBe(20);
      expect(live.endedMs - live.startedMs).toBe(13 * DEMO_LIVE_INTERVAL_MS);
      expect(describeDemoLiveSummary(live)).toMatch(/^Live incident stopped by Ctrl-C after 6m30s .*: 14 of 20 slices/);
    } finally {
      await t.close();
    }
  });

  it('`lookout demo --live` refuses durations it cannot keep, before sending anything', { timeout: 60_000 }, async () => {
    const CLI = fileURLToPath(new URL('../../cli.ts', import.meta.url));
    const lookout = (args: string[]) =>
      new Promise<{ code: number; stderr: string }>((resolve) => {
        execFile(process.execPath, [CLI, ...args], { env: { ...process.env, LOOKOUT_API_KEY: '' }, timeout: 30_000 }, (err, _stdout, stderr) => {
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr });
        });
      });
    // Nothing listens on this port: a bad duration must be refused before any connection.
    const [days, hours] = await Promise.all([
      lookout(['demo', '--url', 'http://127.0.0.1:9', '--live', '3 days']),
      lookout(['demo', '--url', 'http://127.0.0.1:9', '--live', '5h']),
    ]);
    expect(days.code).not.toBe(0);
    expect(days.stderr).toContain("--live: '3 days' is not a duration; use e.g. 90s, 5m, 1h30m, 7d or 2w (at most 2h)");
    expect(hours.code).not.toBe(0);
    expect(hours.stderr).toContain("--live: '5h' is longer than the 2h maximum");
    expect(`${days.stderr}${hours.stderr}`).not.toMatch(/no Lookout server answers/);
  });
});
