import { createHash, randomBytes } from 'node:crypto';
import { emptyUsage, unpricedCost, type SpanKind, type SpanRecord } from '../../domain/span.ts';
import type { LogRecord, ScoreRecord } from '../../domain/score.ts';
import { writePromptIdentity } from '../../domain/prompt-identity.ts';
import { normalizeUsage } from '../../domain/usage.ts';
import { providerReportedCost } from '../../enrich/pricing/index.ts';
import { contentHash } from '../content-hash.ts';
import type { GenerationItem, LogItem, ScoreItem, SpanItem } from './schema.ts';

// Native API items to the one record type. Ids the caller left out are derived from the event
// id when there is one, so a retried batch maps to the same span and is de-duplicated.

function derivedHex(seed: string | undefined, label: string, bytes: number): string {
  if (seed === undefined) return randomBytes(bytes).toString('hex');
  return createHash('sha256').update(`${label}\u0000${seed}`).digest('hex').slice(0, bytes * 2);
}

export { contentHash };

function toStringMap(m: Record<string, string | number | boolean>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) out[k] = String(v);
  return out;
}

// The caller's metadata, and the prompt identity over it; the content policy drops the variables
// again below full capture.
function spanMetadata(item: GenerationItem | SpanItem): Record<string, string> {
  const metadata = toStringMap(item.metadata);
  if (item.prompt) writePromptIdentity(metadata, item.prompt, true);
  return metadata;
}

export function spanFromItem(item: GenerationItem | SpanItem, projectId: string): SpanRecord {
  const kind: SpanKind = item.type === 'generation' ? 'generation' : item.kind;
  const startUs = Math.round(item.startTime * 1000);
  const endUs =
    item.endTime !== undefined ? Math.round(item.endTime * 1000) : startUs + Math.round((item.durationMs ?? 0) * 1000);
  const provider = item.provider ?? null;
  const usage = item.usage ? normalizeUsage(item.usage, provider) : emptyUsage();
  const input = item.input ?? null;
  const output = item.output ?? null;
  return {
    projectId,
    traceId: item.traceId ?? derivedHex(item.id, 'trace', 16),
    spanId: item.spanId ?? derivedHex(item.id, 'span', 8),
    parentSpanId: item.parentSpanId ?? null,
    name: item.name ?? (item.model ? `${kind} ${item.model}` : kind),
    kind,
    startUs,
    endUs,
    provider,
    requestModel: item.model ?? null,
    responseModel: item.responseModel ?? null,
    usage,
    cost: item.costUsd !== undefined && item.costUsd !== null ? providerReportedCost(item.costUsd) : unpricedCost(),
    status: item.status,
    errorClass: item.status === 'error' ? (item.errorClass ?? 'other') : (item.errorClass ?? null),
    errorMessage: item.errorMessage ?? null,
    finishReason: item.finishReason ?? null,
    ttftMs: item.ttftMs ?? null,
    attribution: {
      userId: item.userId ?? null,
      sessionId: item.sessionId ?? null,
      feature: item.feature ?? null,
      team: item.team ?? null,
      department: item.department ?? null,
      application: item.application ?? null,
      environment: item.environment ?? null,
    },
    tags: item.tags,
    metadata: spanMetadata(item),
    content: input === null && output === null ? null : { input, output },
    promptHash: contentHash(input),
    responseHash: contentHash(output),
    requestId: item.requestId ?? null,
  };
}

export function scoreFromItem(item: ScoreItem, projectId: string, nowMs: number): ScoreRecord {
  const value = item.value;
  const dataType = item.dataType ?? (typeof value === 'number' ? 'numeric' : typeof value === 'boolean' ? 'boolean' : 'categorical');
  let numericValue: number | null = null;
  let stringValue: string | null = null;
  if (typeof value === 'boolean') {
    numericValue = value ? 1 : 0;
    stringValue = String(value);
  } else if (typeof value === 'number') {
    numericValue = value;
  } else {
    stringValue = value;
  }
  return {
    projectId,
    id: item.id,
    traceId: item.traceId,
    spanId: item.spanId ?? null,
    name: item.name,
    dataType,
    numericValue,
    stringValue,
    comment: item.comment ?? null,
    source: item.source,
    timestampUs: Math.round((item.timestamp ?? nowMs) * 1000),
    userId: item.userId ?? null,
    // Filled from the scored trace's spans (enrich/quality/score-context.ts, and on load).
    feature: null,
    model: null,
    application: null,
    metadata: toStringMap(item.metadata),
  };
}

export function logFromItem(item: LogItem, projectId: string, nowMs: number): LogRecord {
  return {
    projectId,
    id: item.id,
    traceId: item.traceId ?? null,
    spanId: item.spanId ?? null,
    timestampUs: Math.round((item.timestamp ?? nowMs) * 1000),
    severity: item.severity,
    body: item.body,
    attributes: toStringMap(item.attributes),
  };
}
