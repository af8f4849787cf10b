import {
  ATTRIBUTION_KEYS,
  emptyAttribution,
  emptyUsage,
  unpricedCost,
  type Attribution,
  type SpanKind,
  type SpanRecord,
} from '../../../domain/span.ts';
import { PROMPT_METADATA, writePromptIdentity, type PromptIdentity } from '../../../domain/prompt-identity.ts';
import { providerReportedCost } from '../../../enrich/pricing/index.ts';
import { MAX_REPORTED_COST_USD } from '../../api/schema.ts';
import type { Attributes, OtlpSpan } from '../types.ts';
import { AttrReader, ContentClassifier, isRecord, isTextFree, KeyList, nanosToMicros, stringifyAttr, truncate } from './attributes.ts';
import { resolveUsage } from './buckets.ts';
import { boundContent, contentHash } from './content.ts';
import { classifyError, errorTypeName } from './errors.ts';
import { CONTENT_ATTRIBUTES as GENAI_CONTENT, extractGenAi } from './genai.ts';
import { CONTENT_ATTRIBUTES as LANGFUSE_CONTENT, extractLangfuse } from './langfuse.ts';
import { CONTENT_ATTRIBUTES as SEED_004_CONTENT, extractLookout, extractSeed004 } from './lookout.ts';
import { CONTENT_ATTRIBUTES as OPENINFERENCE_CONTENT, extractOpenInference } from './openinference.ts';
import { CONTENT_ATTRIBUTES as OPENLLMETRY_CONTENT, extractOpenLlmetry } from './openllmetry.ts';
import { extractOtel } from './otel.ts';
import { EXTRACTION_FIELDS_FIRST_WINS, type Extraction, type MapOptions } from './types.ts';
import { CONTENT_ATTRIBUTES as VERCEL_CONTENT, extractVercel } from './vercel.ts';

export { attachGenAiEvent, genAiEventName, isGenAiEvent } from './events.ts';
export type { MapOptions } from './types.ts';

// OTLP spans from any common LLM instrumentation to the one record type (A6).
//
// Every convention reads the span on its own (one file each); the results are merged in this
// precedence, first defined value winning field by field:
//   lookout > langfuse > vercel (ai.*) > openinference > openllmetry > genai > seed 004 > otel.
// Explicit beats inferred: Lookout's and Langfuse's attributes are set by the application itself;
// the AI SDK's own attributes know its span tree and its providers' token semantics better than the
// gen_ai.* copies it (or Traceloop's span processor) writes beside them; OpenInference and
// OpenLLMetry are more specific than the GenAI names they share. Usage is taken whole from the first
// convention that reports any (never mixed across conventions: their buckets overlap differently).
// docs/conventions.md has the mapping table.

export const MAX_METADATA_KEYS = 128;
export const MAX_METADATA_KEY_CHARS = 256;
export const MAX_METADATA_VALUE_CHARS = 1024;
export const MAX_TAGS = 64;
export const MAX_TAG_CHARS = 200;
export const MAX_NAME_CHARS = 512;
export const MAX_ATTRIBUTION_CHARS = 512;

// Attribute names that may hold credentials (the AI SDK records request headers the app passed).
const SECRET_KEY = /(^|[._-])(authorization|proxy-authorization|api[_-]?key|x-api-key|secret|password|passwd|cookie|set-cookie|access[_-]?token|refresh[_-]?token|bearer)($|[._-])/i;

const DEFAULT_OPTIONS: MapOptions = { captureContent: false };

// Span metadata: how many attributes were withheld below `full` capture.
export const WITHHELD_KEY = 'lookout.attributes_withheld';
// A reported cost past MAX_REPORTED_COST_USD: not taken as the span's cost, kept for the record.
export const IGNORED_COST_KEY = 'lookout.reported_cost_usd_ignored';
// Span metadata: the conventions that read the span; every span mapped from OTLP has it.
export const CONVENTIONS_KEY = 'lookout.conventions';

// Every attribute any convention declares as prompt/response text, whichever convention the span
// was detected as: a span that carries `input.value` without OpenInference's other marks still
// carries text. Such attributes never become metadata; the content policy drops them from
// metadata and logs that arrive another way.
export const CONTENT = new ContentClassifier([GENAI_CONTENT, OPENLLMETRY_CONTENT, OPENINFERENCE_CONTENT, VERCEL_CONTENT, LANGFUSE_CONTENT, SEED_004_CONTENT]);

// Attributes that name, count or locate things and carry no prompt or response text, whatever
// their value. Below `full` capture, an attribute that no convention maps is kept only if it is
// listed here or its value cannot hold text (numbers, booleans: isTextFree); any other string is
// dropped, because an unknown attribute may be some instrumentation's prompt (privacy fails
// closed). Conventions' own mapped keys and the user's metadata maps never reach this test.
export const NON_CONTENT = new KeyList([
  {
    names: [
      'http.request.method', 'http.method', 'http.response.status_code', 'http.status_code', 'http.route', 'http.scheme',
      'url.scheme', 'server.address', 'server.port', 'network.protocol.name', 'network.protocol.version', 'network.transport',
      'db.system', 'db.system.name', 'db.operation', 'db.operation.name', 'db.collection.name', 'db.namespace', 'db.name',
      'db.vector.table_name', 'messaging.system', 'messaging.operation', 'messaging.operation.name', 'messaging.destination.name',
      'error.type', 'exception.type', 'otel.status_code', 'otel.library.name', 'otel.library.version',
      'gen_ai.system', 'gen_ai.provider.name', 'gen_ai.operation.name', 'gen_ai.request.model', 'gen_ai.response.model',
      'gen_ai.response.id', 'gen_ai.response.finish_reasons', 'gen_ai.output.type', 'gen_ai.request.encoding_formats',
      'gen_ai.agent.id', 'gen_ai.agent.name', 'gen_ai.conversation.id', 'gen_ai.data_source.id', 'gen_ai.tool.name',
      'gen_ai.tool.call.id', 'gen_ai.tool.type', 'gen_ai.openai.api_base', 'gen_ai.openai.api_type', 'gen_ai.openai.api_version',
      'gen_ai.openai.response.service_tier', 'gen_ai.openai.request.service_tier', 'gen_ai.openai.response.system_fingerprint',
      'gen_ai.evaluation.name', 'gen_ai.evaluation.score.label',
      'llm.request.type', 'llm.vendor', 'llm.system', 'llm.provider', 'llm.model_name', 'llm.request.model', 'llm.response.model',
      'llm.is_streaming', 'openinference.span.kind', 'traceloop.span.kind', 'traceloop.entity.name',
      'traceloop.entity.path', 'traceloop.entity.version', 'traceloop.workflow.name', 'traceloop.prompt.key', 'traceloop.prompt.version',
      'traceloop.prompt.managed', 'traceloop.prompt.version_name', 'traceloop.prompt.version_hash', 'llm.prompt_template.version',
      'ai.operationId', 'ai.model.id', 'ai.model.provider', 'ai.telemetry.functionId', 'ai.response.finishReason', 'ai.response.id',
      'ai.response.model', 'ai.toolCall.name', 'ai.toolCall.id', 'ai.settings.mode', 'ai.schema.name',
      'langfuse.observation.type', 'langfuse.observation.level', 'langfuse.observation.model.name', 'langfuse.trace.name',
      'langfuse.version', 'langfuse.release', 'langfuse.environment', 'langfuse.observation_type', 'langfuse.level',
      'langfuse.prompt_name', 'langfuse.prompt_version', 'langfuse.public', 'langfuse.experiment.id', 'langfuse.experiment.name',
      'langfuse.experiment.dataset.id', 'langfuse.experiment.item.id', 'langfuse.experiment.item.root_observation_id',
      'user.id', 'enduser.id', 'session.id', 'thread.name', 'event.name', 'log.iostream', 'code.function', 'code.function.name', 'code.namespace',
      'code.filepath', 'code.file.path',
      // What the conventions and the mapping derive themselves (never text the user wrote).
      'retrieval.index', 'retrieval.result_count', 'retrieval.top_score', 'retrieval.query_hash', 'embedding.model',
      'embedding.dimensions', 'embedding.input_count', 'embedding.truncated', 'cost.reported_usd', CONVENTIONS_KEY,
      // An application's cache span (seed 004): the operation's name and whether it hit.
      'cache.operation', 'cache.hit',
      // The prompt a call was made from, as every path stores it (domain/prompt-identity.ts).
      PROMPT_METADATA.name, PROMPT_METADATA.version, PROMPT_METADATA.variant,
      'lookout.metadata_dropped', WITHHELD_KEY, 'lookout.mapping_error',
    ],
    prefixes: [
      'service.', 'telemetry.', 'rpc.', 'otel.scope.', 'deployment.', 'host.', 'os.', 'process.runtime.', 'cloud.', 'k8s.',
      'faas.', 'lookout.usage.',
    ],
  },
]);

// Whether an attribute no convention mapped is kept in metadata below `full` capture.
export function keptBelowFull(key: string, value: Attributes[string] | undefined): boolean {
  return !CONTENT.isContent(key) && (NON_CONTENT.has(key) || isTextFree(value));
}

type FirstWinsField = (typeof EXTRACTION_FIELDS_FIRST_WINS)[number];

function first<K extends FirstWinsField>(exs: Extraction[], field: K): Extraction[K] | undefined {
  for (const ex of exs) {
    const v = ex[field];
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return undefined;
}

function boundedAttribution(v: string | null | undefined): string | null {
  if (v === undefined || v === null) return null;
  const t = v.trim();
  return t === '' ? null : t.slice(0, MAX_ATTRIBUTION_CHARS);
}

class MetadataBuilder {
  readonly map: Record<string, string> = {};
  count = 0;
  dropped = 0;

  add(key: string, value: string): void {
    if (Object.hasOwn(this.map, key)) return;
    if (this.count >= MAX_METADATA_KEYS || key.length > MAX_METADATA_KEY_CHARS) {
      this.dropped++;
      return;
    }
    this.map[key] = truncate(value, MAX_METADATA_VALUE_CHARS);
    this.count++;
  }

  addAll(m: Record<string, string> | undefined): void {
    if (m === undefined) return;
    for (const [k, v] of Object.entries(m)) this.add(k, v);
  }
}

function mergeAttribution(exs: Extraction[]): Attribution {
  const out = emptyAttribution();
  for (const key of ATTRIBUTION_KEYS) {
    for (const ex of exs) {
      const v = boundedAttribution(ex.attribution?.[key]);
      if (v !== null) {
        out[key] = v;
        break;
      }
    }
  }
  // Last resorts: a dimension named in the metadata the app attached, then the resource defaults.
  for (const key of ['feature', 'team', 'department', 'application', 'environment'] as const) {
    if (out[key] !== null) continue;
    for (const ex of exs) {
      const v = boundedAttribution(ex.userMetadata?.[key]);
      if (v !== null) {
        out[key] = v;
        break;
      }
    }
  }
  for (const key of ATTRIBUTION_KEYS) {
    if (out[key] !== null) continue;
    for (const ex of exs) {
      const v = boundedAttribution(ex.attributionDefaults?.[key]);
      if (v !== null) {
        out[key] = v;
        break;
      }
    }
  }
  return out;
}

function mergeTags(exs: Extraction[]): string[] {
  const seen = new Set<string>();
  for (const ex of exs) {
    for (const tag of ex.tags ?? []) {
      if (seen.size >= MAX_TAGS) break;
      const t = tag.trim().slice(0, MAX_TAG_CHARS);
      if (t !== '') seen.add(t);
    }
  }
  return [...seen];
}

// The prompt identity, field by field from the first convention that names it.
function mergePrompt(exs: Extraction[]): PromptIdentity {
  const out: PromptIdentity = {};
  for (const field of ['name', 'version', 'variant', 'variables', 'template'] as const) {
    for (const ex of exs) {
      const v = ex.prompt?.[field];
      if (v === undefined) continue;
      (out as Record<string, unknown>)[field] = v;
      break;
    }
  }
  return out;
}

function inferKind(exs: Extraction[], hasModel: boolean, hasUsage: boolean): SpanKind {
  for (const ex of exs) if (ex.kind !== undefined) return ex.kind;
  for (const ex of exs) if (ex.kindHint !== undefined) return ex.kindHint;
  // A span with a model and token counts but no declared operation is a model call.
  return hasModel && hasUsage ? 'generation' : 'other';
}

function mapSpan(span: OtlpSpan, projectId: string, opts: MapOptions): SpanRecord {
  const attrs = isRecord(span.attributes) ? span.attributes : {};
  const resourceAttrs = isRecord(span.resource?.attributes) ? span.resource.attributes : {};
  const safeSpan: OtlpSpan = {
    ...span,
    attributes: attrs,
    events: Array.isArray(span.events) ? span.events.filter((e) => isRecord(e) && isRecord(e.attributes)) : [],
    scope: {
      name: typeof span.scope?.name === 'string' ? span.scope.name : '',
      version: typeof span.scope?.version === 'string' ? span.scope.version : '',
      attributes: {},
    },
    status: isRecord(span.status) ? span.status : { code: 0, message: '' },
  };
  const r = new AttrReader(attrs);
  const resource = new AttrReader(resourceAttrs);

  const exs = [
    extractLookout(r, resource, safeSpan, opts),
    extractLangfuse(r, safeSpan, opts),
    extractVercel(r, safeSpan, opts),
    extractOpenInference(r, safeSpan, opts),
    extractOpenLlmetry(r, safeSpan, opts),
    extractGenAi(r, safeSpan, opts),
    extractSeed004(r, safeSpan, opts),
    extractOtel(r, resource, safeSpan, opts),
  ].filter((e): e is Extraction => e !== null);

  const provider = first(exs, 'provider') ?? null;
  const requestModel = first(exs, 'requestModel') ?? null;
  const responseModel = first(exs, 'responseModel') ?? null;
  const report = exs.find((e) => e.usage !== undefined)?.usage;
  const kind = inferKind(exs, requestModel !== null || responseModel !== null, report !== undefined);
  const resolved = resolveUsage(report, kind, safeSpan.kind);

  const startUs = nanosToMicros(safeSpan.startTimeUnixNano) ?? 0;
  const endRaw = nanosToMicros(safeSpan.endTimeUnixNano);
  const endUs = endRaw === null || endRaw < startUs ? startUs : endRaw;

  const finishReason = first(exs, 'finishReason') ?? null;
  const errorType = first(exs, 'errorType');
  const statusCode = typeof safeSpan.status.code === 'number' ? safeSpan.status.code : 0;
  const outcome = classifyError({
    otlpStatusCode: statusCode,
    // error.type is set only when the operation failed (semconv), unless the status says OK.
    failed: exs.some((e) => e.failed === true) || (errorType !== undefined && statusCode !== 1),
    httpStatus: first(exs, 'httpStatus'),
    errorType,
    exceptionType: first(exs, 'exceptionType'),
    exceptionMessage: first(exs, 'exceptionMessage'),
    statusMessage: (typeof safeSpan.status.message === 'string' && safeSpan.status.message) || first(exs, 'errorMessage'),
    finishReason,
  });

  const ttft = first(exs, 'ttftMs');
  const reported = first(exs, 'reportedCostUsd');
  // Bounded as the native API bounds it; a value past the bound is kept only as metadata.
  const reportedUsd = reported !== undefined && reported >= 0 && reported <= MAX_REPORTED_COST_USD ? reported : undefined;
  const input = first(exs, 'input') ?? null;
  const output = first(exs, 'output') ?? null;

  const metadata = new MetadataBuilder();
  metadata.add(CONVENTIONS_KEY, exs.map((e) => e.convention).join(','));
  if (safeSpan.scope.name !== '') metadata.add('otel.scope.name', safeSpan.scope.name);
  if (safeSpan.scope.version !== '') metadata.add('otel.scope.version', safeSpan.scope.version);
  metadata.addAll(resolved.metadata);
  for (const ex of exs) metadata.addAll(ex.metadata);
  for (const ex of exs) metadata.addAll(ex.userMetadata);
  let withheld = 0;
  for (const key of r.keys) {
    if (r.sensitive.has(key) || CONTENT.isContent(key) || r.consumed.has(key) || SECRET_KEY.test(key)) continue;
    const v = attrs[key];
    if (v === undefined) continue;
    if (!opts.captureContent && !keptBelowFull(key, v)) {
      withheld++;
      continue;
    }
    metadata.add(key, stringifyAttr(v));
  }
  // Over any user metadata under the same keys; the variables and template only with full capture.
  writePromptIdentity(metadata.map, mergePrompt(exs), opts.captureContent);
  if (reported !== undefined && reportedUsd === undefined) metadata.map[IGNORED_COST_KEY] = String(reported);
  if (metadata.dropped > 0) metadata.map['lookout.metadata_dropped'] = String(metadata.dropped);
  // How many, never which: a name can be as telling as its value.
  if (withheld > 0) {
    metadata.map[WITHHELD_KEY] = String(withheld);
    opts.onWithheld?.(withheld);
  }

  return {
    projectId,
    traceId: String(safeSpan.traceId ?? '').toLowerCase(),
    spanId: String(safeSpan.spanId ?? '').toLowerCase(),
    parentSpanId: typeof safeSpan.parentSpanId === 'string' && safeSpan.parentSpanId !== '' ? safeSpan.parentSpanId.toLowerCase() : null,
    name: truncate(typeof safeSpan.name === 'string' && safeSpan.name !== '' ? safeSpan.name : kind, MAX_NAME_CHARS),
    kind,
    startUs,
    endUs,
    provider,
    requestModel,
    responseModel,
    usage: resolved.usage,
    cost: reportedUsd === undefined ? unpricedCost() : providerReportedCost(reportedUsd),
    status: outcome.status,
    errorClass: outcome.errorClass,
    // Below full the message may quote the prompt (a validation error, a tool's exception): only
    // the error's type name is kept, and the content policy checks even that (errorTypeName).
    errorMessage: opts.captureContent || outcome.errorMessage === null ? outcome.errorMessage : errorTypeName(errorType ?? first(exs, 'exceptionType')),
    finishReason,
    ttftMs: ttft !== undefined && Number.isFinite(ttft) && ttft >= 0 ? Math.round(ttft * 1000) / 1000 : null,
    attribution: mergeAttribution(exs),
    tags: mergeTags(exs),
    metadata: metadata.map,
    content: opts.captureContent && (input !== null || output !== null)
      ? { input: input === null ? null : boundContent(input), output: output === null ? null : boundContent(output) }
      : null,
    promptHash: contentHash(input),
    responseHash: contentHash(output),
    requestId: first(exs, 'requestId') ?? null,
  };
}

// The record for a span no convention could read (a bug here, not bad input): ids and times are
// kept so the trace still shows the span, and the failure is visible in its metadata.
function fallbackRecord(span: OtlpSpan, projectId: string, err: unknown): SpanRecord {
  const startUs = nanosToMicros(span?.startTimeUnixNano) ?? 0;
  const endUs = Math.max(startUs, nanosToMicros(span?.endTimeUnixNano) ?? startUs);
  return {
    projectId,
    traceId: String(span?.traceId ?? ''),
    spanId: String(span?.spanId ?? ''),
    parentSpanId: typeof span?.parentSpanId === 'string' ? span.parentSpanId : null,
    name: typeof span?.name === 'string' ? truncate(span.name, MAX_NAME_CHARS) : 'other',
    kind: 'other',
    startUs,
    endUs,
    provider: null,
    requestModel: null,
    responseModel: null,
    usage: emptyUsage(),
    cost: unpricedCost(),
    status: span?.status?.code === 2 ? 'error' : 'ok',
    errorClass: span?.status?.code === 2 ? 'other' : null,
    errorMessage: null,
    finishReason: null,
    ttftMs: null,
    attribution: emptyAttribution(),
    tags: [],
    metadata: { 'lookout.mapping_error': truncate(err instanceof Error ? err.message : String(err), MAX_METADATA_VALUE_CHARS) },
    content: null,
    promptHash: null,
    responseHash: null,
    requestId: null,
  };
}

export function mapOtlpSpan(span: OtlpSpan, projectId: string, options: MapOptions = DEFAULT_OPTIONS): SpanRecord {
  try {
    return mapSpan(span, projectId, options);
  } catch (err) {
    return fallbackRecord(span, projectId, err);
  }
}
