// Prompt-injection and jailbreak detection by rules: a pure function of a text and where it came
// from. Each matched rule adds evidence; the score combines the weights as independent evidence
// (1 - Π(1 - w)), and thresholds turn it into a severity. Rules catch known phrasings; an optional
// model-based second stage is what catches paraphrases.

import type { InjectionKind, SecuritySeverity } from '../../domain/security.ts';
import { decodeHiddenText } from './encoded.ts';
import { PHRASE_RULES, type InjectionOrigin, type PhraseRule } from './injection-rules.ts';
import { collapse, normalizeForRules } from './normalize.ts';

export type { InjectionOrigin } from './injection-rules.ts';

// Bumped with any rule's version: stored detections say which rule set produced them.
export const INJECTION_RULESET_VERSION = 1;

// Texts longer than twice this are scanned on their first and last SCAN_WINDOW_CHARS characters
// only (32 K each, 64 K in all): injections sit at the start or the end of a prompt, and the cost of
// a detection stays bounded whatever the size of a document.
export const SCAN_WINDOW_CHARS = 32 * 1024;

// Lowest score of each severity, strongest first; a score under the last is no detection.
export const SEVERITY_THRESHOLDS: readonly (readonly [SecuritySeverity, number])[] = [
  ['critical', 0.95],
  ['high', 0.8],
  ['medium', 0.6],
  ['low', 0.4],
];

// A phrase inside quotes or a code block, in a text that is about attacks, prompts or formats
// ("how do I detect 'ignore previous instructions'?"), counts for this share of its weight. Not
// for tool results: they are mostly JSON, where every string is quoted.
export const QUOTED_DISCUSSION_FACTOR = 0.35;

export interface InjectionResult {
  kind: InjectionKind;
  severity: SecuritySeverity;
  score: number; // 0..1
  rules: string[]; // "<rule id>@<rule version>", strongest first
}

export interface InjectionRuleInfo {
  id: string;
  version: number;
  kind: InjectionKind;
  weight: number; // origin `prompt`
  indirectWeight: number; // origins `retrieval` and `tool`
  description: string;
}

// Evidence that is not a phrase: found by decoding or by what normalisation had to undo.
const SIGNAL_RULES = {
  encoded_payload: {
    id: 'encoded_payload',
    version: 1,
    kind: 'prompt_injection',
    weight: 0.8,
    indirectWeight: 0.8,
    description: 'A base64, hex or percent-encoded blob that decodes to text matching another rule.',
  },
  unicode_obfuscation: {
    id: 'unicode_obfuscation',
    version: 1,
    kind: 'prompt_injection',
    weight: 0.6,
    indirectWeight: 0.6,
    description: 'A rule matched only once zero-width characters, look-alike (Cyrillic, Greek) or fullwidth letters, or invisible tag characters were undone.',
  },
  invisible_text: {
    id: 'invisible_text',
    version: 1,
    kind: 'prompt_injection',
    weight: 0.45,
    indirectWeight: 0.6,
    description: 'Text a reader cannot see: Unicode tag characters (outside flag emoji) or right-to-left/left-to-right override characters.',
  },
} as const satisfies Record<string, InjectionRuleInfo>;

export const INJECTION_RULES: readonly InjectionRuleInfo[] = [
  ...PHRASE_RULES.map(({ id, version, kind, weight, indirectWeight, description }) => ({ id, version, kind, weight, indirectWeight, description })),
  ...Object.values(SIGNAL_RULES),
];

const RULE_BY_ID = new Map(INJECTION_RULES.map((r) => [r.id, r]));
const GLOBAL_PATTERNS = new Map(PHRASE_RULES.map((r) => [r.id, r.patterns.map((p) => new RegExp(p.source, 'g'))]));
const MAX_MATCHES_PER_PATTERN = 8;
const ALL_GATES = new RegExp(PHRASE_RULES.map((r) => r.gate.source).join('|'), 'y');
const STICKY_GATES = PHRASE_RULES.map((r) => [r, new RegExp(r.gate.source, 'y')] as const);

const INLINE_QUOTE = /"[^"\n]{1,300}"|“[^”\n]{1,300}”|‘[^’\n]{1,300}’|«[^»\n]{1,300}»|`[^`\n]{1,300}`|(?:^|[\s(:])'[^'\n]{4,300}'(?=[\s.,;:!?)]|$)/g;
const DISCUSSION =
  /\b(?:prompt injections?|injection|jailbreak\w*|attack\w*|examples?\b(?!\.)|phrases?|detect\w*|defen[cs]\w*|defend\w*|protect\w*|mitigat\w*|filter\w*|classif\w*|red[- ]team\w*|security|research\w*|papers?|strings?|regex\w*|test (?:cases?|suites?)|payloads?|malicious|adversarial|tokens?|templates?|chatml|format\w*|what does|what is|why does|how (?:do|can|to|does|should)|explain\w*|meaning|means)\b/;

function weightFor(rule: { weight: number; indirectWeight: number }, origin: InjectionOrigin): number {
  return origin === 'prompt' ? rule.weight : rule.indirectWeight;
}

// Where quotes and code blocks are in a text, computed once and only when some rule matched.
class QuotedSpans {
  private spans: [number, number][] | null = null;
  private discussing: boolean | null = null;
  private readonly text: string;
  constructor(text: string) {
    this.text = text;
  }

  discounts(index: number): boolean {
    this.discussing ??= DISCUSSION.test(this.text);
    if (!this.discussing) return false;
    this.spans ??= quotedSpans(this.text);
    return this.spans.some(([from, to]) => index >= from && index < to);
  }
}

function quotedSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  // Fenced code blocks, paired in order (linear: one indexOf pass).
  for (let open = text.indexOf('```'); open !== -1; ) {
    const close = text.indexOf('```', open + 3);
    if (close === -1) break;
    spans.push([open, close + 3]);
    open = text.indexOf('```', close + 3);
  }
  INLINE_QUOTE.lastIndex = 0;
  for (let m = INLINE_QUOTE.exec(text); m !== null; m = INLINE_QUOTE.exec(text)) spans.push([m.index, m.index + m[0].length]);
  return spans;
}

// rule id -> weight counted; `quoted` when only mentions in quotes of a text about attacks matched.
type Evidence = Map<string, { weight: number; quoted: boolean }>;

function add(evidence: Evidence, id: string, weight: number, quoted = false): void {
  if (weight > (evidence.get(id)?.weight ?? 0)) evidence.set(id, { weight, quoted });
}

function combine(weights: number[]): number {
  return 1 - weights.reduce((rest, w) => rest * (1 - w), 1);
}

// Patterns run only on windows around the places a rule's gate matched: a match starts at most
// WINDOW_BEFORE_CHARS before its gate and ends at most the rule's `reachChars` after it. A rule
// gated in many places scans the whole text instead.
const WINDOW_BEFORE_CHARS = 160;
const MAX_WINDOWS_PER_RULE = 16;
// Put before a window that does not start the text, so `^` cannot match there.
const NOT_A_START = '\u0001';

function isWordCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || (c >= 65 && c <= 90);
}

// [from, to) ranges around the gate positions, widened to word edges so that `\b` means what it
// means in the whole text, and merged where they overlap.
function windowsAround(text: string, positions: number[], reachChars: number): [number, number][] {
  if (positions.length > MAX_WINDOWS_PER_RULE) return [[0, text.length]];
  const out: [number, number][] = [];
  for (const at of positions) {
    let from = Math.max(0, at - WINDOW_BEFORE_CHARS);
    while (from > 0 && isWordCode(text.charCodeAt(from - 1))) from--;
    // A few characters more than the reach, for the look-aheads after a match.
    let to = Math.min(text.length, at + reachChars + 24);
    while (to < text.length && isWordCode(text.charCodeAt(to))) to++;
    const last = out[out.length - 1];
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else out.push([from, to]);
  }
  return out;
}

function ruleWeightIn(rule: PhraseRule, text: string, positions: number[], origin: InjectionOrigin, quotes: QuotedSpans): { weight: number; quoted: boolean } {
  const full = weightFor(rule, origin);
  let best = 0;
  for (const [from, to] of windowsAround(text, positions, rule.reachChars)) {
    const chunk = from === 0 ? text.slice(0, to) : NOT_A_START + text.slice(from, to);
    const shift = from === 0 ? 0 : from - NOT_A_START.length;
    for (const re of GLOBAL_PATTERNS.get(rule.id)!) {
      re.lastIndex = 0;
      let seen = 0;
      for (let m = re.exec(chunk); m !== null && seen < MAX_MATCHES_PER_PATTERN; m = re.exec(chunk), seen++) {
        if (!quotes.discounts(m.index + shift)) return { weight: full, quoted: false };
        best = full * QUOTED_DISCUSSION_FACTOR;
        if (m[0].length === 0) re.lastIndex++;
      }
    }
  }
  return { weight: best, quoted: true };
}

// Where each rule's gate matches. Every gate starts at the start of a word or at one of `<[]#` or
// a line break, so only those places are tried (a fifth of the characters of prose): first all
// gates at once, and where one matches, each rule's own (two can start at one place).
function gatePositions(text: string): Map<PhraseRule, number[]> {
  const found = new Map<PhraseRule, number[]>();
  let previousWordChar = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const wordChar = isWordCode(c);
    const candidate = wordChar ? !previousWordChar : c === 60 || c === 91 || c === 93 || c === 35 || c === 10;
    previousWordChar = wordChar;
    if (!candidate && i > 0) continue;
    ALL_GATES.lastIndex = i;
    if (!ALL_GATES.test(text)) continue;
    for (const [rule, gate] of STICKY_GATES) {
      const positions = found.get(rule) ?? [];
      if (positions.length > MAX_WINDOWS_PER_RULE) continue;
      gate.lastIndex = i;
      if (!gate.test(text)) continue;
      positions.push(i);
      found.set(rule, positions);
    }
  }
  return found;
}

function scanPhrases(text: string, origin: InjectionOrigin): Evidence {
  const evidence: Evidence = new Map();
  const quotes = new QuotedSpans(origin === 'tool' ? '' : text);
  for (const [rule, positions] of gatePositions(text)) {
    const { weight, quoted } = ruleWeightIn(rule, text, positions, origin, quotes);
    if (weight > 0) add(evidence, rule.id, weight, quoted);
  }
  return evidence;
}

function merge(into: Evidence, from: Evidence): void {
  for (const [id, e] of from) add(into, id, e.weight, e.quoted);
}

function boundedSample(text: string): string {
  // Joined by a space, not a line break: the cut must not make the tail's first words a line start.
  return text.length <= 2 * SCAN_WINDOW_CHARS ? text : `${text.slice(0, SCAN_WINDOW_CHARS)} ${text.slice(-SCAN_WINDOW_CHARS)}`;
}

export function severityOf(score: number): SecuritySeverity | null {
  for (const [severity, min] of SEVERITY_THRESHOLDS) if (score >= min) return severity;
  return null;
}

export function detectInjection(text: string, origin: InjectionOrigin): InjectionResult | null {
  if (!text) return null;
  const sample = boundedSample(text);
  const norm = normalizeForRules(sample);
  const evidence = scanPhrases(norm.text, origin);

  // Folding is evidence when a rule needed it: legitimate text spells its words plainly.
  if (evidence.size > 0 && norm.text !== collapse(sample.toLowerCase())) {
    const plain = scanPhrases(collapse(sample.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()), origin);
    if ([...evidence.keys()].some((id) => !plain.has(id))) add(evidence, 'unicode_obfuscation', weightFor(SIGNAL_RULES.unicode_obfuscation, origin));
  }
  if (norm.signals.tagCharacters || norm.signals.bidiOverride) add(evidence, 'invisible_text', weightFor(SIGNAL_RULES.invisible_text, origin));
  if (norm.tagText) {
    const hidden = scanPhrases(normalizeForRules(norm.tagText).text, origin);
    if (hidden.size > 0) {
      merge(evidence, hidden);
      add(evidence, 'unicode_obfuscation', weightFor(SIGNAL_RULES.unicode_obfuscation, origin));
    }
  }
  for (const decoded of decodeHiddenText(sample)) {
    const hidden = scanPhrases(normalizeForRules(decoded).text, origin);
    if (hidden.size === 0) continue;
    merge(evidence, hidden);
    add(evidence, 'encoded_payload', weightFor(SIGNAL_RULES.encoded_payload, origin));
  }
  // Quoted mentions add to a detection but never make one: a text that discusses several attacks
  // is still a discussion.
  const firm = [...evidence.values()].filter((e) => !e.quoted).map((e) => e.weight);
  if (severityOf(combine(firm)) === null) return null;

  const ranked = [...evidence].sort((a, b) => b[1].weight - a[1].weight || a[0].localeCompare(b[0]));
  const score = Math.round(combine(ranked.map(([, e]) => e.weight)) * 1000) / 1000;
  const severity = severityOf(score)!;
  const top = RULE_BY_ID.get(ranked[0][0])!;
  return {
    kind: top.kind,
    severity,
    score,
    rules: ranked.map(([id]) => `${id}@${RULE_BY_ID.get(id)!.version}`),
  };
}
