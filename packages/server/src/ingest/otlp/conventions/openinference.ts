import type { SpanKind } from '../../../domain/span.ts';
import type { OtlpSpan } from '../types.ts';
import { isRecord, safeJson, toNumber, type AttrReader, type ContentAttributes } from './attributes.ts';
import { documentStats, messagesText, normalizeFinishReason, queryMetadata, type ChatMessage } from './content.ts';
import { promptIdentity, readPromptVariables } from './prompt.ts';
import type { Extraction, MapOptions, UsageReport } from './types.ts';

// OpenInference (Arize-ai/openinference, spec/semantic_conventions.md; semantic-conventions
// @arizeai/openinference-semantic-conventions 2.x, openinference-semantic-conventions 0.1.x):
// openinference.span.kind, llm.model_name (+ llm.request.model_name / llm.response.model_name),
// llm.provider, llm.system, llm.token_count.*, llm.input_messages.N.message.*,
// llm.output_messages.N.message.*, input.value / output.value (+ mime types),
// retrieval.documents.N.document.*, embedding.model_name, embedding.embeddings.N.embedding.*,
// reranker.*, session.id, user.id, metadata (JSON string), tag.tags.
//
// Token buckets: llm.token_count.prompt includes the cache details (prompt_details.cache_read is
// "prompt tokens retrieved from cache", i.e. a part of the prompt); completion includes
// completion_details.reasoning. Known exceptions: the Bedrock instrumentations
// (@arizeai/openinference-instrumentation-bedrock 0.4.x for JS, openinference-instrumentation-bedrock
// for Python) copy Bedrock's / Anthropic's raw input count, which excludes cache reads and writes,
// next to prompt_details.cache_read / cache_write. The JS Anthropic instrumentation (0.1.x) sends the
// raw, cache-excluding input_tokens but no cache details, so nothing overlaps there.

export const OPENINFERENCE = 'openinference';

// Prompt, response, tool, document and embedded text (see ContentAttributes).
export const CONTENT_ATTRIBUTES: ContentAttributes = {
  names: ['input.value', 'output.value', 'llm.prompt_template.template', 'llm.prompt_template.variables', 'llm.function_call', 'reranker.query'],
  prefixes: [
    'llm.input_messages.',
    'llm.output_messages.',
    'llm.prompts.',
    'llm.choices.',
    'llm.tools.',
    'retrieval.documents.',
    'reranker.input_documents.',
    'reranker.output_documents.',
    'embedding.embeddings.',
  ],
};

const SPAN_KINDS: Readonly<Record<string, SpanKind>> = {
  LLM: 'generation',
  EMBEDDING: 'embedding',
  RETRIEVER: 'retrieval',
  RERANKER: 'retrieval',
  TOOL: 'tool',
  AGENT: 'agent',
  CHAIN: 'chain',
  GUARDRAIL: 'other',
  EVALUATOR: 'other',
  PROMPT: 'other',
};

const INPUT_EXCLUDES_CACHE_SCOPES = new Set([
  '@arizeai/openinference-instrumentation-bedrock',
  'openinference.instrumentation.bedrock',
]);

export function detectOpenInference(r: AttrReader, span: OtlpSpan): boolean {
  return (
    r.has('openinference.span.kind') ||
    span.scope.name.startsWith('@arizeai/openinference') ||
    span.scope.name.startsWith('openinference.instrumentation') ||
    r.hasPrefix('llm.token_count.') ||
    r.has('llm.model_name') ||
    r.hasPrefix('llm.input_messages.') ||
    r.hasPrefix('retrieval.documents.') ||
    r.has('embedding.model_name')
  );
}

// llm.input_messages.N.message.{role,content,contents.M.message_content.*,tool_calls.K.*}
function messages(r: AttrReader, prefix: string): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const { fields } of r.indexed(prefix)) {
    const msg: ChatMessage = { role: 'user' };
    const parts = new Map<string, Record<string, unknown>>();
    const toolCalls = new Map<string, Record<string, unknown>>();
    for (const [field, key] of fields) {
      const v = r.attrs[key];
      if (v === undefined || v === null || v instanceof Uint8Array) continue;
      const m = /^message\.(contents|tool_calls)\.(\d+)\.(.+)$/.exec(field);
      if (field === 'message.role' && typeof v === 'string') msg.role = v;
      else if (field === 'message.content') msg.content = v;
      else if (m !== null) {
        const bucket = m[1] === 'contents' ? parts : toolCalls;
        const entry = bucket.get(m[2]) ?? {};
        entry[m[3].replace(/^(message_content|tool_call)\./, '')] = v;
        bucket.set(m[2], entry);
      } else if (field.startsWith('message.')) msg[field.slice('message.'.length)] = v;
    }
    if (msg.content === undefined && parts.size > 0) msg.content = [...parts.values()];
    if (toolCalls.size > 0) msg.tool_calls = [...toolCalls.values()];
    out.push(msg);
  }
  return out;
}

function documents(r: AttrReader, prefix: string): Record<string, string> | undefined {
  const docs = r.indexed(prefix);
  if (docs.length === 0) return undefined;
  const scores = docs.map(({ fields }) => {
    const scoreKey = fields.get('document.score');
    return scoreKey === undefined ? undefined : toNumber(r.attrs[scoreKey]);
  });
  return documentStats(scores, docs.length);
}

function embeddings(r: AttrReader): Record<string, string> {
  const entries = r.indexed('embedding.embeddings');
  const out: Record<string, string> = {};
  if (entries.length === 0) return out;
  out['embedding.input_count'] = String(entries.length);
  for (const { fields } of entries) {
    const vectorKey = fields.get('embedding.vector');
    const vector = vectorKey === undefined ? undefined : r.attrs[vectorKey];
    if (Array.isArray(vector) && out['embedding.dimensions'] === undefined) out['embedding.dimensions'] = String(vector.length);
  }
  return out;
}

function usage(r: AttrReader, span: OtlpSpan): UsageReport | undefined {
  const counts = {
    input: r.tokens('llm.token_count.prompt'),
    output: r.tokens('llm.token_count.completion'),
    total: r.tokens('llm.token_count.total'),
    cacheRead: r.tokens('llm.token_count.prompt_details.cache_read'),
    cacheWrite: r.tokens('llm.token_count.prompt_details.cache_write'),
    audio: r.tokens('llm.token_count.prompt_details.audio'),
    reasoning: r.tokens('llm.token_count.completion_details.reasoning'),
  };
  if (Object.values(counts).every((v) => v === undefined)) return undefined;
  const excludes = INPUT_EXCLUDES_CACHE_SCOPES.has(span.scope.name);
  return { source: OPENINFERENCE, ...counts, inputIncludesCache: excludes ? false : 'auto', outputIncludesReasoning: 'auto' };
}

function userMetadata(r: AttrReader): Record<string, string> | undefined {
  const parsed = r.json('metadata');
  if (!isRecord(parsed)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (v === undefined || v === null) continue;
    out[k] = typeof v === 'string' ? v : safeJson(v);
  }
  return out;
}

export function extractOpenInference(r: AttrReader, span: OtlpSpan, opts: MapOptions): Extraction | null {
  if (!detectOpenInference(r, span)) return null;
  const rawKind = r.raw('openinference.span.kind');
  const kind = typeof rawKind === 'string' ? SPAN_KINDS[rawKind.toUpperCase()] : undefined;
  const ex: Extraction = { convention: OPENINFERENCE, kind };

  const provider = r.firstStr('llm.provider', 'llm.system');
  if (provider !== undefined) ex.provider = provider.trim().toLowerCase();
  ex.requestModel = r.firstStr('llm.request.model_name', 'llm.model_name', 'embedding.model_name', 'reranker.model_name');
  ex.responseModel = r.str('llm.response.model_name');
  ex.usage = usage(r, span);
  ex.finishReason = normalizeFinishReason(r.str('llm.finish_reason'));

  const input = messagesText(messages(r, 'llm.input_messages'));
  const output = messagesText(messages(r, 'llm.output_messages'));
  const inputValue = r.content('input.value');
  const outputValue = r.content('output.value');
  ex.input = input ?? inputValue;
  ex.output = output ?? outputValue;

  const metadata: Record<string, string> = {};
  const retrieved = documents(r, 'retrieval.documents') ?? documents(r, 'reranker.output_documents');
  if (retrieved !== undefined) Object.assign(metadata, retrieved);
  if (kind === 'retrieval') {
    const query = r.content('reranker.query') ?? inputValue;
    Object.assign(metadata, queryMetadata(query, opts.captureContent));
  }
  Object.assign(metadata, embeddings(r));
  ex.metadata = metadata;

  const tags = r.strList('tag.tags', true);
  if (tags !== undefined) ex.tags = tags;
  ex.userMetadata = userMetadata(r);
  // using_prompt_template: the template's version, the variables it was filled with and its text
  // (OpenInference names no prompt).
  ex.prompt = promptIdentity({
    version: r.str('llm.prompt_template.version'),
    variables: readPromptVariables(r, 'llm.prompt_template.variables'),
    template: r.content('llm.prompt_template.template'),
  });
  return ex;
}
