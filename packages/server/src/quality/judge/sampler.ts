import { EVALUATION_FEATURE, type Evaluator, type EvaluatorSource } from '../../domain/quality.ts';
import type { ScoreRecord } from '../../domain/score.ts';
import type { SpanRecord } from '../../domain/span.ts';
import { inSample } from '../../domain/sampling.ts';
import type { IngestObserver } from '../../ingest/pipeline.ts';
import { filterSelects } from '../evaluators/filter.ts';
import type { JudgeQueue, OfferOutcome } from './queue.ts';

// Chooses the traces the judge reads. For every accepted generation span (the judge's own calls
// aside), each enabled llm_judge evaluator of the project whose filter matches the span takes the
// trace iff the hash of (evaluator id, trace id) falls under its sample rate; the trace is queued
// once, due `settleMs` later so that its other spans have arrived. Runs on the acknowledgement
// path: memory only, no I/O (the queue writes its document in the background).

export interface SamplerHooks {
  // The project's judge budget is spent today: nothing is queued for it.
  budgetReached(projectId: string, nowMs: number): boolean;
  // Whether the evaluator has an endpoint to ask (absent: every one has).
  canJudge?(evaluator: Evaluator): boolean;
  // A sample not queued because of the budget (the first of the day also records the event).
  onBudgetSkip(projectId: string, evaluator: Evaluator, nowMs: number): void;
  onOffer(outcome: OfferOutcome, evaluator: Evaluator): void;
}

export class JudgeSampler implements IngestObserver {
  private readonly evaluators: EvaluatorSource;
  private readonly queue: JudgeQueue;
  private readonly settleMs: number;
  private readonly hooks: SamplerHooks;
  private readonly now: () => number;

  constructor(deps: { evaluators: EvaluatorSource; queue: JudgeQueue; settleMs: number; hooks: SamplerHooks; now?: () => number }) {
    this.evaluators = deps.evaluators;
    this.queue = deps.queue;
    this.settleMs = deps.settleMs;
    this.hooks = deps.hooks;
    this.now = deps.now ?? Date.now;
  }

  onAccepted(spans: readonly SpanRecord[], _scores: readonly ScoreRecord[], seq = 0): void {
    let nowMs: number | null = null;
    // One offer per (evaluator, trace) per batch: a trace's calls usually arrive together.
    const seen = new Set<string>();
    for (const span of spans) {
      if (span.kind !== 'generation' || span.attribution.feature === EVALUATION_FEATURE) continue;
      const judges = this.evaluators.evaluatorsOf(span.projectId);
      for (const ev of judges) {
        if (ev.kind !== 'llm_judge' || !ev.enabled || !filterSelects(ev.filter, span)) continue;
        if (this.hooks.canJudge && !this.hooks.canJudge(ev)) continue;
        const key = `${span.projectId}\u0000${ev.id}\u0000${span.traceId}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (!inSample(ev.id, span.traceId, ev.sampleRate)) continue;
        nowMs ??= this.now();
        if (this.hooks.budgetReached(span.projectId, nowMs)) {
          this.hooks.onBudgetSkip(span.projectId, ev, nowMs);
          continue;
        }
        const outcome = this.queue.offer({ projectId: span.projectId, evaluatorId: ev.id, traceId: span.traceId, dueMs: nowMs + this.settleMs, attempts: 0, sampledMs: nowMs, seq });
        this.hooks.onOffer(outcome, ev);
      }
    }
  }
}
