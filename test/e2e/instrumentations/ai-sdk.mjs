// Vercel AI SDK: `generateText` and `streamText` from `ai` with its built-in OpenTelemetry
// (experimental_telemetry), over @ai-sdk/openai's chat model pointed at the fake upstream,
// exporting OTLP to Lookout. User and session travel as telemetry metadata
// (ai.telemetry.metadata.userId / sessionId). Env: LOOKOUT_URL, UPSTREAM_URL; prints the trace id.
import otelSetup from './otel.cjs';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, streamText } from 'ai';

const otel = otelSetup.setup('e2e-ai-sdk');

otelSetup.run(async () => {
  const openai = createOpenAI({ apiKey: 'sk-test', baseURL: `${process.env.UPSTREAM_URL}/v1` });
  const model = openai.chat('gpt-4o-mini');
  const telemetry = { isEnabled: true, functionId: 'support-answer', metadata: { userId: 'dave', sessionId: 'chat-3' } };
  let traceId = '';
  await otel.tracer.startActiveSpan('answer-question', async (root) => {
    traceId = root.spanContext().traceId;
    await generateText({ model, prompt: 'Where is my order?', experimental_telemetry: telemetry });
    const result = streamText({ model, prompt: 'And the refund?', experimental_telemetry: telemetry });
    await result.consumeStream();
    await result.usage;
    root.end();
  });
  await otel.finish(traceId);
});
