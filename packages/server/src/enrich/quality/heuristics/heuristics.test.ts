import { beforeAll, describe, expect, it } from 'vitest';
import { QUALITY_METADATA, type Evaluator, type HeuristicCriterion, type HeuristicParams } from '../../../domain/quality.ts';
import { emptyUsage, type SpanRecord } from '../../../domain/span.ts';
import { makeSpan } from '../../../testing/fixtures.ts';
import { evaluateSpan } from './index.ts';
import { MAX_JSON_CHARS } from './json.ts';
import { prepareLanguageDetector } from './language.ts';

function evaluator(criterion: HeuristicCriterion, params: HeuristicParams = {}): Evaluator {
  return {
    id: `ev_${criterion}`,
    name: criterion,
    kind: 'heuristic',
    criterion,
    sampleRate: 1,
    filter: {},
    enabled: true,
    params,
    judge: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

const answered = (output: string | null, over: Partial<SpanRecord> = {}) => makeSpan({ content: { input: 'question', output }, ...over });
const run = (criterion: HeuristicCriterion, span: SpanRecord, params: HeuristicParams = {}) => evaluateSpan(evaluator(criterion, params), span);

// The OTel GenAI form of an answer (gen_ai.output.messages).
const messages = (text: string) => JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: text }], finish_reason: 'stop' }]);

describe('heuristic evaluators', () => {
  // The language tables load once, as a server loads them when a language evaluator is defined.
  beforeAll(() => prepareLanguageDetector(), 30_000);

  it('answers as a trial naming the evaluator and the span', () => {
    const span = answered('hi');
    expect(run('empty_output', span)).toEqual({
      evaluatorId: 'ev_empty_output', traceId: span.traceId, spanId: span.spanId, outcome: 'scored', value: 1, reasoning: 'the answer has text', costUsd: null, error: null,
    });
  });

  it('empty_output: fails an empty or blank answer, passes text or tool calls, skips failed calls and uncaptured output', () => {
    const none = { ...emptyUsage(), input: 10 };
    expect(run('empty_output', answered(null, { usage: none }))).toMatchObject({ outcome: 'scored', value: 0, reasoning: expect.stringContaining('empty') });
    // Output tokens counted but no text recorded: the answer was not captured, not empty.
    expect(run('empty_output', answered(null))).toMatchObject({ outcome: 'not_applicable' });
    expect(run('empty_output', answered('  \n '))).toMatchObject({ value: 0, reasoning: expect.stringContaining('white space') });
    expect(run('empty_output', answered(messages('')))).toMatchObject({ value: 0 });
    expect(run('empty_output', answered(messages('Hello')))).toMatchObject({ value: 1 });
    expect(run('empty_output', answered(null, { metadata: { 'gateway.tool_calls': '2' } }))).toMatchObject({ value: 1, reasoning: 'the answer is 2 tool calls' });
    expect(run('empty_output', answered(null, { status: 'error', errorClass: 'server' }))).toMatchObject({ outcome: 'not_applicable' });
    expect(run('empty_output', makeSpan({ content: null }))).toMatchObject({ outcome: 'not_applicable' });
  });

  it('refusal: fails a refusal by phrase or finish reason, or a stored call marked at ingest', () => {
    expect(run('refusal', answered("I'm sorry, but I can't help with that."))).toMatchObject({ value: 0, reasoning: expect.stringContaining('(en)') });
    expect(run('refusal', answered(messages('Lo siento, pero no puedo ayudarte con eso.')))).toMatchObject({ value: 0, reasoning: expect.stringContaining('(es)') });
    expect(run('refusal', answered('', { finishReason: 'content_filter' }))).toMatchObject({ value: 0, reasoning: expect.stringContaining('content_filter') });
    expect(run('refusal', makeSpan({ content: null, metadata: { [QUALITY_METADATA.refusal]: 'true' } }))).toMatchObject({ value: 0 });
    expect(run('refusal', answered('Paris.'))).toMatchObject({ value: 1 });
  });

  it('invalid_json: checks only calls that asked for JSON, and fails what does not parse without quoting it', () => {
    const json = { metadata: { 'gen_ai.output.type': 'json' } };
    expect(run('invalid_json', answered('{"a": 1}'))).toMatchObject({ outcome: 'not_applicable', reasoning: expect.stringContaining('did not ask for JSON') });
    expect(run('invalid_json', answered('{"a": 1}', json))).toMatchObject({ value: 1 });
    expect(run('invalid_json', answered(messages('{"a": [1, 2]}'), json))).toMatchObject({ value: 1 });
    const bad = run('invalid_json', answered('{"secret": "hunter2", ', { ...json, finishReason: 'length' }));
    expect(bad).toMatchObject({ value: 0, reasoning: expect.stringContaining("cut short: finish reason 'length'") });
    expect(bad.reasoning).not.toContain('hunter2');
    expect(run('invalid_json', answered('Sure! {"a": 1}', { metadata: { 'ai.settings.mode': 'json' } }))).toMatchObject({ value: 0 });
    expect(run('invalid_json', answered(`"${'x'.repeat(MAX_JSON_CHARS)}"`, json))).toMatchObject({ outcome: 'not_applicable' });
  });

  it('json_schema: passes a conforming answer, fails another with the rule it broke, refuses an unusable schema', () => {
    const schema = { type: 'object', required: ['city'], properties: { city: { type: 'string' }, when: { type: 'string', format: 'date' } } };
    expect(run('json_schema', answered('{"city": "Paris", "when": "2026-01-02"}'), { schema })).toMatchObject({ value: 1 });
    expect(run('json_schema', answered('{"town": "Paris"}'), { schema })).toMatchObject({ value: 0, reasoning: expect.stringContaining("must have required property 'city'") });
    expect(run('json_schema', answered('{"city": "Paris", "when": "soon"}'), { schema })).toMatchObject({ value: 0, reasoning: expect.stringContaining('format') });
    expect(run('json_schema', answered('not json'), { schema })).toMatchObject({ value: 0 });
    expect(run('json_schema', answered('{}'), { schema: { type: 'nonsense' } })).toMatchObject({ outcome: 'failed', error: expect.stringContaining('not a valid JSON Schema') });
    expect(run('json_schema', answered('{}'))).toMatchObject({ outcome: 'failed' });
  });

  it('length: counts characters (not UTF-16 units) against either bound', () => {
    expect(run('length', answered('ab'), { minChars: 3 })).toMatchObject({ value: 0, reasoning: 'the answer is 2 characters, shorter than 3 (bounds 3..∞)' });
    expect(run('length', answered('😀😀😀'), { minChars: 3, maxChars: 3 })).toMatchObject({ value: 1 });
    expect(run('length', answered('abcd'), { maxChars: 3 })).toMatchObject({ value: 0, reasoning: expect.stringContaining('longer than 3') });
    expect(run('length', answered('abc'))).toMatchObject({ outcome: 'failed' });
  });

  it('regex: must match or must not match, in RE2 syntax; a pattern RE2 refuses is reported, not run', () => {
    expect(run('regex', answered('Order #1234 shipped'), { pattern: '#\\d{4}' })).toMatchObject({ value: 1, reasoning: expect.stringContaining('at character 6') });
    expect(run('regex', answered('Order shipped'), { pattern: '#\\d{4}' })).toMatchObject({ value: 0 });
    expect(run('regex', answered('call me at 555-0100'), { pattern: '\\d{3}-\\d{4}', mustMatch: false })).toMatchObject({ value: 0, reasoning: expect.stringContaining('must not') });
    expect(run('regex', answered('nothing here'), { pattern: '\\d{3}-\\d{4}', mustMatch: false })).toMatchObject({ value: 1 });
    expect(run('regex', answered('aa'), { pattern: '(a)\\1' })).toMatchObject({ outcome: 'failed', error: expect.stringContaining('not valid RE2') });
  });

  it('regex: stays linear on a pattern that backtracks exponentially in a backtracking engine', () => {
    const started = performance.now();
    expect(run('regex', answered(`${'a'.repeat(50_000)}!`), { pattern: '^(a+)+$' })).toMatchObject({ value: 0 });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("language: compares the answer's language with the expected one or with the user's last message", () => {
    const de = 'Die Hauptstadt von Frankreich ist Paris, und sie liegt an der Seine.';
    const en = 'The capital of France is Paris, and it lies on the river Seine.';
    expect(run('language', answered(de), { language: 'de' })).toMatchObject({ value: 1 });
    expect(run('language', answered(en), { language: 'de' })).toMatchObject({ value: 0, reasoning: "the answer is in 'en', the evaluator expects 'de'" });
    const prompt = JSON.stringify([
      { role: 'system', content: 'You are a helpful assistant. Always answer politely and briefly.' },
      { role: 'user', content: 'Was ist die Hauptstadt von Frankreich und an welchem Fluss liegt sie?' },
    ]);
    expect(run('language', makeSpan({ content: { input: prompt, output: en } }))).toMatchObject({ value: 0, reasoning: expect.stringContaining("the prompt expects 'de'") });
    expect(run('language', makeSpan({ content: { input: prompt, output: de } }))).toMatchObject({ value: 1 });
    expect(run('language', answered('OK.'), { language: 'de' })).toMatchObject({ outcome: 'not_applicable' });
  });

  it('latency_slo and cost_slo: the call against the objective, exactly at the boundary, unknown cost skipped', () => {
    const span = makeSpan({ startUs: 1_000_000, endUs: 1_000_000 + 800_000 });
    expect(run('latency_slo', span, { maxLatencyMs: 800 })).toMatchObject({ value: 1 });
    expect(run('latency_slo', span, { maxLatencyMs: 799 })).toMatchObject({ value: 0, reasoning: 'the call took 800 ms, over the 799 ms objective' });
    const priced = makeSpan({ cost: { status: 'priced', totalNanoUsd: 4_500_000, byBucketNanoUsd: {}, priceRowId: null, catalogVersion: null } });
    expect(run('cost_slo', priced, { maxCostUsd: 0.0045 })).toMatchObject({ value: 1 });
    expect(run('cost_slo', priced, { maxCostUsd: 0.004 })).toMatchObject({ value: 0, reasoning: 'the call cost $0.0045, over the $0.004 objective' });
    expect(run('cost_slo', makeSpan({ cost: { status: 'unknown_model', totalNanoUsd: null, byBucketNanoUsd: {}, priceRowId: null, catalogVersion: null } }), { maxCostUsd: 1 })).toMatchObject({ outcome: 'not_applicable' });
  });

  it('judges generations only and names a judge evaluator as such', () => {
    expect(run('empty_output', makeSpan({ kind: 'embedding', content: { input: 'x', output: null } }))).toMatchObject({ outcome: 'not_applicable' });
    expect(evaluateSpan({ ...evaluator('empty_output'), kind: 'llm_judge', criterion: 'helpfulness' }, answered('x'))).toMatchObject({ outcome: 'failed' });
  });
});
