// OpenInference: the official OpenAI client instrumented by
// @arizeai/openinference-instrumentation-openai, registered through the require hook before
// `openai` is loaded, exporting OTLP to Lookout. User and session go the OpenInference way:
// `setUser` / `setSession` from @arizeai/openinference-core put them in the context, and the
// instrumentation stamps user.id / session.id on the spans it makes; the application's own root
// span carries the same attributes. Env: LOOKOUT_URL, UPSTREAM_URL; prints the trace id.
const { context } = require('@opentelemetry/api');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { OpenAIInstrumentation } = require('@arizeai/openinference-instrumentation-openai');
const { setSession, setUser } = require('@arizeai/openinference-core');
const otel = require('./otel.cjs').setup('e2e-openinference-openai');
registerInstrumentations({ instrumentations: [new OpenAIInstrumentation()] });

const OpenAI = require('openai');

require('./otel.cjs').run(async () => {
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${process.env.UPSTREAM_URL}/v1` });
  let traceId = '';
  const attributed = setSession(setUser(context.active(), { userId: 'carol' }), { sessionId: 'chat-9' });
  await context.with(attributed, () =>
    otel.tracer.startActiveSpan('answer-question', { attributes: { 'user.id': 'carol', 'session.id': 'chat-9' } }, async (root) => {
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
    }),
  );
  await otel.finish(traceId);
});
