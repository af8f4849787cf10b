import { QUALITY_METADATA } from '../../../domain/quality.ts';
import { describeRefusal, refusalOf } from '../refusal.ts';
import { failed, notApplicable, passed, type Heuristic } from './verdict.ts';

// refusal: the call declined to answer (refusal.ts: finish reason or the phrase set). A stored
// call whose text is gone still carries the chain's mark.
export const refusal: Heuristic = (span) => {
  const found = refusalOf(span);
  if (found) return failed(describeRefusal(found));
  if (span.metadata[QUALITY_METADATA.refusal] === 'true') return failed('the call was marked as a refusal when it was ingested');
  if (span.finishReason === null && (span.content?.output ?? null) === null) return notApplicable('the call has neither a finish reason nor a captured output');
  return passed('no refusal phrase in the opening of the answer and no refusal finish reason');
};
