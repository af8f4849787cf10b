import { createHash } from 'node:crypto';
import { EVALUATION_FEATURE, QUALITY_METADATA, SCORE_METADATA, type Evaluator, type EvaluatorSource } from '../../domain/quality.ts';
import { inSample } from '../../domain/sampling.ts';
import type { ScoreRecord } from '../../domain/score.ts';
import { effectiveModel, type SpanRecord } from '../../domain/span.ts';
import { filterSelects } from '../../quality/evaluators/filter.ts';
import type { ChainBatch, Derived, Processor } from '../chain.ts';
import { verdictOf, type Verdict } from './heuristics/index.ts';
import { REFUSAL_PHRASES_VERSION, refusalOf } from './refusal.ts';

// The quality step of the ingest chain, after pricing and attribution (the SLO heuristics read
// the cost, the filters the feature and application) and before the content capture policy (which
// may drop the text the heuristics read). For every generation:
//   - a refusal (refusal.ts) is marked on the span (QUALITY_METADATA.refusal), whatever evaluators
//     are configured: the refusal rate is an analytics measure and a rule counter (C5);
//   - each enabled heuristic evaluator of the project whose filter selects the call and whose
//     sample holds the trace (domain/sampling.ts) scores it; the score is a derived record,
//     journaled with its span and only if the span is new, so a retried batch scores nothing twice.
// The judge's own calls (EVALUATION_FEATURE) are neither marked nor evaluated.

// Score metadata: the phrase set a refusal verdict was reached with.
export const REFUSAL_PHRASES_VERSION_KEY = 'lookout.refusal.phrases_version';

export const NO_EVALUATORS: EvaluatorSource = { evaluatorsOf: () => [] };

// Told how many evaluations of a batch ended each way (for /metrics). Counted when they run: a
// batch sent again is evaluated again, though its scores are stored once.
export type EvaluationCounter = (outcome: 'scored' | 'not_applicable' | 'failed', n: number) => void;

// From (evaluator, span) alone, so the same call scored again (a retry, a replay) has the same id
// and the store keeps one.
export function heuristicScoreId(evaluatorId: string, span: Pick<SpanRecord, 'projectId' | 'traceId' | 'spanId'>): string {
  return `heu-${createHash('sha256').update(`${evaluatorId}\u0000${span.projectId}\u0000${span.traceId}\u0000${span.spanId}`).digest('hex').slice(0, 32)}`;
}

export class EvaluateProcessor implements Processor {
  readonly name = 'evaluate';
  private readonly evaluators: EvaluatorSource;
  private readonly count: EvaluationCounter | null;

  constructor(evaluators: EvaluatorSource = NO_EVALUATORS, count: EvaluationCounter | null = null) {
    this.evaluators = evaluators;
    this.count = count;
  }

  process(batch: ChainBatch, derived: Derived[]): void {
    let project: string | null = null;
    let heuristics: Evaluator[] = [];
    const outcomes = { scored: 0, not_applicable: 0, failed: 0 };
    for (const span of batch.spans) {
      if (span.kind !== 'generation' || span.attribution.feature === EVALUATION_FEATURE) continue;
      if (refusalOf(span)) span.metadata[QUALITY_METADATA.refusal] = 'true';
      if (span.projectId !== project) {
        project = span.projectId;
        heuristics = this.evaluators.evaluatorsOf(project).filter((e) => e.enabled && e.kind === 'heuristic');
      }
      for (const e of heuristics) {
        if (!filterSelects(e.filter, span) || !inSample(e.id, span.traceId, e.sampleRate)) continue;
        const v = verdictOf(e, span);
        outcomes[v.outcome]++;
        if (v.outcome === 'scored') derived.push({ score: scoreOf(e, span, v), parent: { kind: 'span', record: span } });
      }
    }
    if (this.count) for (const [outcome, n] of Object.entries(outcomes)) if (n > 0) this.count(outcome as keyof typeof outcomes, n);
  }
}

function scoreOf(e: Evaluator, span: SpanRecord, v: Extract<Verdict, { outcome: 'scored' }>): ScoreRecord {
  const metadata: Record<string, string> = { [SCORE_METADATA.evaluatorId]: e.id, [SCORE_METADATA.criterion]: e.criterion };
  if (e.criterion === 'refusal') metadata[REFUSAL_PHRASES_VERSION_KEY] = REFUSAL_PHRASES_VERSION;
  return {
    projectId: span.projectId,
    id: heuristicScoreId(e.id, span),
    traceId: span.traceId,
    spanId: span.spanId,
    name: e.name,
    dataType: 'numeric',
    numericValue: v.value,
    stringValue: null,
    comment: v.reasoning,
    source: 'heuristic',
    timestampUs: span.endUs,
    userId: span.attribution.userId,
    feature: span.attribution.feature,
    model: effectiveModel(span),
    application: span.attribution.application,
    metadata,
  };
}
