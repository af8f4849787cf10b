import type { SpanKind } from '../../../domain/span.ts';
import type { OtlpSpan } from '../types.ts';
import { isRecord, toNumber, type AttrReader, type ContentAttributes } from './attributes.ts';
import { documentStats, normalizeFinishReason, queryMetadata } from './content.ts';
import type { Extraction, MapOptions, UsageReport } from './types.ts';

// OpenTelemetry GenAI semantic conventions (semantic-conventions v1.37–v1.41, since moved to
// open-telemetry/semantic-conventions-genai), current and deprecated names:
//   gen_ai.system → gen_ai.provider.name, gen_ai.usage.prompt_tokens → input_tokens,
//   completion_tokens → output_tokens, cache_read_input_tokens → cache_read.input_tokens,
//   cache_creation_input_tokens → cache_creation.input_tokens, gen_ai.prompt/gen_ai.completion
//   (strings, and the 2024 span events gen_ai.content.prompt/completion) → input/output.messages.
//
// Token buckets: the spec says gen_ai.usage.input_tokens "SHOULD include all types of input
// tokens, including cached tokens" and that cache_read/cache_creation "SHOULD be included in"
// it; its Anthropic page says input_tokens = input + cache_read + cache_creation. Reasoning
// tokens SHOULD be included in output_tokens. Emitters that broke this are handled by the numbers
// ('auto', see buckets.ts) and, where the emitter is known, by its own convention file.

export const GENAI = 'genai';

// Prompt, response, tool-call and retrieval text (see ContentAttributes).
export const CONTENT_ATTRIBUTES: ContentAttributes = {
  names: [
    'gen_ai.input.messages',
    'gen_ai.output.messages',
    'gen_ai.system_instructions',
    'gen_ai.prompt',
    'gen_ai.completion',
    'gen_ai.tool.call.arguments',
    'gen_ai.tool.call.result',
    'gen_ai.tool.definitions',
    'gen_ai.retrieval.query.text',
    'gen_ai.retrieval.documents',
  ],
  prefixes: [],
};

const OPERATION_KINDS: Readonly<Record<string, SpanKind>> = {
  chat: 'generation',
  text_completion: 'generation',
  generate_content: 'generation',
  completion: 'generation',
  embeddings: 'embedding',
  embedding: 'embedding',
  execute_tool: 'tool',
  invoke_agent: 'agent',
  create_agent: 'agent',
  invoke_workflow: 'chain',
  agent_step: 'chain', // @ai-sdk/otel step spans
  retrieval: 'retrieval',
  rerank: 'retrieval', // @ai-sdk/otel
};

export function genAiKind(operation: unknown): SpanKind | undefined {
  return typeof operation === 'string' ? OPERATION_KINDS[operation.trim().toLowerCase()] : undefined;
}

export function detectGenAi(r: AttrReader): boolean {
  return r.hasPrefix('gen_ai.');
}

// The gen_ai.usage.* counts under every name the spec has used. Shared with the conventions
// whose emitters write these names with their own semantics (OpenLLMetry, AI SDK).
export function readGenAiUsageCounts(r: AttrReader): Omit<UsageReport, 'source' | 'inputIncludesCache' | 'outputIncludesReasoning'> | undefined {
  const counts = {
    input: r.firstTokens('gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens'),
    output: r.firstTokens('gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens'),
    cacheRead: r.firstTokens('gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cache_read_input_tokens'),
    // cache_write.input_tokens: what @anthropic-ai/sdk's own spans (1.x) name it.
    cacheWrite: r.firstTokens('gen_ai.usage.cache_creation.input_tokens', 'gen_ai.usage.cache_creation_input_tokens', 'gen_ai.usage.cache_write.input_tokens'),
    reasoning: r.firstTokens('gen_ai.usage.reasoning.output_tokens', 'gen_ai.usage.reasoning_tokens'),
    total: r.firstTokens('gen_ai.usage.total_tokens'),
  };
  return Object.values(counts).some((v) => v !== undefined) ? counts : undefined;
}

function firstFinishReason(r: AttrReader): string | undefined {
  const list = r.strList('gen_ai.response.finish_reasons');
  return list !== undefined && list.length > 0 ? normalizeFinishReason(list[0]) : undefined;
}

// Messages as given (structured or a JSON string), with the separate system instructions first.
function inputMessages(r: AttrReader): string | undefined {
  const messages = r.content('gen_ai.input.messages') ?? r.content('gen_ai.prompt');
  const system = r.content('gen_ai.system_instructions');
  if (system === undefined) return messages;
  return `[${JSON.stringify({ role: 'system', parts: safeParse(system) })}${messages === undefined ? '' : `,${stripBrackets(messages)}`}]`;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function stripBrackets(jsonArray: string): string {
  const t = jsonArray.trim();
  return t.startsWith('[') && t.endsWith(']') ? t.slice(1, -1) : JSON.stringify(t);
}

// 2024 semconv: content as span events gen_ai.content.prompt / gen_ai.content.completion.
function contentFromSpanEvents(span: OtlpSpan): { input?: string; output?: string } {
  const out: { input?: string; output?: string } = {};
  for (const e of span.events) {
    if (e.name === 'gen_ai.content.prompt' && typeof e.attributes['gen_ai.prompt'] === 'string') {
      out.input ??= e.attributes['gen_ai.prompt'];
    } else if (e.name === 'gen_ai.content.completion' && typeof e.attributes['gen_ai.completion'] === 'string') {
      out.output ??= e.attributes['gen_ai.completion'];
    }
  }
  return out;
}

function retrievalDocuments(r: AttrReader): Record<string, string> {
  const docs = r.json('gen_ai.retrieval.documents');
  if (!Array.isArray(docs)) return {};
  return documentStats(
    docs.map((d) => (isRecord(d) ? toNumber(d.score) : undefined)),
    docs.length,
  );
}

export function extractGenAi(r: AttrReader, span: OtlpSpan, opts: MapOptions): Extraction | null {
  if (!detectGenAi(r)) return null;
  const kind = genAiKind(r.raw('gen_ai.operation.name'));
  const ex: Extraction = { convention: GENAI, kind };

  const provider = r.firstStr('gen_ai.provider.name', 'gen_ai.system');
  if (provider !== undefined) ex.provider = provider.trim().toLowerCase();
  ex.requestModel = r.str('gen_ai.request.model');
  ex.responseModel = r.str('gen_ai.response.model');

  const counts = readGenAiUsageCounts(r);
  if (counts !== undefined) {
    ex.usage = { source: GENAI, ...counts, inputIncludesCache: 'auto', outputIncludesReasoning: 'auto' };
  }

  ex.finishReason = firstFinishReason(r);
  const ttftSeconds = r.num('gen_ai.response.time_to_first_chunk') ?? r.num('gen_ai.client.operation.time_to_first_chunk');
  if (ttftSeconds !== undefined && ttftSeconds >= 0) ex.ttftMs = ttftSeconds * 1000;

  const conversation = r.str('gen_ai.conversation.id');
  if (conversation !== undefined) ex.attribution = { sessionId: conversation };
  ex.errorType = r.str('error.type');

  const events = contentFromSpanEvents(span);
  ex.input = inputMessages(r) ?? events.input;
  ex.output = r.content('gen_ai.output.messages') ?? r.content('gen_ai.completion') ?? events.output;
  const toolArgs = r.content('gen_ai.tool.call.arguments');
  const toolResult = r.content('gen_ai.tool.call.result');
  ex.input ??= toolArgs;
  ex.output ??= toolResult;

  const metadata: Record<string, string> = {};
  const dims = r.tokens('gen_ai.embeddings.dimension.count');
  if (dims !== undefined) metadata['embedding.dimensions'] = String(dims);
  const dataSource = r.str('gen_ai.data_source.id');
  if (dataSource !== undefined) metadata['retrieval.index'] = dataSource;
  const query = r.content('gen_ai.retrieval.query.text');
  Object.assign(metadata, queryMetadata(query, opts.captureContent), retrievalDocuments(r));
  ex.input ??= query;
  ex.metadata = metadata;
  return ex;
}
