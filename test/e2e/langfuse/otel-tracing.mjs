// A Langfuse v5 application as its users write one: @langfuse/tracing observations, exported by
// @langfuse/otel's LangfuseSpanProcessor on a NodeTracerProvider (OpenTelemetry JS SDK 2.x).
// Keys come from LANGFUSE_PUBLIC_KEY / LANGFUSE_SECRET_KEY as the SDK reads them; the base URL is
// LOOKOUT_URL. Prints the ids of what it made as one JSON line, then exports.
import { LangfuseSpanProcessor } from '@langfuse/otel';
import { propagateAttributes, startActiveObservation, startObservation } from '@langfuse/tracing';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

const processor = new LangfuseSpanProcessor({ baseUrl: process.env.LOOKOUT_URL });
const provider = new NodeTracerProvider({ spanProcessors: [processor] });
provider.register();

const ids = {};
const traceAttributes = {
  traceName: 'refund-flow',
  userId: 'user-42',
  sessionId: 'session-7',
  tags: ['beta', 'support'],
  metadata: { feature: 'refunds', plan: 'pro' },
  version: '1.2.0',
};

await propagateAttributes(traceAttributes, () =>
  startActiveObservation('handle-request', async (root) => {
    ids.traceId = root.traceId;
    ids.root = root.id;
    root.update({ input: { question: 'Can I get a refund?' } });

    await startActiveObservation(
      'plan-answer',
      async (agent) => {
        ids.agent = agent.id;
        const tool = startObservation('lookup-order', { input: { orderId: 'o-1' } }, { asType: 'tool' });
        ids.tool = tool.id;
        tool.update({ output: { status: 'delivered' } }).end();

        const started = new Date();
        await startActiveObservation(
          'draft-answer',
          async (generation) => {
            ids.priced = generation.id;
            generation.update({
              model: 'gpt-4o-mini',
              modelParameters: { temperature: 0.2, max_tokens: 256 },
              prompt: { name: 'refund-answer', version: 3, isFallback: false },
              input: [{ role: 'user', content: 'Can I get a refund?' }],
              output: { role: 'assistant', content: 'Yes, within 30 days.' },
              usageDetails: { input: 1200, output: 80 },
              completionStartTime: new Date(started.getTime() + 5),
            });
          },
          { asType: 'generation' },
        );

        const reported = startObservation(
          'rerank',
          { model: 'gpt-4o-mini', usageDetails: { input: 300, output: 20 }, costDetails: { input: 0.0031, output: 0.0011, total: 0.0042 } },
          { asType: 'generation' },
        );
        ids.reported = reported.id;
        reported.end();

        const event = startObservation('cache-miss', { metadata: { cacheKey: 'refund-policy' } }, { asType: 'event' });
        ids.event = event.id;

        const guard = startObservation('policy-check', { input: 'draft' }, { asType: 'guardrail' });
        ids.guard = guard.id;
        guard.update({ level: 'ERROR', statusMessage: 'blocked by the refund policy' }).end();
      },
      { asType: 'agent' },
    );
    root.update({ output: { answer: 'Yes, within 30 days.' } });
  }),
);

console.log(JSON.stringify(ids));
// Rejects when the export is refused (a wrong key): the process then fails with the answer.
await provider.forceFlush();
await provider.shutdown();
