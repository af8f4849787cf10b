// Heuristic evaluators and refusals in a real `lookout serve` child process: evaluators defined
// through the API, calls made by the official OpenAI client through the gateway to a fake
// upstream (its `echo` model answers with what it was sent), scores stored with source
// 'heuristic', and refusals counted in analytics and on /metrics.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from './fake-openai.ts';
import { makeTempDir, pollUntil, removeTempDir, startLookout, sumSamples, type LookoutServer } from './harness.ts';

let lookout: LookoutServer | undefined;
let oai: FakeUpstream | undefined;
let dataDir = '';

beforeAll(async () => {
  oai = await startFakeOpenAI();
  dataDir = await makeTempDir('heuristics');
  lookout = await startLookout({ dataDir, env: { LOOKOUT_OPENAI_BASE_URL: `${oai.url}/v1` } });
});

afterAll(async () => {
  await lookout?.stop();
  await oai?.close();
  await removeTempDir(dataDir);
});

interface StoredScore {
  name: string;
  source: string;
  numericValue: number;
  comment: string | null;
  spanId: string | null;
  metadata?: Record<string, string>;
}

async function evaluator(body: Record<string, unknown>): Promise<string> {
  const res = await fetch(`${lookout!.url}/api/v1/evaluators`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function spansOf(sessionId: string, count: number): Promise<{ traceId: string; spanId: string; metadata: Record<string, string> }[]> {
  return pollUntil(`${count} spans of session ${sessionId}`, async () => {
    const { spans } = (await (await fetch(`${lookout!.url}/api/v1/spans?sessionId=${sessionId}`)).json()) as { spans: { traceId: string; spanId: string; metadata: Record<string, string> }[] };
    return spans.length >= count ? spans : undefined;
  });
}

describe('heuristic evaluators in a lookout child process', () => {
  it('scores gateway calls with source heuristic and counts refusals in analytics and on /metrics', async () => {
    const jsonId = await evaluator({ name: 'valid-json', kind: 'heuristic', criterion: 'invalid_json', sampleRate: 1 });
    await evaluator({ name: 'no-refusal', kind: 'heuristic', criterion: 'refusal', sampleRate: 1 });
    const openai = new OpenAI({ apiKey: 'sk-e2e-heuristics', baseURL: `${lookout!.url}/proxy/openai/v1`, maxRetries: 0, defaultHeaders: { 'x-lookout-session': 'e2e-heur', 'x-lookout-feature': 'support' } });

    // JSON asked for, and the answer (the echo of the prompt) is not JSON.
    await openai.chat.completions.create({ model: 'echo', response_format: { type: 'json_object' }, messages: [{ role: 'user', content: '{"status": "shipped", ' }] });
    await openai.chat.completions.create({ model: 'echo', response_format: { type: 'json_object' }, messages: [{ role: 'user', content: '{"status": "shipped"}' }] });
    await openai.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'I’m sorry, but I can’t help with that request.' }] });
    await openai.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'Your parcel ships tomorrow.' }] });

    const spans = await spansOf('e2e-heur', 4);
    const scores = await pollUntil('the heuristic scores of the four calls', async () => {
      const all: StoredScore[] = [];
      for (const s of spans) all.push(...((await (await fetch(`${lookout!.url}/api/v1/traces/${s.traceId}`)).json()) as { scores: StoredScore[] }).scores);
      // Two JSON calls scored by both evaluators, two other calls by the refusal evaluator only.
      return all.length >= 6 ? all : undefined;
    });
    expect(scores.every((s) => s.source === 'heuristic')).toBe(true);
    const json = scores.filter((s) => s.name === 'valid-json').sort((a, b) => a.numericValue - b.numericValue);
    expect(json.map((s) => s.numericValue)).toEqual([0, 1]);
    expect(json[0].comment).toMatch(/^the answer \(\d+ characters\) is not valid JSON/);
    const refusal = scores.filter((s) => s.name === 'no-refusal');
    expect(refusal.map((s) => s.numericValue).sort()).toEqual([0, 1, 1, 1]);
    expect(refusal.find((s) => s.numericValue === 0)!.comment).toContain("refusal phrase 'i'm sorry, but i can't'");
    expect(json[0].metadata).toMatchObject({ 'lookout.evaluator.id': jsonId, 'lookout.evaluator.criterion': 'invalid_json' });

    const refused = spans.filter((s) => s.metadata['lookout.quality.refusal'] === 'true');
    expect(refused).toHaveLength(1);
    const analytics = await fetch(`${lookout!.url}/api/v1/analytics/query?from=1h&measures=refusals,refusal_rate,requests&filter=feature:support`);
    expect(analytics.status).toBe(200);
    expect(((await analytics.json()) as { rows: unknown[] }).rows).toEqual([{ refusals: 1, refusal_rate: 0.25, requests: 4 }]);
    const metrics = await (await fetch(`${lookout!.url}/metrics`)).text();
    expect(sumSamples(metrics, 'lookout_llm_refusals_total').sum).toBe(1);
    // Six scores; the JSON evaluator did not apply to the two calls that did not ask for JSON.
    expect(metrics).toMatch(/lookout_evaluations_total\{kind="heuristic",outcome="scored"\} 6\n/);
    expect(metrics).toMatch(/lookout_evaluations_total\{kind="heuristic",outcome="not_applicable"\} 2\n/);
  });
});
