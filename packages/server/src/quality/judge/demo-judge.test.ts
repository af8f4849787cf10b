import { describe, expect, it } from 'vitest';
import { OutboundGuard } from '../../alerts/notifications/ssrf.ts';
import type { Evaluator } from '../../domain/quality.ts';
import { emptyAttribution } from '../../domain/span.ts';
import { Pricer } from '../../enrich/pricing/index.ts';
import { makeSpan } from '../../testing/fixtures.ts';
import { evaluatorInputSchema } from '../evaluators/schema.ts';
import { chatCompletion } from './client.ts';
import { DEMO_JUDGE_BASE_URL, DEMO_JUDGE_LABEL, DEMO_JUDGE_MODEL, DEMO_JUDGE_PROVIDER } from './demo-judge.ts';
import { DEMO_JUDGE_METADATA_KEY, judgeScore, judgeSpan, traceEndMs } from './records.ts';
import { JUDGE_RESPONSE_FORMAT, parseJudgement, renderTemplate, SHIPPED_TEMPLATES } from './templates.ts';

// The demo's doc-search material: an answer grounded in the passage that answers, and the
// truncated embeddings' answer to off-topic passages (cli/demo/features.ts).
const QUESTION = 'How do I rotate an API key?';
const GOOD = {
  documents: '[1] [kb-articles#12] Rotate an API key: open Settings → API keys, choose the key and select Rotate. According to the key policy the old key keeps working for 24 hours.',
  output: 'According to [kb-articles#12], you can rotate a key from Settings → API keys.',
};
const BAD = {
  documents: '[1] [kb-articles#27] Release notes 2.3: dark mode, faster CSV exports and a new billing page.',
  output: 'I could not find this in the documentation.',
};

// A guard that refuses every address: the demo judge must never need it.
const refuseAll = new OutboundGuard([], undefined, 'judge');

async function ask(criterion: 'faithfulness' | 'helpfulness', material: { documents: string; output: string }, model = DEMO_JUDGE_MODEL) {
  const rendered = renderTemplate(SHIPPED_TEMPLATES[criterion], criterion, { input: QUESTION, reference: null, ...material });
  if (!rendered.ok) throw new Error(rendered.reason);
  const messages = [
    { role: 'system' as const, content: rendered.system },
    { role: 'user' as const, content: rendered.user },
  ];
  const dispatcher = refuseAll.agent({ connectTimeoutMs: 1_000 });
  try {
    return await chatCompletion({ baseUrl: DEMO_JUDGE_BASE_URL, model, apiKey: null, outbound: { guard: refuseAll, dispatcher } }, { messages, responseFormat: JUDGE_RESPONSE_FORMAT }, { timeoutMs: 1_000 });
  } finally {
    await dispatcher.destroy();
  }
}

function judgement(answer: { content: string }) {
  const parsed = parseJudgement(answer.content);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.judgement;
}

const evaluator: Evaluator = {
  id: 'ev-demo',
  name: 'judge.faithfulness',
  kind: 'llm_judge',
  criterion: 'faithfulness',
  sampleRate: 1,
  filter: {},
  enabled: true,
  params: {},
  judge: { baseUrl: DEMO_JUDGE_BASE_URL },
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('the demo judge', () => {
  it('answers in process, past an outbound policy that refuses everything, as an OpenAI-compatible completion', async () => {
    const answer = await ask('faithfulness', GOOD);
    expect(answer).toMatchObject({ responseModel: DEMO_JUDGE_MODEL, finishReason: 'stop', demo: true, requestId: expect.stringMatching(/^demo-judge-/) });
    expect(answer.usage!.promptTokens).toBeGreaterThan(100);
    expect(answer.usage!.completionTokens).toBeGreaterThan(5);
    expect(judgement(answer).reasoning.startsWith(`${DEMO_JUDGE_LABEL}:`)).toBe(true);
    // Same prompt, same answer.
    expect((await ask('faithfulness', GOOD)).content).toBe(answer.content);
  });

  it('scores an answer grounded in the documents high and one that ignores off-topic documents low', async () => {
    const good = judgement(await ask('faithfulness', GOOD));
    const bad = judgement(await ask('faithfulness', BAD));
    expect(good.score).toBeGreaterThanOrEqual(0.7);
    expect(bad.score).toBeLessThanOrEqual(0.3);
    expect(bad.reasoning).toMatch(/ignores the retrieved documents/);
    // An unsupported claim is not grounded either.
    const made = judgement(await ask('faithfulness', { documents: GOOD.documents, output: 'Refunds are paid within 30 days by bank transfer, no questions asked.' }));
    expect(made.score).toBeLessThan(0.5);
    expect(judgement(await ask('helpfulness', BAD)).score).toBeLessThan(0.4);
    expect(judgement(await ask('helpfulness', GOOD)).score).toBeGreaterThan(0.7);
  });

  it('leaves judge spans the catalog prices and scores labelled as the demo judge, stamped at the judged trace', async () => {
    const answer = await ask('faithfulness', BAD);
    const span = judgeSpan('default', evaluator, 'trace-1', 'faithfulness-v1', { startedMs: 2_000_000, endedMs: 2_000_010, answer, error: null, prompt: 'p' }, { provider: DEMO_JUDGE_PROVIDER, model: DEMO_JUDGE_MODEL }, 0);
    expect(span.metadata[DEMO_JUDGE_METADATA_KEY]).toBe('true');
    expect(span.name).toBe('judge faithfulness (demo)');
    const cost = new Pricer().price(span);
    expect(cost.totalNanoUsd).toBeGreaterThan(0);

    const judged = [makeSpan({ traceId: 'trace-1', startUs: 1_000_000_000, endUs: 1_000_500_000 }), makeSpan({ traceId: 'trace-1', startUs: 1_000_100_000, endUs: 1_002_000_000 })];
    const judgeOwn = makeSpan({ traceId: 'trace-1', startUs: 9_000_000_000, endUs: 9_000_100_000, attribution: { ...emptyAttribution(), feature: 'lookout.evaluation' } });
    const endMs = traceEndMs([...judged, judgeOwn]);
    expect(endMs).toBe(1_002_000);
    const score = judgeScore('default', evaluator, { traceId: 'trace-1', span: judged[0], endMs }, 'faithfulness-v1', judgement(answer), { traceId: span.traceId, costUsd: cost.totalNanoUsd! / 1e9, model: DEMO_JUDGE_MODEL, demo: true }, 5_000_000);
    expect(score.timestampUs).toBe(1_002_000_000);
    expect(score.metadata[DEMO_JUDGE_METADATA_KEY]).toBe('true');
    // A trace with no spans of its own left: the moment of judging.
    expect(judgeScore('default', evaluator, { traceId: 't', span: null, endMs: null }, 'v', judgement(answer), { traceId: 'j', costUsd: null, model: 'm' }, 5_000_000).timestampUs).toBe(5_000_000_000);
  });

  it('is the one non-http judge URL an evaluator may name', () => {
    const parse = (baseUrl: string) => evaluatorInputSchema.safeParse({ name: 'j', kind: 'llm_judge', criterion: 'helpfulness', judge: { baseUrl } });
    expect(parse(DEMO_JUDGE_BASE_URL).success).toBe(true);
    const other = parse('lookout-demo://elsewhere');
    expect(other.success).toBe(false);
    expect(other.error!.issues[0].message).toContain(`the only lookout-demo: URL is '${DEMO_JUDGE_BASE_URL}'`);
    expect(parse('ftp://judge.example.com').success).toBe(false);
  });
});
