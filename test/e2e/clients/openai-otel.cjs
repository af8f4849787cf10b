// An application instrumented the way users do it: the official OpenAI client, the official
// OpenTelemetry OpenAI instrumentation, and an official OTLP exporter pointed at Lookout.
// CommonJS so the instrumentation's require hook patches `openai` as it does in a Node app.
// Env: LOOKOUT_URL, LOOKOUT_GRPC_URL, UPSTREAM_URL, EXPORTER (proto | http | grpc); prints the trace id on stdout.
const { context, trace } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { SimpleSpanProcessor, TracerProvider } = require('@opentelemetry/sdk-trace');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { OpenAIInstrumentation } = require('@opentelemetry/instrumentation-openai');

const EXPORTER_PACKAGES = {
  proto: '@opentelemetry/exporter-trace-otlp-proto',
  http: '@opentelemetry/exporter-trace-otlp-http',
  grpc: '@opentelemetry/exporter-trace-otlp-grpc',
};
const exporterName = process.env.EXPORTER || 'proto';
if (!EXPORTER_PACKAGES[exporterName]) throw new Error(`unknown EXPORTER ${exporterName}`);
const { OTLPTraceExporter } = require(EXPORTER_PACKAGES[exporterName]);
// OTLP/gRPC takes the server's address alone; OTLP/HTTP the signal's full URL.
const exporterUrl = exporterName === 'grpc' ? process.env.LOOKOUT_GRPC_URL : `${process.env.LOOKOUT_URL}/v1/traces`;

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const provider = new TracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'e2e-shop', 'deployment.environment.name': 'e2e' }),
  spanProcessors: [new SimpleSpanProcessor({ exporter: new OTLPTraceExporter({ url: exporterUrl }) })],
});
trace.setGlobalTracerProvider(provider);
registerInstrumentations({ instrumentations: [new OpenAIInstrumentation({ captureMessageContent: true })] });

const OpenAI = require('openai');

async function main() {
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${process.env.UPSTREAM_URL}/v1` });
  const tracer = trace.getTracer('e2e-shop');
  let traceId = '';
  await tracer.startActiveSpan('answer-question', { attributes: { 'lookout.user.id': 'alice', 'lookout.feature': 'support-chat' } }, async (root) => {
    traceId = root.spanContext().traceId;
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Where is my order?' }] });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'And the refund?' }],
    });
    for await (const _chunk of stream) {
      // consume the stream as an application would
    }
    await client.embeddings.create({ model: 'text-embedding-3-small', input: ['order 1234'] });
    root.end();
  });
  await provider.forceFlush();
  await provider.shutdown();
  process.stdout.write(`${traceId}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
