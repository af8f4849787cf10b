// Reads the server's OpenAPI 3.1 document (GET /api/v1/openapi.json) into what the reference page
// shows: operations grouped by tag, their parameters, bodies and responses, and every schema as a
// type tree. Only the parts of OpenAPI the server emits are read; anything else is shown as
// "any" rather than guessed at. No DOM here, so it is tested on its own.

export type JsonSchema = { [key: string]: unknown };

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: JsonSchema;
}
interface MediaTypes {
  [mediaType: string]: { schema?: JsonSchema };
}
interface RawOperation {
  summary?: string;
  description?: string;
  tags?: string[];
  deprecated?: boolean;
  security?: unknown[];
  parameters?: (Parameter | { $ref: string })[];
  requestBody?: { description?: string; required?: boolean; content?: MediaTypes } | { $ref: string };
  responses?: Record<string, { description?: string; content?: MediaTypes } | { $ref: string }>;
}
export interface OpenApiDocument {
  openapi: string;
  info?: { title?: string; version?: string; description?: string };
  tags?: { name: string; description?: string }[];
  paths?: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, JsonSchema>; [kind: string]: unknown };
  security?: unknown[];
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const UNTAGGED = 'other';

export interface Body {
  mediaType: string;
  schema: JsonSchema | null;
}
export interface Response {
  status: string;
  description: string;
  bodies: Body[];
}
export interface Operation {
  // The page anchor: `get-api-v1-spans-spanId`.
  id: string;
  method: string;
  path: string;
  summary: string;
  description: string;
  deprecated: boolean;
  // False when the operation declares `security: []` (health checks, this document).
  needsKey: boolean;
  parameters: Parameter[];
  requestBody: { required: boolean; description: string; bodies: Body[] } | null;
  responses: Response[];
}
export interface TagGroup {
  tag: string;
  description: string;
  operations: Operation[];
}

export function operationId(method: string, path: string): string {
  // `{*}` (a wildcard) is named, so that /a/{*} and /a keep apart.
  const slug = path
    .replace(/\{\*\}/g, 'wildcard')
    .replace(/[{}]/g, '')
    .split('/')
    .filter(Boolean)
    .join('-')
    .replace(/[^A-Za-z0-9_-]/g, '_');
  return `${method}-${slug || 'root'}`;
}

// The page anchor of a named schema: `schema-Span`.
export function schemaAnchor(name: string): string {
  return `schema-${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

// A `$ref` of this document (`#/components/schemas/Span`) to what it points at; null when it
// points outside the document or at nothing.
export function resolveRef(doc: OpenApiDocument, ref: string): unknown {
  if (!ref.startsWith('#/')) return null;
  let at: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof at !== 'object' || at === null || !(key in at)) return null;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

// Parameters, bodies and responses may themselves be `$ref`s (components.parameters, ...).
function deref<T>(doc: OpenApiDocument, value: T | { $ref: string }): T | null {
  if (typeof value === 'object' && value !== null && '$ref' in value && typeof value.$ref === 'string') return resolveRef(doc, value.$ref) as T | null;
  return value as T;
}

function bodies(content: MediaTypes | undefined): Body[] {
  return Object.entries(content ?? {}).map(([mediaType, media]) => ({ mediaType, schema: media?.schema ?? null }));
}

function operation(doc: OpenApiDocument, path: string, method: string, raw: RawOperation, shared: RawOperation['parameters']): Operation {
  // Path-level parameters apply unless the operation redefines the same name and place.
  const own = (raw.parameters ?? []).map((p) => deref(doc, p)).filter((p): p is Parameter => p !== null);
  const inherited = (shared ?? []).map((p) => deref(doc, p)).filter((p): p is Parameter => p !== null && !own.some((o) => o.name === p.name && o.in === p.in));
  const body = raw.requestBody ? deref(doc, raw.requestBody) : null;
  const security = raw.security ?? doc.security ?? [];
  return {
    id: operationId(method, path),
    method,
    path,
    summary: raw.summary ?? '',
    description: raw.description ?? '',
    deprecated: raw.deprecated === true,
    needsKey: security.length > 0,
    parameters: [...inherited, ...own],
    requestBody: body && 'content' in body ? { required: body.required === true, description: body.description ?? '', bodies: bodies(body.content) } : null,
    responses: Object.entries(raw.responses ?? {})
      .map(([status, r]) => {
        const response = deref(doc, r);
        return { status, description: response?.description ?? '', bodies: bodies(response?.content) };
      })
      .sort((a, b) => a.status.localeCompare(b.status)),
  };
}

// Every operation, grouped by its first tag: the document's declared tags first, in its order,
// then the others as they first appear, untagged operations last; operations keep the document's
// order within a tag.
export function operationsByTag(doc: OpenApiDocument): TagGroup[] {
  const groups = new Map<string, TagGroup>();
  for (const t of doc.tags ?? []) groups.set(t.name, { tag: t.name, description: t.description ?? '', operations: [] });
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    const shared = (item as { parameters?: RawOperation['parameters'] }).parameters;
    for (const method of HTTP_METHODS) {
      const raw = item[method] as RawOperation | undefined;
      if (!raw) continue;
      const tag = raw.tags?.[0] ?? UNTAGGED;
      if (!groups.has(tag)) groups.set(tag, { tag, description: '', operations: [] });
      groups.get(tag)!.operations.push(operation(doc, path, method, raw, shared));
    }
  }
  const all = [...groups.values()].filter((g) => g.operations.length > 0);
  return [...all.filter((g) => g.tag !== UNTAGGED), ...all.filter((g) => g.tag === UNTAGGED)];
}

// The groups with only the operations whose method, path, summary or tag contain every word of
// `query` (case-insensitive); all of them for an empty query.
export function filterOperations(groups: TagGroup[], query: string): TagGroup[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return groups;
  return groups
    .map((g) => ({
      ...g,
      operations: g.operations.filter((op) => {
        const text = `${op.method} ${op.path} ${op.summary} ${g.tag}`.toLowerCase();
        return words.every((w) => text.includes(w));
      }),
    }))
    .filter((g) => g.operations.length > 0);
}

// ---- schemas as type trees ----

export interface Property {
  name: string;
  required: boolean;
  node: TypeNode;
}
interface Common {
  nullable: boolean;
  description: string;
  // Constraints in words: "1 to 1000", "default 50", "matches ^[0-9a-f]{32}$".
  notes: string[];
}
export type TypeNode = Common &
  (
    | { kind: 'ref'; name: string; ref: string }
    | { kind: 'object'; properties: Property[]; additional: TypeNode | null; keys: TypeNode | null }
    | { kind: 'array'; items: TypeNode | null }
    // `all`: every variant holds at once (allOf), else any one of them (anyOf, oneOf).
    | { kind: 'union'; variants: TypeNode[]; all: boolean }
    | { kind: 'enum'; values: unknown[] }
    | { kind: 'scalar'; type: string }
  );

// zod's integers carry the bounds of a safe integer: true of every JSON integer we send, so noise.
const SAFE_MAX = Number.MAX_SAFE_INTEGER;
const SAFE_MIN = Number.MIN_SAFE_INTEGER;

function json(value: unknown): string {
  return JSON.stringify(value);
}

function notes(schema: JsonSchema): string[] {
  const out: string[] = [];
  const num = (k: string) => (typeof schema[k] === 'number' ? (schema[k] as number) : undefined);
  let min = num('minimum');
  let max = num('maximum');
  if (min === SAFE_MIN) min = undefined;
  if (max === SAFE_MAX) max = undefined;
  const exMin = num('exclusiveMinimum');
  const exMax = num('exclusiveMaximum');
  if (min !== undefined && max !== undefined) out.push(`${min} to ${max}`);
  else if (min !== undefined) out.push(`≥ ${min}`);
  else if (max !== undefined) out.push(`≤ ${max}`);
  if (exMin !== undefined) out.push(`> ${exMin}`);
  if (exMax !== undefined) out.push(`< ${exMax}`);
  const range = (lo: string, hi: string, unit: string) => {
    const a = num(lo);
    const b = num(hi);
    if (a !== undefined && b !== undefined) out.push(a === b ? `${a} ${unit}` : `${a} to ${b} ${unit}`);
    else if (a !== undefined) out.push(`at least ${a} ${unit}`);
    else if (b !== undefined) out.push(`at most ${b} ${unit}`);
  };
  range('minLength', 'maxLength', 'characters');
  range('minItems', 'maxItems', 'items');
  range('minProperties', 'maxProperties', 'keys');
  if (schema.uniqueItems === true) out.push('unique items');
  if (typeof schema.format === 'string') out.push(`format ${schema.format}`);
  if (typeof schema.pattern === 'string') out.push(`matches ${schema.pattern}`);
  if ('default' in schema) out.push(`default ${json(schema.default)}`);
  if (Array.isArray(schema.examples) && schema.examples.length > 0) out.push(`e.g. ${schema.examples.map(json).join(', ')}`);
  if (schema.deprecated === true) out.push('deprecated');
  return out;
}

function isNullSchema(s: unknown): boolean {
  return typeof s === 'object' && s !== null && (s as JsonSchema).type === 'null' && Object.keys(s).length === 1;
}

// One schema as a node; `$ref`s stay references (their target is read when it is shown), so a
// recursive schema cannot loop.
export function typeNode(schema: JsonSchema | boolean | null | undefined): TypeNode {
  const base = (s: JsonSchema): Common => ({ nullable: false, description: typeof s.description === 'string' ? s.description : '', notes: notes(s) });
  if (schema === null || schema === undefined || schema === true) return { kind: 'scalar', type: 'any', nullable: false, description: '', notes: [] };
  if (schema === false) return { kind: 'scalar', type: 'never', nullable: false, description: '', notes: [] };
  const common = base(schema);
  if (typeof schema.$ref === 'string') {
    const name = decodeURIComponent(schema.$ref.split('/').pop() ?? schema.$ref);
    return { ...common, kind: 'ref', name, ref: schema.$ref };
  }
  const union = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(union)) {
    const variants = union.filter((v) => !isNullSchema(v));
    const nullable = variants.length < union.length;
    if (variants.length === 1) {
      // `X | null`: X, nullable, keeping the outer description when X has none.
      const inner = typeNode(variants[0]);
      return { ...inner, nullable: true, description: inner.description || common.description, notes: [...inner.notes, ...common.notes] };
    }
    return { ...common, kind: 'union', variants: variants.map(typeNode), nullable, all: false };
  }
  if (Array.isArray(schema.allOf)) {
    const parts = schema.allOf as JsonSchema[];
    if (parts.length === 1) {
      const inner = typeNode(parts[0]);
      return { ...inner, description: common.description || inner.description, notes: [...inner.notes, ...common.notes] };
    }
    return { ...common, kind: 'union', variants: parts.map(typeNode), nullable: false, all: true };
  }
  let types = Array.isArray(schema.type) ? (schema.type as string[]) : typeof schema.type === 'string' ? [schema.type] : [];
  const nullable = types.includes('null') && types.length > 1;
  if (nullable) types = types.filter((t) => t !== 'null');
  if ('const' in schema) return { ...common, nullable, kind: 'enum', values: [schema.const] };
  if (Array.isArray(schema.enum)) {
    const values = schema.enum.filter((v) => v !== null);
    return { ...common, nullable: nullable || values.length < schema.enum.length, kind: 'enum', values };
  }
  if (types.length > 1) return { ...common, nullable, kind: 'union', variants: types.map((t) => typeNode({ type: t })), all: false };
  const type = types[0] ?? (schema.properties ? 'object' : schema.items ? 'array' : undefined);
  if (type === 'object') {
    const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
    const properties = Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>).map(([name, s]) => ({ name, required: required.has(name), node: typeNode(s) }));
    const extra = schema.additionalProperties;
    const additional = extra === undefined || extra === false ? null : typeNode(extra as JsonSchema | boolean);
    const keys = schema.propertyNames ? typeNode(schema.propertyNames as JsonSchema) : null;
    return { ...common, nullable, kind: 'object', properties, additional, keys };
  }
  if (type === 'array') return { ...common, nullable, kind: 'array', items: schema.items ? typeNode(schema.items as JsonSchema) : null };
  return { ...common, nullable, kind: 'scalar', type: type ?? 'any' };
}

// A one-line name for a node: `Span[]`, `"ok" | "error"`, `string | null`, `{ [string]: number }`.
export function typeLabel(node: TypeNode): string {
  const wrap = (t: TypeNode) => (t.kind === 'union' || (t.kind === 'enum' && t.values.length > 1) || t.nullable ? `(${typeLabel(t)})` : typeLabel(t));
  let label: string;
  switch (node.kind) {
    case 'ref':
      label = node.name;
      break;
    case 'array':
      label = node.items ? `${wrap(node.items)}[]` : 'array';
      break;
    case 'union':
      label = node.variants.map(wrap).join(node.all ? ' & ' : ' | ');
      break;
    case 'enum':
      label = node.values.map(json).join(' | ');
      break;
    case 'object':
      label = node.properties.length === 0 && node.additional ? `{ [${node.keys ? typeLabel(node.keys) : 'string'}]: ${typeLabel(node.additional)} }` : 'object';
      break;
    default:
      label = node.type;
  }
  return node.nullable ? `${label} | null` : label;
}

// Whether a node has parts worth opening (properties, or a reference to follow).
export function expandable(node: TypeNode): boolean {
  switch (node.kind) {
    case 'ref':
      return true;
    case 'object':
      return node.properties.length > 0 || (node.additional !== null && expandable(node.additional));
    case 'array':
      return node.items !== null && expandable(node.items);
    case 'union':
      return node.variants.some(expandable);
    default:
      return false;
  }
}

// The codes an error response's `error.code` may take, from the document's `Error` schema.
export function errorCodes(doc: OpenApiDocument): string[] {
  const code = resolveRef(doc, '#/components/schemas/Error/properties/error/properties/code') as JsonSchema | null;
  return Array.isArray(code?.enum) ? (code.enum as unknown[]).filter((c): c is string => typeof c === 'string') : [];
}

// Whether a response body is the catalog's error shape (so the page links it to the codes).
export function isErrorBody(body: Body): boolean {
  return body.schema?.$ref === '#/components/schemas/Error';
}

// Descriptions are CommonMark; of it the server's use only `code`, which is kept apart here so the
// page can set it as code (everything else is shown as the text it is).
export function codeSpans(text: string): { text: string; code: boolean }[] {
  const parts = text.split('`');
  // An odd count of backticks leaves the last one unpaired: it is text.
  if (parts.length % 2 === 0) parts[parts.length - 2] += `\`${parts.pop()}`;
  return parts.map((t, i) => ({ text: t, code: i % 2 === 1 })).filter((p) => p.text !== '');
}
