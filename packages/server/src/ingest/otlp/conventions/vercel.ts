import type { SpanKind } from '../../../domain/span.ts';
import type { OtlpSpan } from '../types.ts';
import { isRecord, parseJson, tokenCount, toNumber, type AttrReader, type ContentAttributes } from './attributes.ts';
import { normalizeFinishReason } from './content.ts';
import { readGenAiUsageCounts } from './genai.ts';
import type { Extraction, MapOptions, UsageReport } from './types.ts';

// Vercel AI SDK telemetry (`experimental_telemetry`), ai@4.x–6.x and the legacy format of
// @ai-sdk/otel 1.x (ai@7): ai.operationId / operation.name, ai.model.id, ai.model.provider
// ("openai.chat", "anthropic.messages", ...), ai.usage.*, ai.response.*, ai.prompt*,
// ai.toolCall.*, ai.telemetry.functionId, ai.telemetry.metadata.*. (The newer @ai-sdk/otel
// format is pure GenAI semconv and is read by genai.ts.)
//
// Span tree: ai.generateText (outer) → ai.generateText.doGenerate (one per model call) →
// ai.toolCall. Only the inner doGenerate/doStream/doEmbed spans are model calls; the outer spans
// carry the sum of their steps' usage and are chains, whose tokens are never charged.
//
// Token buckets, which changed with the version and differ by provider:
//   - ai@4: ai.usage.promptTokens is the provider's own count. OpenAI's includes cached tokens;
//     Anthropic's (@ai-sdk/anthropic 1.x) excludes them and the cache counts are in
//     ai.response.providerMetadata {anthropic: {cacheReadInputTokens, cacheCreationInputTokens}}.
//   - ai@5: ai.usage.inputTokens / cachedInputTokens / reasoningTokens. Anthropic and Bedrock
//     input excludes cache; Google's outputTokens excludes reasoning (thoughts). Anthropic's raw
//     usage is in providerMetadata.anthropic.usage.
//   - ai@6: inputTokens is the total including cache for every provider; since ai 6.0.x (#13129)
//     ai.usage.inputTokenDetails.{noCacheTokens,cacheReadTokens,cacheWriteTokens} and
//     ai.usage.outputTokenDetails.{textTokens,reasoningTokens} give the buckets exactly.
// So: exact details first, then Anthropic's raw usage, then the provider-specific counts with
// 'auto' semantics (see buckets.ts) where versions disagree.

export const VERCEL = 'vercel';

// Prompt, response, tool-call, embedded and reranked text (see ContentAttributes).
const PROMPT_ATTRIBUTES = ['ai.prompt', 'ai.prompt.messages', 'ai.toolCall.args', 'ai.toolCall.input', 'ai.values', 'ai.value'];
const RESPONSE_ATTRIBUTES = ['ai.response.text', 'ai.response.object', 'ai.response.toolCalls', 'ai.toolCall.result', 'ai.toolCall.output'];
const OTHER_TEXT_ATTRIBUTES = ['ai.response.reasoning', 'ai.response.reasoningText', 'ai.response.files', 'ai.embedding', 'ai.embeddings', 'ai.documents', 'ai.ranking'];
export const CONTENT_ATTRIBUTES: ContentAttributes = {
  names: [...PROMPT_ATTRIBUTES, ...RESPONSE_ATTRIBUTES, ...OTHER_TEXT_ATTRIBUTES],
  // ai.prompt.tools, ai.prompt.toolChoice and whatever else the SDK adds under the prompt.
  prefixes: ['ai.prompt.', 'ai.response.reasoning'],
};

const OUTER_OPERATIONS = new Set([
  'ai.generateText',
  'ai.streamText',
  'ai.generateObject',
  'ai.streamObject',
  'ai.embed',
  'ai.embedMany',
  'ai.rerank',
  'ai.generateImage',
  'ai.generateSpeech',
  'ai.transcribe',
]);

export function vercelKind(operationId: string): SpanKind {
  if (operationId === 'ai.toolCall') return 'tool';
  if (operationId.endsWith('.doEmbed')) return 'embedding';
  if (operationId.endsWith('.doRerank')) return 'retrieval';
  if (operationId.endsWith('.doGenerate') || operationId.endsWith('.doStream')) return 'generation';
  return 'chain'; // outer operations, and anything new the SDK adds around its model calls
}

// ai.model.provider → GenAI provider name (as @ai-sdk/otel's mapProviderName does).
const PROVIDER_PREFIXES: readonly [string, string][] = [
  ['google.vertex', 'gcp.vertex_ai'],
  ['google-vertex', 'gcp.vertex_ai'],
  ['vertex', 'gcp.vertex_ai'],
  ['google.generative-ai', 'gcp.gemini'],
  ['google', 'gcp.gemini'],
  ['amazon-bedrock', 'aws.bedrock'],
  ['bedrock', 'aws.bedrock'],
  ['azure-openai', 'azure.ai.openai'],
  ['azure', 'azure.ai.openai'],
  ['anthropic', 'anthropic'],
  ['openai', 'openai'],
  ['mistral', 'mistral_ai'],
  ['xai', 'x_ai'],
  ['cohere', 'cohere'],
  ['groq', 'groq'],
  ['deepseek', 'deepseek'],
  ['perplexity', 'perplexity'],
  ['togetherai', 'together_ai'],
];

const providerMemo = new Map<string, string>();
const MAX_PROVIDER_MEMO = 256; // provider ids come from clients: the set is open

export function vercelProvider(raw: string): string {
  const known = providerMemo.get(raw);
  if (known !== undefined) return known;
  const name = providerName(raw);
  if (providerMemo.size < MAX_PROVIDER_MEMO) providerMemo.set(raw, name);
  return name;
}

function providerName(raw: string): string {
  const lower = raw.trim().toLowerCase();
  for (const [prefix, name] of PROVIDER_PREFIXES) {
    if (lower === prefix || lower.startsWith(`${prefix}.`) || lower.startsWith(`${prefix}-`)) return name;
  }
  const dot = lower.indexOf('.');
  return dot > 0 ? lower.slice(0, dot) : lower;
}

export function detectVercel(r: AttrReader, span: OtlpSpan): boolean {
  return r.has('ai.operationId') || /^ai\.\w/.test(String(r.raw('operation.name') ?? '')) || span.scope.name === 'ai' || r.has('ai.model.id');
}

function operationId(r: AttrReader): string | undefined {
  const id = r.raw('ai.operationId');
  if (typeof id === 'string' && id.startsWith('ai.')) return id;
  const op = r.raw('operation.name'); // "ai.generateText.doGenerate my-function-id"
  if (typeof op === 'string' && op.startsWith('ai.')) return op.split(' ')[0];
  return undefined;
}

function get(obj: unknown, ...path: string[]): unknown {
  let cur = obj;
  for (const p of path) {
    if (!isRecord(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

function usage(r: AttrReader, rawProvider: string | undefined, isEmbedding: boolean): UsageReport | undefined {
  const family = (rawProvider ?? '').toLowerCase();
  const anthropicFamily = family.includes('anthropic');
  const pmKey = 'ai.response.providerMetadata';
  const providerMetadata = r.has(pmKey) ? r.json(pmKey) : undefined;

  const output = r.firstTokens('ai.usage.outputTokens', 'ai.usage.completionTokens');
  const total = r.tokens('ai.usage.totalTokens');

  // ai@6: exact buckets.
  const noCache = r.tokens('ai.usage.inputTokenDetails.noCacheTokens');
  if (noCache !== undefined) {
    const text = r.tokens('ai.usage.outputTokenDetails.textTokens');
    const reasoning = r.tokens('ai.usage.outputTokenDetails.reasoningTokens') ?? r.tokens('ai.usage.reasoningTokens');
    r.tokens('ai.usage.inputTokens');
    r.tokens('ai.usage.cachedInputTokens');
    return {
      source: VERCEL,
      input: noCache,
      cacheRead: r.tokens('ai.usage.inputTokenDetails.cacheReadTokens'),
      cacheWrite: r.tokens('ai.usage.inputTokenDetails.cacheWriteTokens'),
      output: text ?? output,
      reasoning,
      total,
      inputIncludesCache: false,
      outputIncludesReasoning: text === undefined ? 'auto' : false,
    };
  }

  // ai@5/6 with Anthropic: the provider's raw usage, whose input_tokens excludes cache.
  const raw = get(providerMetadata, 'anthropic', 'usage');
  const rawInput = tokenCount(get(raw, 'input_tokens'));
  if (rawInput !== undefined) {
    r.firstTokens('ai.usage.inputTokens', 'ai.usage.promptTokens');
    r.tokens('ai.usage.cachedInputTokens');
    return {
      source: VERCEL,
      input: rawInput,
      cacheRead: tokenCount(get(raw, 'cache_read_input_tokens')),
      cacheWrite: tokenCount(get(raw, 'cache_creation_input_tokens')),
      output: output ?? tokenCount(get(raw, 'output_tokens')),
      total,
      inputIncludesCache: false,
      outputIncludesReasoning: true,
    };
  }

  const genai = readGenAiUsageCounts(r);
  const input = r.firstTokens('ai.usage.inputTokens', 'ai.usage.promptTokens', 'ai.usage.tokens') ?? genai?.input;
  const v4AnthropicRead = tokenCount(get(providerMetadata, 'anthropic', 'cacheReadInputTokens'));
  const cacheRead =
    r.tokens('ai.usage.cachedInputTokens') ??
    tokenCount(get(providerMetadata, 'openai', 'cachedPromptTokens')) ??
    v4AnthropicRead ??
    tokenCount(get(providerMetadata, 'bedrock', 'usage', 'cacheReadInputTokens')) ??
    genai?.cacheRead;
  const cacheWrite =
    tokenCount(get(providerMetadata, 'anthropic', 'cacheCreationInputTokens')) ??
    tokenCount(get(providerMetadata, 'bedrock', 'usage', 'cacheWriteInputTokens')) ??
    genai?.cacheWrite;
  const reasoning =
    r.tokens('ai.usage.reasoningTokens') ?? tokenCount(get(providerMetadata, 'openai', 'reasoningTokens')) ?? genai?.reasoning;
  const out = output ?? genai?.output;
  if ([input, out, cacheRead, cacheWrite, reasoning, total].every((v) => v === undefined)) return undefined;
  if (isEmbedding) return { source: VERCEL, input, total, inputIncludesCache: true, outputIncludesReasoning: true };
  return {
    source: VERCEL,
    input,
    output: out,
    cacheRead,
    cacheWrite,
    reasoning,
    total,
    // ai@4 Anthropic (v4AnthropicRead) is known to exclude; ai@5 Anthropic/Bedrock exclude, ai@6 includes.
    inputIncludesCache: anthropicFamily && v4AnthropicRead !== undefined ? false : 'auto',
    outputIncludesReasoning: 'auto',
  };
}

function telemetryMetadata(r: AttrReader, ex: Extraction): void {
  const prefix = 'ai.telemetry.metadata.';
  const userMetadata: Record<string, string> = {};
  const attribution: Extraction['attribution'] = {};
  for (const key of r.withPrefix(prefix)) {
    const name = key.slice(prefix.length);
    if (name === 'tags') {
      const tags = r.strList(key, true);
      if (tags !== undefined) ex.tags = tags;
      continue;
    }
    const value = r.str(key) ?? (typeof r.raw(key) === 'boolean' ? String(r.raw(key)) : undefined);
    if (value === undefined) continue;
    r.consume(key);
    const norm = name.toLowerCase().replace(/[_\-.]/g, '');
    if (norm === 'userid') attribution.userId ??= value;
    else if (norm === 'sessionid' || norm === 'conversationid') attribution.sessionId ??= value;
    else userMetadata[name] = value;
  }
  ex.attribution = attribution;
  ex.userMetadata = userMetadata;
}

function jsonArrayLength(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const parsed = parseJson(text);
  return Array.isArray(parsed) ? parsed.length : undefined;
}

export function extractVercel(r: AttrReader, span: OtlpSpan, _opts: MapOptions): Extraction | null {
  if (!detectVercel(r, span)) return null;
  const op = operationId(r);
  const kind = op === undefined ? undefined : vercelKind(op);
  const ex: Extraction = { convention: VERCEL, kind };

  const rawProvider = r.str('ai.model.provider');
  if (rawProvider !== undefined) ex.provider = vercelProvider(rawProvider);
  ex.requestModel = r.str('ai.model.id');
  ex.responseModel = r.str('ai.response.model');
  ex.usage = usage(r, rawProvider, kind === 'embedding');
  ex.finishReason = normalizeFinishReason(r.str('ai.response.finishReason'));

  let ttft = r.num('ai.response.msToFirstChunk') ?? r.num('ai.stream.msToFirstChunk');
  if (ttft === undefined) {
    const first = span.events.find((e) => e.name === 'ai.stream.firstChunk');
    ttft = toNumber(first?.attributes['ai.response.msToFirstChunk'] ?? first?.attributes['ai.stream.msToFirstChunk']);
  }
  if (ttft !== undefined && ttft >= 0) ex.ttftMs = ttft;

  ex.input =
    r.content('ai.prompt.messages') ??
    r.content('ai.prompt') ??
    r.content('ai.toolCall.args') ??
    r.content('ai.toolCall.input') ??
    r.content('ai.values') ??
    r.content('ai.value');
  ex.output =
    r.content('ai.response.text') ??
    r.content('ai.response.object') ??
    r.content('ai.response.toolCalls') ??
    r.content('ai.toolCall.result') ??
    r.content('ai.toolCall.output');

  if (kind === 'embedding' || op === 'ai.embed' || op === 'ai.embedMany') {
    const metadata: Record<string, string> = {};
    const values = r.raw('ai.values');
    const count = Array.isArray(values) ? values.length : r.has('ai.value') ? 1 : undefined;
    if (count !== undefined) metadata['embedding.input_count'] = String(count);
    const embeddings = r.raw('ai.embeddings');
    const first = Array.isArray(embeddings) && typeof embeddings[0] === 'string' ? embeddings[0] : (r.raw('ai.embedding') as string | undefined);
    const dims = jsonArrayLength(typeof first === 'string' ? first : undefined);
    if (dims !== undefined) metadata['embedding.dimensions'] = String(dims);
    ex.metadata = metadata;
  }
  telemetryMetadata(r, ex);
  return ex;
}
