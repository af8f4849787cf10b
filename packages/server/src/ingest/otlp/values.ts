// Readers for the leaves of OTLP messages: ids, timestamps, enums, strings and AnyValues.
//
// One set of readers serves both decoders. A protobuf body is decoded by protobufjs into message
// objects (bytes as Uint8Array, 64-bit integers as Long, enums as numbers, oneofs named by a
// discriminator property); an OTLP/JSON body is JSON.parse'd (ids as hex strings, 64-bit
// integers as strings or numbers, bytes as base64, any type at all where a sender got it wrong).
// Each reader accepts the shapes the spec allows and throws `Invalid` naming the problem for
// anything else; the decoder turns that into a rejected record or a 400.
import type { AttrValue, Attributes } from './types.ts';
import { LookoutError } from '../../errors.ts';

// A field that breaks the rules. `path` is filled in while unwinding, so the happy path never
// builds field paths; only a rejected record pays for its message.
export class Invalid extends LookoutError {
  override name = 'Invalid';
  readonly problem: string;
  readonly path: string[];
  constructor(field: string, problem: string) {
    super('invalid_request', problem);
    this.problem = problem;
    this.path = field ? [field] : [];
  }
  get field(): string {
    let out = '';
    for (const part of this.path) out += part.startsWith('[') || out === '' ? part : `.${part}`;
    return out;
  }
  describe(): string {
    const field = this.field;
    return field ? `${field}: ${this.problem}` : this.problem;
  }
}

// Prefixes an Invalid with the segment of the path it was raised under; other errors pass as is.
export function within(error: unknown, segment: string): unknown {
  if (error instanceof Invalid) error.path.unshift(segment);
  return error;
}

export interface ValueLimits {
  maxStringChars: number; // longer strings are cut and marked
  maxBytes: number; // longer bytes values are cut
  maxDepth: number; // AnyValue nesting (arrays and maps); deeper values are replaced by a marker
  maxItems: number; // elements of one array or map, attributes of one record
}

export const DEFAULT_VALUE_LIMITS: ValueLimits = {
  maxStringChars: 64 * 1024,
  maxBytes: 64 * 1024,
  maxDepth: 16,
  maxItems: 10_000,
};

type Obj = Record<string, unknown>;
const EMPTY: readonly unknown[] = Object.freeze([]);

// A field by its lowerCamelCase name (protobuf objects, conforming JSON) or, failing that, its
// proto name (JSON from senders that follow the plain proto3 JSON mapping).
export function get(o: Obj, camel: string, snake?: string): unknown {
  const v = o[camel];
  return v !== undefined || snake === undefined ? v : o[snake];
}

export function list(v: unknown, field: string): readonly unknown[] {
  if (Array.isArray(v)) return v;
  if (v === undefined || v === null) return EMPTY;
  throw new Invalid(field, `expected an array, got ${typeName(v)}`);
}

export function message(v: unknown, field: string): Obj | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array)) return v as Obj;
  throw new Invalid(field, `expected an object, got ${typeName(v)}`);
}

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Uint8Array) return 'bytes';
  if (typeof v === 'string') return v.length > 40 ? 'a string' : `the string ${JSON.stringify(v)}`;
  if (typeof v === 'number' || typeof v === 'boolean') return `${typeof v} ${String(v)}`;
  return typeof v === 'object' ? 'an object' : typeof v;
}

// ---- strings ----------------------------------------------------------------------------------

// protobufjs decodes invalid UTF-8 to U+FFFD (see proto.ts); JSON can still carry lone
// surrogates ("\ud800"), which later break UTF-8 encoders, so those become U+FFFD too.
export function wellFormed(s: string): string {
  return s.isWellFormed() ? s : s.toWellFormed();
}

export function readString(v: unknown, field: string, maxChars = Number.POSITIVE_INFINITY): string {
  if (typeof v === 'string') return truncate(wellFormed(v), maxChars);
  if (v === undefined || v === null) return '';
  throw new Invalid(field, `expected a string, got ${typeName(v)}`);
}

export function truncate(s: string, maxChars: number): string {
  if (s.length <= maxChars) return s;
  // Cutting may split a surrogate pair; wellFormed repairs the half left at the end. The copy
  // through a Buffer makes a flat string: a slice would keep the whole original (megabytes,
  // perhaps) alive for as long as the record is queued.
  const head = Buffer.from(wellFormed(s.slice(0, maxChars)), 'utf8').toString('utf8');
  return `${head}…[truncated ${s.length - maxChars} chars]`;
}

// protobufjs's default for an unset bytes field is an empty array, not an empty Uint8Array.
function isEmptyArray(v: unknown): boolean {
  return Array.isArray(v) && v.length === 0;
}

// ---- ids --------------------------------------------------------------------------------------

const HEX_BYTE: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const HEX_RE = /^[0-9a-fA-F]*$/;

export function hex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX_BYTE[bytes[i]];
  return s;
}

// A trace (16 bytes) or span (8 bytes) id as lowercase hex; '' when absent. OTLP/JSON writes ids
// as case-insensitive hex, not base64 as plain proto3 JSON would.
export function readId(v: unknown, byteLength: number, field: string): string {
  let id: string;
  if (v instanceof Uint8Array) {
    if (v.length === 0) return '';
    if (v.length !== byteLength) throw new Invalid(field, `must be ${byteLength} bytes, got ${v.length}`);
    id = hex(v);
  } else if (typeof v === 'string') {
    if (v.length === 0) return '';
    if (v.length !== byteLength * 2 || !HEX_RE.test(v)) {
      throw new Invalid(field, `must be ${byteLength * 2} hex characters (OTLP/JSON ids are hex, not base64), got ${typeName(v)}`);
    }
    id = v.toLowerCase();
  } else if (v === undefined || v === null || isEmptyArray(v)) {
    return '';
  } else {
    throw new Invalid(field, `expected a hex string, got ${typeName(v)}`);
  }
  return id;
}

const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

// The W3C and OTLP specs make an all-zero id invalid. Ids here are lowercase hex of exact length.
export function isZeroId(id: string): boolean {
  return id === ZERO_TRACE_ID || id === ZERO_SPAN_ID;
}

// ---- integers and timestamps -----------------------------------------------------------------

interface LongLike {
  low: number;
  high: number;
}

function isLong(v: unknown): v is LongLike {
  return typeof v === 'object' && v !== null && typeof (v as LongLike).low === 'number' && typeof (v as LongLike).high === 'number';
}

const TWO_32 = 4294967296;
const UINT64_MAX = 18446744073709551615n;
const INT64_MIN = -9223372036854775808n;
const INT64_MAX = 9223372036854775807n;
const UINT_RE = /^\d{1,20}$/;
const INT_RE = /^-?\d{1,20}$/;

function uint64String(high: number, low: number): string {
  const hi = high >>> 0;
  const lo = low >>> 0;
  if (hi < 0x200000) return String(hi * TWO_32 + lo);
  return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}

// An unsigned 64-bit value (fixed64 timestamps) as a decimal string without leading zeros.
export function readUint64String(v: unknown, field: string): string {
  if (isLong(v)) return uint64String(v.high, v.low);
  if (typeof v === 'string') {
    if (!UINT_RE.test(v)) throw new Invalid(field, `expected an unsigned 64-bit integer, got ${typeName(v)}`);
    if (v.length < 16) return String(Number(v));
    const n = BigInt(v);
    if (n > UINT64_MAX) throw new Invalid(field, `exceeds the unsigned 64-bit range, got ${typeName(v)}`);
    return n.toString();
  }
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0 || v > 18446744073709551615) {
      throw new Invalid(field, `expected an unsigned 64-bit integer, got ${typeName(v)}`);
    }
    return Number.isSafeInteger(v) ? String(v) : BigInt(v).toString();
  }
  if (v === undefined || v === null) return '0';
  throw new Invalid(field, `expected an unsigned 64-bit integer, got ${typeName(v)}`);
}

// An unsigned 64-bit count as a number (exact up to 2^53; counts never get near that).
export function readUint64Number(v: unknown, field: string): number {
  if (isLong(v)) return (v.high >>> 0) * TWO_32 + (v.low >>> 0);
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  if (typeof v === 'string' && UINT_RE.test(v)) return Number(v);
  if (v === undefined || v === null) return 0;
  throw new Invalid(field, `expected an unsigned 64-bit integer, got ${typeName(v)}`);
}

// A signed 64-bit value as a number when it is exact, else as a decimal string.
export function readInt64(v: unknown, field: string): number | string {
  if (isLong(v)) {
    const n = (v.high | 0) * TWO_32 + (v.low >>> 0);
    if (Number.isSafeInteger(n)) return n;
    return BigInt.asIntN(64, (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0)).toString();
  }
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new Invalid(field, `expected a 64-bit integer, got ${typeName(v)}`);
    if (Number.isSafeInteger(v)) return v;
    return int64InRange(BigInt(v), field, v);
  }
  if (typeof v === 'string') {
    if (!INT_RE.test(v)) throw new Invalid(field, `expected a 64-bit integer, got ${typeName(v)}`);
    const n = Number(v);
    if (Number.isSafeInteger(n)) return n;
    return int64InRange(BigInt(v), field, v);
  }
  if (v === undefined || v === null) return 0;
  throw new Invalid(field, `expected a 64-bit integer, got ${typeName(v)}`);
}

function int64InRange(n: bigint, field: string, raw: unknown): string {
  if (n < INT64_MIN || n > INT64_MAX) throw new Invalid(field, `exceeds the 64-bit range, got ${typeName(raw)}`);
  return n.toString();
}

// A double; proto3 JSON also allows "NaN", "Infinity", "-Infinity" and numeric strings.
export function readDouble(v: unknown, field: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (v === 'NaN') return Number.NaN;
    if (v === 'Infinity') return Number.POSITIVE_INFINITY;
    if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
    const n = v.trim() === '' ? Number.NaN : Number(v);
    if (Number.isFinite(n)) return n;
  }
  if (v === undefined || v === null) return 0;
  throw new Invalid(field, `expected a number, got ${typeName(v)}`);
}

export function readBool(v: unknown, field: string): boolean {
  if (typeof v === 'boolean') return v;
  if (v === undefined || v === null) return false;
  throw new Invalid(field, `expected a boolean, got ${typeName(v)}`);
}

// An enum as its number. OTLP/JSON requires numbers; names are accepted too (plain proto3 JSON
// allows them and some senders use them). Values this version does not know map to `unknown`.
export function readEnum(v: unknown, names: Readonly<Record<string, number>>, max: number, field: string, unknown = 0): number {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new Invalid(field, `expected an enum number, got ${typeName(v)}`);
    return v >= 0 && v <= max ? v : unknown;
  }
  if (v === undefined || v === null) return 0;
  if (typeof v === 'string' && Object.hasOwn(names, v)) {
    const n = names[v];
    return n <= max ? n : unknown;
  }
  throw new Invalid(field, `expected an enum number, got ${typeName(v)}`);
}

// ---- bytes ------------------------------------------------------------------------------------

const BASE64_RE = /^[A-Za-z0-9+/\-_]*={0,2}$/;

// A copy, never a view: a view would keep the whole request body alive.
export function readBytes(v: unknown, maxBytes: number, field: string): Uint8Array {
  if (v instanceof Uint8Array) return new Uint8Array(v.subarray(0, maxBytes));
  if (typeof v === 'string') {
    if (!BASE64_RE.test(v)) throw new Invalid(field, 'expected base64');
    const b = Buffer.from(v, 'base64');
    return new Uint8Array(b.subarray(0, maxBytes));
  }
  if (v === undefined || v === null || isEmptyArray(v)) return new Uint8Array(0);
  throw new Invalid(field, `expected base64 bytes, got ${typeName(v)}`);
}

// ---- AnyValue and attributes -----------------------------------------------------------------

const ANY_VALUE_FIELDS: Record<string, string> = {
  stringValue: 'stringValue',
  string_value: 'stringValue',
  boolValue: 'boolValue',
  bool_value: 'boolValue',
  intValue: 'intValue',
  int_value: 'intValue',
  doubleValue: 'doubleValue',
  double_value: 'doubleValue',
  arrayValue: 'arrayValue',
  array_value: 'arrayValue',
  kvlistValue: 'kvlistValue',
  kvlist_value: 'kvlistValue',
  bytesValue: 'bytesValue',
  bytes_value: 'bytesValue',
};

const CAMEL_TO_SNAKE: Record<string, string> = {
  stringValue: 'string_value',
  boolValue: 'bool_value',
  intValue: 'int_value',
  doubleValue: 'double_value',
  arrayValue: 'array_value',
  kvlistValue: 'kvlist_value',
  bytesValue: 'bytes_value',
};

// Which member of the AnyValue oneof is set: protobufjs names it in `value`; in JSON it is
// whichever member key is present.
function anyValueCase(o: Obj): string | null {
  const discriminator = o.value;
  if (typeof discriminator === 'string' && Object.hasOwn(CAMEL_TO_SNAKE, discriminator)) return discriminator;
  for (const key in o) {
    if (Object.hasOwn(ANY_VALUE_FIELDS, key) && Object.hasOwn(o, key)) return ANY_VALUE_FIELDS[key];
  }
  return null;
}

export function depthMarker(maxDepth: number): string {
  return `[truncated: nested deeper than ${maxDepth} levels]`;
}

export function readAnyValue(v: unknown, limits: ValueLimits, depth: number, field: string): AttrValue {
  const o = message(v, field);
  if (o === null) return null;
  const which = anyValueCase(o);
  if (which === null) return null;
  const raw = get(o, which, CAMEL_TO_SNAKE[which]);
  switch (which) {
    case 'stringValue':
      return readString(raw, which, limits.maxStringChars);
    case 'boolValue':
      return readBool(raw, which);
    case 'intValue':
      return readInt64(raw, which);
    case 'doubleValue': {
      // JSON cannot carry NaN or infinities as numbers; keep them as the strings proto3 JSON uses.
      const d = readDouble(raw, which);
      return Number.isFinite(d) ? d : String(d);
    }
    case 'bytesValue':
      return readBytes(raw, limits.maxBytes, which);
    case 'arrayValue': {
      if (depth >= limits.maxDepth) return depthMarker(limits.maxDepth);
      const arr = message(raw, which);
      const values = arr === null ? EMPTY : list(arr.values, 'arrayValue.values');
      const n = Math.min(values.length, limits.maxItems);
      const out: AttrValue[] = new Array(n);
      for (let i = 0; i < n; i++) {
        try {
          out[i] = readAnyValue(values[i], limits, depth + 1, '');
        } catch (e) {
          throw within(e, `arrayValue.values[${i}]`);
        }
      }
      if (values.length > n) out.push(`[truncated: ${values.length - n} more items]`);
      return out;
    }
    case 'kvlistValue': {
      if (depth >= limits.maxDepth) return depthMarker(limits.maxDepth);
      const kv = message(raw, which);
      try {
        return readKeyValues(kv === null ? undefined : kv.values, limits, depth + 1, 'values');
      } catch (e) {
        throw within(e, 'kvlistValue');
      }
    }
    default:
      return null;
  }
}

export function setAttribute(out: Attributes, key: string, value: AttrValue): void {
  // A plain assignment to "__proto__" would replace the object's prototype.
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

// A repeated KeyValue as a plain object; later duplicates win. `field` names the list for messages.
export function readKeyValues(v: unknown, limits: ValueLimits, depth: number, field: string): Attributes {
  const out: Attributes = {};
  const kvs = list(v, field);
  const n = Math.min(kvs.length, limits.maxItems);
  for (let i = 0; i < n; i++) {
    try {
      const kv = message(kvs[i], '');
      if (kv === null) continue;
      const key = readString(kv.key, 'key', limits.maxStringChars);
      let value: AttrValue;
      try {
        value = readAnyValue(kv.value, limits, depth, '');
      } catch (e) {
        throw within(e, 'value');
      }
      setAttribute(out, key, value);
    } catch (e) {
      throw within(e, `${field}[${i}]`);
    }
  }
  if (kvs.length > n) setAttribute(out, 'lookout.truncated_keys', kvs.length - n);
  return out;
}

export function readAttributes(v: unknown, limits: ValueLimits): Attributes {
  return readKeyValues(v, limits, 0, 'attributes');
}

// An attribute or body value as stored text: strings as they are, bytes as base64, everything
// else as JSON; cut at `maxChars`.
export function attrText(v: AttrValue, maxChars: number): string {
  if (typeof v === 'string') return v.slice(0, maxChars);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64').slice(0, maxChars);
  return JSON.stringify(v).slice(0, maxChars);
}
