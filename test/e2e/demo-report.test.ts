// A new user's first run: start the server, send the demo traffic, ask for a cost report by
// team. The report must match the published catalog prices, computed here independently with
// the catalog package's own calculator, span by span. The PII leak and injection attempts the
// demo sends show on /metrics and in the security event log, and none of the values is stored.
import { calcPrice } from '@pydantic/genai-prices';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PII_MESSAGES, QUESTIONS } from '../../packages/server/src/cli/demo/model.ts';
import { filesHoldingAny } from './data-dir.ts';
import { makeTempDir, pollUntil, removeTempDir, runLookout, startLookout, sumSamples, type LookoutServer } from './harness.ts';
import { eventsOf } from './privacy-reads.ts';

interface StoredSpan {
  kind: string;
  provider: string | null;
  requestModel: string | null;
  responseModel: string | null;
  startUs: number;
  usage: { input: number; output: number; cacheRead: number; cacheWrite: number; reasoning: number; audio: number };
  cost: { status: string; totalNanoUsd: number | null };
  attribution: { team: string | null; feature: string | null };
}

let server: LookoutServer | undefined;
let dataDir = '';

async function allSpans(url: string, from: string, to: string): Promise<StoredSpan[]> {
  const out: StoredSpan[] = [];
  for (let offset = 0; ; offset += 1000) {
    const res = await fetch(`${url}/api/v1/spans?limit=1000&offset=${offset}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    expect(res.status).toBe(200);
    const page = (await res.json()) as { spans: StoredSpan[]; total: number };
    out.push(...page.spans);
    if (out.length >= page.total || page.spans.length === 0) return out;
  }
}

// The catalog's own calculator wants total input (cache reads and writes inside it) and output
// including reasoning: the opposite of Lookout's non-overlapping buckets.
function catalogPriceUsd(s: StoredSpan): number | null {
  const model = s.responseModel ?? s.requestModel;
  if (!model) return null;
  const u = s.usage;
  const result = calcPrice(
    {
      input_tokens: u.input + u.cacheRead + u.cacheWrite + u.audio,
      cache_read_tokens: u.cacheRead,
      cache_write_tokens: u.cacheWrite,
      output_tokens: u.output + u.reasoning,
    },
    model,
    { providerId: s.provider ?? undefined, timestamp: new Date(s.startUs / 1000) },
  );
  return result ? result.total_price : null;
}

beforeAll(async () => {
  dataDir = await makeTempDir('demo-report');
  server = await startLookout({ dataDir });
  const demo = await runLookout(['demo', '--url', server.url], { timeoutMs: 180_000 });
  expect(demo.code, `lookout demo failed\n${demo.output}`).toBe(0);
});

afterAll(async () => {
  await server?.stop();
  await removeTempDir(dataDir);
});

describe('demo traffic and the cost report', () => {
  it('reports cost by team that matches the catalog prices', async () => {
    const url = server!.url;
    const report = await runLookout(['report', 'cost', '--url', url, '--since', '8d', '--by', 'team', '--format', 'json']);
    expect(report.code, report.output).toBe(0);
    const parsed = JSON.parse(report.stdout) as { fromMs: number; toMs: number; rows: { team: string | null; cost: number; requests: number; unknown_cost_requests: number }[] };
    expect(parsed.rows.length).toBeGreaterThanOrEqual(4);

    const spans = await allSpans(url, new Date(parsed.fromMs).toISOString(), new Date(parsed.toMs).toISOString());
    const expected = new Map<string, { usd: number; unknown: number }>();
    let priced = 0;
    for (const s of spans) {
      if (s.kind !== 'generation' && s.kind !== 'embedding') continue;
      // The demo judge's own calls: spend kept apart from the application's (checked below).
      if (s.attribution.feature === 'lookout.evaluation') continue;
      const team = s.attribution.team ?? '(none)';
      const entry = expected.get(team) ?? { usd: 0, unknown: 0 };
      const tokens = Object.values(s.usage).reduce((a, b) => a + b, 0);
      const usd = catalogPriceUsd(s);
      if (tokens === 0) {
        // A call that reported no tokens (a failed call): no cost is claimed, not even $0.
        expect(s.cost).toMatchObject({ status: 'not_applicable', totalNanoUsd: null });
      } else if (usd === null) {
        // No price: unknown, never $0.
        expect(s.cost.status, `${s.provider}/${s.requestModel} has no catalog price`).toBe('unknown_model');
        expect(s.cost.totalNanoUsd).toBeNull();
        entry.unknown++;
      } else {
        // Each stored cost is the catalog's price to the nano-dollar (per-bucket rounding).
        expect(Math.abs((s.cost.totalNanoUsd ?? NaN) / 1e9 - usd), `${s.requestModel} ${JSON.stringify(s.usage)}`).toBeLessThan(1e-8);
        entry.usd += usd;
        priced++;
      }
      expected.set(team, entry);
    }
    expect(priced).toBeGreaterThan(1000);
    for (const row of parsed.rows) {
      const want = expected.get(row.team ?? '(none)');
      expect(want, `team ${row.team} in the report but not in the spans`).toBeDefined();
      expect(row.cost).toBeCloseTo(want!.usd, 5);
      expect(row.unknown_cost_requests).toBe(want!.unknown);
    }
    expect(parsed.rows.map((r) => r.team ?? '(none)').sort()).toEqual([...expected.keys()].sort());
    // The demo includes a model the catalog does not know: it shows as unknown, not as $0.
    expect([...expected.values()].some((v) => v.unknown > 0)).toBe(true);
  });

  it('reports quality by feature: the demo\'s helpfulness and thumbs-up scores per feature', async () => {
    const report = await runLookout(['report', 'quality', '--url', server!.url, '--since', '8d', '--by', 'feature', '--format', 'json']);
    expect(report.code, report.output).toBe(0);
    const parsed = JSON.parse(report.stdout) as { scores: { name: string; count: number }[]; rows: Record<string, unknown>[] };
    expect(parsed.scores.map((s) => s.name)).toEqual(expect.arrayContaining(['helpfulness', 'thumbs_up']));
    expect(parsed.rows.length).toBeGreaterThan(1);
    for (const row of parsed.rows.filter((r) => r.group !== null)) {
      for (const name of ['helpfulness', 'thumbs_up']) {
        const mean = row[`score:${name}`];
        if (mean !== null) expect(mean as number, `${name} of ${String(row.group)}`).toBeGreaterThanOrEqual(0);
        if (mean !== null) expect(mean as number).toBeLessThanOrEqual(1);
      }
    }
    const table = await runLookout(['report', 'quality', '--url', server!.url, '--since', '8d', '--by', 'model']);
    expect(table.code, table.output).toBe(0);
    expect(table.stdout).toMatch(/^Quality by model, /);
    expect(table.stdout).toMatch(/\nscores in range: .*helpfulness \d+/);
  });

  it('shows the PII and injection attempts it sent on /metrics and in the security event log, and stores none of the values', async () => {
    const url = server!.url;
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(sumSamples(metrics, 'lookout_pii_detected_total').sum).toBeGreaterThan(0);
    expect(sumSamples(metrics, 'lookout_prompt_injection_detected_total').sum).toBeGreaterThan(0);

    const pii = await eventsOf(url, 'from=9d&type=pii');
    const secrets = await eventsOf(url, 'from=9d&type=secret');
    const injections = await eventsOf(url, 'from=9d&type=prompt_injection');
    // The leak every demo sends (the first PII message); more kinds may come at random.
    const kinds = new Set(pii.map((e) => e.detector.split(':')[0]));
    for (const kind of ['email', 'phone', 'credit_card', 'iban']) expect(kinds.has(kind), `${kind} in ${[...kinds]}`).toBe(true);
    expect(secrets.some((e) => e.detector.startsWith('secret:openai'))).toBe(true);
    expect(injections.length).toBeGreaterThan(0);
    // Each event leads to its trace.
    for (const e of [pii[0]!, secrets[0]!, injections[0]!]) expect((await fetch(`${url}/api/v1/traces/${e.traceId}`)).status).toBe(200);

    // The demo's personal data, as its messages carry it: in no file of the data dir and in no answer.
    const planted: Record<string, string> = {
      email: 'maria.garcia@example.com',
      phone: '+1 415 555 0134',
      card: '4111 1111 1111 1111',
      ssn: '123-45-6789',
      key: 'sk-proj-Dm4xQ7vTn2Lp9sRk3WbZ6yHc1JfE8gUa',
      iban: 'DE89 3704 0044 0532 0130 00',
    };
    for (const value of Object.values(planted)) expect(PII_MESSAGES.join('\n')).toContain(value);
    const control = QUESTIONS['ticket-triage'][4]!;
    const found = await filesHoldingAny(dataDir, { ...planted, control });
    expect(found.filter((f) => f.value !== 'control')).toEqual([]);
    expect(found.some((f) => f.value === 'control'), 'an ordinary demo question was not found in any file').toBe(true);
    const answers = JSON.stringify([pii, secrets, injections]) + (await (await fetch(`${url}/api/v1/traces/${pii[0]!.traceId}`)).text());
    for (const [name, value] of Object.entries(planted)) expect(answers.includes(value), name).toBe(false);
  });

  it('re-costs the unknown model once a price is added', async () => {
    const url = server!.url;
    const before = (await (await fetch(`${url}/api/v1/pricing/unknown-models`)).json()) as { models: { model: string; calls: number }[] };
    expect(before.models.length).toBeGreaterThan(0);
    const target = before.models[0];
    const add = await runLookout(['prices', 'add', '--url', url, '--model', target.model, '--input', '1', '--output', '3']);
    expect(add.code, add.output).toBe(0);
    // Its unknown-cost calls, and its failed zero-token calls, which now point at the new price row.
    expect(JSON.parse(add.stdout).recosted).toBeGreaterThanOrEqual(target.calls);
    const after = (await (await fetch(`${url}/api/v1/pricing/unknown-models`)).json()) as { models: { model: string }[] };
    expect(after.models.map((m) => m.model)).not.toContain(target.model);
    const spans = (await (await fetch(`${url}/api/v1/spans?model=${encodeURIComponent(target.model)}&limit=1`)).json()) as { spans: { spanId: string; usage: StoredSpan['usage'] }[] };
    const cost = (await (await fetch(`${url}/api/v1/spans/${spans.spans[0].spanId}/cost`)).json()) as { status: string; priceRowId: string; totalNanoUsd: number };
    expect(cost.status).toBe('priced');
    expect(cost.priceRowId).toMatch(/^override:/);
    const u = spans.spans[0].usage;
    expect(cost.totalNanoUsd).toBe(Math.round(u.input * 1000) + Math.round((u.output + u.reasoning) * 3000) + Math.round((u.cacheRead + u.cacheWrite) * 1000));
  });
});

// What the demo sets up for quality: heuristics in the ingest chain and LLM judges answered by the
// built-in demo judge (no key, no network), then seed 004's story in the judged scores, the drift
// API and the default quality rules.
describe('demo traffic and quality', () => {
  const HOUR_MS = 3_600_000;
  const range = (ms: number) => `from=${encodeURIComponent(new Date(Date.now() - ms).toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`;

  async function getJson<T>(path: string): Promise<T> {
    const res = await fetch(`${server!.url}${path}`);
    expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
    return (await res.json()) as T;
  }

  interface Score { name: string; source: string; numericValue: number | null; comment: string | null; timestampUs: number; feature: string | null; metadata: Record<string, string> }
  async function allScores(): Promise<Score[]> {
    const out: Score[] = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await getJson<{ scores: Score[] }>(`/api/v1/scores?limit=1000&offset=${offset}`);
      out.push(...page.scores);
      if (page.scores.length < 1000) return out;
    }
  }

  async function testRule(rule: Record<string, unknown>) {
    const res = await fetch(`${server!.url}/api/v1/alerts/test-rule`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) });
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as { wouldFire: number; groups: { labels: Record<string, string>; value: number | null; active: boolean }[] };
  }

  // The default pack's rules (alerts/rules/default-pack.yaml), as test-rule takes them.
  const LOW_QUALITY = { name: 'LowQualityScore', kind: 'threshold', query: { measure: 'score', groupBy: ['score_name', 'feature', 'model'] }, window: '1h', op: '<', threshold: 0.5, minSamples: 20, severity: 'critical', category: 'quality' };
  const DRIFT = { name: 'RetrievalDrift', kind: 'threshold', query: { measure: 'retrieval_score_psi', groupBy: ['feature'] }, window: '1h', lookback: '23h', op: '>', threshold: 0.25, minSamples: 50, severity: 'warning', category: 'quality' };

  it('judges a sample with the demo judge: scores from llm_judge labelled as demo, stamped with their traces, in lookout report quality', async () => {
    const evaluators = await getJson<{ evaluators: { name: string; kind: string; judge: { baseUrl?: string } | null }[] }>('/api/v1/evaluators');
    expect(evaluators.evaluators.filter((e) => e.kind === 'llm_judge').map((e) => e.judge?.baseUrl)).toEqual(['lookout-demo://judge', 'lookout-demo://judge']);
    // The incident's doc-search turns are judged: LowQualityScore by feature and model fires on the judge's faithfulness.
    const fired = await pollUntil(
      'judged faithfulness of the incident under 0.5',
      async () => {
        const r = await testRule(LOW_QUALITY);
        return r.groups.find((g) => g.labels.score_name === 'judge.faithfulness' && g.active) ? r : undefined;
      },
      { timeoutMs: 150_000, intervalMs: 2_000 },
    );
    const judgedGroup = fired.groups.find((g) => g.labels.score_name === 'judge.faithfulness' && g.active)!;
    expect(judgedGroup.labels).toMatchObject({ feature: 'doc-search', model: expect.stringContaining('sonnet') });
    expect(judgedGroup.value!).toBeLessThan(0.5);
    // And on the demo's own helpfulness evaluator scores of the same feature and model.
    expect(fired.groups.some((g) => g.active && g.labels.score_name === 'helpfulness' && g.labels.feature === 'doc-search' && g.labels.model === judgedGroup.labels.model)).toBe(true);

    const scores = await allScores();
    const judged = scores.filter((s) => s.source === 'llm_judge');
    expect(judged.length).toBeGreaterThan(20);
    for (const s of judged) {
      expect(s.comment).toMatch(/^Demo judge \(fake, no model was called\): /);
      expect(s.metadata).toMatchObject({ 'lookout.judge.demo': 'true', 'lookout.judge.model': 'gpt-4o-mini' });
      expect(Number(s.metadata['lookout.judge.cost_usd'])).toBeGreaterThan(0);
    }
    // Stamped with their traces (spread over the demo's days), not all at the moment of judging.
    const oldest = Math.min(...judged.map((s) => s.timestampUs / 1000));
    expect(Date.now() - oldest).toBeGreaterThan(2 * 24 * HOUR_MS);
    // The heuristics scored the traffic in the ingest chain.
    const heuristic = new Set(scores.filter((s) => s.source === 'heuristic').map((s) => s.name));
    expect([...heuristic]).toEqual(expect.arrayContaining(['empty-output', 'doc-search-latency']));

    const report = await runLookout(['report', 'quality', '--url', server!.url, '--since', '8d', '--by', 'feature', '--format', 'json']);
    expect(report.code, report.output).toBe(0);
    const parsed = JSON.parse(report.stdout) as { scores: { name: string; count: number }[]; rows: Record<string, unknown>[] };
    expect(parsed.scores.map((s) => s.name)).toEqual(expect.arrayContaining(['judge.faithfulness', 'judge.helpfulness', 'empty-output']));
    const docSearch = parsed.rows.find((r) => r.group === 'doc-search')!;
    expect(docSearch['score:judge.faithfulness']).toEqual(expect.any(Number));
  });

  it("keeps the judge's spend apart: shown under its own feature, not in the application's cost", async () => {
    const q = (query: string) => getJson<{ rows: Record<string, unknown>[] }>(`/api/v1/analytics/query?${range(9 * 24 * HOUR_MS)}&${query}`);
    const judge = (await q('measures=cost,requests&filter=feature:lookout.evaluation')).rows[0]!;
    expect(Number(judge.requests)).toBeGreaterThan(20);
    expect(Number(judge.cost)).toBeGreaterThan(0);
    const byFeature = (await q('measures=cost&groupBy=feature&limit=100')).rows;
    expect(byFeature.map((r) => r.feature)).not.toContain('lookout.evaluation');
    const total = Number((await q('measures=cost')).rows[0]!.cost);
    const sum = byFeature.reduce((a, r) => a + Number(r.cost ?? 0), 0);
    expect(total).toBeCloseTo(sum, 6);
  });

  it('lists recurring errors in the top issues, shows the retrieval drift of doc-search, and RetrievalDrift fires', async () => {
    const issues = await getJson<{ errors: { fingerprint: string; count: number; traceIds: string[] }[]; lowScores: { feature: string | null; name: string }[] }>(`/api/v1/quality/top-issues?${range(8 * 24 * HOUR_MS)}`);
    expect(issues.errors.length).toBeGreaterThan(0);
    expect(issues.errors[0]!.count).toBeGreaterThan(1);
    expect(issues.errors[0]!.traceIds.length).toBeGreaterThan(0);
    expect(issues.lowScores.some((g) => g.feature === 'doc-search')).toBe(true);

    const drift = await getJson<{ psi: number | null; total: { retrievals: number; topScore: { p50: number | null } }; baseline: { retrievals: number; topScore: { p50: number | null } } }>(
      `/api/v1/quality/drift?${range(HOUR_MS)}&feature=doc-search&baseline=23h`,
    );
    expect(drift.total.retrievals).toBeGreaterThanOrEqual(50);
    expect(drift.baseline.retrievals).toBeGreaterThanOrEqual(50);
    expect(drift.total.topScore.p50!).toBeLessThan(drift.baseline.topScore.p50!);
    expect(drift.psi!).toBeGreaterThan(0.25);

    const fired = await testRule(DRIFT);
    expect(fired.groups.filter((g) => g.active).map((g) => g.labels)).toEqual([{ feature: 'doc-search' }]);
  });
});
