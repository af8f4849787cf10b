import { RE2JS } from 're2js';
import { z } from 'zod';
import { DAY_MS, readDuration, readInstant } from '../../domain/time.ts';
import { describeIssue, LookoutError } from '../../errors.ts';

// F3: a silence mutes the alerts whose labels match all its matchers, from startsAt to endsAt.
// Matchers are written as in Alertmanager: name="value", name!="value", name=~"regex", name!~"regex".

export interface Matcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}

// Regular expressions come from users (silences, notification routes, actions) and run on the
// event loop against label values that come from ingested data, so they run on RE2 semantics
// (re2js): no backreferences or look-around, time linear in the input. Linear in the input is
// still proportional to the compiled program, and counted repetition multiplies the program
// (`(?:[^z]{0,999})` 66 times is 130,000 instructions: seconds to compile and to match), so the
// program is bounded as well: its size is estimated from the text before compiling (compiling is
// the expensive step) and measured after.
export const MAX_PATTERN_CHARS = 1_000;
export const MAX_REPEAT_COUNT = 100;
export const MAX_PROGRAM_INSTRUCTIONS = 500;
export const MAX_MATCH_INPUT_CHARS = 1_024;
export const MAX_MATCHERS_PER_SILENCE = 20;
export const MAX_MATCHER_CHARS = 1_200;

// The estimate is rough (it mostly over-counts), so it may reach past the measured limit before a
// pattern is refused unseen; what it bounds is the work of compiling.
const MAX_ESTIMATED_INSTRUCTIONS = 4 * MAX_PROGRAM_INSTRUCTIONS;

const COUNTED_REPEAT = /\{(\d+)(,(\d*))?\}/y;

// An upper bound, from the text alone, of the instructions a pattern compiles to: each atom costs
// one (two for a group), `{n,m}` copies the atom before it max(n, m) times. Throws when a counted
// repetition exceeds MAX_REPEAT_COUNT. Unbalanced or malformed text is left to the compiler.
function estimateInstructions(pattern: string): number {
  const open: number[] = [0]; // the cost so far of each open group, outermost first
  let last = 0; // the cost of the atom a quantifier would repeat
  const atom = (cost: number) => {
    open[open.length - 1] += cost;
    last = cost;
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        const stop = end < 0 ? pattern.length : end;
        atom(Math.max(stop - i - 2, 0));
        i = end < 0 ? pattern.length : end + 1;
        continue;
      }
      if ((next === 'p' || next === 'P' || next === 'x') && pattern[i + 2] === '{') {
        const close = pattern.indexOf('}', i + 2);
        i = close < 0 ? pattern.length : close;
      } else i += next === 'p' || next === 'P' ? 2 : 1;
      atom(1);
    } else if (c === '[') {
      // A class is one instruction; skip to its end (a leading ']' is a member, as are escapes).
      let j = i + 1;
      if (pattern[j] === '^') j++;
      if (pattern[j] === ']') j++;
      for (; j < pattern.length && pattern[j] !== ']'; j++) {
        if (pattern[j] === '\\') j++;
        else if (pattern.startsWith('[:', j)) {
          const close = pattern.indexOf(':]', j + 2);
          if (close >= 0) j = close + 1;
        }
      }
      i = j;
      atom(1);
    } else if (c === '(') {
      // `(?i)` sets flags and is no group.
      const flags = /^\(\?[a-zA-Z-]*\)/.exec(pattern.slice(i, i + 12));
      if (flags) i += flags[0].length - 1;
      else open.push(0);
    } else if (c === ')') {
      if (open.length > 1) atom(open.pop()! + 2);
    } else if (c === '{' && ((COUNTED_REPEAT.lastIndex = i), COUNTED_REPEAT.test(pattern))) {
      COUNTED_REPEAT.lastIndex = i;
      const [text, min, comma, max] = COUNTED_REPEAT.exec(pattern)!;
      const count = Math.max(Number(min), comma === undefined || max === '' ? Number(min) + 1 : Number(max));
      if (count > MAX_REPEAT_COUNT) {
        throw new Error(`a counted repetition allows at most ${MAX_REPEAT_COUNT} (this pattern has '${text}')`);
      }
      open[open.length - 1] += last * (count - 1) + count;
      last = last * count + count;
      i += text.length - 1;
    } else if (c === '*' || c === '+' || c === '?') {
      open[open.length - 1] += 1;
      last += 1;
    } else if (c === '|') {
      open[open.length - 1] += 1;
      last = 0;
    } else atom(1);
  }
  return open.reduce((a, b) => a + b, 0);
}

const tooLarge = (size: number) =>
  `a regular expression compiles to at most ${MAX_PROGRAM_INSTRUCTIONS} instructions (this one to about ${size}); use fewer or smaller counted repetitions such as {0,100}`;

// Anchored as Alertmanager anchors its matchers: the whole value must match. Throws a message that
// names the pattern's problem and the limit.
function compilePattern(value: string): RE2JS {
  if (value.length > MAX_PATTERN_CHARS) throw new Error(`a regular expression has at most ${MAX_PATTERN_CHARS} characters (this one has ${value.length})`);
  const estimate = estimateInstructions(value);
  if (estimate > MAX_ESTIMATED_INSTRUCTIONS) throw new Error(tooLarge(estimate));
  let re: RE2JS;
  try {
    re = RE2JS.compile(`^(?:${value})$`);
  } catch (err) {
    const hint = /\\[1-9]|\(\?[=!<]/.test(value) ? ' (backreferences and look-around are not supported: matchers use RE2 syntax)' : '';
    throw new Error(`${(err as Error).message}${hint}`);
  }
  if (re.programSize() > MAX_PROGRAM_INSTRUCTIONS) throw new Error(tooLarge(re.programSize()));
  return re;
}

// Each matcher's pattern is compiled once and kept with the matcher (matchers loaded from the
// state file are compiled on first use). A stored pattern that the limits now refuse is kept as
// null: its matcher matches nothing, so a silence holding it mutes nothing.
const compiledPatterns = new WeakMap<Matcher, RE2JS | null>();

function compiledFor(m: Matcher): RE2JS | null {
  let re = compiledPatterns.get(m);
  if (re === undefined) {
    try {
      re = compilePattern(m.value);
    } catch {
      re = null;
    }
    compiledPatterns.set(m, re);
  }
  return re;
}

export interface Silence {
  id: string;
  projectId: string;
  matchers: Matcher[];
  startsAtMs: number;
  endsAtMs: number;
  createdBy: string;
  comment: string;
  createdAtMs: number;
}

export class SilenceInputError extends LookoutError {
  override name = 'SilenceInputError';
  readonly field: string;
  readonly reason: string;
  constructor(field: string, reason: string) {
    super('invalid_request', `the silence is not valid: ${field}: ${reason}`);
    this.field = field;
    this.reason = reason;
  }
}

const MATCHER_PATTERN = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"?(.*?)"?\s*$/;
const MAX_SILENCE_MS = 365 * DAY_MS;

export function parseMatcher(text: string): Matcher {
  if (text.length > MAX_MATCHER_CHARS) throw new Error(`a matcher has at most ${MAX_MATCHER_CHARS} characters (this one has ${text.length})`);
  const m = MATCHER_PATTERN.exec(text);
  if (!m) throw new Error(`'${text}' is not a matcher; write name="value", name!="value", name=~"regex" or name!~"regex"`);
  const [, name, op, value] = m;
  const isRegex = op === '=~' || op === '!~';
  const matcher: Matcher = { name, value, isRegex, isEqual: op === '=' || op === '=~' };
  if (isRegex) {
    let re: RE2JS;
    try {
      re = compilePattern(value);
    } catch (err) {
      throw new Error(`'${value}' in '${text}' is not a valid regular expression: ${(err as Error).message}`);
    }
    compiledPatterns.set(matcher, re);
  }
  return matcher;
}

// The compiled size of a matcher's regular expression (0 for an equality): matching a value costs
// time in proportion to it.
export function regexInstructions(m: Matcher): number {
  return m.isRegex ? (compiledFor(m)?.programSize() ?? 0) : 0;
}

// A value longer than MAX_MATCH_INPUT_CHARS matches no regular expression (it is never scanned).
function regexHit(m: Matcher, value: string): boolean | null {
  const re = compiledFor(m);
  if (re === null) return null;
  return value.length <= MAX_MATCH_INPUT_CHARS && re.matches(value);
}

function matchOne(m: Matcher, labels: Record<string, string>): boolean {
  const v = labels[m.name] ?? '';
  const hit = m.isRegex ? regexHit(m, v) : v === m.value;
  if (hit === null) return false;
  return m.isEqual ? hit : !hit;
}

export function matchesAll(matchers: readonly Matcher[], labels: Record<string, string>): boolean {
  return matchers.every((m) => matchOne(m, labels));
}

export const silenceInputSchema = z
  .object({
    matchers: z
      .array(z.string())
      .min(1, 'give at least one matcher, e.g. alertname="HighLatency"')
      .max(MAX_MATCHERS_PER_SILENCE, `a silence has at most ${MAX_MATCHERS_PER_SILENCE} matchers`),
    // Either an end time or a duration from now (or from startsAt).
    endsAt: z.string().optional(),
    duration: z.string().optional(),
    startsAt: z.string().optional(),
    createdBy: z.string().max(200).default('unknown'),
    comment: z.string().max(2000).default(''),
  })
  .strict();
export type SilenceInput = z.input<typeof silenceInputSchema>;

function instant(field: string, text: string, nowMs: number): number {
  const ms = readInstant(text, nowMs);
  if (typeof ms === 'string') throw new SilenceInputError(field, ms);
  return ms;
}

export function validateSilence(input: unknown, nowMs: number): Omit<Silence, 'id' | 'projectId' | 'createdAtMs'> {
  const parsed = silenceInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue.code === 'unrecognized_keys') throw new SilenceInputError(issue.keys.join(', '), 'unknown field');
    throw new SilenceInputError(describeIssue(issue.path, '').replace(/: $/, '') || 'body', issue.message);
  }
  const s = parsed.data;
  const matchers = s.matchers.map((text, i) => {
    try {
      return parseMatcher(text);
    } catch (err) {
      throw new SilenceInputError(`matchers[${i}]`, (err as Error).message);
    }
  });
  if (matchers.every((m) => !m.isEqual || (m.isRegex && regexHit(m, '') === true))) {
    throw new SilenceInputError('matchers', 'at least one matcher must select something (a silence of every alert is refused)');
  }
  const startsAtMs = s.startsAt ? instant('startsAt', s.startsAt, nowMs) : nowMs;
  let endsAtMs: number;
  if (s.endsAt !== undefined) endsAtMs = instant('endsAt', s.endsAt, nowMs);
  else if (s.duration !== undefined) {
    const d = readDuration(s.duration);
    if (typeof d === 'string') throw new SilenceInputError('duration', d);
    if (d <= 0) throw new SilenceInputError('duration', 'must be more than 0s, e.g. 30m, 2h or 1d');
    endsAtMs = startsAtMs + d;
  } else throw new SilenceInputError('endsAt', 'give endsAt (RFC 3339, e.g. 2026-11-23T18:00:00Z) or duration (e.g. 2h)');
  if (endsAtMs <= startsAtMs) throw new SilenceInputError('endsAt', 'must be after startsAt');
  if (endsAtMs <= nowMs) throw new SilenceInputError('endsAt', 'is in the past');
  if (endsAtMs - startsAtMs > MAX_SILENCE_MS) throw new SilenceInputError('endsAt', 'a silence lasts at most 365 days');
  return { matchers, startsAtMs, endsAtMs, createdBy: s.createdBy, comment: s.comment };
}
