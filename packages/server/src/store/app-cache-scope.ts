import { QUALITY_METADATA } from '../domain/quality.ts';
import { isAppCacheMeasure } from '../domain/measures.ts';
import type { Measure } from '../query/contract.ts';

// C6: the spans application cache measures count: the lookups the chain marked hit or miss
// (enrich/quality/app-cache.ts). Valid SQL in DuckDB and ClickHouse (a map read by key); the key
// and values are constants of letters, dots and underscores, safe as literals. A query of these
// measures is scoped to the lookups in place of the LLM calls (query/validate.ts keeps them apart
// from the calls' measures), so `requests`, tokens and cost never count a cache span.

const RESULT = `metadata['${QUALITY_METADATA.appCacheLookup}']`;
export const APP_CACHE_LOOKUPS_SQL = `${RESULT} IN ('hit', 'miss')`;
export const APP_CACHE_HITS_SQL = `${RESULT} = 'hit'`;
export const APP_CACHE_MISSES_SQL = `${RESULT} = 'miss'`;

// What a query is scoped to: the LLM calls (true), every span (false: a query about kinds), or
// the application cache lookups.
export const APP_CACHE_SCOPE = 'app_cache';
export type SpanScope = boolean | typeof APP_CACHE_SCOPE;

export function asksForAppCache(measures: readonly Measure[]): boolean {
  return measures.some(isAppCacheMeasure);
}

// The scope clause of a query, or null for every span.
export function scopeSql(scope: SpanScope, modelCallsSql: string): string | null {
  if (scope === APP_CACHE_SCOPE) return APP_CACHE_LOOKUPS_SQL;
  return scope ? modelCallsSql : null;
}
