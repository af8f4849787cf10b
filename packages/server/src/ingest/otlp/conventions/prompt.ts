import type { PromptIdentity } from '../../../domain/prompt-identity.ts';
import { isRecord, parseJson, type AttrReader } from './attributes.ts';

// Reading the prompt a span was made from, shared by the conventions that carry one (Lookout's
// own, Langfuse, OpenInference, OpenLLMetry); index.ts merges them, field by field, and writes the
// result under the normalised keys (domain/prompt-identity.ts).

// Template variables, sent as one JSON object (or an OTLP map) under `key`, or flattened as
// `<key>.<name>` attributes (OpenLLMetry's SDKs write them so). They are prompt content: read as
// content, so the raw attributes never reach metadata under their own names.
export function readPromptVariables(r: AttrReader, key: string): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  const whole = r.content(key);
  if (whole !== undefined) {
    const parsed = parseJson(whole.trim());
    if (isRecord(parsed)) Object.assign(out, parsed);
  }
  for (const k of r.withPrefix(`${key}.`)) {
    const v = r.content(k);
    if (v !== undefined) out[k.slice(key.length + 1)] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

// An identity with only the fields that were sent; undefined when none was.
export function promptIdentity(fields: { name?: string; version?: string; variant?: string; variables?: Record<string, unknown>; template?: string }): PromptIdentity | undefined {
  const out: PromptIdentity = {};
  if (fields.name !== undefined) out.name = fields.name;
  if (fields.version !== undefined) out.version = fields.version;
  if (fields.variant !== undefined) out.variant = fields.variant;
  if (fields.variables !== undefined) out.variables = fields.variables as Record<string, string>;
  if (fields.template !== undefined) out.template = fields.template;
  return Object.keys(out).length > 0 ? out : undefined;
}
