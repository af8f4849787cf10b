// OpenLLMetry: the official OpenAI client instrumented by @traceloop/instrumentation-openai,
// registered through the require hook before `openai` is loaded, exporting OTLP to Lookout.
// The root span carries the association properties the Traceloop SDK would stamp
// (traceloop.association.properties.*). Env: LOOKOUT_URL, UPSTREAM_URL; prints the trace id.
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { OpenAIInstrumentation } = require('@traceloop/instrumentation-openai');
const otel = require('./otel.cjs').setup('e2e-openllmetry-openai');
registerInstrumentations({ instrumentations: [new OpenAIInstrumentation({ traceContent: true })] });

const OpenAI = require('openai');

require('./otel.cjs').run(async () => {
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${process.env.UPSTREAM_URL}/v1` });
  let traceId = '';
  const attributes = {
    'traceloop.association.properties.user_id': 'alice',
    'traceloop.association.properties.session_id': 'chat-42',
  };
  await otel.tracer.startActiveSpan('answer-question', { attributes }, async (root) => {
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
    root.end();
  });
  await otel.finish(traceId);
});
