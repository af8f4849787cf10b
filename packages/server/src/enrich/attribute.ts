import { LRUCache } from 'lru-cache';
import { hasAttribution, inheritAttribution } from '../domain/attribution.ts';
import type { Attribution } from '../domain/span.ts';
import type { ChainBatch, Processor } from './chain.ts';

// Gives spans their trace root's attribution (domain/attribution.ts) before they are journaled,
// so the rollups, the budgets and the store count a child call for the root's user, team and
// feature from the moment it is accepted. The root is taken from the same batch (an exporter
// usually sends a whole trace together) or from a bounded memory of recent roots. A child that
// arrives before its root, in an earlier batch, is journaled without; the stores fill it when the
// root is loaded (store/duckdb fillTraceAttribution, ClickHouse likewise), and the budget book
// counts it for the root's user then (budgets/spend.ts).

const DEFAULT_MAX_ROOTS = 50_000;

export class AttributeProcessor implements Processor {
  readonly name = 'attribute';
  // project\0trace -> root attribution; the least recently set is evicted first (lookups do not
  // count: peek). A Map evicting its first key costs a walk over the deleted entries before it,
  // tens of microseconds a span once full.
  private readonly roots: LRUCache<string, Attribution>;

  constructor(maxRoots = DEFAULT_MAX_ROOTS) {
    this.roots = new LRUCache({ max: maxRoots });
  }

  forgetProject(projectId: string): void {
    const prefix = `${projectId}\u0000`;
    for (const key of [...this.roots.keys()]) if (key.startsWith(prefix)) this.roots.delete(key);
  }

  process(batch: ChainBatch): void {
    for (const s of batch.spans) {
      if (s.parentSpanId !== null || !hasAttribution(s.attribution)) continue;
      this.roots.set(`${s.projectId}\u0000${s.traceId}`, s.attribution);
    }
    if (!this.roots.size) return;
    for (const s of batch.spans) {
      if (s.parentSpanId === null) continue;
      const root = this.roots.peek(`${s.projectId}\u0000${s.traceId}`);
      if (root) s.attribution = inheritAttribution(s.attribution, root);
    }
  }
}
