import { LRUCache } from 'lru-cache';
import type { ScoreRecord } from '../../domain/score.ts';
import { effectiveModel, type SpanRecord } from '../../domain/span.ts';
import type { ChainBatch, Derived, Processor } from '../chain.ts';

// Gives a score its trace's feature, application and model (D3) before it is journaled, so the
// rollups and the quality alerts can group scores as they group calls from the moment a score is
// accepted. Learnt from the spans passing the chain: the trace's attribution (its root's, which
// the attribute processor has already given the other spans, else the first span that has one)
// and the effective model of its latest generation. A bounded memory of recent traces: a score of
// a trace this memory no longer holds (or whose spans come later) is journaled with nulls, and
// the stores fill it from the stored spans when either is loaded (store/duckdb/score-context.ts,
// store/clickhouse/score-context.ts). Only null fields are set: what an evaluator said stays.

const DEFAULT_MAX_TRACES = 50_000;

interface TraceContext {
  feature: string | null;
  application: string | null;
  // Whether feature and application came from the root span (a root's word is final).
  fromRoot: boolean;
  model: string | null;
  modelStartUs: number;
}

export class ScoreContextProcessor implements Processor {
  readonly name = 'score-context';
  // project\0trace -> context; the least recently learnt is evicted first (a score's lookup does
  // not count: peek). A Map evicting its first key costs a walk over the deleted entries before
  // it, tens of microseconds a span once full.
  private readonly traces: LRUCache<string, TraceContext>;

  constructor(maxTraces = DEFAULT_MAX_TRACES) {
    this.traces = new LRUCache({ max: maxTraces });
  }

  get size(): number {
    return this.traces.size;
  }

  forgetProject(projectId: string): void {
    const prefix = `${projectId}\u0000`;
    for (const key of [...this.traces.keys()]) if (key.startsWith(prefix)) this.traces.delete(key);
  }

  process(batch: ChainBatch, derived: Derived[]): void {
    for (const s of batch.spans) this.learn(s);
    if (!this.traces.size) return;
    for (const s of batch.scores) this.fill(s);
    for (const d of derived) if (d.score) this.fill(d.score);
  }

  private learn(s: SpanRecord): void {
    const root = s.parentSpanId === null;
    const model = s.kind === 'generation' ? effectiveModel(s) : null;
    const { feature, application } = s.attribution;
    if (feature === null && application === null && model === null) return;
    const key = `${s.projectId}\u0000${s.traceId}`;
    const ctx = this.traces.peek(key) ?? { feature: null, application: null, fromRoot: false, model: null, modelStartUs: -Infinity };
    if (root && (feature !== null || application !== null)) {
      ctx.feature = feature;
      ctx.application = application;
      ctx.fromRoot = true;
    } else if (!ctx.fromRoot) {
      ctx.feature ??= feature;
      ctx.application ??= application;
    }
    if (model !== null && s.startUs >= ctx.modelStartUs) {
      ctx.model = model;
      ctx.modelStartUs = s.startUs;
    }
    this.traces.set(key, ctx);
  }

  private fill(score: ScoreRecord): void {
    if (score.feature !== null && score.model !== null && score.application !== null) return;
    const ctx = this.traces.peek(`${score.projectId}\u0000${score.traceId}`);
    if (!ctx) return;
    score.feature ??= ctx.feature;
    score.application ??= ctx.application;
    score.model ??= ctx.model;
  }
}
