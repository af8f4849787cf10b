import type { SpanKind } from '../../../domain/span.ts';
import type { AttrValue, OtlpSpan } from '../types.ts';
import { isRecord, isTextFree, nanosToMicros, parseJson, safeJson, tokenCount, toNumber, type AttrReader, type ContentAttributes } from './attributes.ts';
import { promptIdentity } from './prompt.ts';
import type { Extraction, MapOptions, UsageReport } from './types.ts';

// Langfuse span attributes, as the Langfuse SDKs write them (langfuse-js @langfuse/tracing 4.x–5.x,
// @langfuse/core LangfuseOtelSpanAttributes; Langfuse Python v3): langfuse.observation.type,
// .model.name, .usage_details / .cost_details (JSON), .input / .output, .level, .status_message,
// .completion_start_time, .metadata(.*), .model.parameters, .prompt.name / .version;
// langfuse.trace.name / .tags / .metadata(.*) / .input / .output / .public; langfuse.user.id and
// langfuse.session.id (older documented names; newer SDKs write user.id / session.id, read in
// otel.ts); langfuse.environment, langfuse.release, langfuse.version.
//
// What has no field of the record is kept in metadata under the names the Langfuse ingestion
// endpoint stores too (ingest/langfuse/map.ts), so a span reads the same whichever SDK sent it:
// langfuse.observation_type, langfuse.level, langfuse.status_message, langfuse.prompt_name,
// langfuse.prompt_version, langfuse.model_parameters.<key>, langfuse.public.
//
// cost_details is the caller's own cost (Langfuse's SDKs pass through what the provider billed):
// stored as provider_reported, as the native API's costUsd is, instead of priced from the catalog.
//
// Token buckets: usage_details follows Langfuse's own model, in which every key is priced on its
// own (input, output, cache_read_input_tokens, input_cached_tokens, output_reasoning_tokens, ...),
// so the keys do not overlap — except when the SDK passed a provider's usage object through
// unchanged: OpenAI's {prompt_tokens, prompt_tokens_details} or {input_tokens, input_tokens_details},
// whose totals include the details (Langfuse's server subtracts them, and so do we).

export const LANGFUSE = 'langfuse';

// Observation and trace input/output (see ContentAttributes).
export const CONTENT_ATTRIBUTES: ContentAttributes = {
  // A status message (also as stored by the ingestion endpoint) may quote the prompt.
  names: ['langfuse.observation.input', 'langfuse.observation.output', 'langfuse.trace.input', 'langfuse.trace.output', 'langfuse.observation.status_message', 'langfuse.status_message'],
  prefixes: [],
};

// Langfuse observation types, lowercased (the v3 ingestion API sends SPAN, GENERATION, EVENT and,
// from newer SDKs, the rest), as Lookout's span kinds.
export const OBSERVATION_KINDS: Readonly<Record<string, SpanKind>> = {
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

// USD: the `total` key, else the sum of the others. Undefined when nothing in it is a cost.
export function reportedCostUsd(details: unknown): number | undefined {
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

// Model parameters are settings (temperature, max_tokens), but a string among them may be a stop
// sequence or a schema: below full capture only values that cannot hold text are kept, as for
// attributes no convention knows (and as a later purge to a lower capture mode keeps them).
function modelParameters(r: AttrReader, opts: MapOptions, into: Record<string, string>): void {
  const params = r.json('langfuse.observation.model.parameters');
  if (!isRecord(params)) return;
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null) continue;
    if (opts.captureContent || isTextFree(v as AttrValue)) into[`langfuse.model_parameters.${k}`] = typeof v === 'string' ? v : safeJson(v);
  }
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

// The user's metadata: a JSON object or flattened `<prefix>.<key>` attributes, as its own keys;
// anything else the SDK serialized whole (a list, a string) under the attribute's name.
function flattenedMetadata(r: AttrReader, prefix: string, into: Record<string, string>): void {
  const sent = r.raw(prefix);
  const whole = r.json(prefix);
  if (isRecord(whole)) {
    for (const [k, v] of Object.entries(whole)) if (v !== undefined && v !== null) into[k] = typeof v === 'string' ? v : safeJson(v);
  } else if (sent !== undefined) {
    r.consume(prefix);
    into[prefix] = typeof sent === 'string' ? sent : safeJson(sent);
  }
  for (const key of r.withPrefix(`${prefix}.`)) {
    const v = r.raw(key);
    if (v === undefined) continue;
    r.consume(key);
    into[key.slice(prefix.length + 1)] = typeof v === 'string' ? v : safeJson(v);
  }
}

export function extractLangfuse(r: AttrReader, span: OtlpSpan, opts: MapOptions): Extraction | null {
  if (!detectLangfuse(r)) return null;
  const metadata: Record<string, string> = {};
  const type = r.str('langfuse.observation.type')?.toLowerCase();
  const ex: Extraction = { convention: LANGFUSE, kind: type === undefined ? undefined : OBSERVATION_KINDS[type] };
  if (type !== undefined) metadata['langfuse.observation_type'] = type;

  const model = r.str('langfuse.observation.model.name');
  if (model !== undefined) {
    ex.requestModel = model;
    ex.responseModel = model; // an explicit choice of the user: it overrides what instrumentation saw
  }
  modelParameters(r, opts, metadata);

  if (r.has('langfuse.observation.usage_details')) {
    const { report, unmapped } = langfuseUsage(r.json('langfuse.observation.usage_details'));
    ex.usage = report;
    Object.assign(metadata, unmapped);
  }
  ex.reportedCostUsd = reportedCostUsd(r.json('langfuse.observation.cost_details'));

  const startUs = nanosToMicros(span.startTimeUnixNano);
  const firstMs = completionStartMs(r.raw('langfuse.observation.completion_start_time'));
  if (firstMs !== undefined && startUs !== null && firstMs * 1000 >= startUs) {
    r.consume('langfuse.observation.completion_start_time');
    ex.ttftMs = firstMs - startUs / 1000;
  }

  // Trace input/output (setTraceIO) stand in for the span's own when it has none: in Lookout a
  // trace's input and output are its spans'.
  const observationInput = r.content('langfuse.observation.input');
  const observationOutput = r.content('langfuse.observation.output');
  const traceInput = r.content('langfuse.trace.input');
  const traceOutput = r.content('langfuse.trace.output');
  ex.input = observationInput ?? traceInput;
  ex.output = observationOutput ?? traceOutput;

  const level = r.str('langfuse.observation.level')?.toUpperCase();
  if (level !== undefined) metadata['langfuse.level'] = level;
  if (level === 'ERROR') ex.failed = true;
  // The error message of a failed span; of any other (a WARNING's reason) kept in metadata, with
  // full capture only: words may quote the prompt.
  const statusMessage = r.str('langfuse.observation.status_message');
  ex.errorMessage = statusMessage;
  if (statusMessage !== undefined && level !== 'ERROR' && opts.captureContent) metadata['langfuse.status_message'] = statusMessage;

  const promptName = r.str('langfuse.observation.prompt.name');
  if (promptName !== undefined) metadata['langfuse.prompt_name'] = promptName;
  const promptVersion = r.str('langfuse.observation.prompt.version');
  if (promptVersion !== undefined) metadata['langfuse.prompt_version'] = promptVersion;
  ex.prompt = promptIdentity({ name: promptName, version: promptVersion });
  const isPublic = r.bool('langfuse.trace.public');
  if (isPublic !== undefined) metadata['langfuse.public'] = String(isPublic);

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
