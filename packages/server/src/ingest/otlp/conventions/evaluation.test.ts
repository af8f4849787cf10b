import { describe, expect, it } from 'vitest';
import { evaluationOfLog, evaluationScore, spanEvaluations, splitEvaluations, type EvaluationEvent } from './evaluation.ts';
import { keptBelowFull } from './index.ts';
import { otlpLog, otlpSpan } from './testing.ts';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';
const TIME_NS = '1767225600123456789';

function event(attributes: EvaluationEvent['attributes'], fields: Partial<EvaluationEvent> = {}): EvaluationEvent {
  return { attributes, traceId: TRACE, spanId: SPAN, timeUnixNano: TIME_NS, ...fields };
}

function score(attributes: EvaluationEvent['attributes'], fields: Partial<EvaluationEvent> = {}) {
  const out = evaluationScore(event(attributes, fields), 'p1');
  if (out.kind !== 'score') throw new Error(`expected a score, got ${JSON.stringify(out)}`);
  return out.score;
}

function reason(attributes: EvaluationEvent['attributes'], fields: Partial<EvaluationEvent> = {}): string {
  const out = evaluationScore(event(attributes, fields), 'p1');
  if (out.kind !== 'rejected') throw new Error(`expected a rejection, got ${JSON.stringify(out)}`);
  return out.reason;
}

describe('evaluationScore', () => {
  it('maps a numeric evaluation with its label and explanation to an evaluator score on the evaluated span', () => {
    const s = score({
      'gen_ai.evaluation.name': 'Relevance',
      'gen_ai.evaluation.score.value': 0.25,
      'gen_ai.evaluation.score.label': 'not_relevant',
      'gen_ai.evaluation.explanation': 'The answer is about another product.',
    });
    expect(s).toEqual({
      projectId: 'p1',
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      traceId: TRACE,
      spanId: SPAN,
      name: 'Relevance',
      dataType: 'numeric',
      numericValue: 0.25,
      stringValue: 'not_relevant',
      comment: 'The answer is about another product.',
      source: 'evaluator',
      timestampUs: 1767225600123456,
      userId: null,
      feature: null,
      model: null,
      application: null,
      metadata: {},
    });
  });

  it('keeps a value of 0 (a number, not a missing value)', () => {
    expect(score({ 'gen_ai.evaluation.name': 'x', 'gen_ai.evaluation.score.value': 0 })).toMatchObject({ dataType: 'numeric', numericValue: 0, stringValue: null });
  });

  it('makes "true"/"false" labels without a value booleans, and any other label categorical, verbatim', () => {
    expect(score({ 'gen_ai.evaluation.name': 'grounded', 'gen_ai.evaluation.score.label': 'TRUE' })).toMatchObject({ dataType: 'boolean', numericValue: 1, stringValue: 'true' });
    expect(score({ 'gen_ai.evaluation.name': 'grounded', 'gen_ai.evaluation.score.label': 'false' })).toMatchObject({ dataType: 'boolean', numericValue: 0, stringValue: 'false' });
    expect(score({ 'gen_ai.evaluation.name': 'safety', 'gen_ai.evaluation.score.label': 'fail' })).toMatchObject({ dataType: 'categorical', numericValue: null, stringValue: 'fail' });
    expect(score({ 'gen_ai.evaluation.name': 'safety', 'gen_ai.evaluation.score.label': 'Pass' })).toMatchObject({ dataType: 'categorical', stringValue: 'Pass' });
  });

  it('scores the trace when the event has no span, and lower-cases ids', () => {
    expect(score({ 'gen_ai.evaluation.name': 'x', 'gen_ai.evaluation.score.value': 1 }, { traceId: TRACE.toUpperCase(), spanId: null })).toMatchObject({ traceId: TRACE, spanId: null });
  });

  it('gives the same id to the same event sent again, and another to another span, name or time', () => {
    const attrs = { 'gen_ai.evaluation.name': 'x', 'gen_ai.evaluation.score.value': 1 };
    const id = score(attrs).id;
    expect(score({ ...attrs, 'gen_ai.evaluation.explanation': 'resent' }).id).toBe(id);
    expect(score(attrs, { spanId: 'a7ad6b7169203331' }).id).not.toBe(id);
    expect(score({ ...attrs, 'gen_ai.evaluation.name': 'y' }).id).not.toBe(id);
    expect(score(attrs, { timeUnixNano: '1767225600123456790' }).id).not.toBe(id);
  });

  it('falls back to the time received when the event has none', () => {
    const out = evaluationScore(event({ 'gen_ai.evaluation.name': 'x', 'gen_ai.evaluation.score.value': 1 }, { timeUnixNano: '0' }), 'p1', 42_000_000);
    expect(out).toMatchObject({ kind: 'score', score: { timestampUs: 42_000_000 } });
  });

  it('rejects an event without a trace id, without a name, or without a value or label, saying why', () => {
    expect(reason({ 'gen_ai.evaluation.name': 'x', 'gen_ai.evaluation.score.value': 1 }, { traceId: null })).toMatch(/no trace id/);
    expect(reason({ 'gen_ai.evaluation.score.value': 1 })).toMatch(/no gen_ai\.evaluation\.name/);
    expect(reason({ 'gen_ai.evaluation.name': '  ', 'gen_ai.evaluation.score.value': 1 })).toMatch(/no gen_ai\.evaluation\.name/);
    expect(reason({ 'gen_ai.evaluation.name': 'x' })).toMatch(/neither gen_ai\.evaluation\.score\.value nor gen_ai\.evaluation\.score\.label/);
    expect(reason({ 'gen_ai.evaluation.name': 'x'.repeat(501), 'gen_ai.evaluation.score.value': 1 })).toMatch(/longer than 500/);
  });

  it('rejects values that are not finite numbers and labels that are not strings', () => {
    // NaN and infinities arrive as the strings proto3 JSON writes for them.
    for (const bad of ['NaN', 'Infinity', '-Infinity']) expect(reason({ 'gen_ai.evaluation.name': 'x', 'gen_ai.evaluation.score.value': bad })).toMatch(/must be a finite number/);
    expect(reason({ 'gen_ai.evaluation.name': 'x', 'gen_ai.evaluation.score.value': Number.NaN })).toMatch(/must be a finite number, got NaN/);
    expect(reason({ 'gen_ai.evaluation.name': 'x', 'gen_ai.evaluation.score.value': '0.5' })).toMatch(/must be a finite number, got "0.5"/);
    expect(reason({ 'gen_ai.evaluation.name': 'x', 'gen_ai.evaluation.score.value': true })).toMatch(/must be a finite number/);
    expect(reason({ 'gen_ai.evaluation.name': 'x', 'gen_ai.evaluation.score.label': 3 })).toMatch(/label of "x" must be a string/);
  });

  it('treats an event with error.type as a failed evaluation, never a score', () => {
    expect(evaluationScore(event({ 'gen_ai.evaluation.name': 'x', 'gen_ai.evaluation.score.value': 0, 'error.type': 'timeout' }), 'p1')).toEqual({ kind: 'failed' });
  });
});

describe('splitEvaluations', () => {
  it('turns evaluation log records into scores, keeps other logs and failed evaluations, and counts the rejected', () => {
    const good = otlpLog('gen_ai.evaluation.result', { attributes: { 'gen_ai.evaluation.name': 'a', 'gen_ai.evaluation.score.value': 1 } });
    const older = otlpLog('', { attributes: { 'event.name': 'gen_ai.evaluation.result', 'gen_ai.evaluation.name': 'b', 'gen_ai.evaluation.score.label': 'pass' } });
    const failed = otlpLog('gen_ai.evaluation.result', { attributes: { 'gen_ai.evaluation.name': 'c', 'error.type': 'judge_timeout' } });
    const app = otlpLog('', { body: 'hello' });
    const noTrace = otlpLog('gen_ai.evaluation.result', { traceId: null, attributes: { 'gen_ai.evaluation.name': 'd', 'gen_ai.evaluation.score.value': 1 } });
    const out = splitEvaluations([good, older, failed, app, noTrace], 'p1');
    expect(out.scores.map((s) => s.name)).toEqual(['a', 'b']);
    expect(out.logs).toEqual([failed, app]);
    expect(out.rejected).toEqual({ count: 1, messages: [expect.stringMatching(/no trace id/)] });
  });

  it('uses the observed time when the record has no time, so a re-sent record keeps its id', () => {
    const log = otlpLog('gen_ai.evaluation.result', { timeUnixNano: '0', observedTimeUnixNano: TIME_NS, attributes: {} });
    expect(evaluationOfLog(log)?.timeUnixNano).toBe(TIME_NS);
  });

  it('keeps the name and label of a failed evaluation below full capture, never its explanation', () => {
    expect(keptBelowFull('gen_ai.evaluation.name', 'relevance')).toBe(true);
    expect(keptBelowFull('gen_ai.evaluation.score.label', 'pass')).toBe(true);
    expect(keptBelowFull('gen_ai.evaluation.explanation', 'The answer quotes the prompt')).toBe(false);
  });

  it('describes at most ten rejections and says how many more there were', () => {
    const bad = Array.from({ length: 12 }, () => otlpLog('gen_ai.evaluation.result', { attributes: {} }));
    const out = splitEvaluations(bad, 'p1');
    expect(out.rejected.count).toBe(12);
    expect(out.rejected.messages).toHaveLength(11);
    expect(out.rejected.messages[10]).toBe('(2 more not described)');
  });
});

describe('spanEvaluations', () => {
  it('turns evaluation span events into scores on their span, and skips malformed ones with a warning', () => {
    const span = otlpSpan({
      attributes: {},
      events: [
        { name: 'gen_ai.evaluation.result', timeUnixNano: TIME_NS, attributes: { 'gen_ai.evaluation.name': 'relevance', 'gen_ai.evaluation.score.value': 0.9 } },
        { name: 'gen_ai.evaluation.result', timeUnixNano: TIME_NS, attributes: { 'gen_ai.evaluation.score.value': 0.9 } },
        { name: 'exception', timeUnixNano: TIME_NS, attributes: { 'exception.type': 'Error' } },
      ],
    });
    const out = spanEvaluations([span], 'p1');
    expect(out.scores).toMatchObject([{ traceId: span.traceId, spanId: span.spanId, name: 'relevance', numericValue: 0.9, source: 'evaluator' }]);
    expect(out.warnings).toEqual([expect.stringMatching(new RegExp(`^span ${span.spanId}: .*has no gen_ai\\.evaluation\\.name; the event was skipped, the span stored$`))]);
  });
});
