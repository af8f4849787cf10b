import { HEURISTIC_CRITERIA, JUDGE_CRITERIA, type EvaluatorKind, type HeuristicCriterion } from '../../../../server/src/domain/quality.ts';
import type { Evaluator, EvaluatorBody, EvaluatorParams } from '../../api/types.ts';

// The evaluator form as typed, and as the body of POST/PUT /api/v1/evaluators. Text fields stay
// text while typed; numbers and the JSON Schema are read when the form is sent, and a field that
// cannot be read is named before anything is sent. The server checks the rest (criterion for the
// kind, RE2 patterns, JSON Schema validity) and its message names the field.

export { HEURISTIC_CRITERIA, JUDGE_CRITERIA };

export const CRITERIA_OF: Record<EvaluatorKind, readonly string[]> = { heuristic: HEURISTIC_CRITERIA, llm_judge: JUDGE_CRITERIA };

export const CRITERION_TEXT: Record<string, string> = {
  empty_output: 'the answer is not empty',
  refusal: 'the model did not refuse (phrase set per language, refusal finish reasons)',
  invalid_json: 'the answer is valid JSON when JSON was asked for',
  json_schema: 'the answer conforms to a JSON Schema',
  length: 'the answer is within length bounds',
  regex: 'the answer matches (or does not match) a pattern',
  language: 'the answer is in the expected language',
  latency_slo: 'the call was fast enough',
  cost_slo: 'the call was cheap enough',
  correctness: 'the answer is correct',
  relevance: 'the answer addresses the question',
  helpfulness: 'the answer helps the user',
  safety: 'the answer is safe',
  faithfulness: "the answer is grounded in the trace's retrieved documents",
  reference_correctness: 'the answer agrees with the reference answer attached to the trace',
  custom: 'your own question (template below)',
};

// The text fields of a heuristic's params, by criterion.
export type ParamField = 'minChars' | 'maxChars' | 'pattern' | 'language' | 'schema' | 'maxLatencyMs' | 'maxCostUsd';
export const PARAM_FIELDS: Record<HeuristicCriterion, ParamField[]> = {
  empty_output: [],
  refusal: [],
  invalid_json: [],
  json_schema: ['schema'],
  length: ['minChars', 'maxChars'],
  regex: ['pattern'],
  language: ['language'],
  latency_slo: ['maxLatencyMs'],
  cost_slo: ['maxCostUsd'],
};

export const PARAM_LABEL: Record<ParamField, string> = {
  minChars: 'Min characters',
  maxChars: 'Max characters',
  pattern: 'Pattern (RE2)',
  language: 'Language (ISO 639-1, empty = the input’s)',
  schema: 'JSON Schema',
  maxLatencyMs: 'Max latency (ms)',
  maxCostUsd: 'Max cost per call (USD)',
};

export interface EvaluatorDraft {
  name: string;
  kind: EvaluatorKind;
  criterion: string;
  sampleRate: string; // empty: the kind's default
  feature: string;
  model: string;
  application: string;
  enabled: boolean;
  params: Record<ParamField, string>;
  mustMatch: boolean;
  judgeModel: string;
  judgeBaseUrl: string;
  judgeApiKey: string; // empty: keep the stored key
  removeApiKey: boolean;
  templateVersion: string;
  templateSystem: string;
  templateUser: string;
}

const NO_PARAMS: Record<ParamField, string> = { minChars: '', maxChars: '', pattern: '', language: '', schema: '', maxLatencyMs: '', maxCostUsd: '' };

export function blankDraft(): EvaluatorDraft {
  return {
    name: '',
    kind: 'heuristic',
    criterion: 'empty_output',
    sampleRate: '',
    feature: '',
    model: '',
    application: '',
    enabled: true,
    params: { ...NO_PARAMS },
    mustMatch: true,
    judgeModel: '',
    judgeBaseUrl: '',
    judgeApiKey: '',
    removeApiKey: false,
    templateVersion: '',
    templateSystem: '',
    templateUser: '',
  };
}

const text = (v: number | string | undefined) => (v === undefined ? '' : String(v));

export function draftOf(e: Evaluator): EvaluatorDraft {
  const p = e.params;
  return {
    ...blankDraft(),
    name: e.name,
    kind: e.kind,
    criterion: e.criterion,
    sampleRate: String(e.sampleRate),
    feature: e.filter.feature ?? '',
    model: e.filter.model ?? '',
    application: e.filter.application ?? '',
    enabled: e.enabled,
    params: {
      minChars: text(p.minChars),
      maxChars: text(p.maxChars),
      pattern: p.pattern ?? '',
      language: p.language ?? '',
      schema: p.schema === undefined ? '' : JSON.stringify(p.schema, null, 2),
      maxLatencyMs: text(p.maxLatencyMs),
      maxCostUsd: text(p.maxCostUsd),
    },
    mustMatch: p.mustMatch ?? true,
    judgeModel: e.judge?.model ?? '',
    judgeBaseUrl: e.judge?.baseUrl ?? '',
    templateVersion: e.judge?.template?.version ?? '',
    templateSystem: e.judge?.template?.system ?? '',
    templateUser: e.judge?.template?.user ?? '',
  };
}

// A kind change picks that kind's first criterion when the current one is not of it.
export function withKind(d: EvaluatorDraft, kind: EvaluatorKind): EvaluatorDraft {
  return { ...d, kind, criterion: CRITERIA_OF[kind].includes(d.criterion) ? d.criterion : (CRITERIA_OF[kind][0] ?? '') };
}

export type Built = { ok: true; body: EvaluatorBody } | { ok: false; message: string };

function number(label: string, value: string): number | undefined | string {
  const t = value.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : `${label}: must be a number`;
}

// The body for the server, or the first field that cannot be read.
export function bodyOf(d: EvaluatorDraft): Built {
  const sampleRate = number('Sample rate', d.sampleRate);
  if (typeof sampleRate === 'string') return { ok: false, message: sampleRate };
  const filter = Object.fromEntries(
    (['feature', 'model', 'application'] as const).map((k) => [k, d[k].trim()]).filter(([, v]) => v !== ''),
  ) as EvaluatorBody['filter'];
  const body: EvaluatorBody = { name: d.name.trim(), kind: d.kind, criterion: d.criterion, filter, enabled: d.enabled, ...(sampleRate === undefined ? {} : { sampleRate }) };
  if (d.kind === 'heuristic') {
    const params: EvaluatorParams = {};
    for (const field of PARAM_FIELDS[d.criterion as HeuristicCriterion] ?? []) {
      const raw = d.params[field];
      if (field === 'pattern' || field === 'language') {
        if (raw.trim() !== '') params[field] = field === 'language' ? raw.trim() : raw;
        continue;
      }
      if (field === 'schema') {
        if (raw.trim() === '') continue;
        try {
          params.schema = JSON.parse(raw);
        } catch (err) {
          return { ok: false, message: `${PARAM_LABEL.schema}: not valid JSON (${(err as Error).message})` };
        }
        continue;
      }
      const n = number(PARAM_LABEL[field], raw);
      if (typeof n === 'string') return { ok: false, message: n };
      if (n !== undefined) params[field] = n;
    }
    if (d.criterion === 'regex') params.mustMatch = d.mustMatch;
    return { ok: true, body: { ...body, params } };
  }
  const judge: NonNullable<EvaluatorBody['judge']> = {};
  if (d.judgeModel.trim()) judge.model = d.judgeModel.trim();
  if (d.judgeBaseUrl.trim()) judge.baseUrl = d.judgeBaseUrl.trim();
  if (d.removeApiKey) judge.apiKey = null;
  else if (d.judgeApiKey) judge.apiKey = d.judgeApiKey;
  if (d.templateUser.trim() || d.templateVersion.trim() || d.templateSystem.trim()) {
    judge.template = { version: d.templateVersion.trim(), system: d.templateSystem, user: d.templateUser };
  }
  return { ok: true, body: { ...body, judge } };
}

// "10%" of traces, "every trace", "0.5%".
export function sampleRateText(rate: number): string {
  if (rate >= 1) return 'every trace';
  if (rate <= 0) return 'none';
  return `${Number((rate * 100).toPrecision(3))}% of traces`;
}

export function filterText(e: Evaluator): string {
  const parts = (['feature', 'model', 'application'] as const).flatMap((k) => (e.filter[k] ? [`${k} = ${e.filter[k]}`] : []));
  return parts.length ? parts.join(', ') : 'every call';
}
