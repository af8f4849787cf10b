import type { AttrValue, Attributes } from '../types.ts';

// Typed, forgiving reads of OTLP attributes. Nothing here throws: a value of the wrong type reads
// as absent, is not marked consumed, and so ends up in metadata as the sender wrote it.

// A token count above this is not a token count (a timestamp, a byte size, garbage).
export const MAX_TOKEN_COUNT = 1e12;
// JSON strings longer than this are not parsed (they are content, and content is bounded elsewhere).
export const MAX_JSON_PARSE_CHARS = 4 * 1024 * 1024;
// Indexed attribute families (gen_ai.prompt.N.*, retrieval.documents.N.*) are read up to this many entries.
export const MAX_INDEXED_ENTRIES = 1000;

export class AttrReader {
  readonly attrs: Attributes;
  readonly keys: readonly string[];
  readonly #keySet: Set<string>;
  // First dotted segment of every key: most prefix questions are answered "no" from here.
  readonly #namespaces = new Set<string>();
  // Keys mapped into a record field: not copied to metadata again.
  readonly consumed: Set<string>;
  // Keys that hold prompt/response/query text: never copied to metadata, whatever their type.
  readonly sensitive: Set<string>;

  constructor(attrs: Attributes, consumed: Set<string> = new Set(), sensitive: Set<string> = new Set()) {
    this.attrs = attrs;
    this.keys = Object.keys(attrs);
    this.#keySet = new Set(this.keys);
    for (const k of this.keys) {
      const dot = k.indexOf('.');
      this.#namespaces.add(dot === -1 ? k : k.slice(0, dot));
    }
    this.consumed = consumed;
    this.sensitive = sensitive;
  }

  has(key: string): boolean {
    if (!this.#keySet.has(key)) return false;
    const v = this.attrs[key];
    return v !== undefined && v !== null;
  }

  raw(key: string): AttrValue | undefined {
    return this.has(key) ? this.attrs[key] : undefined;
  }

  consume(key: string): void {
    this.consumed.add(key);
  }

  // A non-empty string; numbers are accepted and written out (ids are sometimes sent as numbers).
  str(key: string): string | undefined {
    const v = this.raw(key);
    let out: string | undefined;
    if (typeof v === 'string') out = v.trim() === '' ? undefined : v;
    else if (typeof v === 'number' && Number.isFinite(v)) out = String(v);
    if (out !== undefined) this.consumed.add(key);
    return out;
  }

  firstStr(...keys: string[]): string | undefined {
    for (const k of keys) {
      const v = this.str(k);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  // A finite number, from a number or a numeric string.
  num(key: string): number | undefined {
    const n = toNumber(this.raw(key));
    if (n !== undefined) this.consumed.add(key);
    return n;
  }

  // A token count: an integer in [0, MAX_TOKEN_COUNT]. NaN (AI SDK 4 reports NaN when a provider
  // gives no usage), negatives and fractions that are not integers are rejected.
  tokens(key: string): number | undefined {
    const n = tokenCount(this.raw(key));
    if (n !== undefined) this.consumed.add(key);
    return n;
  }

  firstTokens(...keys: string[]): number | undefined {
    for (const k of keys) {
      const v = this.tokens(k);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  bool(key: string): boolean | undefined {
    const v = this.raw(key);
    let out: boolean | undefined;
    if (typeof v === 'boolean') out = v;
    else if (v === 'true' || v === 'false') out = v === 'true';
    if (out !== undefined) this.consumed.add(key);
    return out;
  }

  // A list of strings: an OTLP array, a JSON array in a string, or (for tags) a comma-separated string.
  strList(key: string, allowCommaSeparated = false): string[] | undefined {
    const v = this.raw(key);
    let list: unknown[] | undefined;
    if (Array.isArray(v)) list = v;
    else if (typeof v === 'string') {
      const t = v.trim();
      if (t.startsWith('[')) {
        const parsed = parseJson(t);
        if (Array.isArray(parsed)) list = parsed;
      } else if (t !== '') list = allowCommaSeparated ? t.split(',') : [t];
    }
    if (list === undefined) return undefined;
    const out = list
      .filter((x) => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean')
      .map((x) => String(x).trim())
      .filter((x) => x !== '');
    this.consumed.add(key);
    return out;
  }

  // A structured value: an OTLP map/array as is, or a JSON object/array in a string.
  json(key: string): unknown {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v === 'string') {
      const t = v.trim();
      if (!t.startsWith('{') && !t.startsWith('[')) return undefined;
      const parsed = parseJson(t);
      if (parsed !== undefined) this.consumed.add(key);
      return parsed;
    }
    if (typeof v === 'object' && !(v instanceof Uint8Array)) {
      this.consumed.add(key);
      return v;
    }
    return undefined;
  }

  // Text the user or the model wrote. Marked sensitive whatever its type, so that it never reaches
  // metadata; returned as a string (structured values as JSON).
  content(key: string): string | undefined {
    if (!this.#keySet.has(key)) return undefined;
    this.sensitive.add(key);
    const v = this.attrs[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    if (v instanceof Uint8Array) return undefined;
    return safeJson(v);
  }

  withPrefix(prefix: string): string[] {
    return this.hasPrefix(prefix) ? this.keys.filter((k) => k.startsWith(prefix)) : [];
  }

  hasPrefix(prefix: string): boolean {
    const dot = prefix.indexOf('.');
    if (!this.#namespaces.has(dot === -1 ? prefix : prefix.slice(0, dot))) return false;
    for (const k of this.keys) if (k.startsWith(prefix)) return true;
    return false;
  }

  // Indexed families: `${prefix}.${N}.${field}` → entries sorted by N, each mapping field → full key.
  indexed(prefix: string): { index: number; fields: Map<string, string> }[] {
    const byIndex = new Map<number, Map<string, string>>();
    const p = `${prefix}.`;
    for (const k of this.keys) {
      if (!k.startsWith(p)) continue;
      const rest = k.slice(p.length);
      const dot = rest.indexOf('.');
      const idxText = dot === -1 ? rest : rest.slice(0, dot);
      if (!/^\d{1,6}$/.test(idxText)) continue;
      const index = Number(idxText);
      let fields = byIndex.get(index);
      if (fields === undefined) {
        if (byIndex.size >= MAX_INDEXED_ENTRIES) continue;
        fields = new Map();
        byIndex.set(index, fields);
      }
      fields.set(dot === -1 ? '' : rest.slice(dot + 1), k);
    }
    return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([index, fields]) => ({ index, fields }));
  }
}

export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?([eE][+-]?\d+)?\s*$/.test(v)) {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

export function tokenCount(v: unknown): number | undefined {
  const n = toNumber(v);
  if (n === undefined || n < 0 || n > MAX_TOKEN_COUNT || !Number.isInteger(n)) return undefined;
  return n;
}

export function parseJson(text: string): unknown {
  if (text.length > MAX_JSON_PARSE_CHARS) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function safeJson(v: unknown): string {
  try {
    return (
      JSON.stringify(v, (_k, x: unknown) => {
        if (x instanceof Uint8Array) return `<${x.length} bytes>`;
        if (typeof x === 'bigint') return x.toString();
        return x;
      }) ?? ''
    );
  } catch {
    return '';
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

// Any attribute value as the string a metadata map stores.
export function stringifyAttr(v: AttrValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null) return 'null';
  if (v instanceof Uint8Array) return `<${v.length} bytes>`;
  return safeJson(v);
}

// OTLP nanoseconds (decimal string) to microseconds. Null when the string is not a timestamp.
export function nanosToMicros(nanos: unknown): number | null {
  if (typeof nanos === 'number') return Number.isFinite(nanos) && nanos >= 0 ? Math.floor(nanos / 1000) : null;
  if (typeof nanos !== 'string' || !/^\d{1,20}$/.test(nanos)) return null;
  // Dropping the last three digits is the integer division by 1000; up to 16 digits of
  // microseconds (until the year 2255) the result is an exact JS number.
  if (nanos.length <= 3) return 0;
  if (nanos.length <= 19) return Number(nanos.slice(0, -3));
  const us = BigInt(nanos) / 1000n;
  return us > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(us);
}

export function truncate(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  return `${text.slice(0, maxChars)}…`;
}

// Attribute names that carry prompt, response, tool-call or retrieved text. Each convention file
// declares its own (CONTENT_ATTRIBUTES); index.ts joins them into the one predicate that the
// mapping and the content policy use, so a name declared once is treated as content everywhere:
// never copied to metadata, and dropped from metadata and log attributes below `full` capture.
export interface ContentAttributes {
  names: readonly string[];
  // Whole families: every key that starts with one of these (indexed messages, documents).
  prefixes: readonly string[];
  // Names with a variable middle (`db.<system>.<operation>.query_texts`): regular expressions that
  // must match the whole name, in the syntax JavaScript and DuckDB (RE2) share, since the purge
  // applies them in SQL.
  patterns?: readonly string[];
}

// Exact names and name prefixes, joined from several declarations.
export class KeyList {
  readonly names: ReadonlySet<string>;
  readonly prefixes: readonly string[];
  readonly patterns: readonly string[];
  readonly #patterns: readonly RegExp[];

  constructor(declared: readonly ContentAttributes[]) {
    this.names = new Set(declared.flatMap((d) => d.names));
    this.prefixes = [...new Set(declared.flatMap((d) => d.prefixes))];
    this.patterns = [...new Set(declared.flatMap((d) => d.patterns ?? []))];
    this.#patterns = this.patterns.map((p) => new RegExp(`^(?:${p})$`));
  }

  has(key: string): boolean {
    if (this.names.has(key)) return true;
    for (const p of this.prefixes) if (key.startsWith(p)) return true;
    for (const re of this.#patterns) if (re.test(key)) return true;
    return false;
  }
}

export class ContentClassifier extends KeyList {
  isContent(key: string): boolean {
    return this.has(key);
  }
}

// A value that cannot hold text: numbers (also 64-bit integers and non-finite doubles, which the
// decoder keeps as numeric strings), booleans, null, bytes (stored as their length) and arrays of
// those. Below `full` capture an attribute no convention knows is kept only if its value is one of
// these or its name is declared as non-content.
const NUMERIC_TEXT = /^(-?\d{1,40}(\.\d{1,40})?([eE][+-]?\d{1,4})?|NaN|-?Infinity)$/;

// The same, for a value as metadata stores it (stringifyAttr): a number, true, false, null,
// `<N bytes>`, or a JSON array of those. In the syntax JavaScript and DuckDB (RE2) share: the
// purge applies it in SQL to spans stored before this rule.
const STORED_ITEM = String.raw`(null|true|false|"?-?[0-9]{1,40}(\.[0-9]{1,40})?([eE][+-]?[0-9]{1,4})?"?)`;
export const STORED_TEXT_FREE_PATTERN = String.raw`-?[0-9]{1,40}(\.[0-9]{1,40})?([eE][+-]?[0-9]{1,4})?|NaN|-?Infinity|true|false|null|<[0-9]{1,12} bytes>|\[(${STORED_ITEM}(,${STORED_ITEM})*)?\]`;

export function isTextFree(v: AttrValue | undefined): boolean {
  if (v === null || v === undefined || typeof v === 'number' || typeof v === 'boolean' || v instanceof Uint8Array) return true;
  if (typeof v === 'string') return NUMERIC_TEXT.test(v);
  if (Array.isArray(v)) return v.every((x) => x === null || typeof x === 'number' || typeof x === 'boolean' || (typeof x === 'string' && NUMERIC_TEXT.test(x)));
  return false;
}
