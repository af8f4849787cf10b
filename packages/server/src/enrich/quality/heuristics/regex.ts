import { RE2JS } from 're2js';
import { answerOf } from './answer.ts';
import { failed, notApplicable, NO_OUTPUT, passed, unusable, type Heuristic } from './verdict.ts';

// regex: the answer must match (or must not match) a pattern in RE2 syntax, run by re2js in time
// linear in the text whatever the pattern, on at most MAX_REGEX_TEXT_CHARS of the answer.

export const MAX_REGEX_TEXT_CHARS = 64 * 1024;
const MAX_COMPILED = 256;

// Compiled patterns by their text: evaluators run on every sampled call and a compile costs far
// more than a match. Oldest out first past MAX_COMPILED.
const compiled = new Map<string, RE2JS | string>();

function compile(pattern: string): RE2JS | string {
  let re = compiled.get(pattern);
  if (re !== undefined) return re;
  try {
    re = RE2JS.compile(pattern);
  } catch (err) {
    re = `the pattern is not valid RE2: ${(err as Error).message}`;
  }
  compiled.set(pattern, re);
  if (compiled.size > MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
  return re;
}

export const regex: Heuristic = (span, params) => {
  if (params.pattern === undefined || params.pattern === '') return unusable('a regex evaluator needs a pattern');
  const re = compile(params.pattern);
  if (typeof re === 'string') return unusable(re);
  if (span.status !== 'ok') return notApplicable(`the call ended with status '${span.status}'`);
  const answer = answerOf(span);
  if (answer === null) return notApplicable(NO_OUTPUT);
  const text = answer.text.length > MAX_REGEX_TEXT_CHARS ? answer.text.slice(0, MAX_REGEX_TEXT_CHARS) : answer.text;
  const m = re.matcher(text);
  const found = m.find();
  const where = found ? ` at character ${m.start()}` : '';
  const mustMatch = params.mustMatch ?? true;
  const of = answer.text.length > MAX_REGEX_TEXT_CHARS ? ` (first ${MAX_REGEX_TEXT_CHARS} characters)` : '';
  if (mustMatch) return found ? passed(`the answer matches /${params.pattern}/${where}`) : failed(`the answer${of} does not match /${params.pattern}/`);
  return found ? failed(`the answer matches /${params.pattern}/${where}, which it must not`) : passed(`the answer${of} does not match /${params.pattern}/`);
};
