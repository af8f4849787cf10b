// Test bodies produced by the official OpenTelemetry JS SDK and its OTLP serializers (the code
// every OTel JS exporter sends with), so the decoder is checked against real senders rather
// than payloads written by hand. Test-only: imported from *.test.ts files.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Attributes as OtelAttributes } from '@opentelemetry/api';
import {
  JsonLogsSerializer,
  JsonMetricsSerializer,
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';

export const RESOURCE_ATTRIBUTES = { 'service.name': 'checkout', 'deployment.environment.name': 'test', 'service.instance.id': 42 };
export const SCOPE = { name: 'lookout-fixture', version: '1.2.3' };

// 2023-11-14T22:13:20.123456789Z: exact nanoseconds through hrtime tuples.
export const START_S = 1_700_000_000;
export const START_NS_PART = 123_456_789;
export const START_NS = '1700000000123456789';
export const END_NS = '1700000002623456789'; // +2.5 s

export const LINKED = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' };

export const CHAT_ATTRIBUTES: OtelAttributes = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.request.model': 'gpt-4o',
  'gen_ai.usage.input_tokens': 1234,
  'gen_ai.usage.output_tokens': 56,
  'gen_ai.request.temperature': 0.25,
  'gen_ai.request.stream': true,
  'gen_ai.response.finish_reasons': ['stop', 'length'],
  'lookout.int_array': [1, 2, 3],
  'lookout.double_array': [0.5, 1.5],
  'lookout.bool_array': [true, false],
  'lookout.unicode': 'héllo — 世界 🚀',
};

export interface TraceFixture {
  spans: ReadableSpan[];
  protobuf: Buffer;
  json: Buffer;
}

function toBuffer(bytes: Uint8Array | undefined): Buffer {
  if (!bytes) throw new Error('serializer returned nothing');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

// A parent chat span with every kind of attribute, an event, a link and an error status, and a
// child tool span. Returns the SDK's ReadableSpans and both OTLP encodings of them.
export async function traceFixture(): Promise<TraceFixture> {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes(RESOURCE_ATTRIBUTES),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer(SCOPE.name, SCOPE.version);
  const linkContext = { traceId: LINKED.traceId, spanId: LINKED.spanId, traceFlags: TraceFlags.SAMPLED };
  const parent = tracer.startSpan('chat gpt-4o', {
    kind: SpanKind.CLIENT,
    startTime: [START_S, START_NS_PART],
    attributes: CHAT_ATTRIBUTES,
    links: [{ context: linkContext, attributes: { 'link.reason': 'retry-of' } }],
  });
  parent.addEvent('gen_ai.choice', { 'gen_ai.choice.index': 0, finish_reason: 'stop' }, [START_S + 1, 0]);
  parent.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited' });
  const child = tracer.startSpan('execute_tool get_weather', { kind: SpanKind.INTERNAL, startTime: [START_S, 500_000_000] }, trace.setSpan(ROOT_CONTEXT, parent));
  child.setAttribute('gen_ai.tool.name', 'get_weather');
  child.end([START_S + 1, 500_000_000]);
  parent.end([START_S + 2, 623_456_789]);
  await provider.forceFlush();
  const spans = exporter.getFinishedSpans();
  await provider.shutdown();
  return {
    spans,
    protobuf: toBuffer(ProtobufTraceSerializer.serializeRequest(spans)),
    json: toBuffer(JsonTraceSerializer.serializeRequest(spans)),
  };
}

// `count` spans shaped like an instrumented LLM call, for the performance measurement.
export async function manySpans(count: number): Promise<{ protobuf: Buffer; json: Buffer }> {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ resource: resourceFromAttributes(RESOURCE_ATTRIBUTES), spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const tracer = provider.getTracer(SCOPE.name, SCOPE.version);
  for (let i = 0; i < count; i++) {
    const span = tracer.startSpan(`chat gpt-4o ${i % 7}`, { kind: SpanKind.CLIENT, startTime: [START_S + i, 0], attributes: CHAT_ATTRIBUTES });
    span.setAttribute('gen_ai.response.id', `chatcmpl-${i}`);
    span.addEvent('gen_ai.content.prompt', { 'gen_ai.prompt': 'What is the weather in Paris today? '.repeat(4) }, [START_S + i, 1000]);
    span.end([START_S + i, 900_000_000]);
  }
  await provider.forceFlush();
  const spans = exporter.getFinishedSpans();
  await provider.shutdown();
  return { protobuf: toBuffer(ProtobufTraceSerializer.serializeRequest(spans)), json: toBuffer(JsonTraceSerializer.serializeRequest(spans)) };
}

export interface LogsFixture {
  records: ReadableLogRecord[];
  protobuf: Buffer;
  json: Buffer;
}

export const LOG_TRACE = { traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174' };

// A GenAI event log record linked to a span, and a plain application log with no trace.
export async function logsFixture(): Promise<LogsFixture> {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes(RESOURCE_ATTRIBUTES),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger(SCOPE.name, SCOPE.version);
  const spanContext = { ...LOG_TRACE, traceFlags: TraceFlags.SAMPLED };
  logger.emit({
    eventName: 'gen_ai.client.inference.operation.details',
    timestamp: [START_S, START_NS_PART],
    observedTimestamp: [START_S, START_NS_PART + 1000],
    severityNumber: 9,
    severityText: 'INFO',
    body: { role: 'assistant', content: 'Sunny, 21 °C', tool_calls: [{ id: 'call_1', name: 'get_weather' }] },
    attributes: { 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o' },
    context: trace.setSpanContext(ROOT_CONTEXT, spanContext),
  });
  logger.emit({ timestamp: [START_S + 1, 0], severityNumber: 17, severityText: 'ERROR', body: 'upstream timed out after 30 s' });
  await provider.forceFlush();
  const records = exporter.getFinishedLogRecords();
  await provider.shutdown();
  return {
    records,
    protobuf: toBuffer(ProtobufLogsSerializer.serializeRequest(records)),
    json: toBuffer(JsonLogsSerializer.serializeRequest(records)),
  };
}

class CollectingReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

export interface MetricsFixture {
  resourceMetrics: ResourceMetrics;
  protobuf: Buffer;
  json: Buffer;
}

export const TOKEN_BOUNDARIES = [1, 4, 16, 64, 256, 1024, 4096, 16384];
export const DURATION_BOUNDARIES = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12];

// The two GenAI client histograms of the semantic conventions, a counter and a gauge.
export async function metricsFixture(temporality: AggregationTemporality = AggregationTemporality.CUMULATIVE): Promise<MetricsFixture> {
  const reader = new CollectingReader({ aggregationTemporalitySelector: () => temporality });
  const provider = new MeterProvider({ resource: resourceFromAttributes(RESOURCE_ATTRIBUTES), readers: [reader] });
  const meter = provider.getMeter(SCOPE.name, SCOPE.version);
  const tokens = meter.createHistogram('gen_ai.client.token.usage', {
    unit: '{token}',
    description: 'Measures number of input and output tokens used',
    advice: { explicitBucketBoundaries: TOKEN_BOUNDARIES },
  });
  const duration = meter.createHistogram('gen_ai.client.operation.duration', {
    unit: 's',
    description: 'GenAI operation duration',
    advice: { explicitBucketBoundaries: DURATION_BOUNDARIES },
  });
  const model = { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.system': 'openai' };
  tokens.record(1234, { ...model, 'gen_ai.token.type': 'input' });
  tokens.record(100, { ...model, 'gen_ai.token.type': 'input' });
  tokens.record(56, { ...model, 'gen_ai.token.type': 'output' });
  duration.record(0.75, model);
  duration.record(3, model);
  meter.createCounter('lookout.fixture.requests').add(3, { route: '/chat' });
  meter.createGauge('lookout.fixture.queue_depth').record(7.5);
  const { resourceMetrics } = await reader.collect();
  await provider.shutdown();
  return {
    resourceMetrics,
    protobuf: toBuffer(ProtobufMetricsSerializer.serializeRequest(resourceMetrics)),
    json: toBuffer(JsonMetricsSerializer.serializeRequest(resourceMetrics)),
  };
}
