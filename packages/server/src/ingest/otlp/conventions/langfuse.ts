import type { SpanKind } from '../../../domain/span.ts';
import type { OtlpSpan } from '../types.ts';
import { isRecord, nanosToMicros, parseJson, safeJson, tokenCount, toNumber, type AttrReader, type ContentAttributes } from './attributes.ts';
import type { Extraction, MapOptions, UsageReport } from './types.ts';

// Langfuse span attributes, as the Langfuse SDKs write them (langfuse-js @langfuse/tracing 4.x–5.x,
// @langfuse/core LangfuseOtelSpanAttributes; Langfuse Python v3): langfuse.observation.type,
// .model.name, .usage_details / .cost_details (JSON), .input / .output, .level, .status_message,
// .completion_start_time, .metadata(.*); langfuse.trace.name / .tags / .metadata(.*) / .input /
// .output; langfuse.user.id and langfuse.session.id (older documented names; newer SDKs write
// user.id / session.id, read in otel.ts); langfuse.environment, langfuse.release, langfuse.version.
//
// Token buckets: usage_details follows Langfuse's own model, in which every key is priced on its
// own (input, output, cache_read_input_tokens, input_cached_tokens, output_reasoning_tokens, ...),
// so the keys do not overlap — except when the SDK passed a provider's usage object through
// unchanged: OpenAI's {prompt_tokens, prompt_tokens_details} or {input_tokens, input_tokens_details},
// whose totals include the details (Langfuse's server subtracts them, and so do we).

export const LANGFUSE = 'langfuse';

// Observation and trace input/output (see ContentAttributes).
export const CONTENT_ATTRIBUTES: ContentAttributes = {
  names: ['langfuse.observation.input', 'langfuse.observation.output', 'langfuse.trace.input', 'langfuse.trace.output'],
  prefixes: [],
};

const OBSERVATION_KINDS: Readonly<Record<string, SpanKind>> = {
  generation: 'generation',
  embedding: 'embedding',
  agent: 'agent',
  tool: 'tool',
  chain: 'chain',
  retriever: 'retrieval',
  evaluator: 'other',
  guardrail: 'other',
  event: 'other',
};

export function detectLangfuse(r: AttrReader): boolean {
  return r.hasPrefix('langfuse.');
}

function classifyUsageKey(key: string): keyof UsageReport | null {
  const k = key.toLowerCase();
  if (k === 'total' || k.includes('total')) return 'total';
  if (k.includes('cache') && /creat|write/.test(k)) return 'cacheWrite';
  if (k.includes('cache') || k.includes('cached')) return 'cacheRead';
  if (k.includes('reasoning') || k.includes('thought')) return 'reasoning';
  if (/^(input|prompt)/.test(k) && k.includes('audio')) return 'audio';
  if (/^(input|prompt)/.test(k)) return 'input';
  if (/^(output|completion)/.test(k)) return 'output';
  return null;
}

export function langfuseUsage(details: unknown): { report?: UsageReport; unmapped: Record<string, string> } {
  const unmapped: Record<string, string> = {};
  if (!isRecord(details)) return { unmapped };
  // A provider's usage object passed through: totals include the details.
  const openAiChat = 'prompt_tokens' in details || 'completion_tokens' in details;
  const openAiResponses = 'input_tokens_details' in details || 'output_tokens_details' in details;
  if (openAiChat || openAiResponses) {
    const inDetails = details[openAiChat ? 'prompt_tokens_details' : 'input_tokens_details'];
    const outDetails = details[openAiChat ? 'completion_tokens_details' : 'output_tokens_details'];
    const report: UsageReport = {
      source: LANGFUSE,
      input: tokenCount(details[openAiChat ? 'prompt_tokens' : 'input_tokens']),
      output: tokenCount(details[openAiChat ? 'completion_tokens' : 'output_tokens']),
      total: tokenCount(details.total_tokens),
      cacheRead: isRecord(inDetails) ? tokenCount(inDetails.cached_tokens) : undefined,
      audio: isRecord(inDetails) ? tokenCount(inDetails.audio_tokens) : undefined,
      reasoning: isRecord(outDetails) ? tokenCount(outDetails.reasoning_tokens) : undefined,
      inputIncludesCache: true,
      outputIncludesReasoning: true,
    };
    return { report, unmapped };
  }
  const sums: Partial<Record<keyof UsageReport, number>> = {};
  for (const [key, value] of Object.entries(details)) {
    const n = tokenCount(value);
    const bucket = classifyUsageKey(key);
    if (n === undefined || bucket === null) {
      unmapped[`usage.${key}`] = typeof value === 'string' ? value : safeJson(value);
      continue;
    }
    sums[bucket] = (sums[bucket] ?? 0) + n;
  }
  if (Object.keys(sums).length === 0) return { unmapped };
  return {
    report: {
      source: LANGFUSE,
      input: sums.input,
      output: sums.output,
      cacheRead: sums.cacheRead,
      cacheWrite: sums.cacheWrite,
      reasoning: sums.reasoning,
      audio: sums.audio,
      total: sums.total,
      inputIncludesCache: false,
      outputIncludesReasoning: false,
    },
    unmapped,
  };
}

function reportedCostUsd(details: unknown): number | undefined {
  if (!isRecord(details)) return undefined;
  const total = toNumber(details.total);
  if (total !== undefined) return total >= 0 ? total : undefined;
  let sum = 0;
  let any = false;
  for (const v of Object.values(details)) {
    const n = toNumber(v);
    if (n !== undefined && n >= 0) {
      sum += n;
      any = true;
    }
  }
  return any ? sum : undefined;
}

// Older SDKs double-encode the timestamp ("\"2025-10-01T08:45:26.112Z\"").
function completionStartMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  let text = value.trim();
  if (text.startsWith('"')) {
    const parsed = parseJson(text);
    if (typeof parsed !== 'string') return undefined;
    text = parsed;
  }
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

function flattenedMetadata(r: AttrReader, prefix: string, into: Record<string, string>): void {
  const whole = r.json(prefix);
  if (isRecord(whole)) {
    for (const [k, v] of Object.entries(whole)) if (v !== undefined && v !== null) into[k] = typeof v === 'string' ? v : safeJson(v);
  }
  for (const key of r.withPrefix(`${prefix}.`)) {
    const v = r.raw(key);
    if (v === undefined) continue;
    r.consume(key);
    into[key.slice(prefix.length + 1)] = typeof v === 'string' ? v : safeJson(v);
  }
}

export function extractLangfuse(r: AttrReader, span: OtlpSpan, _opts: MapOptions): Extraction | null {
  if (!detectLangfuse(r)) return null;
  const type = r.raw('langfuse.observation.type');
  const ex: Extraction = { convention: LANGFUSE, kind: typeof type === 'string' ? OBSERVATION_KINDS[type.toLowerCase()] : undefined };

  const model = r.str('langfuse.observation.model.name');
  if (model !== undefined) {
    ex.requestModel = model;
    ex.responseModel = model; // an explicit choice of the user: it overrides what instrumentation saw
  }

  const metadata: Record<string, string> = {};
  if (r.has('langfuse.observation.usage_details')) {
    const { report, unmapped } = langfuseUsage(r.json('langfuse.observation.usage_details'));
    ex.usage = report;
    Object.assign(metadata, unmapped);
  }
  if (r.has('langfuse.observation.cost_details')) {
    const cost = reportedCostUsd(r.json('langfuse.observation.cost_details'));
    if (cost !== undefined) metadata['cost.reported_usd'] = String(cost);
  }

  const startUs = nanosToMicros(span.startTimeUnixNano);
  const firstMs = completionStartMs(r.raw('langfuse.observation.completion_start_time'));
  if (firstMs !== undefined && startUs !== null && firstMs * 1000 >= startUs) {
    r.consume('langfuse.observation.completion_start_time');
    ex.ttftMs = firstMs - startUs / 1000;
  }

  ex.input = r.content('langfuse.observation.input');
  ex.output = r.content('langfuse.observation.output');

  const level = r.raw('langfuse.observation.level');
  if (typeof level === 'string' && level.toUpperCase() === 'ERROR') {
    r.consume('langfuse.observation.level');
    ex.failed = true;
  }
  ex.errorMessage = r.str('langfuse.observation.status_message');

  ex.attribution = {
    userId: r.str('langfuse.user.id'),
    sessionId: r.str('langfuse.session.id'),
    environment: r.str('langfuse.environment'),
  };
  const tags = r.strList('langfuse.trace.tags', true) ?? r.strList('langfuse.tags', true);
  if (tags !== undefined) ex.tags = tags;

  const userMetadata: Record<string, string> = {};
  flattenedMetadata(r, 'langfuse.trace.metadata', userMetadata);
  flattenedMetadata(r, 'langfuse.metadata', userMetadata);
  flattenedMetadata(r, 'langfuse.observation.metadata', userMetadata);
  ex.userMetadata = userMetadata;
  ex.metadata = metadata;
  return ex;
}
