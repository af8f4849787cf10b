import { answerOf } from './answer.ts';
import { failed, notApplicable, NO_OUTPUT, passed, unusable, type Heuristic } from './verdict.ts';

// length: the answer's length in characters (Unicode code points) within [minChars, maxChars];
// either bound may be left out.

function codePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // The low half of a surrogate pair completes a character already counted.
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

export const length: Heuristic = (span, params) => {
  const { minChars, maxChars } = params;
  if (minChars === undefined && maxChars === undefined) return unusable('a length evaluator needs minChars, maxChars or both');
  if (span.status !== 'ok') return notApplicable(`the call ended with status '${span.status}'`);
  const answer = answerOf(span);
  if (answer === null) return notApplicable(NO_OUTPUT);
  const n = codePoints(answer.text);
  const bounds = `${minChars ?? 0}..${maxChars ?? '∞'}`;
  if (minChars !== undefined && n < minChars) return failed(`the answer is ${n} characters, shorter than ${minChars} (bounds ${bounds})`);
  if (maxChars !== undefined && n > maxChars) return failed(`the answer is ${n} characters, longer than ${maxChars} (bounds ${bounds})`);
  return passed(`the answer is ${n} characters (bounds ${bounds})`);
};
