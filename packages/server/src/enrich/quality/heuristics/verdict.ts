import type { HeuristicParams } from '../../../domain/quality.ts';
import type { SpanRecord } from '../../../domain/span.ts';

// What one heuristic says about one call: a score (1 passed, 0 failed) with the reason, or why
// it does not apply (nothing to judge: no captured output, a failed call, JSON not asked for), or
// why it could not run (its settings are unusable). Only a score becomes a stored score. A reason
// never quotes the call's text: it is stored as the score's comment whatever the capture mode.
export type Verdict =
  | { outcome: 'scored'; value: 0 | 1; reasoning: string }
  | { outcome: 'not_applicable'; reasoning: string }
  | { outcome: 'failed'; error: string };

export type Heuristic = (span: SpanRecord, params: HeuristicParams) => Verdict;

export const passed = (reasoning: string): Verdict => ({ outcome: 'scored', value: 1, reasoning });
export const failed = (reasoning: string): Verdict => ({ outcome: 'scored', value: 0, reasoning });
export const notApplicable = (reasoning: string): Verdict => ({ outcome: 'not_applicable', reasoning });
export const unusable = (error: string): Verdict => ({ outcome: 'failed', error });

export const NO_OUTPUT = 'no output was captured for this call (content capture is below full, or the instrumentation does not record it)';
