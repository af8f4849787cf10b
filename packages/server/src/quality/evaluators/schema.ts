import { Ajv } from 'ajv';
import { RE2JS } from 're2js';
import { z } from 'zod';
import {
  EVALUATOR_KINDS,
  HEURISTIC_CRITERIA,
  JUDGE_CRITERIA,
  type Evaluator,
  type EvaluatorKind,
  type HeuristicCriterion,
  type HeuristicParams,
  type JudgeCriterion,
  type JudgeSettings,
} from '../../domain/quality.ts';
import { DEMO_JUDGE_BASE_URL, isDemoJudgeUrl } from '../judge/demo-judge.ts';

// One schema for an evaluator's definition, read from the config file and from the API, so both
// refuse the same mistakes with the same words. Each criterion reads only its own params; a param
// another criterion reads is refused rather than silently ignored.

export const MAX_EVALUATORS_PER_PROJECT = 50;
export const MAX_NAME_CHARS = 64;
export const MAX_FILTER_VALUE_CHARS = 256;
export const MAX_PATTERN_CHARS = 500;
export const MAX_JSON_SCHEMA_CHARS = 32 * 1024;
export const MAX_TEMPLATE_PART_CHARS = 16 * 1024;
export const MAX_TEMPLATE_VERSION_CHARS = 40;
export const MAX_JUDGE_MODEL_CHARS = 200;
export const MAX_JUDGE_API_KEY_CHARS = 1024;
export const MAX_OUTPUT_CHARS_BOUND = 10_000_000;
export const MAX_LATENCY_SLO_MS = 3_600_000;
export const MAX_COST_SLO_USD = 1_000;

// A judge samples few traces unless told otherwise (each costs a call); a heuristic is cheap
// enough for every one.
export const DEFAULT_SAMPLE_RATE: Record<EvaluatorKind, number> = { llm_judge: 0.01, heuristic: 1 };

export const TEMPLATE_PLACEHOLDERS = ['input', 'output', 'documents', 'reference', 'criterion'] as const;

const NAME_PATTERN = /^[a-z0-9][a-z0-9_.-]*$/;

// The params each heuristic criterion reads (the others are refused).
const PARAMS_OF: Record<HeuristicCriterion, readonly (keyof HeuristicParams)[]> = {
  empty_output: [],
  refusal: [],
  invalid_json: [],
  json_schema: ['schema'],
  length: ['minChars', 'maxChars'],
  regex: ['pattern', 'mustMatch'],
  language: ['language'],
  latency_slo: ['maxLatencyMs'],
  cost_slo: ['maxCostUsd'],
};

const count = (what: string, max: number) =>
  z.number({ error: `must be a whole number of ${what}` }).int(`must be a whole number of ${what}`).min(0, 'must not be negative').max(max, `must be at most ${max}`);

export const heuristicParamsSchema = z
  .object({
    minChars: count('characters', MAX_OUTPUT_CHARS_BOUND).optional().describe('length: the output has at least this many characters'),
    maxChars: count('characters', MAX_OUTPUT_CHARS_BOUND).optional().describe('length: the output has at most this many characters'),
    pattern: z
      .string({ error: 'must be a regular expression in RE2 syntax' })
      .min(1, 'must not be empty')
      .max(MAX_PATTERN_CHARS, `must be at most ${MAX_PATTERN_CHARS} characters`)
      .optional()
      .describe(`regex: an RE2 expression (linear time: no backreferences or lookaround), at most ${MAX_PATTERN_CHARS} characters`),
    mustMatch: z.boolean({ error: 'must be true or false' }).optional().describe('regex: true (the default) = the output must match, false = must not match'),
    language: z
      .string({ error: 'must be an ISO 639-1 code' })
      .regex(/^[a-z]{2}$/, "must be an ISO 639-1 code such as 'en'")
      .optional()
      .describe("language: the expected language (ISO 639-1); absent = the input's language"),
    schema: z.unknown().optional().describe(`json_schema: the JSON Schema (draft-07) the output must conform to, at most ${MAX_JSON_SCHEMA_CHARS} characters as JSON`),
    maxLatencyMs: count('milliseconds', MAX_LATENCY_SLO_MS).min(1, 'must be at least 1').optional().describe('latency_slo: the slowest acceptable call'),
    maxCostUsd: z
      .number({ error: 'must be a number of US dollars' })
      .positive('must be more than 0')
      .max(MAX_COST_SLO_USD, `must be at most ${MAX_COST_SLO_USD}`)
      .optional()
      .describe('cost_slo: the dearest acceptable call, in USD'),
  })
  .strict();

const templateSchema = z
  .object({
    version: z
      .string({ error: 'must be a version label' })
      .regex(/^[A-Za-z0-9_.-]{1,40}$/, `must be 1-${MAX_TEMPLATE_VERSION_CHARS} letters, digits, '.', '_' or '-'`)
      .describe('written in each score it produces, so a changed template is told apart'),
    system: z.string({ error: 'must be text' }).max(MAX_TEMPLATE_PART_CHARS, `must be at most ${MAX_TEMPLATE_PART_CHARS} characters`),
    user: z
      .string({ error: 'must be text' })
      .min(1, 'must not be empty')
      .max(MAX_TEMPLATE_PART_CHARS, `must be at most ${MAX_TEMPLATE_PART_CHARS} characters`)
      .describe(`the judge's question; placeholders: ${TEMPLATE_PLACEHOLDERS.map((p) => `{{${p}}}`).join(' ')} ({{output}} is required)`),
  })
  .strict();

// A project's own judge endpoint. Only its form is checked here; where it points (no private or
// loopback address unless the operator allow-lists it) is checked when it is called, against what
// the name resolves to then (quality/judge/judge.ts). The one URL that is not http(s) is the
// demo judge's reserved one, answered in process (quality/judge/demo-judge.ts).
const JUDGE_URL_EXAMPLE = "such as 'https://api.openai.com/v1'";
const httpUrl = z
  .string({ error: `must be an http(s) URL ${JUDGE_URL_EXAMPLE}` })
  .superRefine((v, ctx) => {
    const issue = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (isDemoJudgeUrl(v)) return;
    if (/^lookout-demo:/i.test(v)) {
      issue(`is not the demo judge's URL: the only lookout-demo: URL is '${DEMO_JUDGE_BASE_URL}'`);
      return;
    }
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      issue(`must be an http(s) URL ${JUDGE_URL_EXAMPLE}`);
      return;
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') issue(`must be an http(s) URL ${JUDGE_URL_EXAMPLE}; ${u.protocol} URLs are not allowed`);
    else if (u.username || u.password) issue('must not contain credentials (user:password@); give the key in judge.apiKey');
    else if (u.search || u.hash) issue(`must not have a query or fragment: give the API's base URL, ${JUDGE_URL_EXAMPLE}`);
  });

export const judgeSettingsInputSchema = z
  .object({
    baseUrl: httpUrl.optional().describe('overrides LOOKOUT_JUDGE_BASE_URL: an OpenAI-compatible API (…/v1)'),
    model: z.string({ error: 'must be a model name' }).min(1, 'must not be empty').max(MAX_JUDGE_MODEL_CHARS, `must be at most ${MAX_JUDGE_MODEL_CHARS} characters`).optional().describe('overrides LOOKOUT_JUDGE_MODEL'),
    apiKey: z
      .string({ error: 'must be the API key, or null to remove it' })
      .min(1, 'must not be empty')
      .max(MAX_JUDGE_API_KEY_CHARS, `must be at most ${MAX_JUDGE_API_KEY_CHARS} characters`)
      .nullable()
      .optional()
      .describe('overrides LOOKOUT_JUDGE_API_KEY; write-only (never returned). On PUT, absent keeps the stored key and null removes it.'),
    template: templateSchema.optional().describe('required for criterion custom; otherwise replaces the shipped template'),
  })
  .strict();

const filterValue = z.string({ error: 'must be text' }).min(1, 'must not be empty').max(MAX_FILTER_VALUE_CHARS, `must be at most ${MAX_FILTER_VALUE_CHARS} characters`);

export const evaluatorFilterSchema = z
  .object({
    feature: filterValue.optional().describe('only calls of this feature'),
    model: filterValue.optional().describe('only calls of this model (requested or answered)'),
    application: filterValue.optional().describe('only calls of this application'),
  })
  .strict();

const kindSchema = z.enum(EVALUATOR_KINDS, { error: `must be one of ${EVALUATOR_KINDS.join(', ')}` });

// The fields of a definition as a client or the config file gives them.
export const evaluatorFields = {
  name: z
    .string({ error: 'must be a name' })
    .min(1, 'must not be empty')
    .max(MAX_NAME_CHARS, `must be at most ${MAX_NAME_CHARS} characters`)
    .regex(NAME_PATTERN, "must be lowercase letters, digits, '_', '.' or '-', starting with a letter or digit")
    .describe('the name of the scores it writes; unique within the project'),
  kind: kindSchema,
  criterion: z
    .string({ error: 'must be a criterion name' })
    .max(40, 'is not a criterion')
    .describe(`heuristic: ${HEURISTIC_CRITERIA.join(', ')}; llm_judge: ${JUDGE_CRITERIA.join(', ')}`),
  sampleRate: z
    .number({ error: 'must be a number from 0 to 1' })
    .min(0, 'must be from 0 to 1')
    .max(1, 'must be from 0 to 1')
    .optional()
    .describe('share of traces evaluated, chosen by a hash of the trace id; default 0.01 for llm_judge, 1 for heuristic'),
  filter: evaluatorFilterSchema.optional().describe('only the calls that match every field given'),
  enabled: z.boolean({ error: 'must be true or false' }).optional().describe('default true'),
  params: heuristicParamsSchema.optional().describe('heuristic settings; each criterion reads only its own'),
  judge: judgeSettingsInputSchema.nullable().optional().describe('llm_judge settings: endpoint, model, key and template overrides'),
};

export const evaluatorInputSchema = z.object(evaluatorFields).strict().superRefine(checkDefinition);
export type EvaluatorInput = z.output<typeof evaluatorInputSchema>;

// A definition of the config file; `project` null: every project.
export interface ConfiguredEvaluator {
  project: string | null;
  definition: EvaluatorInput;
}

// What only the whole definition can tell: the criterion for the kind, the params for the
// criterion, patterns and schemas that compile, a template where one is needed.
export function checkDefinition(input: z.output<z.ZodObject<typeof evaluatorFields>>, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const criteria: readonly string[] = input.kind === 'heuristic' ? HEURISTIC_CRITERIA : JUDGE_CRITERIA;
  if (!criteria.includes(input.criterion)) {
    issue(['criterion'], `'${input.criterion}' is not a criterion of kind ${input.kind}; use one of ${criteria.join(', ')}`);
    return;
  }
  const params = input.params ?? {};
  if (input.kind === 'llm_judge') {
    const given = Object.keys(params);
    if (given.length) issue(['params', given[0]], 'is a heuristic setting; an llm_judge evaluator takes its settings in judge');
    const template = input.judge?.template;
    if (input.criterion === 'custom' && !template) issue(['judge', 'template'], 'is required for criterion custom: give { version, system, user }');
    if (template) checkTemplate(template.user, (m) => issue(['judge', 'template', 'user'], m));
    return;
  }
  if (input.judge) issue(['judge'], 'is for llm_judge evaluators only');
  const criterion = input.criterion as HeuristicCriterion;
  const allowed = PARAMS_OF[criterion];
  for (const key of Object.keys(params) as (keyof HeuristicParams)[]) {
    if (params[key] !== undefined && !allowed.includes(key)) {
      issue(['params', key], allowed.length ? `is not read by criterion ${criterion}, which takes ${allowed.join(', ')}` : `is not read by criterion ${criterion}, which takes no params`);
      return;
    }
  }
  switch (criterion) {
    case 'length':
      if (params.minChars === undefined && params.maxChars === undefined) issue(['params'], 'criterion length needs minChars, maxChars or both');
      else if (params.minChars !== undefined && params.maxChars !== undefined && params.minChars > params.maxChars) issue(['params', 'minChars'], `must not exceed maxChars (${params.maxChars})`);
      break;
    case 'regex': {
      if (params.pattern === undefined) {
        issue(['params', 'pattern'], 'is required for criterion regex');
        break;
      }
      const problem = patternProblem(params.pattern);
      if (problem) issue(['params', 'pattern'], problem);
      break;
    }
    case 'json_schema': {
      if (params.schema === undefined) {
        issue(['params', 'schema'], 'is required for criterion json_schema: give a JSON Schema');
        break;
      }
      const problem = jsonSchemaProblem(params.schema);
      if (problem) issue(['params', 'schema'], problem);
      break;
    }
    case 'latency_slo':
      if (params.maxLatencyMs === undefined) issue(['params', 'maxLatencyMs'], 'is required for criterion latency_slo');
      break;
    case 'cost_slo':
      if (params.maxCostUsd === undefined) issue(['params', 'maxCostUsd'], 'is required for criterion cost_slo');
      break;
    default:
      break;
  }
}

// The message completes "params.pattern: …"; null when RE2 accepts the pattern.
export function patternProblem(pattern: string): string | null {
  try {
    RE2JS.compile(pattern);
    return null;
  } catch (err) {
    return `is not a valid RE2 expression (no backreferences or lookaround): ${(err as Error).message}`;
  }
}

// Null when ajv compiles the schema. A fresh ajv each time: its cache would keep every schema
// ever tried for the life of the process.
export function jsonSchemaProblem(schema: unknown): string | null {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    if (typeof schema !== 'boolean') return 'must be a JSON Schema: an object such as { "type": "object" }';
  }
  const size = JSON.stringify(schema).length;
  if (size > MAX_JSON_SCHEMA_CHARS) return `is ${size} characters as JSON; the limit is ${MAX_JSON_SCHEMA_CHARS}`;
  try {
    new Ajv({ strict: false, allErrors: false }).compile(schema as object);
    return null;
  } catch (err) {
    return `is not a valid JSON Schema: ${(err as Error).message}`;
  }
}

function checkTemplate(user: string, report: (message: string) => void): void {
  const known = new Set<string>(TEMPLATE_PLACEHOLDERS);
  const used = [...user.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)].map((m) => m[1] ?? '');
  const unknown = used.find((p) => !known.has(p));
  if (unknown !== undefined) report(`{{${unknown}}} is not a placeholder; use ${TEMPLATE_PLACEHOLDERS.map((p) => `{{${p}}}`).join(' ')}`);
  else if (!used.includes('output')) report('must contain {{output}}: the answer the judge is asked about');
}

// The stored evaluator for a definition: defaults applied, the judge's key kept from `previous`
// when the definition does not mention it.
export function evaluatorFrom(input: EvaluatorInput, id: string, nowIso: string, previous: Evaluator | null): Evaluator {
  return {
    id,
    name: input.name,
    kind: input.kind,
    criterion: input.criterion as HeuristicCriterion | JudgeCriterion,
    sampleRate: input.sampleRate ?? DEFAULT_SAMPLE_RATE[input.kind],
    filter: compact(input.filter ?? {}),
    enabled: input.enabled ?? true,
    params: input.kind === 'heuristic' ? withParamDefaults(input.criterion as HeuristicCriterion, compact(input.params ?? {})) : {},
    judge: input.kind === 'llm_judge' ? judgeFrom(input.judge ?? null, previous?.judge ?? null) : null,
    createdAt: previous?.createdAt ?? nowIso,
    updatedAt: nowIso,
  };
}

function withParamDefaults(criterion: HeuristicCriterion, params: HeuristicParams): HeuristicParams {
  return criterion === 'regex' ? { mustMatch: true, ...params } : params;
}

function judgeFrom(input: z.output<typeof judgeSettingsInputSchema> | null, previous: JudgeSettings | null): JudgeSettings {
  const { apiKey, ...rest } = input ?? {};
  const key = apiKey === undefined ? previous?.apiKey : (apiKey ?? undefined);
  return compact({ ...rest, apiKey: key });
}

function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
