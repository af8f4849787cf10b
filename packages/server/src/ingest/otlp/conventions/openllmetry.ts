import type { SpanKind } from '../../../domain/span.ts';
import type { OtlpSpan } from '../types.ts';
import { toNumber, type AttrReader, type ContentAttributes } from './attributes.ts';
import { documentStats, messagesText, normalizeFinishReason, type ChatMessage } from './content.ts';
import { readGenAiUsageCounts } from './genai.ts';
import { promptIdentity, readPromptVariables } from './prompt.ts';
import type { Extraction, MapOptions, UsageReport } from './types.ts';

// OpenLLMetry / Traceloop (traceloop/openllmetry for Python, traceloop/openllmetry-js), in the
// three generations its semantic-conventions package has had:
//   1. 2023 – Apr 2024 (opentelemetry-semantic-conventions-ai 0.0.x): llm.vendor, llm.request.model,
//      llm.response.model, llm.usage.prompt_tokens / completion_tokens / total_tokens,
//      llm.prompts.N.role/content, llm.completions.N.role/content/finish_reason.
//   2. Apr 2024 – 2025 (0.1–0.4): gen_ai.system, gen_ai.request.model, gen_ai.usage.prompt_tokens /
//      completion_tokens, llm.usage.total_tokens, gen_ai.prompt.N.*, gen_ai.completion.N.*,
//      gen_ai.usage.cache_read_input_tokens / cache_creation_input_tokens (Anthropic, Oct 2024),
//      llm.usage.reasoning_tokens / gen_ai.usage.reasoning_tokens.
//   3. Oct 2025 on (0.5): gen_ai.usage.input_tokens / output_tokens, gen_ai.usage.total_tokens,
//      gen_ai.usage.cache_read.input_tokens / cache_creation.input_tokens.
// Throughout: llm.request.type (chat, completion, embedding, rerank), traceloop.span.kind
// (workflow, task, agent, tool), traceloop.entity.name/input/output,
// traceloop.association.properties.* (user_id, session_id, customer_id and whatever the app sets).
//
// Token buckets. Input includes cached tokens, as the GenAI spec asks, except in one known range:
// @traceloop/instrumentation-anthropic 0.23.0 – 0.27.0 (JS, Mar–Jun 2026) wrote Anthropic's raw
// input_tokens (without cache) next to gen_ai.usage.cache_read.input_tokens and
// cache_creation.input_tokens (fixed in openllmetry-js #1028, after 0.27.0). The Python
// opentelemetry-instrumentation-anthropic has summed input + cache read + cache creation since it
// started reporting cache tokens (openllmetry #2175, Oct 2024). Reasoning tokens (OpenAI
// completion_tokens_details.reasoning_tokens) are inside completion tokens.

export const OPENLLMETRY = 'openllmetry';

const VECTOR_DB_TEXT = String.raw`db\.[a-z0-9_]+(\.[a-z0-9_]+)*\.(query_texts|queries|query|texts|text|documents|document|where_document|where|filter|metadatas|near_text)`;
// The texts a vector-database query searched with, where an instrumentation names them.
const VECTOR_QUERY_TEXT = /^db\.[a-z0-9_]+\.(query|search)\.(query_texts|queries|query|texts)$/;

// Prompt, response and tool text (see ContentAttributes): the indexed message families of every
// generation, the entity input/output of workflows, tasks and tools, and managed prompt templates.
export const CONTENT_ATTRIBUTES: ContentAttributes = {
  names: ['traceloop.entity.input', 'traceloop.entity.output', 'traceloop.prompt.template', 'traceloop.prompt.template_variables'],
  // The SDKs flatten the template variables: traceloop.prompt.template_variables.<name>.
  prefixes: ['gen_ai.prompt.', 'gen_ai.completion.', 'llm.prompts.', 'llm.completions.', 'gen_ai.request.functions.', 'llm.request.functions.', 'traceloop.prompt.template_variables.'],
  // The vector-database instrumentations (Chroma, Pinecone, Qdrant, Milvus, Weaviate, LanceDB,
  // Marqo) write the texts they add, query with and filter by under db.<system>.<operation>.*:
  // db.chroma.query.query_texts, db.chroma.add.documents, db.chroma.get.where_document, ...
  patterns: [VECTOR_DB_TEXT],
};

const TRACELOOP_KINDS: Readonly<Record<string, SpanKind>> = {
  workflow: 'chain',
  task: 'chain',
  agent: 'agent',
  tool: 'tool',
};

const REQUEST_TYPE_KINDS: Readonly<Record<string, SpanKind>> = {
  chat: 'generation',
  completion: 'generation',
  embedding: 'embedding',
  rerank: 'retrieval',
};

function parseVersion(v: string): number[] | null {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(v.trim());
  return m === null ? null : [Number(m[1]), Number(m[2]), Number(m[3])];
}

function versionInRange(version: string, min: string, max: string): boolean {
  const v = parseVersion(version);
  const lo = parseVersion(min);
  const hi = parseVersion(max);
  if (v === null || lo === null || hi === null) return false;
  const cmp = (a: number[], b: number[]) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
  return cmp(v, lo) >= 0 && cmp(v, hi) <= 0;
}

// Emitters known to put input without cached tokens into gen_ai.usage.input_tokens.
export function openLlmetryInputExcludesCache(scopeName: string, scopeVersion: string): boolean {
  return scopeName === '@traceloop/instrumentation-anthropic' && versionInRange(scopeVersion, '0.23.0', '0.27.0');
}

export function detectOpenLlmetry(r: AttrReader, span: OtlpSpan): boolean {
  if (span.scope.name.startsWith('@traceloop/')) return true;
  return (
    r.hasPrefix('traceloop.') ||
    r.hasPrefix('llm.usage.') ||
    r.has('llm.request.type') ||
    r.has('llm.vendor') ||
    r.has('llm.request.model') ||
    r.has('gen_ai.prompt.0.content') ||
    r.has('gen_ai.prompt.0.role') ||
    r.has('gen_ai.completion.0.content') ||
    r.has('llm.prompts.0.content') ||
    r.has('llm.completions.0.content')
  );
}

function indexedMessages(r: AttrReader, prefix: string): { messages: ChatMessage[]; finishReason?: string } {
  const messages: ChatMessage[] = [];
  let finishReason: string | undefined;
  for (const { fields } of r.indexed(prefix)) {
    const msg: ChatMessage = { role: 'user' };
    for (const [field, key] of fields) {
      const v = r.attrs[key];
      if (field === 'role' && typeof v === 'string') msg.role = v;
      else if (field === 'finish_reason') finishReason ??= normalizeFinishReason(v);
      else if (v !== undefined && v !== null && !(v instanceof Uint8Array)) msg[field === '' ? 'content' : field] = v;
    }
    messages.push(msg);
  }
  return { messages, finishReason };
}

function usage(r: AttrReader, span: OtlpSpan): UsageReport | undefined {
  const genai = readGenAiUsageCounts(r);
  const counts = {
    input: genai?.input ?? r.tokens('llm.usage.prompt_tokens'),
    output: genai?.output ?? r.tokens('llm.usage.completion_tokens'),
    cacheRead: genai?.cacheRead ?? r.tokens('llm.usage.cache_read_input_tokens'),
    cacheWrite: genai?.cacheWrite ?? r.tokens('llm.usage.cache_creation_input_tokens'),
    reasoning: genai?.reasoning ?? r.tokens('llm.usage.reasoning_tokens'),
    total: genai?.total ?? r.tokens('llm.usage.total_tokens'),
  };
  if (Object.values(counts).every((v) => v === undefined)) return undefined;
  const excludes = openLlmetryInputExcludesCache(span.scope.name, span.scope.version);
  return { source: OPENLLMETRY, ...counts, inputIncludesCache: excludes ? false : 'auto', outputIncludesReasoning: 'auto' };
}

// Vector-database spans (Pinecone, Chroma, Qdrant, Milvus, ...): db.vector.query.* attributes and
// db.query.result events carry what seed 004 keeps for a retrieval.
function vectorQuery(r: AttrReader, span: OtlpSpan): Record<string, string> | undefined {
  const resultEvents = span.events.filter((e) => e.name === 'db.query.result');
  const isQuery = r.hasPrefix('db.vector.query.') || resultEvents.length > 0;
  if (!isQuery) return undefined;
  const out: Record<string, string> = {};
  const index = r.firstStr('db.collection.name', 'db.vector.table_name');
  if (index !== undefined) out['retrieval.index'] = index;
  const count = r.firstTokens('db.vector.query.result_count', 'db.pinecone.query.result_count') ?? resultEvents.length;
  const scores = resultEvents.map((e) => toNumber(e.attributes['db.query.result.score']));
  const topScore = r.num('db.vector.query.top_score');
  Object.assign(out, documentStats(topScore !== undefined ? [topScore] : scores, count));
  return out;
}

export function extractOpenLlmetry(r: AttrReader, span: OtlpSpan, _opts: MapOptions): Extraction | null {
  const vector = vectorQuery(r, span);
  const queryTextKey = r.hasPrefix('db.') ? r.keys.find((k) => VECTOR_QUERY_TEXT.test(k)) : undefined;
  if (!detectOpenLlmetry(r, span) && vector === undefined && queryTextKey === undefined) return null;
  const ex: Extraction = { convention: OPENLLMETRY };

  const spanKind = r.raw('traceloop.span.kind');
  const requestType = r.raw('llm.request.type');
  ex.kind =
    (typeof spanKind === 'string' ? TRACELOOP_KINDS[spanKind] : undefined) ??
    (typeof requestType === 'string' ? REQUEST_TYPE_KINDS[requestType] : undefined);
  if (vector !== undefined) {
    ex.kindHint = 'retrieval';
    ex.metadata = vector;
  }

  const vendor = r.str('llm.vendor');
  if (vendor !== undefined) ex.provider = vendor.trim().toLowerCase();
  ex.requestModel = r.str('llm.request.model');
  ex.responseModel = r.str('llm.response.model');
  ex.usage = usage(r, span);

  const prompts = indexedMessages(r, 'gen_ai.prompt');
  const legacyPrompts = prompts.messages.length > 0 ? prompts : indexedMessages(r, 'llm.prompts');
  const completions = indexedMessages(r, 'gen_ai.completion');
  const legacyCompletions = completions.messages.length > 0 ? completions : indexedMessages(r, 'llm.completions');
  ex.input = messagesText(legacyPrompts.messages) ?? r.content('traceloop.entity.input') ?? (queryTextKey === undefined ? undefined : r.content(queryTextKey));
  if (queryTextKey !== undefined) ex.kindHint = 'retrieval';
  ex.output = messagesText(legacyCompletions.messages) ?? r.content('traceloop.entity.output');
  ex.finishReason =
    legacyCompletions.finishReason ??
    normalizeFinishReason(
      r.firstStr('gen_ai.response.finish_reason', 'llm.response.finish_reason', 'gen_ai.response.stop_reason', 'llm.response.stop_reason'),
    );
  if (ex.kind === 'embedding' && legacyPrompts.messages.length > 0) {
    ex.metadata = { ...ex.metadata, 'embedding.input_count': String(legacyPrompts.messages.length) };
  }

  const userMetadata: Record<string, string> = {};
  const attribution: Extraction['attribution'] = {};
  const prefix = 'traceloop.association.properties.';
  for (const key of r.withPrefix(prefix)) {
    const value = r.str(key);
    if (value === undefined) continue;
    const name = key.slice(prefix.length);
    const norm = name.toLowerCase().replace(/[_\-.]/g, '');
    if (norm === 'userid') attribution.userId ??= value;
    else if (norm === 'sessionid') attribution.sessionId ??= value;
    else userMetadata[name] = value;
  }
  ex.attribution = attribution;
  ex.userMetadata = userMetadata;
  // A managed prompt (Traceloop's prompt registry): its key and version, the variables it was
  // rendered with and its template.
  ex.prompt = promptIdentity({
    name: r.str('traceloop.prompt.key'),
    version: r.str('traceloop.prompt.version'),
    variables: readPromptVariables(r, 'traceloop.prompt.template_variables'),
    template: r.content('traceloop.prompt.template'),
  });
  return ex;
}
