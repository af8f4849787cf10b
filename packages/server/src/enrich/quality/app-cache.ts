import { isEvaluationSpan, QUALITY_METADATA } from '../../domain/quality.ts';
import type { SpanRecord } from '../../domain/span.ts';
import { GATEWAY_CACHE_HIT } from '../../store/prompt-repeats.ts';
import type { ChainBatch, Processor } from '../chain.ts';

// C6: lookups in an application-level cache, counted as hits and misses. An application wraps
// its own cache reads in spans (seed 004's `cache.<operation>` span with `cache.operation` and a
// boolean `cache.hit`); over OTLP the boolean arrives as metadata `true`/`false`, and native API
// and Langfuse clients send the same key as span metadata (APP_CACHE_HIT_KEYS). The gateway's
// response cache is the application's response cache run by Lookout: a call it looked up carries
// `gateway.cache` = `hit` or `miss` and is one lookup too, on the calls the gateway itself records
// only (batch source 'gateway'): a client may write the same key on its own spans, and those are
// not the gateway's lookups. Each is written once, under Lookout's own key
// (QUALITY_METADATA.appCacheLookup), so the analytics of both stores and /metrics read one
// spelling; the guard has dropped any client value under that key before this runs.

// Where the flag is read from, first present wins: OTLP attributes and native API metadata (and
// the Langfuse OTel convention's metadata, kept under its own keys); the Langfuse ingestion API
// keeps an observation's metadata under `langfuse.metadata.<key>` (ingest/langfuse/map.ts).
export const APP_CACHE_HIT_KEYS = ['cache.hit', 'langfuse.metadata.cache.hit'] as const;
export type AppCacheResult = 'hit' | 'miss';
// The ingest source of the calls the gateway records (ingest/gateway/recorder.ts).
export const GATEWAY_SOURCE = 'gateway';

// `source`: the path that submitted the span (ChainBatch.source); absent counts as a client.
export function appCacheResultOf(s: Pick<SpanRecord, 'metadata' | 'attribution'>, source?: string): AppCacheResult | null {
  if (isEvaluationSpan(s)) return null;
  if (source === GATEWAY_SOURCE) {
    const gateway = s.metadata[GATEWAY_CACHE_HIT.key];
    if (gateway === 'hit' || gateway === 'miss') return gateway;
  }
  const key = APP_CACHE_HIT_KEYS.find((k) => s.metadata[k] !== undefined);
  const flag = key === undefined ? undefined : s.metadata[key].trim().toLowerCase();
  if (flag === 'true') return 'hit';
  if (flag === 'false') return 'miss';
  return null;
}

export class AppCacheProcessor implements Processor {
  readonly name = 'app-cache';

  process(batch: ChainBatch): void {
    for (const s of batch.spans) {
      const result = appCacheResultOf(s, batch.source);
      if (result !== null) s.metadata[QUALITY_METADATA.appCacheLookup] = result;
    }
  }
}
