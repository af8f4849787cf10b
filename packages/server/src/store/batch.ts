import type { SpanRecord } from '../domain/span.ts';
import type { ItemOutcome } from './events.ts';

// Batch bookkeeping every backend's write path shares: record identities, first occurrences
// within a batch, and the span start window a duplicate check can be bounded by.

export function spanKey(s: Pick<SpanRecord, 'projectId' | 'traceId' | 'spanId'>): string {
  return `${s.projectId}\u0000${s.traceId}\u0000${s.spanId}`;
}

export function eventKey(r: { projectId: string; id: string }): string {
  return `${r.projectId}\u0000${r.id}`;
}

// Keeps the first occurrence of each key; later ones in the same batch are duplicates. Every
// outcome starts as 'duplicate'; the caller marks the stored ones accepted through `index`.
export function firstOccurrences<T>(items: T[], key: (t: T) => string): { unique: T[]; outcome: ItemOutcome[]; index: Map<string, number> } {
  const index = new Map<string, number>();
  const unique: T[] = [];
  const outcome: ItemOutcome[] = [];
  items.forEach((item, i) => {
    const k = key(item);
    if (!index.has(k)) {
      index.set(k, i);
      unique.push(item);
    }
    outcome.push('duplicate');
  });
  return { unique, outcome, index };
}

// Earliest and latest span start (µs), or null for no spans.
export function spanWindow(spans: SpanRecord[]): [number, number] | null {
  if (!spans.length) return null;
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of spans) {
    if (s.startUs < lo) lo = s.startUs;
    if (s.startUs > hi) hi = s.startUs;
  }
  return [Math.trunc(lo), Math.trunc(hi)];
}
