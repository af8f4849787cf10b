import type { EvaluationTrial, Evaluator, HeuristicCriterion } from '../../../domain/quality.ts';
import type { SpanRecord } from '../../../domain/span.ts';
import { emptyOutput } from './empty-output.ts';
import { invalidJson, jsonSchema } from './json.ts';
import { language } from './language.ts';
import { length } from './length.ts';
import { refusal } from './refusal.ts';
import { regex } from './regex.ts';
import { costSlo, latencySlo } from './slo.ts';
import type { Heuristic, Verdict } from './verdict.ts';

export type { Verdict } from './verdict.ts';

// The built-in heuristics (D2), one pure function per criterion. The ingest chain runs them on
// the generations each evaluator selects (enrich/quality/evaluate.ts); the evaluators API runs
// them on a stored trace ("try"). Each reads bounded parts of the call only (see each file), so a
// heuristic costs microseconds whatever was sent.

export const HEURISTICS: Record<HeuristicCriterion, Heuristic> = {
  empty_output: emptyOutput,
  refusal,
  invalid_json: invalidJson,
  json_schema: jsonSchema,
  length,
  regex,
  language,
  latency_slo: latencySlo,
  cost_slo: costSlo,
};

export function verdictOf(evaluator: Evaluator, span: SpanRecord): Verdict {
  if (evaluator.kind !== 'heuristic') return { outcome: 'failed', error: `evaluator '${evaluator.name}' is an LLM judge, not a heuristic` };
  const heuristic = Object.hasOwn(HEURISTICS, evaluator.criterion) ? HEURISTICS[evaluator.criterion as HeuristicCriterion] : undefined;
  if (heuristic === undefined) return { outcome: 'failed', error: `'${evaluator.criterion}' is not a heuristic criterion` };
  if (span.kind !== 'generation') return { outcome: 'not_applicable', reasoning: `heuristics judge generations; this span is a ${span.kind} span` };
  try {
    return heuristic(span, evaluator.params);
  } catch (err) {
    // A heuristic must not throw; if one does, the call is not judged rather than the batch lost.
    return { outcome: 'failed', error: `the ${evaluator.criterion} heuristic failed: ${(err as Error).message}` };
  }
}

// One heuristic evaluator on one span: what it scores and why. Pure and synchronous.
export function evaluateSpan(evaluator: Evaluator, span: SpanRecord): EvaluationTrial {
  const v = verdictOf(evaluator, span);
  return {
    evaluatorId: evaluator.id,
    traceId: span.traceId,
    spanId: span.spanId,
    outcome: v.outcome,
    value: v.outcome === 'scored' ? v.value : null,
    reasoning: v.outcome === 'failed' ? null : v.reasoning,
    costUsd: null,
    error: v.outcome === 'failed' ? v.error : null,
  };
}
