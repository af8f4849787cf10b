import { Ajv, type ValidateFunction } from 'ajv';
import { z } from 'zod';
import { describeIssue } from '../../errors.ts';
import {
  generationItemSchema,
  ingestItemSchema,
  ITEM_TYPES,
  logItemSchema,
  MAX_METADATA_KEYS,
  promptMetadataKeysProblem,
  readTimestamp,
  scoreValueProblem,
  scoreItemSchema,
  spanItemSchema,
  timesProblems,
  type IngestItem,
} from './schema.ts';

// Validation of one native ingest item, cheap when the item is well formed. The zod schemas in
// schema.ts stay the definition: each item type's schema is compiled once to a JSON Schema and
// then to an ajv validator, and what a JSON Schema cannot say (transforms, defaults, checks across
// fields) is done below by hand. The fast path only ever says "valid, and this is what zod would
// have parsed" or "not sure"; every refusal, and anything it is unsure of, is decided by zod, so
// the error texts are zod's. Its input is a JSON value, as JSON.parse gives it.
// Pure (no server state), so a worker thread can run it as well.

export type ItemCheck = { ok: true; item: IngestItem } | { ok: false; type: string | null; error: string };

// Checks one item of a batch: the item as the mappers take it, or every problem, field by field.
export function checkIngestItem(raw: unknown, index: number): ItemCheck {
  const prefix = `batch[${index}]`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, type: null, error: `${prefix}: must be an object` };
  const type = (raw as { type?: unknown }).type;
  if (typeof type !== 'string' || !(ITEM_TYPES as readonly string[]).includes(type)) {
    return {
      ok: false,
      type: null,
      error: `${prefix}.type: unknown event type ${JSON.stringify(type ?? null)}; expected one of ${ITEM_TYPES.join(', ')}`,
    };
  }
  const fast = fastParseItem(raw);
  if (fast) return { ok: true, item: fast };
  const parsed = ingestItemSchema.safeParse(raw);
  if (parsed.success) return { ok: true, item: parsed.data };
  return { ok: false, type, error: parsed.error.issues.map((i) => describeIssue(i.path, i.message, prefix)).join('; ') };
}

type Raw = Record<string, unknown>;

// What zod does to an item beyond what its JSON Schema checks, per item type. Every transform and
// refinement in the zod schema must be named here (checked when compiling): a new one that is not
// would otherwise be skipped silently by the fast path.
interface ItemRules {
  schema: z.ZodType;
  times: readonly string[];
  hexIds: readonly string[];
  contents: readonly string[];
  // Records refined to at most MAX_METADATA_KEYS keys (maxProperties).
  boundedRecords: readonly string[];
  // Refinements that ajv enforces by itself (non-finite numbers are refused, strictNumbers).
  enforcedByAjv: readonly string[];
  // The item's own cross-field refinement, as a check: false when zod would refuse.
  crossCheck: ((item: Raw) => boolean) | null;
}

const timesAgree = (item: Raw): boolean => timesProblems(item as { startTime: number; endTime?: number; durationMs?: number }).length === 0;
// The times agree, and the metadata with the prompt's keys stays within its bound.
const spanAgrees = (item: Raw): boolean => timesAgree(item) && promptMetadataKeysProblem(item as Parameters<typeof promptMetadataKeysProblem>[0]) === null;

// Generations and spans share their fields.
const SPAN_RULES: Omit<ItemRules, 'schema'> = {
  times: ['startTime', 'endTime'],
  hexIds: ['traceId', 'spanId', 'parentSpanId'],
  contents: ['input', 'output'],
  boundedRecords: ['metadata'],
  enforcedByAjv: [],
  crossCheck: spanAgrees,
};

const RULES: Record<(typeof ITEM_TYPES)[number], ItemRules> = {
  generation: { schema: generationItemSchema, ...SPAN_RULES },
  span: { schema: spanItemSchema, ...SPAN_RULES },
  score: {
    schema: scoreItemSchema,
    times: ['timestamp'],
    hexIds: ['traceId', 'spanId'],
    contents: [],
    boundedRecords: ['metadata'],
    enforcedByAjv: ['value|0'],
    crossCheck: (item) => scoreValueProblem(item as Parameters<typeof scoreValueProblem>[0]) === null,
  },
  log: {
    schema: logItemSchema,
    times: ['timestamp'],
    hexIds: ['traceId', 'spanId'],
    contents: [],
    boundedRecords: ['attributes'],
    enforcedByAjv: [],
    crossCheck: null,
  },
};

interface CompiledItem {
  validate: ValidateFunction;
  rules: ItemRules;
  defaults: [string, () => unknown][];
}

type Def = { type: string; checks?: { _zod: { def: { check: string } } }[]; [key: string]: unknown };
const LEAF_TYPES = new Set(['string', 'number', 'boolean', 'literal', 'enum', 'unknown', 'null']);
// Checks that become JSON Schema keywords as zod applies them (lengths, bounds, patterns, integers).
const TRANSLATED_CHECKS = new Set(['max_length', 'min_length', 'length_equals', 'string_format', 'greater_than', 'less_than', 'number_format']);

// The paths of what the zod schema does that JSON Schema cannot express: transforms, refinements,
// value-changing checks (.trim()), defaults below the item's own fields.
function untranslated(schema: z.core.$ZodType, path: string, out: string[]): string[] {
  const def = schema._zod.def as unknown as Def;
  for (const check of def.checks ?? []) {
    const kind = check._zod.def.check;
    if (kind === 'custom') out.push(`${path}:refine`);
    else if (!TRANSLATED_CHECKS.has(kind)) out.push(`${path}:${kind}`);
  }
  const sub = (key: string) => def[key] as z.core.$ZodType;
  switch (def.type) {
    case 'default':
      if (/[.{[|]/.test(path)) out.push(`${path}:default`);
      untranslated(sub('innerType'), path, out);
      break;
    case 'optional':
    case 'nullable':
      untranslated(sub('innerType'), path, out);
      break;
    case 'pipe':
      out.push(`${path}:transform`);
      untranslated(sub('in'), path, out);
      break;
    case 'object':
      for (const [key, field] of Object.entries(def.shape as Record<string, z.core.$ZodType>)) untranslated(field, path ? `${path}.${key}` : key, out);
      break;
    case 'record':
      untranslated(sub('keyType'), `${path}{key}`, out);
      untranslated(sub('valueType'), `${path}{}`, out);
      break;
    case 'array':
      untranslated(sub('element'), `${path}[]`, out);
      break;
    case 'union':
      (def.options as z.core.$ZodType[]).forEach((option, i) => untranslated(option, `${path}|${i}`, out));
      break;
    default:
      if (!LEAF_TYPES.has(def.type)) out.push(`${path}:${def.type}`);
  }
  return out;
}

function expectedUntranslated(rules: ItemRules): string[] {
  return [
    ...(rules.crossCheck ? [':refine'] : []),
    ...[...rules.times, ...rules.hexIds, ...rules.contents].map((f) => `${f}:transform`),
    ...[...rules.boundedRecords, ...rules.enforcedByAjv].map((f) => `${f}:refine`),
  ];
}

// JSON Schema keywords for what zod's record parsing does: it drops a "__proto__" key (refused
// here, so that zod decides). A minLength above 1 is refused: see compileAll.
function tighten(node: unknown): void {
  if (typeof node !== 'object' || node === null) return;
  const schema = node as Record<string, unknown>;
  if (typeof schema.minLength === 'number' && schema.minLength > 1) {
    throw new Error(`minLength ${schema.minLength}: counted in UTF-16 units it would let through strings zod refuses`);
  }
  if (schema.propertyNames && typeof schema.propertyNames === 'object') {
    schema.propertyNames = { ...(schema.propertyNames as object), not: { const: '__proto__' } };
  }
  for (const value of Object.values(schema)) tighten(value);
}

function freshDefault(value: unknown): () => unknown {
  if (Array.isArray(value) && value.length === 0) return () => [];
  if (typeof value === 'object' && value !== null) {
    return Object.keys(value).length === 0 ? () => ({}) : () => structuredClone(value);
  }
  return () => value;
}

function compileItem(ajv: Ajv, type: string, rules: ItemRules): CompiledItem {
  const found = untranslated(rules.schema, '', []).sort();
  const expected = expectedUntranslated(rules).sort();
  if (found.join() !== expected.join()) {
    throw new Error(`the ${type} item schema changed: its transforms and refinements are [${found.join(', ')}], the fast validator knows [${expected.join(', ')}]`);
  }
  const json = z.toJSONSchema(rules.schema, { io: 'input', target: 'draft-07' }) as Record<string, unknown>;
  delete json.$schema;
  const properties = json.properties as Record<string, Record<string, unknown>>;
  tighten(json);
  for (const field of rules.boundedRecords) properties[field].maxProperties = MAX_METADATA_KEYS;
  const defaults = Object.entries(properties)
    .filter(([, p]) => p.default !== undefined)
    .map(([field, p]): [string, () => unknown] => [field, freshDefault(p.default)]);
  return { validate: ajv.compile(json), rules, defaults };
}

let compiled: Map<string, CompiledItem> | null = null;

// Compiles the validators now (a few hundred ms of CPU) rather than in the first request.
export function prepareItemValidators(): void {
  compiled ??= compileAll();
}

function compileAll(): Map<string, CompiledItem> {
  // zod's .max counts code points, but only once a string is longer in UTF-16 units than the
  // limit; ajv's default counts code points always, a loop over every character of every bounded
  // string (~30 µs for 10,000 characters). With `unicode: false` ajv compares .length, the units:
  // never fewer than the code points, so it never lets through a string zod refuses, and the rare
  // string it refuses that zod allows (astral characters near the limit) goes to zod. That holds
  // for maxLength and for a minLength of 1 only (checked in compileItem). The logger is off as ajv
  // reports that option as deprecated; strict mode throws rather than logs.
  const ajv = new Ajv({ unicode: false, allErrors: false, messages: false, strict: true, allowUnionTypes: true, logger: false });
  return new Map(Object.entries(RULES).map(([type, rules]) => [type, compileItem(ajv, type, rules)]));
}

// The item as zod would parse it, or null when the item is invalid or the fast path is not sure.
export function fastParseItem(raw: unknown): IngestItem | null {
  if (typeof raw !== 'object' || raw === null) return null;
  compiled ??= compileAll();
  const entry = compiled.get((raw as Raw).type as string);
  if (!entry || !entry.validate(raw)) return null;
  const { rules } = entry;
  const item: Raw = { ...(raw as Raw) };
  for (const field of rules.times) {
    const value = item[field];
    if (value === undefined) continue;
    const ms = readTimestamp(value as string | number);
    if (typeof ms === 'string') return null;
    item[field] = ms;
  }
  for (const field of rules.hexIds) {
    const value = item[field];
    if (typeof value === 'string') item[field] = value.toLowerCase();
  }
  for (const field of rules.contents) {
    const value = item[field];
    if (value !== undefined && value !== null && typeof value !== 'string') item[field] = JSON.stringify(value);
  }
  for (const [field, make] of entry.defaults) if (item[field] === undefined) item[field] = make();
  if (rules.crossCheck && !rules.crossCheck(item)) return null;
  return item as unknown as IngestItem;
}
