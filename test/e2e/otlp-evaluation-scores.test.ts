// Scores over OTLP against a real `lookout serve`: an application instrumented with the official
// OpenTelemetry JS SDK records a chat span, then an evaluator emits `gen_ai.evaluation.result`
// events in that span's context, through the official OTLP/HTTP protobuf logs exporter and as a
// span event. The scores are read back from the trace, and an export the exporter sends again is
// stored and counted once. OpenInference feedback attributes, written by OpenInference's own
// helpers on an application span and on a post-hoc evaluator span linked to it, become scores too.
import { getAnnotationAttributes, getEvaluationAttributes } from '@arizeai/openinference-core';
import { context, trace, type Span } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir, startLookout, type LookoutServer } from './harness.ts';

interface StoredScore {
  name: string;
  traceId: string;
  spanId: string | null;
  dataType: string;
  numericValue: number | null;
  stringValue: string | null;
  comment: string | null;
  source: string;
}

let lookout: LookoutServer | undefined;
let dataDir = '';

beforeAll(async () => {
  dataDir = await makeTempDir('otlp-evaluation');
  lookout = await startLookout({ dataDir });
});

afterAll(async () => {
  await lookout?.stop();
  await removeTempDir(dataDir);
});

// One export through the official exporter, as its batch processor would send it.
function exportOnce(exporter: OTLPLogExporter, records: ReadableLogRecord[]): Promise<void> {
  return new Promise((resolve, reject) => {
    exporter.export(records, (result) => (result.code === 0 ? resolve() : reject(result.error ?? new Error(`export failed with code ${result.code}`))));
  });
}

function exportSpans(exporter: OTLPTraceExporter, spans: ReadableSpan[]): Promise<void> {
  return new Promise((resolve, reject) => {
    exporter.export(spans, (result) => (result.code === 0 ? resolve() : reject(result.error ?? new Error(`export failed with code ${result.code}`))));
  });
}

async function scoreSamples(url: string): Promise<{ accepted: number; duplicate: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = (outcome: string) => text.split('\n').find((l) => l.startsWith(`lookout_ingest_items_total{source="otlp",type="score",outcome="${outcome}"}`));
  const value = (l: string | undefined) => (l === undefined ? 0 : Number(l.split(' ').pop()));
  return { accepted: value(line('accepted')), duplicate: value(line('duplicate')) };
}

describe('gen_ai.evaluation.result from the official OpenTelemetry SDK', () => {
  it('becomes scores on the evaluated span, read back from the trace, and a re-sent export counts once', async () => {
    const url = lookout!.url;
    const resource = resourceFromAttributes({ 'service.name': 'evaluation-e2e' });

    // The application's chat span, with an evaluation recorded as a span event.
    const tracerProvider = new TracerProvider({ resource, spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${url}/v1/traces` }) })] });
    const tracer = tracerProvider.getTracer('evaluation-e2e');
    let chat: Span | undefined;
    tracer.startActiveSpan('chat gpt-4o', { attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' } }, (span) => {
      span.addEvent('gen_ai.evaluation.result', { 'gen_ai.evaluation.name': 'toxicity', 'gen_ai.evaluation.score.value': 0.02 });
      span.end();
      chat = span;
    });
    await tracerProvider.forceFlush();
    await tracerProvider.shutdown();
    const { traceId, spanId } = chat!.spanContext();

    // The evaluator, later: events in the evaluated span's context, through the logs exporter.
    const memory = new InMemoryLogRecordExporter();
    const loggerProvider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter: memory })] });
    const logger = loggerProvider.getLogger('judge');
    const evaluated = trace.setSpan(context.active(), chat!);
    logger.emit({
      eventName: 'gen_ai.evaluation.result',
      context: evaluated,
      attributes: {
        'gen_ai.evaluation.name': 'Relevance',
        'gen_ai.evaluation.score.value': 4,
        'gen_ai.evaluation.score.label': 'relevant',
        'gen_ai.evaluation.explanation': 'Answers the question that was asked.',
      },
    });
    logger.emit({ eventName: 'gen_ai.evaluation.result', context: evaluated, attributes: { 'gen_ai.evaluation.name': 'IntentResolution', 'gen_ai.evaluation.score.label': 'pass' } });
    await loggerProvider.forceFlush();
    const records = memory.getFinishedLogRecords();
    await loggerProvider.shutdown();
    expect(records).toHaveLength(2);

    const logExporter = new OTLPLogExporter({ url: `${url}/v1/logs` });
    await exportOnce(logExporter, records);

    const stored = (await (await fetch(`${url}/api/v1/traces/${traceId}`)).json()) as { spans: unknown[]; scores: StoredScore[]; logs: unknown[] };
    expect(stored.spans).toHaveLength(1);
    const byName = Object.fromEntries(stored.scores.map((s) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual(['IntentResolution', 'Relevance', 'toxicity']);
    expect(byName.Relevance).toMatchObject({
      traceId,
      spanId,
      dataType: 'numeric',
      numericValue: 4,
      stringValue: 'relevant',
      comment: 'Answers the question that was asked.',
      source: 'evaluator',
    });
    expect(byName.IntentResolution).toMatchObject({ spanId, dataType: 'categorical', numericValue: null, stringValue: 'pass', source: 'evaluator' });
    expect(byName.toxicity).toMatchObject({ spanId, dataType: 'numeric', numericValue: 0.02, source: 'evaluator' });
    // Stored as scores, not also as log records.
    expect(stored.logs).toEqual([]);
    expect(await scoreSamples(url)).toEqual({ accepted: 3, duplicate: 0 });

    // The exporter sends the same export again (a retry after a lost response): stored once.
    await exportOnce(logExporter, records);
    await logExporter.shutdown();
    const scores = (await (await fetch(`${url}/api/v1/scores?traceId=${traceId}`)).json()) as { scores: StoredScore[] };
    expect(scores.scores).toHaveLength(3);
    expect(await scoreSamples(url)).toEqual({ accepted: 3, duplicate: 2 });
  });
});

describe('OpenInference feedback attributes from the official OpenTelemetry SDK', () => {
  it('become scores on the span, its trace and the span a post-hoc evaluator span links to, and a re-sent export counts once', async () => {
    const url = lookout!.url;
    const before = await scoreSamples(url);
    const memory = new InMemorySpanExporter();
    const provider = new TracerProvider({ resource: resourceFromAttributes({ 'service.name': 'openinference-e2e' }), spanProcessors: [new SimpleSpanProcessor({ exporter: memory })] });
    const tracer = provider.getTracer('openinference-e2e');

    // Inline: the application's LLM span carries span and trace feedback.
    let llm: Span | undefined;
    tracer.startActiveSpan('ChatCompletion', (span) => {
      span.setAttributes({ 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o' });
      span.setAttributes(getEvaluationAttributes({ evaluations: [{ name: 'correctness', score: 0.8, label: 'mostly_correct', explanation: 'One date is wrong.', annotatorKind: 'LLM', identifier: 'judge-v2' }] }));
      span.setAttributes(getAnnotationAttributes({ scope: 'trace', annotations: [{ name: 'task_success', label: 'true', annotatorKind: 'CODE' }] }));
      span.end();
      llm = span;
    });
    const { traceId, spanId } = llm!.spanContext();
    // Post-hoc: a new evaluator span, in its own trace, linked to the span it judges.
    tracer.startActiveSpan('hallucination evaluation', { root: true, links: [{ context: llm!.spanContext() }] }, (span) => {
      span.setAttributes({ 'openinference.span.kind': 'EVALUATOR' });
      span.setAttributes(getAnnotationAttributes({ annotations: [{ name: 'hallucination', label: 'factual', annotatorKind: 'HUMAN' }] }));
      span.end();
    });
    await provider.forceFlush();
    const spans = memory.getFinishedSpans();
    await provider.shutdown();
    expect(spans).toHaveLength(2);

    const exporter = new OTLPTraceExporter({ url: `${url}/v1/traces` });
    await exportSpans(exporter, spans);

    const stored = (await (await fetch(`${url}/api/v1/traces/${traceId}`)).json()) as { spans: unknown[]; scores: (StoredScore & { metadata: Record<string, string> })[] };
    expect(stored.spans).toHaveLength(1);
    const byName = Object.fromEntries(stored.scores.map((s) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual(['correctness', 'hallucination', 'task_success']);
    expect(byName.correctness).toMatchObject({
      traceId,
      spanId,
      dataType: 'numeric',
      numericValue: 0.8,
      stringValue: 'mostly_correct',
      comment: 'One date is wrong.',
      source: 'evaluator',
      metadata: { 'openinference.scope': 'span', 'openinference.annotator_kind': 'LLM', 'openinference.identifier': 'judge-v2' },
    });
    expect(byName.task_success).toMatchObject({ traceId, spanId: null, dataType: 'boolean', numericValue: 1, stringValue: 'true', source: 'evaluator', metadata: { 'openinference.scope': 'trace' } });
    expect(byName.hallucination).toMatchObject({ traceId, spanId, dataType: 'categorical', stringValue: 'factual', source: 'evaluator', metadata: { 'openinference.annotator_kind': 'HUMAN' } });

    await exportSpans(exporter, spans);
    await exporter.shutdown();
    const scores = (await (await fetch(`${url}/api/v1/scores?traceId=${traceId}`)).json()) as { scores: StoredScore[] };
    expect(scores.scores).toHaveLength(3);
    const after = await scoreSamples(url);
    expect({ accepted: after.accepted - before.accepted, duplicate: after.duplicate - before.duplicate }).toEqual({ accepted: 3, duplicate: 3 });
  });
});
