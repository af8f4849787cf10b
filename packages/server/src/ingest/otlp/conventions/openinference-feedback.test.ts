import { describe, expect, it } from 'vitest';
import { MAX_FEEDBACK_PER_SPAN, openInferenceFeedbackScores, spanFeedbackScores } from './openinference-feedback.ts';
import { END_NS, otlpSpan } from './testing.ts';
import type { Attributes, OtlpSpan } from '../types.ts';

// Attribute shapes as OpenInference writes them: Arize-ai/openinference spec/annotations.md
// (inline, trace-scoped and post-hoc carrier examples) and getAnnotationAttributes /
// getEvaluationAttributes in js/packages/openinference-core/src/helpers/attributeHelpers.ts
// (`${collection}.${index}.${field}`, metadata JSON-stringified).

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';
const END_US = Number(BigInt(END_NS) / 1000n);

function scores(span: OtlpSpan) {
  return spanFeedbackScores(span, 'p1').flatMap((o) => (o.kind === 'score' ? [o.score] : []));
}

function reasons(span: OtlpSpan): string[] {
  return spanFeedbackScores(span, 'p1').flatMap((o) => (o.kind === 'skipped' ? [o.reason] : []));
}

function carrier(attributes: Attributes, link: { traceId: string; spanId: string } | null): OtlpSpan {
  const span = otlpSpan({ name: 'hallucination evaluation', spanId: 'c0ffee0000000001', attributes: { 'openinference.span.kind': 'EVALUATOR', ...attributes } });
  span.traceId = '11111111111111111111111111111111';
  if (link !== null) span.links = [{ ...link, attributes: {} }];
  return span;
}

describe('OpenInference feedback attributes', () => {
  it('maps inline span feedback in annotation terminology to an evaluator score on the carrying span', () => {
    const span = otlpSpan({
      attributes: {
        'openinference.span.kind': 'CHAIN',
        'annotations.0.annotation.name': 'hallucination',
        'annotations.0.annotation.score': 1,
        'annotations.0.annotation.label': 'hallucinated',
        'annotations.0.annotation.explanation': 'The claim is not supported by the retrieved documents.',
        'annotations.0.annotation.annotator_kind': 'LLM',
        'annotations.0.annotation.identifier': 'judge-v2',
        'annotations.0.annotation.metadata': '{"rubric_version":"2"}',
      },
    });
    expect(scores(span)).toEqual([
      {
        projectId: 'p1',
        id: expect.stringMatching(/^[0-9a-f]{32}$/),
        traceId: TRACE,
        spanId: SPAN,
        name: 'hallucination',
        dataType: 'numeric',
        numericValue: 1,
        stringValue: 'hallucinated',
        comment: 'The claim is not supported by the retrieved documents.',
        source: 'evaluator',
        timestampUs: END_US,
        userId: null,
        feature: null,
        model: null,
        application: null,
        // The free-form metadata JSON is not copied (score metadata is not redacted).
        metadata: { 'openinference.scope': 'span', 'openinference.annotator_kind': 'LLM', 'openinference.identifier': 'judge-v2' },
      },
    ]);
  });

  it('reads the evaluation terminology the same way, labels alone as boolean or categorical', () => {
    const span = otlpSpan({
      attributes: {
        'evaluations.0.evaluation.name': 'hallucination',
        'evaluations.0.evaluation.label': 'hallucinated',
        'evaluations.0.evaluation.annotator_kind': 'LLM',
        'evaluations.1.evaluation.name': 'grounded',
        'evaluations.1.evaluation.label': 'True',
      },
    });
    expect(scores(span)).toMatchObject([
      { spanId: SPAN, name: 'hallucination', dataType: 'categorical', numericValue: null, stringValue: 'hallucinated', comment: null, metadata: { 'openinference.annotator_kind': 'LLM' } },
      { spanId: SPAN, name: 'grounded', dataType: 'boolean', numericValue: 1, stringValue: 'true' },
    ]);
  });

  it('puts trace feedback on the trace, and skips session feedback, which has no trace to score', () => {
    const span = otlpSpan({
      attributes: {
        'session.id': 'session-123',
        'trace.annotations.0.annotation.name': 'retrieval_quality',
        'trace.annotations.0.annotation.score': 0.92,
        'trace.annotations.0.annotation.annotator_kind': 'CODE',
        'session.annotations.0.annotation.name': 'conversational_coherence',
        'session.annotations.0.annotation.label': 'coherent',
        'session.annotations.0.annotation.annotator_kind': 'HUMAN',
      },
    });
    expect(scores(span)).toMatchObject([{ traceId: TRACE, spanId: null, name: 'retrieval_quality', numericValue: 0.92, metadata: { 'openinference.scope': 'trace', 'openinference.annotator_kind': 'CODE' } }]);
    expect(reasons(span)).toEqual([expect.stringMatching(/session\.feedback 0 "conversational_coherence" is session feedback/)]);
  });

  it('scores the linked span (or its trace) when a post-hoc carrier span carries the feedback', () => {
    const target = { traceId: '80F198EE56343BA864FE8B2A57D3EFF7', spanId: 'e457b5a2e4d86bd1' };
    const span = carrier(
      {
        'evaluations.0.evaluation.name': 'hallucination',
        'evaluations.0.evaluation.label': 'hallucinated',
        'evaluations.0.evaluation.annotator_kind': 'HUMAN',
        'trace.evaluations.0.evaluation.name': 'task_success',
        'trace.evaluations.0.evaluation.score': 0,
      },
      target,
    );
    expect(scores(span)).toMatchObject([
      { traceId: '80f198ee56343ba864fe8b2a57d3eff7', spanId: 'e457b5a2e4d86bd1', name: 'hallucination', stringValue: 'hallucinated' },
      { traceId: '80f198ee56343ba864fe8b2a57d3eff7', spanId: null, name: 'task_success', numericValue: 0 },
    ]);
    // More than one link is not a carrier: the feedback is about the span itself.
    span.links.push({ traceId: TRACE, spanId: SPAN, attributes: {} });
    expect(scores(span)).toMatchObject([{ traceId: '11111111111111111111111111111111', spanId: 'c0ffee0000000001' }, { spanId: null }]);
  });

  it('gives a re-sent span the same ids, one id to a result sent in both forms, and an identified result one id whatever carries it', () => {
    const attrs = { 'annotations.0.annotation.name': 'correctness', 'annotations.0.annotation.score': 0.95, 'annotations.1.annotation.name': 'correctness', 'annotations.1.annotation.score': 0.5 };
    const first = scores(otlpSpan({ attributes: attrs }));
    expect(scores(otlpSpan({ attributes: { ...attrs } })).map((s) => s.id)).toEqual(first.map((s) => s.id));
    expect(new Set(first.map((s) => s.id)).size).toBe(2);
    expect(scores(otlpSpan({ attributes: attrs, spanId: 'b7ad6b7169203332' }))[0].id).not.toBe(first[0].id);

    const both = scores(otlpSpan({ attributes: { ...attrs, 'evaluations.0.evaluation.name': 'correctness', 'evaluations.0.evaluation.score': 0.95 } }));
    expect(both.map((s) => s.id)).toEqual(first.map((s) => s.id));

    const identified = { 'evaluations.0.evaluation.name': 'hallucination', 'evaluations.0.evaluation.label': 'factual', 'evaluations.0.evaluation.identifier': 'judge-v2' };
    const target = { traceId: TRACE, spanId: SPAN };
    const a = scores(carrier(identified, target))[0];
    const b = scores({ ...carrier(identified, target), spanId: 'c0ffee0000000002' })[0];
    expect(a.id).toBe(b.id);
  });

  it('skips feedback without a name, with a non-numeric score, or with nothing to store, and bounds the count per span', () => {
    expect(reasons(otlpSpan({
      attributes: {
        'annotations.0.annotation.score': 1,
        'annotations.1.annotation.name': 'x',
        'annotations.1.annotation.score': 'high',
        'annotations.2.annotation.name': 'y',
        'annotations.2.annotation.explanation': 'only words',
        'annotations.3.evaluation.name': 'mixed forms are neither',
        'annotations.3.evaluation.score': 1,
      },
    }))).toEqual(['feedback 0 has no name', 'feedback 1 "x" has a score that is not a finite number', 'feedback 2 "y" has neither a score nor a label']);

    const many: Attributes = {};
    for (let i = 0; i < MAX_FEEDBACK_PER_SPAN + 5; i++) {
      many[`annotations.${i}.annotation.name`] = `n${i}`;
      many[`annotations.${i}.annotation.score`] = i;
    }
    const out = openInferenceFeedbackScores([otlpSpan({ attributes: many })], 'p1');
    expect(out.scores).toHaveLength(MAX_FEEDBACK_PER_SPAN);
    expect(out.scores.at(-1)?.name).toBe(`n${MAX_FEEDBACK_PER_SPAN - 1}`);
    expect(out.warnings).toEqual([`span ${SPAN}: OpenInference 5 feedback results past the first ${MAX_FEEDBACK_PER_SPAN}; not stored as a score, the span stored`]);
  });

  it('leaves spans without feedback alone', () => {
    expect(openInferenceFeedbackScores([otlpSpan({ attributes: { 'llm.model_name': 'gpt-4o', 'retrieval.documents.0.document.score': 0.8, 'annotation.name': 'not indexed' } })], 'p1')).toEqual({ scores: [], warnings: [] });
  });
});
