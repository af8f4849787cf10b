import { RE2JS } from 're2js';
import { z } from 'zod';
import { parseDurationMs } from '../rules/schema.ts';

// F3: a silence mutes the alerts whose labels match all its matchers, from startsAt to endsAt.
// Matchers are written as in Alertmanager: name="value", name!="value", name=~"regex", name!~"regex".

export interface Matcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}

// Regular expressions come from users (silences, notification routes) and run on the event loop
// against label values that come from ingested data, so they run on RE2 semantics (re2js): time
// linear in the input, no backreferences or look-around. Pattern and input sizes are bounded too.
export const MAX_PATTERN_CHARS = 1_000;
export const MAX_MATCH_INPUT_CHARS = 4_096;
export const MAX_MATCHERS_PER_SILENCE = 20;
export const MAX_MATCHER_CHARS = 1_200;

const compiledPatterns = new Map<string, RE2JS>();
const MAX_COMPILED_PATTERNS = 1_000;

// Why a pattern is refused, in words that name the pattern's own text.
function patternProblem(value: string): string | null {
  if (value.length > MAX_PATTERN_CHARS) return `a regular expression has at most ${MAX_PATTERN_CHARS} characters (this one has ${value.length})`;
  try {
    RE2JS.compile(value);
    return null;
  } catch (err) {
    const hint = /\\[1-9]|\(\?[=!<]/.test(value) ? ' (backreferences and look-around are not supported: matchers use RE2 syntax)' : '';
    return `${(err as Error).message}${hint}`;
  }
}

// Anchored as Alertmanager anchors its matchers: the whole value must match.
function compilePattern(value: string): RE2JS {
  let re = compiledPatterns.get(value);
  if (!re) {
    const problem = patternProblem(value);
    if (problem !== null) throw new Error(problem);
    re = RE2JS.compile(`^(?:${value})$`);
    if (compiledPatterns.size >= MAX_COMPILED_PATTERNS) compiledPatterns.clear();
    compiledPatterns.set(value, re);
  }
  return re;
}

// A value longer than MAX_MATCH_INPUT_CHARS matches no regular expression.
export function regexMatches(pattern: string, value: string): boolean {
  if (value.length > MAX_MATCH_INPUT_CHARS) return false;
  return compilePattern(pattern).matches(value);
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

export class SilenceInputError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

const MATCHER_PATTERN = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"?(.*?)"?\s*$/;
const MAX_SILENCE_MS = 365 * 86_400_000;

export function parseMatcher(text: string): Matcher {
  if (text.length > MAX_MATCHER_CHARS) throw new Error(`a matcher has at most ${MAX_MATCHER_CHARS} characters (this one has ${text.length})`);
  const m = MATCHER_PATTERN.exec(text);
  if (!m) throw new Error(`'${text}' is not a matcher; write name="value", name!="value", name=~"regex" or name!~"regex"`);
  const [, name, op, value] = m;
  const isRegex = op === '=~' || op === '!~';
  if (isRegex) {
    const problem = patternProblem(value);
    if (problem !== null) throw new Error(`'${value}' in '${text}' is not a valid regular expression: ${problem}`);
  }
  return { name, value, isRegex, isEqual: op === '=' || op === '=~' };
}

function matchOne(m: Matcher, labels: Record<string, string>): boolean {
  const v = labels[m.name] ?? '';
  const hit = m.isRegex ? regexMatches(m.value, v) : v === m.value;
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

function parseTime(field: string, text: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new SilenceInputError(field, `'${text}' is not a date-time; use ISO 8601, e.g. 2026-11-23T18:00:00Z`);
  return ms;
}

export function validateSilence(input: unknown, nowMs: number): Omit<Silence, 'id' | 'projectId' | 'createdAtMs'> {
  const parsed = silenceInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SilenceInputError(issue.path.join('.') || 'body', issue.message);
  }
  const s = parsed.data;
  const matchers = s.matchers.map((text, i) => {
    try {
      return parseMatcher(text);
    } catch (err) {
      throw new SilenceInputError(`matchers[${i}]`, (err as Error).message);
    }
  });
  if (matchers.every((m) => !m.isEqual || (m.isRegex && regexMatches(m.value, '')))) {
    throw new SilenceInputError('matchers', 'at least one matcher must select something (a silence of every alert is refused)');
  }
  const startsAtMs = s.startsAt ? parseTime('startsAt', s.startsAt) : nowMs;
  let endsAtMs: number;
  if (s.endsAt !== undefined) endsAtMs = parseTime('endsAt', s.endsAt);
  else if (s.duration !== undefined) {
    const d = parseDurationMs(s.duration);
    if (d === null || d <= 0) throw new SilenceInputError('duration', `'${s.duration}' is not a duration; use e.g. 30m, 2h or 1d`);
    endsAtMs = startsAtMs + d;
  } else throw new SilenceInputError('endsAt', 'give endsAt (ISO 8601) or duration (e.g. 2h)');
  if (endsAtMs <= startsAtMs) throw new SilenceInputError('endsAt', 'must be after startsAt');
  if (endsAtMs <= nowMs) throw new SilenceInputError('endsAt', 'is in the past');
  if (endsAtMs - startsAtMs > MAX_SILENCE_MS) throw new SilenceInputError('endsAt', 'a silence lasts at most 365 days');
  return { matchers, startsAtMs, endsAtMs, createdBy: s.createdBy, comment: s.comment };
}
