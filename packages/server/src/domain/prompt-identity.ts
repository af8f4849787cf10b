// The prompt a call was made from: its name, its version and the experiment variant it belongs to,
// whichever path the call came by (the SDK, OTLP conventions, the gateway's headers, the native
// and Langfuse APIs). Every path stores it under the same three span metadata keys, which the
// analytics read as the dimensions prompt, prompt_version and variant (query/contract.ts) on every
// backend. The template variables the prompt was filled with, and the template itself when a
// convention sends it, are prompt content: they are stored under keys every content rule treats as
// content (ingest/otlp/conventions/lookout.ts declares them), so they are scanned by redaction,
// kept only under `full` content capture, and purged when the capture is lowered. docs/prompts.md.

export const PROMPT_METADATA = {
  name: 'lookout.prompt.name',
  version: 'lookout.prompt.version',
  variant: 'lookout.prompt.variant',
  // A JSON object of the variables' names to their values (strings).
  variables: 'lookout.prompt.variables',
  // The template text, when a convention sends it (OpenLLMetry, OpenInference).
  template: 'lookout.prompt.template',
} as const;

export const MAX_PROMPT_NAME_CHARS = 200;
export const MAX_PROMPT_VERSION_CHARS = 64;
export const MAX_PROMPT_VARIANT_CHARS = 128;
export const MAX_PROMPT_VARIABLES = 64;
export const MAX_PROMPT_VARIABLE_NAME_CHARS = 128;
// The stored JSON of the variables, and the stored template: what passes is left out (variables)
// or cut (the template).
export const MAX_PROMPT_VARIABLES_CHARS = 16 * 1024;
export const MAX_PROMPT_TEMPLATE_CHARS = 16 * 1024;

export interface PromptIdentity {
  name?: string;
  version?: string;
  variant?: string;
  variables?: Record<string, string>;
  template?: string;
}

// Characters no label should hold (C0 controls but tab, DEL): replaced by a space.
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/g;

// A label as stored: trimmed, controls replaced, cut to `max` characters; undefined when empty.
export function promptLabel(value: unknown, max: number): string | undefined {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  else return undefined;
  const t = text.replace(CONTROL, ' ').trim();
  return t === '' ? undefined : t.slice(0, max);
}

// Template variables as stored: names cut to MAX_PROMPT_VARIABLE_NAME_CHARS, values as strings
// (structured values as JSON), at most MAX_PROMPT_VARIABLES of them, and only as many as fit in
// MAX_PROMPT_VARIABLES_CHARS of JSON. Undefined when there are none.
export function promptVariables(value: unknown): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const out: Record<string, string> = {};
  let chars = 2;
  let count = 0;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (count >= MAX_PROMPT_VARIABLES) break;
    if (v === undefined || v === null) continue;
    const name = k.slice(0, MAX_PROMPT_VARIABLE_NAME_CHARS);
    if (name === '' || Object.hasOwn(out, name)) continue;
    const text = typeof v === 'string' ? v : jsonOf(v);
    const size = JSON.stringify(name).length + JSON.stringify(text).length + 2;
    if (chars + size > MAX_PROMPT_VARIABLES_CHARS) continue;
    out[name] = text;
    chars += size;
    count++;
  }
  return count === 0 ? undefined : out;
}

function jsonOf(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

// An identity as a caller sent it: numbers for versions, values of any type for variables.
export interface PromptInput {
  name?: unknown;
  version?: unknown;
  variant?: unknown;
  variables?: unknown;
  template?: unknown;
}

// Bounds every field of an identity read from a caller (see the limits above).
export function boundPromptIdentity(p: PromptInput): PromptIdentity {
  const out: PromptIdentity = {};
  const name = promptLabel(p.name, MAX_PROMPT_NAME_CHARS);
  if (name !== undefined) out.name = name;
  const version = promptLabel(p.version, MAX_PROMPT_VERSION_CHARS);
  if (version !== undefined) out.version = version;
  const variant = promptLabel(p.variant, MAX_PROMPT_VARIANT_CHARS);
  if (variant !== undefined) out.variant = variant;
  const variables = promptVariables(p.variables);
  if (variables !== undefined) out.variables = variables;
  if (typeof p.template === 'string' && p.template.trim() !== '') out.template = p.template.slice(0, MAX_PROMPT_TEMPLATE_CHARS);
  return out;
}

// Writes an identity into a span's metadata, over whatever the caller's own metadata put under the
// same keys. Name, version and variant are labels and always kept; the variables and the template
// are content, kept here only when `keepContent` (the content policy drops them again below
// `full`, so a path that does not know the project's capture mode passes true).
export function writePromptIdentity(metadata: Record<string, string>, p: PromptInput, keepContent: boolean): void {
  const b = boundPromptIdentity(p);
  if (b.name !== undefined) metadata[PROMPT_METADATA.name] = b.name;
  if (b.version !== undefined) metadata[PROMPT_METADATA.version] = b.version;
  if (b.variant !== undefined) metadata[PROMPT_METADATA.variant] = b.variant;
  if (!keepContent) return;
  if (b.variables !== undefined) metadata[PROMPT_METADATA.variables] = JSON.stringify(b.variables);
  if (b.template !== undefined) metadata[PROMPT_METADATA.template] = b.template;
}

// `x-lookout-prompt: name@version` (the version after the last '@', so a name may hold one:
// `@team/triage@3`), or a bare name. Answers the identity, or what is wrong with the value.
export function parsePromptReference(value: string): { name: string; version?: string } | string {
  const at = value.lastIndexOf('@');
  const name = (at <= 0 ? (at === 0 ? '' : value) : value.slice(0, at)).trim();
  const version = at < 0 ? undefined : value.slice(at + 1).trim();
  if (name === '') return `'${value}' has no prompt name; send name@version or name`;
  if (version === '') return `'${value}' has no version after '@'; send name@version or name`;
  if (name.length > MAX_PROMPT_NAME_CHARS) return `the prompt name is ${name.length} characters long; at most ${MAX_PROMPT_NAME_CHARS} are accepted`;
  if (version !== undefined && version.length > MAX_PROMPT_VERSION_CHARS) return `the prompt version is ${version.length} characters long; at most ${MAX_PROMPT_VERSION_CHARS} are accepted`;
  return version === undefined ? { name } : { name, version };
}
