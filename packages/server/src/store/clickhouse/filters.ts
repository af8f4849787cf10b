import type { ProjectId, SpanFilter } from '../store.ts';
import type { Params } from './client.ts';
import { APPLICATION_SPANS_SQL, listingAsksForEvaluation } from '../evaluation-scope.ts';

// Span filters (SpanFilter) as ClickHouse SQL over the spans table's columns, every value a bound
// parameter. Parameter names start with `f_`, so a caller's own parameters never collide.

const EQ_COLUMNS = {
  traceId: 'trace_id', userId: 'user_id', sessionId: 'session_id', model: 'model', provider: 'provider', feature: 'feature',
  team: 'team', department: 'department', application: 'application', environment: 'environment', status: 'status', kind: 'kind',
  name: 'name', parentSpanId: 'parent_span_id',
} as const;

// The conditions one span can meet (equality, tag, free text), one SQL condition each.
export function spanMatchConditions(f: SpanFilter, params: Params): string[] {
  const out: string[] = [];
  for (const [key, column] of Object.entries(EQ_COLUMNS)) {
    const value = f[key as keyof typeof EQ_COLUMNS];
    if (value === undefined || value === '') continue;
    out.push(`${column} = {f_${key}:String}`);
    params[`f_${key}`] = value;
  }
  if (f.tag) {
    out.push('has(tags, {f_tag:String})');
    params.f_tag = f.tag;
  }
  if (f.rootName !== undefined && f.rootName !== '') {
    out.push('(parent_span_id IS NULL AND name = {f_rootName:String})');
    params.f_rootName = f.rootName;
  }
  // A key the map lacks reads as '': a span without it meets any condition that a value is not there.
  Object.entries(f.metadata ?? {}).forEach(([key, value], i) => {
    out.push(`metadata[{f_mk${i}:String}] = {f_mv${i}:String}`);
    params[`f_mk${i}`] = key;
    params[`f_mv${i}`] = value;
  });
  Object.entries(f.metadataNot ?? {}).forEach(([key, value], i) => {
    out.push(`metadata[{f_nk${i}:String}] != {f_nv${i}:String}`);
    params[`f_nk${i}`] = key;
    params[`f_nv${i}`] = value;
  });
  if (f.q) {
    // Trace and span ids are lower-case hex: an id pasted in capitals still finds them.
    out.push(
      '(trace_id = {f_qid:String} OR span_id = {f_qid:String} OR startsWith(trace_id, {f_qid:String})' +
        ' OR request_id = {f_q:String} OR user_id = {f_q:String} OR session_id = {f_q:String})',
    );
    params.f_q = f.q;
    params.f_qid = f.q.toLowerCase();
  }
  return out;
}

// Bounds on the span's start, half-open; on the sorting key, so they select whole parts of it.
export function timeConditions(f: SpanFilter, params: Params): string[] {
  const out: string[] = [];
  if (f.fromMs !== undefined) {
    out.push("start_time >= fromUnixTimestamp64Micro({f_fromUs:Int64}, 'UTC')");
    params.f_fromUs = Math.trunc(f.fromMs * 1000);
  }
  if (f.toMs !== undefined) {
    out.push("start_time < fromUnixTimestamp64Micro({f_toUs:Int64}, 'UTC')");
    params.f_toUs = Math.trunc(f.toMs * 1000);
  }
  return out;
}

// Cost and duration ranges over any expression in US dollars and milliseconds: a span's own
// columns, or a trace's aggregates.
export function rangeConditions(
  f: SpanFilter,
  params: Params,
  expr: { costUsd: string; durationMs: string } = { costUsd: SPAN_COST_USD, durationMs: 'duration_ms' },
): string[] {
  const out: string[] = [];
  const bound = (column: string, op: string, name: string, value: number | undefined) => {
    if (value === undefined) return;
    out.push(`${column} ${op} {${name}:Float64}`);
    params[name] = value;
  };
  bound(expr.costUsd, '>=', 'f_costMin', f.minCostUsd);
  bound(expr.costUsd, '<=', 'f_costMax', f.maxCostUsd);
  bound(expr.durationMs, '>=', 'f_durationMin', f.minDurationMs);
  bound(expr.durationMs, '<=', 'f_durationMax', f.maxDurationMs);
  return out;
}

// A span's cost in US dollars, compared as DuckDB compares its DECIMAL(18, 9) with a float (an
// unknown cost is NULL, so no range ever holds it).
export const SPAN_COST_USD = 'cost_nano / 1000000000';

// The judge's own spans are listed only when asked for (evaluation-scope.ts).
export function evaluationScope(f: SpanFilter): string[] {
  return listingAsksForEvaluation(f) ? [] : [APPLICATION_SPANS_SQL];
}

// Every condition of the filter on single spans, within one project; `scope` 'every' keeps the
// judge's own spans whatever the filter (the archive).
export function spanFilterSql(project: ProjectId, f: SpanFilter, scope: 'application' | 'every' = 'application'): { where: string; params: Params } {
  const params: Params = { f_project: project };
  const clauses = ['project_id = {f_project:String}', ...timeConditions(f, params), ...spanMatchConditions(f, params), ...rangeConditions(f, params), ...(scope === 'every' ? [] : evaluationScope(f))];
  return { where: clauses.join(' AND '), params };
}
