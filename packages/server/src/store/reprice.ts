import type { SpanRecord } from '../domain/span.ts';
import type { RepriceProgress } from './cost-maintenance.ts';

// Re-costing stored spans, the same for every backend: the backend lists the candidate spans in
// chunks, in the order of their identity, and writes back the costs that changed; which spans
// qualify and how a cost is worked out is decided here and by the caller's pricer.

export const REPRICE_CHUNK_ROWS = 5_000;

export interface RepriceFilter {
  onlyUnknown: boolean; // only spans whose model had no price
  models: string[] | null; // only spans of these models; null: any
}

export interface SpanIdentity {
  projectId: string;
  traceId: string;
  spanId: string;
}

export interface CostChange {
  span: SpanIdentity;
  cost: SpanRecord['cost'];
}

// What a backend provides for re-pricing. Spans with a provider-reported cost are never
// candidates.
export interface RepriceTarget {
  countCandidates(filter: RepriceFilter): Promise<number>;
  // The next `limit` candidates after `after` (exclusive) by (project, trace, span).
  candidatesAfter(filter: RepriceFilter, after: SpanIdentity | null, limit: number): Promise<SpanRecord[]>;
  // One atomic write per chunk where the backend has transactions.
  applyCosts(changes: CostChange[]): Promise<void>;
}

export interface RepriceOptions extends RepriceFilter {
  onProgress?: (p: RepriceProgress) => void;
}

function changed(before: SpanRecord['cost'], after: SpanRecord['cost']): boolean {
  return after.totalNanoUsd !== before.totalNanoUsd || after.priceRowId !== before.priceRowId || after.status !== before.status;
}

export async function repriceSpans(
  target: RepriceTarget,
  price: (span: SpanRecord) => SpanRecord['cost'],
  options: RepriceOptions,
  chunkRows = REPRICE_CHUNK_ROWS,
): Promise<{ updated: number }> {
  const filter: RepriceFilter = { onlyUnknown: options.onlyUnknown, models: options.models };
  const total = await target.countCandidates(filter);
  let updated = 0;
  let done = 0;
  let after: SpanIdentity | null = null;
  for (;;) {
    const spans = await target.candidatesAfter(filter, after, chunkRows);
    if (!spans.length) break;
    const changes: CostChange[] = [];
    for (const s of spans) {
      const cost = price(s);
      if (changed(s.cost, cost)) changes.push({ span: s, cost });
    }
    if (changes.length) {
      await target.applyCosts(changes);
      updated += changes.length;
    }
    done += spans.length;
    options.onProgress?.({ done, total });
    const last = spans[spans.length - 1];
    after = { projectId: last.projectId, traceId: last.traceId, spanId: last.spanId };
  }
  return { updated };
}
