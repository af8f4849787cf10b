import { answerOf } from './answer.ts';
import { failed, notApplicable, NO_OUTPUT, passed, type Heuristic } from './verdict.ts';

// empty_output: a call that succeeded but said nothing (no text, or only white space, and no
// tool call). A failed call has no answer to judge.
export const emptyOutput: Heuristic = (span) => {
  if (span.status !== 'ok') return notApplicable(`the call ended with status '${span.status}'`);
  const answer = answerOf(span);
  if (answer === null) return notApplicable(NO_OUTPUT);
  if (answer.text.trim() !== '') return passed('the answer has text');
  if (answer.toolCalls > 0) return passed(`the answer is ${answer.toolCalls} tool call${answer.toolCalls === 1 ? '' : 's'}`);
  const finish = span.finishReason ? ` (finish reason '${span.finishReason}')` : '';
  return failed(answer.text === '' ? `the answer is empty${finish}` : `the answer is only white space${finish}`);
};
