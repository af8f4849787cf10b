import type { ProjectId, ScoreFilter, SpanFilter } from '../store.ts';
import { APPLICATION_SPANS_SQL, listingAsksForEvaluation } from '../evaluation-scope.ts';

// A span filter (the span list's, the trace list's, an export's) as SQL over bound parameters.

const EQ_COLUMNS = {
  traceId: 'trace_id', userId: 'user_id', sessionId: 'session_id', model: 'model', provider: 'provider', feature: 'feature',
  team: 'team', department: 'department', application: 'application', environment: 'environment', status: 'status', kind: 'kind',
  name: 'name', parentSpanId: 'parent_span_id',
} as const;

// The conditions one span can meet (equality, tag, free text), each as SQL over bound parameters.
export function spanMatchSql(f: SpanFilter, params: Record<string, string | number>): string[] {
  const out: string[] = [];
  for (const [key, column] of Object.entries(EQ_COLUMNS)) {
    const value = f[key as keyof typeof EQ_COLUMNS];
    if (value === undefined || value === '') continue;
    out.push(`${column} = $f_${key}`);
    params[`f_${key}`] = value;
  }
  if (f.tag) {
    out.push('list_contains(tags, $f_tag)');
    params.f_tag = f.tag;
  }
  if (f.rootName !== undefined && f.rootName !== '') {
    out.push('(parent_span_id IS NULL AND name = $f_rootName)');
    params.f_rootName = f.rootName;
  }
  Object.entries(f.metadata ?? {}).forEach(([key, value], i) => {
    out.push(`metadata[$f_mk${i}] = $f_mv${i}`);
    params[`f_mk${i}`] = key;
    params[`f_mv${i}`] = value;
  });
  Object.entries(f.metadataNot ?? {}).forEach(([key, value], i) => {
    out.push(`metadata[$f_nk${i}] IS DISTINCT FROM $f_nv${i}`);
    params[`f_nk${i}`] = key;
    params[`f_nv${i}`] = value;
  });
  if (f.q) {
    const id = f.q.toLowerCase();
    out.push(`(trace_id = $f_qid OR span_id = $f_qid OR starts_with(trace_id, $f_qid) OR request_id = $f_q OR user_id = $f_q OR session_id = $f_q)`);
    params.f_q = f.q;
    params.f_qid = id;
  }
  return out;
}

export function rangeSql(column: string, min: number | undefined, max: number | undefined, name: string, params: Record<string, string | number>): string[] {
  const out: string[] = [];
  if (min !== undefined) {
    out.push(`${column} >= $${name}Min`);
    params[`${name}Min`] = min;
  }
  if (max !== undefined) {
    out.push(`${column} <= $${name}Max`);
    params[`${name}Max`] = max;
  }
  return out;
}

export function timeSql(f: SpanFilter, params: Record<string, string | number>): string[] {
  const out: string[] = [];
  if (f.fromMs !== undefined) {
    out.push('start_time >= make_timestamp($fromUs)');
    params.fromUs = Math.trunc(f.fromMs * 1000);
  }
  if (f.toMs !== undefined) {
    out.push('start_time < make_timestamp($toUs)');
    params.toUs = Math.trunc(f.toMs * 1000);
  }
  return out;
}

// `scope` 'every' keeps the judge's own spans whatever the filter (the archive).
export function spanFilterSql(project: ProjectId, f: SpanFilter, scope: 'application' | 'every' = 'application'): { where: string; params: Record<string, string | number> } {
  const params: Record<string, string | number> = { project };
  const clauses = [
    'project_id = $project',
    ...timeSql(f, params),
    ...spanMatchSql(f, params),
    ...rangeSql('cost_usd', f.minCostUsd, f.maxCostUsd, 'cost', params),
    ...rangeSql('duration_ms', f.minDurationMs, f.maxDurationMs, 'duration', params),
    ...(scope === 'every' || listingAsksForEvaluation(f) ? [] : [APPLICATION_SPANS_SQL]),
  ];
  return { where: clauses.join(' AND '), params };
}

// A score filter: the listing's and its count's conditions.
export function scoreFilterSql(project: ProjectId, f: ScoreFilter): { where: string; params: Record<string, string | number> } {
  const params: Record<string, string | number> = { project };
  const clauses = ['project_id = $project'];
  for (const [key, column] of [['traceId', 'trace_id'], ['name', 'name'], ['dataType', 'data_type']] as const) {
    const value = f[key];
    if (value === undefined || value === '') continue;
    clauses.push(`${column} = $f_${key}`);
    params[`f_${key}`] = value;
  }
  if (f.fromMs !== undefined) {
    clauses.push('timestamp >= make_timestamp($fromUs)');
    params.fromUs = Math.trunc(f.fromMs * 1000);
  }
  if (f.toMs !== undefined) {
    clauses.push('timestamp < make_timestamp($toUs)');
    params.toUs = Math.trunc(f.toMs * 1000);
  }
  return { where: clauses.join(' AND '), params };
}
