import { afterEach, describe, expect, it } from 'vitest';
import { EVALUATION_FEATURE, QUALITY_METADATA, SCORE_METADATA, type Evaluator, type EvaluatorSource } from '../../domain/quality.ts';
import { inSample } from '../../domain/sampling.ts';
import { emptyAttribution } from '../../domain/span.ts';
import { generation, makeTestApp, type TestApp } from '../../testing/app.ts';
import { hex, makeSpan } from '../../testing/fixtures.ts';
import type { ChainBatch, Derived } from '../chain.ts';
import { EvaluateProcessor, heuristicScoreId } from './evaluate.ts';

function evaluator(over: Partial<Evaluator> = {}): Evaluator {
  return {
    id: 'ev_empty', name: 'not-empty', kind: 'heuristic', criterion: 'empty_output', sampleRate: 1, filter: {}, enabled: true, params: {}, judge: null,
    createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', ...over,
  };
}

const source = (...evaluators: Evaluator[]): EvaluatorSource => ({ evaluatorsOf: (p) => (p === 'default' ? evaluators : []) });

function run(evaluators: EvaluatorSource, spans = [makeSpan({ content: { input: 'q', output: '' } })]): { batch: ChainBatch; derived: Derived[] } {
  const batch: ChainBatch = { spans, scores: [], logs: [] };
  const derived: Derived[] = [];
  new EvaluateProcessor(evaluators).process(batch, derived);
  return { batch, derived };
}

describe('the evaluate processor', () => {
  it("scores a generation as a derived record of its span, with the convention's fields", () => {
    const span = makeSpan({ content: { input: 'q', output: '' }, attribution: { ...emptyAttribution(), feature: 'chat', application: 'web', userId: 'u1' } });
    const { derived } = run(source(evaluator()), [span]);
    expect(derived).toHaveLength(1);
    expect(derived[0].parent).toEqual({ kind: 'span', record: span });
    expect(derived[0].score).toEqual({
      projectId: 'default', id: heuristicScoreId('ev_empty', span), traceId: span.traceId, spanId: span.spanId, name: 'not-empty', dataType: 'numeric',
      numericValue: 0, stringValue: null, comment: "the answer is empty (finish reason 'stop')", source: 'heuristic', timestampUs: span.endUs, userId: 'u1',
      feature: 'chat', model: 'gpt-4o', application: 'web', metadata: { [SCORE_METADATA.evaluatorId]: 'ev_empty', [SCORE_METADATA.criterion]: 'empty_output' },
    });
    // The same call scored again gets the same id.
    expect(run(source(evaluator()), [span]).derived[0].score?.id).toBe(derived[0].score?.id);
  });

  it('runs only enabled heuristic evaluators whose filter selects the call, on generations, never on the judge’s own calls', () => {
    const chat = makeSpan({ content: { input: 'q', output: '' }, attribution: { ...emptyAttribution(), feature: 'chat' }, requestModel: 'gpt-4o', responseModel: 'gpt-4o-2024-08-06' });
    const evaluators = source(
      evaluator({ id: 'a', filter: { feature: 'chat' } }),
      evaluator({ id: 'b', filter: { feature: 'search' } }),
      evaluator({ id: 'c', filter: { model: 'gpt-4o-2024-08-06' } }),
      evaluator({ id: 'd', filter: { application: 'web' } }),
      evaluator({ id: 'e', enabled: false }),
      evaluator({ id: 'f', kind: 'llm_judge', criterion: 'helpfulness' }),
    );
    expect(run(evaluators, [chat]).derived.map((d) => d.score?.metadata[SCORE_METADATA.evaluatorId])).toEqual(['a', 'c']);
    expect(run(evaluators, [makeSpan({ kind: 'tool', content: { input: 'q', output: '' }, attribution: { ...emptyAttribution(), feature: 'chat' } })]).derived).toEqual([]);
    const judge = makeSpan({ content: { input: 'q', output: "I'm sorry, but I can't" }, attribution: { ...emptyAttribution(), feature: EVALUATION_FEATURE } });
    expect(run(source(evaluator()), [judge]).derived).toEqual([]);
    expect(judge.metadata[QUALITY_METADATA.refusal]).toBeUndefined();
    expect(run(source(evaluator()), [makeSpan({ projectId: 'other', content: { input: 'q', output: '' } })]).derived).toEqual([]);
  });

  it('samples traces deterministically: the spans of a sampled trace are all scored, the others none', () => {
    const ev = evaluator({ sampleRate: 0.3 });
    const traces = Array.from({ length: 400 }, () => hex(16));
    const spans = traces.flatMap((traceId) => [makeSpan({ traceId, content: { input: 'q', output: 'a' } }), makeSpan({ traceId, content: { input: 'q', output: 'b' } })]);
    const scored = run(source(ev), spans).derived.map((d) => d.score!.traceId);
    const expected = traces.filter((t) => inSample(ev.id, t, 0.3));
    expect(new Set(scored)).toEqual(new Set(expected));
    expect(scored).toHaveLength(expected.length * 2);
    expect(expected.length).toBeGreaterThan(80);
    expect(expected.length).toBeLessThan(160);
    expect(run(source(evaluator({ sampleRate: 0 })), spans).derived).toEqual([]);
  });

  it('marks every refused generation whatever evaluators are configured, and only those', () => {
    const refused = makeSpan({ content: { input: 'q', output: 'Je suis désolé, mais je ne peux pas vous aider.' } });
    const filtered = makeSpan({ finishReason: 'content_filter', content: null });
    const fine = makeSpan({ content: { input: 'q', output: 'Bien sûr !' } });
    const { derived } = run(source(), [refused, filtered, fine]);
    expect(derived).toEqual([]);
    expect([refused, filtered, fine].map((s) => s.metadata[QUALITY_METADATA.refusal])).toEqual(['true', 'true', undefined]);
  });
});

describe('heuristic scores through ingest', () => {
  let t: TestApp;
  afterEach(async () => {
    await t.close();
  });

  const ingest = async (batch: unknown[]) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch } });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json() as { accepted: number; duplicates: number };
  };
  const scoresOf = async (traceId: string) => (await t.app.inject(`/api/v1/traces/${traceId}`)).json().scores as { id: string; name: string; source: string; value: number; comment: string | null }[];

  it('stores a heuristic score with its span, once however often the batch is sent, and answers the caller for its own records only', async () => {
    t = await makeTestApp();
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/evaluators', payload: { name: 'short-enough', kind: 'heuristic', criterion: 'length', sampleRate: 1, params: { maxChars: 10 } } });
    expect(created.statusCode, created.body).toBe(201);
    const traceId = hex(16);
    const batch = [generation({ traceId, spanId: hex(8), input: 'Tell me a story', output: 'Once upon a time there was a lighthouse keeper.' })];
    expect(await ingest(batch)).toMatchObject({ accepted: 1, duplicates: 0 });
    // Read first, so the first batch is loaded and only the store knows the span when it comes again.
    expect(await scoresOf(traceId)).toHaveLength(1);
    expect(await ingest(batch)).toMatchObject({ accepted: 0, duplicates: 1 });
    const scores = await scoresOf(traceId);
    expect(scores).toHaveLength(1);
    expect(scores[0]).toMatchObject({ name: 'short-enough', source: 'heuristic', comment: 'the answer is 47 characters, longer than 10 (bounds 0..10)' });
    const metrics = (await t.app.inject('/metrics')).body;
    expect(metrics).toMatch(/lookout_quality_score_count\{name="short-enough"\} 1\n/);
  });

  it('marks refusals on stored spans, drops a client’s own refusal mark, and counts refusals on /metrics and in analytics', async () => {
    t = await makeTestApp();
    const refused = hex(8);
    const claimed = hex(8);
    await ingest([
      generation({ traceId: hex(16), spanId: refused, input: 'q', output: 'I’m sorry, but I can’t help with that.' }),
      generation({ traceId: hex(16), spanId: claimed, input: 'q', output: 'Sure, here it is.', metadata: { [QUALITY_METADATA.refusal]: 'true' } }),
      generation({ traceId: hex(16), spanId: hex(8), input: 'q', output: 'Paris.' }),
      generation({ traceId: hex(16), spanId: hex(8), input: 'q', output: 'Lo siento, pero no puedo ayudarte con eso.' }),
    ]);
    expect((await t.app.inject(`/api/v1/spans/${refused}`)).json().metadata[QUALITY_METADATA.refusal]).toBe('true');
    expect((await t.app.inject(`/api/v1/spans/${claimed}`)).json().metadata[QUALITY_METADATA.refusal]).toBeUndefined();
    expect((await t.app.inject('/metrics')).body).toMatch(/lookout_llm_refusals_total\{provider="openai",model="gpt-4o"\} 2\n/);
    const analytics = await t.app.inject('/api/v1/analytics/query?from=1h&measures=refusals,refusal_rate,requests');
    expect(analytics.statusCode, analytics.body).toBe(200);
    expect(analytics.json().rows[0]).toMatchObject({ refusals: 2, refusal_rate: 0.5, requests: 4 });
  });
});
