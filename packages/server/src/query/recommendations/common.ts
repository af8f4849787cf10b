import { formatUsd, usdToNano } from '../../domain/money.ts';
import { DAY_MS } from '../../domain/time.ts';
import type { Usage } from '../../domain/span.ts';
import type { ProjectId } from '../../store/project.ts';
import type { SpanFilter } from '../../store/span-reads.ts';
import { QUERY_LIMITS, type AnalyticsQuery, type AnalyticsRow } from '../contract.ts';
import type { Recommendation, RecommendationRange, RecommenderDeps } from './types.ts';

// What the kinds written in this folder share: the analytics query over the range, the usage of a
// group of calls, sample traces, and the arithmetic of "per 30 days".

export const MONTH_DAYS = 30;
export const MAX_SAMPLE_TRACES = 10;

// The token measures, in the order of the usage buckets they fill.
export const USAGE_MEASURES = ['input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens', 'audio_tokens'] as const;

export function rangeMs(range: RecommendationRange): { fromMs: number; toMs: number } {
  return { fromMs: Math.floor(range.fromUs / 1000), toMs: Math.ceil(range.toUs / 1000) };
}

export function rangeDays(range: RecommendationRange): number {
  return Math.max(range.toUs - range.fromUs, 1) / 1000 / DAY_MS;
}

// An amount seen over `days` at the same rate over 30 days.
export function perMonth(nano: number, days: number): number {
  return days > 0 ? Math.round((nano * MONTH_DAYS) / days) : 0;
}

export async function queryRows(
  deps: RecommenderDeps,
  project: ProjectId,
  range: RecommendationRange,
  q: Pick<AnalyticsQuery, 'measures' | 'groupBy'> & Partial<Pick<AnalyticsQuery, 'filters' | 'bucket'>>,
): Promise<AnalyticsRow[]> {
  const result = await deps.analytics.query(project, {
    filters: [],
    ...q,
    ...rangeMs(range),
    limit: QUERY_LIMITS.maxLimit,
    ...(deps.retention ? { retention: deps.retention } : {}),
  });
  return result.rows;
}

export const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
export const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

// The known cost of a row in nano-dollars (analytics answers USD).
export const costNanoOf = (row: AnalyticsRow): number => usdToNano(num(row.cost));

// A row's token buckets averaged over its calls, rounded to whole tokens.
export function averageUsage(row: AnalyticsRow, calls: number): Usage {
  const avg = (m: (typeof USAGE_MEASURES)[number]) => (calls > 0 ? Math.round(num(row[m]) / calls) : 0);
  return {
    input: avg('input_tokens'),
    output: avg('output_tokens'),
    cacheRead: avg('cache_read_tokens'),
    cacheWrite: avg('cache_write_tokens'),
    reasoning: avg('reasoning_tokens'),
    audio: avg('audio_tokens'),
  };
}

// What one call of `usage` costs on `model` at the catalog's (or an override's) prices today;
// null when the model has no price.
export function priceCall(deps: RecommenderDeps, provider: string, model: string, usage: Usage, atUs: number): number | null {
  const cost = deps.pricer.price({ provider, requestModel: model, responseModel: null, usage, startUs: atUs, kind: 'generation' });
  return cost.status === 'priced' ? cost.totalNanoUsd : null;
}

// The newest few traces of the calls a recommendation rests on.
export async function sampleTraceIds(deps: RecommenderDeps, project: ProjectId, range: RecommendationRange, filter: SpanFilter): Promise<string[]> {
  const page = await deps.spans.listSpans(project, { ...filter, ...rangeMs(range) }, { limit: MAX_SAMPLE_TRACES * 3, offset: 0 });
  return [...new Set(page.spans.map((s) => s.traceId))].slice(0, MAX_SAMPLE_TRACES);
}

// A kind lists at most this many, the largest savings: each costs a read for its sample traces.
export const MAX_PER_KIND = 20;

// The largest `MAX_PER_KIND` of a kind's findings, each with its sample traces read.
export async function topWithSamples(
  deps: RecommenderDeps,
  project: ProjectId,
  range: RecommendationRange,
  found: { rec: Recommendation; calls: SpanFilter }[],
): Promise<Recommendation[]> {
  const top = [...found].sort((a, b) => b.rec.monthlySavingsNano - a.rec.monthlySavingsNano || a.rec.id.localeCompare(b.rec.id)).slice(0, MAX_PER_KIND);
  const out: Recommendation[] = [];
  for (const { rec, calls } of top) out.push({ ...rec, evidence: { ...rec.evidence, sampleTraceIds: await sampleTraceIds(deps, project, range, calls) } });
  return out;
}

export const usd = (nano: number): string => formatUsd(nano);
export const count = (n: number): string => Math.round(n).toLocaleString('en-US');
export const idPart = (v: string | null): string => v ?? '(none)';
export const fmtDays = (d: number): string => (Number.isInteger(d) ? String(d) : d.toFixed(2));
