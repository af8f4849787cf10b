import { z } from 'zod';
import { PII_TYPES, type Finding, type PiiType } from './types.ts';

// Scores the redactor against the labelled corpus (test/fixtures/pii/corpus.jsonl): shared by the
// corpus test, which asserts the targets, and scripts/privacy-corpus.ts, which prints the table
// in docs/privacy.md, so the two can never report different figures.
//
// The matching rule. Every occurrence of a label's value in its text is one labelled span. A
// finding matches a span when it has the span's type, covers at least 90% of the span, and at
// least half of the finding lies inside the span. The first condition tolerates a detector that
// leaves off a bracket or a trailing character; the second keeps a finding that swallows its
// surroundings (a whole connection string where only the password is labelled, a whole log line)
// from counting as finding the value inside it.
//   TP  a labelled span matched by at least one finding
//   FN  a labelled span no finding matches
//   FP  a finding that matches no labelled span of its type
// A second finding on an already-matched span is neither (the redactor resolves overlaps before
// it reports, so this does not happen in practice). Precision = TP / (TP + FP), recall =
// TP / (TP + FN); the overall row adds up the counts of all types (micro average).

export const MIN_SPAN_COVERAGE = 0.9;
export const MIN_FINDING_INSIDE = 0.5;

// The targets the redactor must meet on the corpus.
export const TARGETS = {
  recall: { credit_card: 0.99, secret: 0.99, email: 0.99, phone: 0.95 } as Partial<Record<PiiType, number>>,
  precision: 0.95,
};

const LabelSchema = z.object({ type: z.enum(PII_TYPES), value: z.string().min(1), kind: z.string().optional() });
const LineSchema = z.object({ id: z.string().min(1), lang: z.string().min(2), text: z.string(), labels: z.array(LabelSchema) });
export type CorpusText = z.infer<typeof LineSchema>;

export interface LabelledSpan {
  type: PiiType;
  kind?: string;
  value: string;
  start: number;
  end: number;
}

// Parses corpus.jsonl; throws naming the line of any malformed entry, duplicate id or label value
// that is not in its text.
export function parseCorpus(jsonl: string): CorpusText[] {
  const seen = new Set<string>();
  return jsonl
    .split('\n')
    .map((line, i) => [line, i + 1] as const)
    .filter(([line]) => line.trim() !== '')
    .map(([line, lineNo]) => {
      const parsed = LineSchema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`corpus line ${lineNo}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      const entry = parsed.data;
      if (seen.has(entry.id)) throw new Error(`corpus line ${lineNo}: duplicate id ${entry.id}`);
      seen.add(entry.id);
      for (const l of entry.labels) if (!entry.text.includes(l.value)) throw new Error(`corpus line ${lineNo} (${entry.id}): label value not in the text: ${l.value}`);
      return entry;
    });
}

export function labelledSpans(entry: CorpusText): LabelledSpan[] {
  const spans: LabelledSpan[] = [];
  const seen = new Set<string>();
  for (const l of entry.labels) {
    const key = `${l.type}\0${l.value}`;
    if (seen.has(key)) continue; // the same value labelled twice: its occurrences are found once
    seen.add(key);
    for (let at = entry.text.indexOf(l.value); at !== -1; at = entry.text.indexOf(l.value, at + l.value.length)) {
      spans.push({ type: l.type, kind: l.kind, value: l.value, start: at, end: at + l.value.length });
    }
  }
  return spans;
}

export function findingMatches(f: Finding, s: LabelledSpan): boolean {
  if (f.type !== s.type) return false;
  const overlap = Math.min(f.end, s.end) - Math.max(f.start, s.start);
  if (overlap <= 0) return false;
  return overlap >= MIN_SPAN_COVERAGE * (s.end - s.start) && overlap >= MIN_FINDING_INSIDE * (f.end - f.start);
}

export interface Score {
  type: PiiType | 'overall';
  support: number;
  tp: number;
  fp: number;
  fn: number;
  precision: number | null; // null when nothing was found
  recall: number | null; // null when nothing is labelled
  f1: number | null;
}

export interface KindScore {
  type: PiiType;
  kind: string;
  support: number;
  tp: number;
}

export interface LangScore {
  lang: string;
  texts: number;
  support: number;
  tp: number;
  fp: number;
}

export interface Miss {
  id: string;
  lang: string;
  type: PiiType;
  kind?: string;
  value: string;
  excerpt: string;
  // What the redactor reported over the span instead, if anything: type, detector and text.
  foundInstead: string[];
}

export interface FalsePositive {
  id: string;
  lang: string;
  type: PiiType;
  detector: string;
  value: string;
  excerpt: string;
  // The labelled value the finding overlaps, when it has the wrong type or the wrong extent.
  overlapsLabel?: string;
}

export interface Evaluation {
  texts: number;
  perType: Score[];
  overall: Score;
  kinds: KindScore[];
  langs: LangScore[];
  misses: Miss[];
  falsePositives: FalsePositive[];
}

const EXCERPT_CHARS = 50;
const VALUE_CHARS = 90;

function clip(s: string, max: number): string {
  const flat = s.replace(/\r?\n/g, '⏎');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
function excerpt(text: string, start: number, end: number): string {
  const from = Math.max(0, start - EXCERPT_CHARS);
  const to = Math.min(text.length, end + EXCERPT_CHARS);
  return `${from > 0 ? '…' : ''}${clip(text.slice(from, start), EXCERPT_CHARS)}⟦${clip(text.slice(start, end), VALUE_CHARS)}⟧${clip(text.slice(end, to), EXCERPT_CHARS)}${to < text.length ? '…' : ''}`;
}

function score(type: PiiType | 'overall', tp: number, fp: number, fn: number): Score {
  const precision = tp + fp === 0 ? null : tp / (tp + fp);
  const recall = tp + fn === 0 ? null : tp / (tp + fn);
  const f1 = precision === null || recall === null || precision + recall === 0 ? null : (2 * precision * recall) / (precision + recall);
  return { type, support: tp + fn, tp, fp, fn, precision, recall, f1 };
}

export function evaluate(corpus: CorpusText[], scan: (text: string) => Finding[]): Evaluation {
  const counts = new Map<PiiType, { tp: number; fp: number; fn: number }>(PII_TYPES.map((t) => [t, { tp: 0, fp: 0, fn: 0 }]));
  const kinds = new Map<string, KindScore>();
  const langs = new Map<string, LangScore>();
  const misses: Miss[] = [];
  const falsePositives: FalsePositive[] = [];
  for (const entry of corpus) {
    const spans = labelledSpans(entry);
    const findings = scan(entry.text);
    const lang = langs.get(entry.lang) ?? { lang: entry.lang, texts: 0, support: 0, tp: 0, fp: 0 };
    langs.set(entry.lang, lang);
    lang.texts++;
    lang.support += spans.length;
    for (const s of spans) {
      const hit = findings.some((f) => findingMatches(f, s));
      counts.get(s.type)![hit ? 'tp' : 'fn']++;
      if (hit) lang.tp++;
      if (s.kind) {
        const key = `${s.type}/${s.kind}`;
        const k = kinds.get(key) ?? { type: s.type, kind: s.kind, support: 0, tp: 0 };
        k.support++;
        if (hit) k.tp++;
        kinds.set(key, k);
      }
      if (!hit) {
        const instead = findings.filter((f) => f.start < s.end && s.start < f.end).map((f) => `${f.type} (${f.detector}) "${clip(entry.text.slice(f.start, f.end), VALUE_CHARS)}"`);
        misses.push({ id: entry.id, lang: entry.lang, type: s.type, kind: s.kind, value: clip(s.value, VALUE_CHARS), excerpt: excerpt(entry.text, s.start, s.end), foundInstead: instead });
      }
    }
    for (const f of findings) {
      if (spans.some((s) => findingMatches(f, s))) continue;
      counts.get(f.type)!.fp++;
      lang.fp++;
      const overlapped = spans.find((s) => f.start < s.end && s.start < f.end);
      falsePositives.push({ id: entry.id, lang: entry.lang, type: f.type, detector: f.detector, value: clip(entry.text.slice(f.start, f.end), VALUE_CHARS), excerpt: excerpt(entry.text, f.start, f.end), overlapsLabel: overlapped ? `${overlapped.type} "${clip(overlapped.value, VALUE_CHARS)}"` : undefined });
    }
  }
  const perType = PII_TYPES.map((t) => {
    const c = counts.get(t)!;
    return score(t, c.tp, c.fp, c.fn);
  }).filter((s) => s.support > 0 || s.fp > 0);
  const sum = (k: 'tp' | 'fp' | 'fn') => perType.reduce((a, s) => a + s[k], 0);
  return {
    texts: corpus.length,
    perType,
    overall: score('overall', sum('tp'), sum('fp'), sum('fn')),
    kinds: [...kinds.values()].sort((a, b) => a.type.localeCompare(b.type) || a.kind.localeCompare(b.kind)),
    langs: [...langs.values()].sort((a, b) => b.texts - a.texts || a.lang.localeCompare(b.lang)),
    misses,
    falsePositives,
  };
}

// The targets not met, one sentence each; empty when all are.
export function unmetTargets(ev: Evaluation): string[] {
  const out: string[] = [];
  for (const [type, min] of Object.entries(TARGETS.recall) as [PiiType, number][]) {
    const s = ev.perType.find((p) => p.type === type);
    if (!s || s.recall === null) out.push(`${type}: no labelled values in the corpus`);
    else if (s.recall < min) out.push(`${type}: recall ${fmt(s.recall)} < ${min} (${s.fn} of ${s.support} missed)`);
  }
  if ((ev.overall.precision ?? 0) < TARGETS.precision) out.push(`overall: precision ${fmt(ev.overall.precision)} < ${TARGETS.precision} (${ev.overall.fp} false positives)`);
  return out;
}

function fmt(x: number | null): string {
  return x === null ? '—' : x.toFixed(3);
}

export function formatTable(ev: Evaluation): string {
  const rows = [...ev.perType, ev.overall].map((s) => `| ${s.type === 'overall' ? '**overall (micro)**' : s.type} | ${s.support} | ${s.tp} | ${s.fp} | ${s.fn} | ${fmt(s.precision)} | ${fmt(s.recall)} | ${fmt(s.f1)} |`);
  return ['| type | support | TP | FP | FN | precision | recall | F1 |', '|---|---:|---:|---:|---:|---:|---:|---:|', ...rows].join('\n');
}

export function formatKindTable(ev: Evaluation): string {
  const rows = ev.kinds.map((k) => `| ${k.type} | ${k.kind} | ${k.support} | ${k.tp} | ${fmt(k.tp / k.support)} |`);
  return ['| type | kind | support | found | recall |', '|---|---|---:|---:|---:|', ...rows].join('\n');
}

export function formatLangTable(ev: Evaluation): string {
  const rows = ev.langs.map((l) => `| ${l.lang} | ${l.texts} | ${l.support} | ${l.tp} | ${l.fp} | ${fmt(l.support ? l.tp / l.support : null)} |`);
  return ['| lang | texts | labelled values | found | false positives | recall |', '|---|---:|---:|---:|---:|---:|', ...rows].join('\n');
}

// Every miss and false positive, grouped so that one broken detector reads as one block: misses
// by type and kind, false positives by type and detector. Look-alike texts have ids
// `lookalike-<kind>-…`, so the id says which kind of look-alike was taken for a value.
export function formatFailures(ev: Evaluation, limit = 400): string {
  const lines: string[] = [];
  const misses = [...ev.misses].sort((a, b) => `${a.type}/${a.kind ?? ''}`.localeCompare(`${b.type}/${b.kind ?? ''}`) || a.id.localeCompare(b.id));
  for (const m of misses.slice(0, limit)) {
    lines.push(`MISS ${m.type}${m.kind ? `/${m.kind}` : ''}  ${m.id} [${m.lang}]  value "${m.value}"`);
    lines.push(`     in: ${m.excerpt}`);
    lines.push(`     found instead: ${m.foundInstead.length ? m.foundInstead.join('; ') : 'nothing'}`);
  }
  if (misses.length > limit) lines.push(`… and ${misses.length - limit} more misses`);
  const fps = [...ev.falsePositives].sort((a, b) => a.type.localeCompare(b.type) || a.detector.localeCompare(b.detector) || a.id.localeCompare(b.id));
  for (const f of fps.slice(0, limit)) {
    lines.push(`FALSE POSITIVE ${f.type} (${f.detector})  ${f.id} [${f.lang}]  found "${f.value}"${f.overlapsLabel ? `  overlapping label ${f.overlapsLabel}` : ''}`);
    lines.push(`     in: ${f.excerpt}`);
  }
  if (fps.length > limit) lines.push(`… and ${fps.length - limit} more false positives`);
  return lines.join('\n');
}

// Texts and labels per type and per language, for the description of the corpus.
export function corpusStats(corpus: CorpusText[]): { texts: number; unlabelled: number; perType: Record<string, number>; perLang: Record<string, { texts: number; labels: number }> } {
  const perType: Record<string, number> = {};
  const perLang: Record<string, { texts: number; labels: number }> = {};
  let unlabelled = 0;
  for (const e of corpus) {
    const spans = labelledSpans(e);
    if (spans.length === 0) unlabelled++;
    for (const s of spans) perType[s.type] = (perType[s.type] ?? 0) + 1;
    const l = (perLang[e.lang] ??= { texts: 0, labels: 0 });
    l.texts++;
    l.labels += spans.length;
  }
  return { texts: corpus.length, unlabelled, perType, perLang };
}
