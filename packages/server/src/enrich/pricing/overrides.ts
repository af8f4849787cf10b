import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { PriceOverride } from './types.ts';
import { LookoutError } from '../../errors.ts';
import { readInstant } from '../../domain/time.ts';

// User prices (file or API). Field names are camelCase, as in PriceOverride; unknown keys are an
// error so a typo ("input_per_mtok_usd") is reported instead of silently ignored.

const EPOCH_ISO = '1970-01-01T00:00:00.000Z';

const PRICE_HINT = 'must be a finite number ≥ 0 (USD per 1M tokens)';

// When a price starts or ends: a time as the API reads every time (domain/time.ts), stored as
// RFC 3339 UTC.
const isoDate = z.string({ error: 'must be a time, e.g. 2025-01-31 or 2025-01-31T00:00:00Z' }).transform((text, ctx) => {
  const ms = readInstant(text, Date.now());
  if (typeof ms === 'string') {
    ctx.addIssue({ code: 'custom', message: ms });
    return z.NEVER;
  }
  return new Date(ms).toISOString();
});

const price = z.number({ error: PRICE_HINT }).finite({ error: PRICE_HINT }).nonnegative({ error: PRICE_HINT });
const optionalPrice = price.nullable().optional();

export const priceOverrideInputSchema = z
  .strictObject(
    {
      id: z
        .string({ error: 'must be a string' })
        .trim()
        .min(1, { error: 'must not be empty' })
        .max(200, { error: 'must be at most 200 characters' })
        .optional()
        .describe('at most 200 characters; default: derived from the content, so the same entry keeps its id'),
      provider: z.string({ error: 'must be a string or null (any provider)' }).trim().toLowerCase().nullable().optional()
        .transform((p) => (p === undefined || p === '' ? null : p))
        .describe('e.g. acme; absent or null: any provider'),
      model: z
        .string({ error: 'is required: a model name, or a prefix ending in "*"' })
        .trim()
        .min(1, { error: 'must not be empty' })
        .refine((m) => m !== '*', { error: 'must name a model or a prefix, not only "*"' })
        .describe('a model name (acme-llm-1), or a prefix ending in "*" (acme-*)'),
      effectiveFrom: isoDate
        .optional()
        .transform((d) => d ?? EPOCH_ISO)
        .describe('date or date-time the price applies from (inclusive) to calls starting then; default: always'),
      effectiveTo: isoDate.nullable().optional().transform((d) => d ?? null).describe('date or date-time the price ends (exclusive); default: never'),
      inputPerMtokUsd: price.describe('USD per million input tokens'),
      outputPerMtokUsd: price.describe('USD per million output tokens'),
      cacheReadPerMtokUsd: optionalPrice.describe('USD per million cache-read tokens; default: the input price'),
      cacheWritePerMtokUsd: optionalPrice.describe('USD per million cache-write tokens; default: the input price'),
      reasoningPerMtokUsd: optionalPrice.describe('USD per million reasoning tokens; default: the output price'),
      audioPerMtokUsd: optionalPrice.describe('USD per million audio tokens; default: the input price'),
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : 'must be an object') },
  )
  .superRefine((o, ctx) => {
    if (o.effectiveTo !== null && Date.parse(o.effectiveTo) <= Date.parse(o.effectiveFrom)) {
      ctx.addIssue({
        code: 'custom',
        path: ['effectiveTo'],
        message: `must be after effectiveFrom (${o.effectiveFrom})`,
      });
    }
  });

export type PriceOverrideInput = z.input<typeof priceOverrideInputSchema>;

export interface PriceOverrideIssue {
  path: string; // "overrides[2].inputPerMtokUsd"
  message: string;
}

export class PriceOverrideError extends LookoutError {
  override name = 'PriceOverrideError';
  readonly issues: PriceOverrideIssue[];
  readonly file: string | null;
  constructor(issues: PriceOverrideIssue[], file: string | null = null, detail?: string) {
    const where = file === null ? 'price override' : `price overrides file ${file}`;
    const text = detail ?? issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    super('invalid_request', `${where}: ${text}`, { details: issues });
    this.issues = issues;
    this.file = file;
  }
}

function formatPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

function issuesOf(error: z.ZodError, prefix: string): PriceOverrideIssue[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.join(', ');
      return {
        path: formatPath(prefix, issue.path),
        message: `unknown field${issue.keys.length > 1 ? 's' : ''} ${keys} (fields are camelCase, e.g. inputPerMtokUsd)`,
      };
    }
    return { path: formatPath(prefix, issue.path), message: issue.message };
  });
}

// A stable id for an entry that has none: the same entry gets the same id in every load, so
// stored costs keep pointing at it ("override:<id>").
export function priceOverrideId(o: Omit<PriceOverride, 'id'>): string {
  const canonical = JSON.stringify([
    o.provider,
    o.model,
    o.effectiveFrom,
    o.effectiveTo,
    o.inputPerMtokUsd,
    o.outputPerMtokUsd,
    o.cacheReadPerMtokUsd ?? null,
    o.cacheWritePerMtokUsd ?? null,
    o.reasoningPerMtokUsd ?? null,
    o.audioPerMtokUsd ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

function toOverride(parsed: z.output<typeof priceOverrideInputSchema>): PriceOverride {
  const { id, ...rest } = parsed;
  const override: Omit<PriceOverride, 'id'> = {
    provider: rest.provider,
    model: rest.model,
    effectiveFrom: rest.effectiveFrom,
    effectiveTo: rest.effectiveTo,
    inputPerMtokUsd: rest.inputPerMtokUsd,
    outputPerMtokUsd: rest.outputPerMtokUsd,
    cacheReadPerMtokUsd: rest.cacheReadPerMtokUsd ?? null,
    cacheWritePerMtokUsd: rest.cacheWritePerMtokUsd ?? null,
    reasoningPerMtokUsd: rest.reasoningPerMtokUsd ?? null,
    audioPerMtokUsd: rest.audioPerMtokUsd ?? null,
  };
  return { id: id ?? priceOverrideId(override), ...override };
}

// One override from the API. Throws PriceOverrideError naming each bad field.
export function parsePriceOverride(input: unknown): PriceOverride {
  const result = priceOverrideInputSchema.safeParse(input);
  if (!result.success) throw new PriceOverrideError(issuesOf(result.error, ''));
  return toOverride(result.data);
}

// A list of overrides: an array, or an object with an "overrides" array (the file layout).
export function parsePriceOverrides(input: unknown, file: string | null = null): PriceOverride[] {
  let entries: unknown = input;
  let prefix = '';
  if (entries !== null && typeof entries === 'object' && !Array.isArray(entries)) {
    const keys = Object.keys(entries);
    const unknown = keys.filter((k) => k !== 'overrides');
    if (unknown.length > 0) {
      throw new PriceOverrideError(
        [{ path: '', message: `unknown top-level field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; expected a list of overrides or { overrides: [...] }` }],
        file,
      );
    }
    entries = (entries as { overrides?: unknown }).overrides ?? [];
    prefix = 'overrides';
  }
  if (entries === null || entries === undefined) return [];
  if (!Array.isArray(entries)) {
    throw new PriceOverrideError([{ path: prefix, message: 'must be a list of price overrides' }], file);
  }
  const issues: PriceOverrideIssue[] = [];
  const out: PriceOverride[] = [];
  const seen = new Map<string, number>();
  entries.forEach((entry, index) => {
    const at = `${prefix}[${index}]`;
    const result = priceOverrideInputSchema.safeParse(entry);
    if (!result.success) {
      issues.push(...issuesOf(result.error, at));
      return;
    }
    const override = toOverride(result.data);
    const first = seen.get(override.id);
    if (first !== undefined) {
      issues.push({ path: `${at}.id`, message: `duplicates the id "${override.id}" of ${prefix}[${first}]` });
      return;
    }
    seen.set(override.id, index);
    out.push(override);
  });
  if (issues.length > 0) throw new PriceOverrideError(issues, file);
  return out;
}

// Reads overrides from a JSON or YAML file. Errors name the file and the field.
export function loadOverridesFile(path: string): PriceOverride[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new PriceOverrideError([{ path: '', message: reason }], path, `cannot read: ${reason}`);
  }
  let data: unknown;
  const ext = extname(path).toLowerCase();
  try {
    // YAML is a superset of JSON, so anything that is not .json is read as YAML.
    data = ext === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    const kind = ext === '.json' ? 'JSON' : 'YAML';
    const reason = `not valid ${kind}: ${(err as Error).message.split('\n')[0]}`;
    throw new PriceOverrideError([{ path: '', message: reason }], path, reason);
  }
  return parsePriceOverrides(data, path);
}
