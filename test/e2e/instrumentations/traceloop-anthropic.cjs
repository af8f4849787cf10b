// OpenLLMetry: the official Anthropic client instrumented by @traceloop/instrumentation-anthropic,
// registered through the require hook before `@anthropic-ai/sdk` is loaded, exporting OTLP to
// Lookout. The root span carries the association properties the Traceloop SDK would stamp.
// Env: LOOKOUT_URL, UPSTREAM_URL (a fake Anthropic); prints the trace id.
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { AnthropicInstrumentation } = require('@traceloop/instrumentation-anthropic');
const otel = require('./otel.cjs').setup('e2e-openllmetry-anthropic');
registerInstrumentations({ instrumentations: [new AnthropicInstrumentation({ traceContent: true })] });

const Anthropic = require('@anthropic-ai/sdk');

require('./otel.cjs').run(async () => {
  const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: process.env.UPSTREAM_URL });
  let traceId = '';
  const attributes = {
    'traceloop.association.properties.user_id': 'bob',
    'traceloop.association.properties.session_id': 'chat-7',
  };
  await otel.tracer.startActiveSpan('answer-question', { attributes }, async (root) => {
    traceId = root.spanContext().traceId;
    await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 256, messages: [{ role: 'user', content: 'Where is my order?' }] });
    const stream = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 256, stream: true, messages: [{ role: 'user', content: 'And the refund?' }] });
    for await (const _event of stream) {
      // consume the stream as an application would
    }
    root.end();
  });
  await otel.finish(traceId);
});
