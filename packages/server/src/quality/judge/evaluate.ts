import type { Evaluator, JudgeCriterion } from '../../domain/quality.ts';
import type { SpanRecord } from '../../domain/span.ts';
import { chatCompletion, JudgeCallError, type JudgeEndpoint } from './client.ts';
import { materialOf } from './material.ts';
import type { JudgeCall } from './records.ts';
import { JUDGE_RESPONSE_FORMAT, parseJudgement, renderTemplate, templateFor, type Judgement } from './templates.ts';

// One judgement of one trace: the prompt from the trace and the evaluator's template, the call,
// and the answer parsed. A malformed answer is asked again once; a second malformed answer is a
// failed evaluation. A failed call (429, 5xx, timeout) ends the run: the queue decides whether and
// when to try again. Nothing is recorded here.

export interface JudgeRun {
  outcome: 'scored' | 'not_applicable' | 'failed';
  judgement: Judgement | null;
  reason: string | null;
  // Every call made, answered or not (each becomes a judge span: it may have cost money).
  calls: JudgeCall[];
  // Set when the last call failed in transport; `retryable` says whether trying later may help.
  callError: JudgeCallError | null;
  templateVersion: string | null;
  span: SpanRecord | null;
}

// Calls per judgement: the first and one retry of a malformed answer.
const MAX_CALLS = 2;

export async function runJudge(
  evaluator: Evaluator,
  spans: readonly SpanRecord[],
  endpoint: JudgeEndpoint,
  options: { timeoutMs: number; maxAnswerBytes?: number; now?: () => number },
): Promise<JudgeRun> {
  const now = options.now ?? Date.now;
  const { material, span } = materialOf(spans);
  const base = { judgement: null, calls: [] as JudgeCall[], callError: null, span };
  const template = templateFor(evaluator.criterion as JudgeCriterion, evaluator.judge?.template);
  if (!template) return { ...base, outcome: 'failed', reason: 'a custom judge evaluator needs its own template (judge.template)', templateVersion: null };
  const rendered = renderTemplate(template, evaluator.criterion, material);
  if (!rendered.ok) return { ...base, outcome: 'not_applicable', reason: rendered.reason, templateVersion: template.version };
  const messages = [
    { role: 'system' as const, content: rendered.system },
    { role: 'user' as const, content: rendered.user },
  ];
  const prompt = `${rendered.system}\n\n${rendered.user}`;
  let reason = '';
  for (let attempt = 0; attempt < MAX_CALLS; attempt++) {
    const startedMs = now();
    try {
      const answer = await chatCompletion(endpoint, { messages, responseFormat: JUDGE_RESPONSE_FORMAT }, options);
      base.calls.push({ startedMs, endedMs: now(), answer, error: null, prompt });
      const parsed = parseJudgement(answer.content);
      if (parsed.ok) return { ...base, outcome: 'scored', judgement: parsed.judgement, reason: null, templateVersion: template.version };
      reason = parsed.reason;
    } catch (err) {
      if (!(err instanceof JudgeCallError)) throw err;
      // A refused call never left: no judge span claims it.
      if (err.kind !== 'refused') base.calls.push({ startedMs, endedMs: now(), answer: null, error: err, prompt });
      if (err.kind !== 'invalid_answer') return { ...base, outcome: 'failed', reason: err.message, callError: err, templateVersion: template.version };
      reason = err.message;
    }
  }
  return { ...base, outcome: 'failed', reason: `${reason} (asked twice)`, templateVersion: template.version };
}
