// Shared by the client scripts here: the OpenTelemetry JS SDK 2.x (the line these instrumentations
// are built against), a SimpleSpanProcessor and the official OTLP/HTTP protobuf exporter pointed
// at Lookout. Env: LOOKOUT_URL. `finish(traceId)` flushes, shuts down and prints the trace id.
const { context, trace } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { BasicTracerProvider, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');

exports.setup = (serviceName) => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName, 'deployment.environment.name': 'e2e' }),
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${process.env.LOOKOUT_URL}/v1/traces` }))],
  });
  trace.setGlobalTracerProvider(provider);
  return {
    provider,
    tracer: trace.getTracer(serviceName),
    async finish(traceId) {
      await provider.forceFlush();
      await provider.shutdown();
      process.stdout.write(`${traceId}\n`);
    },
  };
};

exports.run = (main) => {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
};
