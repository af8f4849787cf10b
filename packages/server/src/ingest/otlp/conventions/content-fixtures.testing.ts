// Spans and GenAI event logs that carry a marker string in every attribute a convention uses for
// prompt or response text, for the tests that check the marker is stored nowhere below full
// capture. Test-only: imported from tests.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Attributes as OtelAttributes, type Tracer } from '@opentelemetry/api';
import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { Attributes } from '../types.ts';

// Every attribute each convention uses for prompt, response, tool or retrieved text, with the
// marker in it. Some spans mix conventions the way real emitters do (the AI SDK writes gen_ai.*
// copies; Traceloop writes both its entity input and the indexed prompts), and some carry content
// without the attributes that make a convention's detection fire.
export function contentAttributeCases(mark: string): Record<string, Attributes> {
  const text = (what: string) => `${mark} ${what}`;
  const messages = (what: string) => JSON.stringify([{ role: 'user', content: text(what) }]);
  return {
    genai: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.input.messages': messages('input messages'),
      'gen_ai.output.messages': messages('output messages'),
      'gen_ai.system_instructions': text('system'),
      'gen_ai.tool.call.arguments': text('tool args'),
      'gen_ai.tool.call.result': text('tool result'),
      'gen_ai.tool.definitions': text('tool definitions'),
      'gen_ai.retrieval.query.text': text('query'),
      'gen_ai.retrieval.documents': JSON.stringify([{ id: 'd1', score: 0.5, content: text('document') }]),
    },
    'genai (deprecated strings)': { 'gen_ai.system': 'openai', 'gen_ai.prompt': text('prompt'), 'gen_ai.completion': text('completion') },
    openllmetry: {
      'llm.request.type': 'chat',
      'traceloop.entity.input': text('entity input'),
      'traceloop.entity.output': text('entity output'),
      'gen_ai.prompt.0.role': 'user',
      'gen_ai.prompt.0.content': text('prompt 0'),
      'gen_ai.prompt.1.content': text('prompt 1'),
      'gen_ai.completion.0.content': text('completion 0'),
      'gen_ai.completion.0.tool_calls.0.arguments': text('tool call arguments'),
      'gen_ai.request.functions.0.description': text('function'),
      'traceloop.prompt.template_variables': text('template variables'),
    },
    'openllmetry (legacy llm.*)': { 'llm.vendor': 'openai', 'llm.prompts.0.content': text('legacy prompt'), 'llm.completions.0.content': text('legacy completion') },
    'openllmetry (workflow, entity only)': { 'traceloop.span.kind': 'workflow', 'traceloop.entity.input': text('workflow input'), 'traceloop.entity.output': text('workflow output') },
    openinference: {
      'openinference.span.kind': 'LLM',
      'input.value': text('input value'),
      'output.value': text('output value'),
      'llm.input_messages.0.message.role': 'user',
      'llm.input_messages.0.message.content': text('input message'),
      'llm.output_messages.0.message.content': text('output message'),
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': text('tool arguments'),
      'llm.prompt_template.variables': text('template variables'),
      'llm.tools.0.tool.json_schema': text('tool schema'),
    },
    'openinference (retriever)': {
      'openinference.span.kind': 'RETRIEVER',
      'input.value': text('retrieval input'),
      'retrieval.documents.0.document.content': text('document'),
      'reranker.query': text('rerank query'),
      'embedding.embeddings.0.embedding.text': text('embedded text'),
    },
    'openinference (undetected)': { 'input.value': text('bare input'), 'output.value': text('bare output') },
    vercel: {
      'ai.operationId': 'ai.generateText.doGenerate',
      'ai.model.id': 'gpt-4o',
      'ai.prompt': text('prompt'),
      'ai.prompt.messages': messages('prompt messages'),
      'ai.prompt.tools': text('tools'),
      'ai.response.text': text('response'),
      'ai.response.object': text('object'),
      'ai.response.toolCalls': text('tool calls'),
      'ai.response.reasoning': text('reasoning'),
      'ai.toolCall.args': text('tool args'),
      'ai.toolCall.result': text('tool result'),
      'ai.values': [text('embedded value')],
    },
    'vercel (undetected)': { 'ai.prompt': text('bare prompt'), 'ai.response.text': text('bare response') },
    langfuse: {
      'langfuse.observation.type': 'generation',
      'langfuse.observation.input': text('observation input'),
      'langfuse.observation.output': text('observation output'),
      'langfuse.trace.input': text('trace input'),
      'langfuse.trace.output': text('trace output'),
    },
    'lookout / seed 004': { 'lookout.span.kind': 'retrieval', 'retrieval.index': 'docs', 'retrieval.query': text('query') },
  };
}

// Text under names no convention maps, as real instrumentations write it: OpenLLMetry's Chroma
// instrumentation (scope opentelemetry.instrumentation.chromadb), pydantic-ai's final_result,
// MLflow's span inputs and outputs, Google ADK's Vertex requests, and an application's own
// attribute; with numbers, booleans and names known to hold no text beside them, which stay.
export const UNDECLARED_SCOPE = 'opentelemetry.instrumentation.chromadb';

export function undeclaredContentAttributes(mark: string): Attributes {
  const text = (what: string) => `${mark} ${what}`;
  return {
    'db.system': 'chroma',
    'db.operation': 'query',
    'db.chroma.query.query_texts': [text('chroma query')],
    'db.chroma.add.documents': [text('chroma document')],
    'db.chroma.query.where_document': JSON.stringify({ $contains: text('chroma filter') }),
    'db.chroma.query.n_results': 3,
    final_result: text('final result'),
    'mlflow.spanInputs': JSON.stringify({ question: text('mlflow inputs') }),
    'mlflow.spanOutputs': JSON.stringify({ answer: text('mlflow outputs') }),
    'gcp.vertex.agent.llm_request': JSON.stringify({ contents: [{ parts: [{ text: text('vertex request') }] }] }),
    'app.customer_note': text('custom attribute'),
    'app.retries': 2,
    'app.cached': true,
    'app.scores': [0.25, 0.5],
  };
}

// The names above that hold text and must not be stored below full capture.
export const UNDECLARED_TEXT_KEYS = [
  'db.chroma.query.query_texts', 'db.chroma.add.documents', 'db.chroma.query.where_document', 'final_result',
  'mlflow.spanInputs', 'mlflow.spanOutputs', 'gcp.vertex.agent.llm_request', 'app.customer_note',
];

// One span per case, named after it, each its own trace, through a tracer of the given scope; and
// one failed span under the Chroma instrumentation's scope with the undeclared attributes, an
// exception event and a status message that quote the marker.
export function emitContentSpans(provider: { getTracer(name: string): Tracer }, scope: string, mark: string): { traceIds: string[] } {
  const tracer = provider.getTracer(scope);
  const traceIds: string[] = [];
  const undeclared = provider.getTracer(UNDECLARED_SCOPE).startSpan('chroma.query', { kind: SpanKind.CLIENT, attributes: undeclaredContentAttributes(mark) as OtelAttributes, startTime: Date.now() - 2_000 }, ROOT_CONTEXT);
  undeclared.addEvent('exception', { 'exception.type': 'ValueError', 'exception.message': `prompt '${mark} exception' is too long`, 'exception.stacktrace': `ValueError: ${mark} stack` });
  undeclared.setStatus({ code: SpanStatusCode.ERROR, message: `${mark} status message` });
  traceIds.push(undeclared.spanContext().traceId);
  undeclared.end();
  for (const [name, attrs] of Object.entries(contentAttributeCases(mark))) {
    const span = tracer.startSpan(`content ${name}`, { kind: SpanKind.CLIENT, attributes: attrs as OtelAttributes, startTime: Date.now() - 2_000 }, ROOT_CONTEXT);
    // The 2024 GenAI span events carry the same text.
    span.addEvent('gen_ai.content.prompt', { 'gen_ai.prompt': `${mark} span event prompt` });
    span.addEvent('gen_ai.content.completion', { 'gen_ai.completion': `${mark} span event completion` });
    traceIds.push(span.spanContext().traceId);
    span.end();
  }
  return { traceIds };
}

// GenAI events as OTLP logs (the message events, the choice event, the details event, and an
// application log with a content attribute), serialized by the official OTLP transformer.
export async function contentLogsProtobuf(mark: string, link: { traceId: string; spanId: string }): Promise<Buffer> {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ resource: resourceFromAttributes({ 'service.name': 'content-test' }), processors: [new SimpleLogRecordProcessor({ exporter })] });
  const logger = provider.getLogger('content-test');
  const context = trace.setSpanContext(ROOT_CONTEXT, { ...link, traceFlags: TraceFlags.SAMPLED });
  const now = Date.now();
  logger.emit({ eventName: 'gen_ai.user.message', timestamp: now, body: { content: `${mark} user message` }, context });
  logger.emit({ eventName: 'gen_ai.system.message', timestamp: now, body: { content: `${mark} system message` }, context });
  logger.emit({ eventName: 'gen_ai.choice', timestamp: now, body: { index: 0, finish_reason: 'stop', message: { role: 'assistant', content: `${mark} choice` } }, context });
  logger.emit({
    eventName: 'gen_ai.client.inference.operation.details',
    timestamp: now,
    attributes: {
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: `${mark} details input` }] }]),
      'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: `${mark} details output` }] }]),
      'gen_ai.system_instructions': `${mark} details system`,
      'gen_ai.request.model': 'gpt-4o',
    },
    context,
  });
  logger.emit({ timestamp: now, body: 'tool finished', attributes: { 'gen_ai.tool.call.result': `${mark} tool result`, 'input.value': `${mark} log input` }, context });
  logger.emit({ timestamp: now, body: 'query done', attributes: undeclaredContentAttributes(mark) as OtelAttributes, context });
  await provider.forceFlush();
  const records = exporter.getFinishedLogRecords();
  await provider.shutdown();
  return Buffer.from(ProtobufLogsSerializer.serializeRequest(records) as Uint8Array);
}
