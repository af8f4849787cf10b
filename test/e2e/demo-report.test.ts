// A new user's first run: start the server, send the demo traffic, ask for a cost report by
// team. The report must match the published catalog prices, computed here independently with
// the catalog package's own calculator, span by span. The PII leak and injection attempts the
// demo sends show on /metrics and in the security event log, and none of the values is stored.
import { calcPrice } from '@pydantic/genai-prices';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PII_MESSAGES, QUESTIONS } from '../../packages/server/src/cli/demo/model.ts';
import { filesHoldingAny } from './data-dir.ts';
import { makeTempDir, removeTempDir, runLookout, startLookout, sumSamples, type LookoutServer } from './harness.ts';
import { eventsOf } from './privacy-reads.ts';

interface StoredSpan {
  kind: string;
  provider: string | null;
  requestModel: string | null;
  responseModel: string | null;
  startUs: number;
  usage: { input: number; output: number; cacheRead: number; cacheWrite: number; reasoning: number; audio: number };
  cost: { status: string; totalNanoUsd: number | null };
  attribution: { team: string | null };
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
