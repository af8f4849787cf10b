import { SCORE_METADATA } from '../../../server/src/domain/quality.ts';
import type { ScoreSource } from '../../../server/src/domain/score.ts';
import type { Score } from '../api/types.ts';

// Scores as the trace view shows them: who gave each one, and for a judge's score what the judge
// said, what it cost and which call of the judge's it was.

export const SCORE_SOURCE_LABELS: Record<ScoreSource, string> = {
  api: 'API',
  user: 'User feedback',
  sdk: 'SDK',
  annotation: 'Annotation',
  evaluator: 'External evaluator',
  heuristic: 'Heuristic',
  llm_judge: 'LLM judge',
};

export function sourceLabel(source: string): string {
  return (SCORE_SOURCE_LABELS as Record<string, string>)[source] ?? source;
}

// What an evaluator wrote in the score's metadata. Clients may write the same keys, so each value
// is checked before it becomes a number or a link.
export interface EvaluatorFacts {
  evaluatorId: string | null;
  criterion: string | null;
  templateVersion: string | null;
  judgeTraceId: string | null; // 32 hex characters, else null
  judgeCostUsd: number | null;
  judgeModel: string | null;
}

const TRACE_ID = /^[0-9a-f]{32}$/i;

export function evaluatorFacts(metadata: Record<string, string> | undefined): EvaluatorFacts {
  const m = metadata ?? {};
  const text = (key: string) => (typeof m[key] === 'string' && m[key].trim() !== '' ? m[key].trim() : null);
  const traceId = text(SCORE_METADATA.judgeTraceId);
  const cost = text(SCORE_METADATA.judgeCostUsd);
  const costUsd = cost === null ? null : Number(cost);
  return {
    evaluatorId: text(SCORE_METADATA.evaluatorId),
    criterion: text(SCORE_METADATA.criterion),
    templateVersion: text(SCORE_METADATA.templateVersion),
    judgeTraceId: traceId !== null && TRACE_ID.test(traceId) ? traceId.toLowerCase() : null,
    judgeCostUsd: costUsd !== null && Number.isFinite(costUsd) && costUsd >= 0 ? costUsd : null,
    judgeModel: text(SCORE_METADATA.judgeModel),
  };
}

// The metadata keys shown as evaluator facts; the rest is listed as the client sent it.
const EVALUATOR_KEYS: ReadonlySet<string> = new Set(Object.values(SCORE_METADATA));
export function otherMetadata(metadata: Record<string, string> | undefined): [string, string][] {
  return Object.entries(metadata ?? {})
    .filter(([k]) => !EVALUATOR_KEYS.has(k))
    .sort(([a], [b]) => a.localeCompare(b));
}

// A numeric score to at most three decimals; categories and booleans as given.
export function scoreValue(s: Pick<Score, 'dataType' | 'numericValue' | 'stringValue'>): string {
  if (s.dataType === 'numeric' && s.numericValue !== null) return String(Math.round(s.numericValue * 1000) / 1000);
  return s.stringValue ?? (s.numericValue === null ? '—' : String(s.numericValue));
}

// Scores of one span, or of the trace as a whole (spanId null).
export function scoresOf<T extends Pick<Score, 'spanId' | 'timestampUs'>>(scores: readonly T[], spanId: string | null): T[] {
  return scores.filter((s) => s.spanId === spanId).sort((a, b) => a.timestampUs - b.timestampUs);
}

// A trace's scores: those of the whole trace first, then those of its spans, each in time order.
export function inTraceOrder<T extends Pick<Score, 'spanId' | 'timestampUs'>>(scores: readonly T[]): T[] {
  return [...scores].sort((a, b) => Number(a.spanId !== null) - Number(b.spanId !== null) || a.timestampUs - b.timestampUs);
}
