// Feeds tens of thousands of malformed bodies (mutations of real SDK bodies, and random bytes) to
// the decoders. Whatever comes in, a decoder either returns well-formed records or throws
// OtlpDecodeError (a 400); never another error, never a hang. Seeded, so a failure reproduces.
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeLogs, decodeMetrics, decodeTraces, type OtlpEncoding } from './decode.ts';
import { OtlpDecodeError } from './errors.ts';
import { logsFixture, metricsFixture, traceFixture } from './otel-fixtures.testing.ts';
import type { AttrValue } from './types.ts';
import type { ValueLimits } from './values.ts';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ANY_VALUE_KEYS = ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'];

class Fuzzer {
  readonly random: () => number;
  constructor(seed: number) {
    this.random = mulberry32(seed);
  }
  int(n: number): number {
    return Math.floor(this.random() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }

  // Byte-level mutations: what a broken proxy, a truncated upload or a hostile client sends.
  mutateBytes(body: Buffer): Buffer {
    let out = Buffer.from(body);
    const rounds = 1 + this.int(4);
    for (let r = 0; r < rounds; r++) {
      const at = out.length === 0 ? 0 : this.int(out.length);
      switch (this.int(8)) {
        case 0: // flip bits
          if (out.length) out[at] ^= 1 << this.int(8);
          break;
        case 1: // random byte
          if (out.length) out[at] = this.int(256);
          break;
        case 2: // truncate
          out = out.subarray(0, at);
          break;
        case 3: // insert random bytes
          out = Buffer.concat([out.subarray(0, at), this.bytes(1 + this.int(8)), out.subarray(at)]);
          break;
        case 4: // delete a range
          out = Buffer.concat([out.subarray(0, at), out.subarray(at + 1 + this.int(16))]);
          break;
        case 5: // duplicate a range
          out = Buffer.concat([out.subarray(0, at), out.subarray(at, at + 1 + this.int(64)), out.subarray(at)]);
          break;
        case 6: // a varint that never ends / a huge length
          out = Buffer.concat([out.subarray(0, at), Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]), out.subarray(at + 1)]);
          break;
        default: // invalid UTF-8
          out = Buffer.concat([out.subarray(0, at), Buffer.from(this.pick([[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80]])), out.subarray(at)]);
      }
    }
    return out;
  }

  // An AnyValue nested 50 to 150 levels deep.
  deepValue(): unknown {
    let v: unknown = { stringValue: 'bottom' };
    for (let i = 0; i < 50 + this.int(100); i++) v = this.int(2) ? { arrayValue: { values: [v] } } : { kvlistValue: { values: [{ key: 'k', value: v }] } };
    return v;
  }

  weirdValue(depth = 0): unknown {
    switch (this.int(16)) {
      case 0:
        return null;
      case 1:
        return this.int(2) === 0;
      case 2:
        return this.pick([0, -1, 1.5, 2 ** 64, -(2 ** 63), Number.MAX_VALUE, 1e308, 1700000000000000000]);
      case 3:
        return this.pick(['', 'NaN', 'Infinity', '-Infinity', '18446744073709551616', '-9223372036854775809', '0x10', '1e3', ' 12 ', 'zz']);
      case 4:
        return this.pick(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'stringValue', 'value']);
      case 5:
        return 'a\ud800b'.repeat(1 + this.int(3));
      case 6:
        return 'f'.repeat(this.pick([15, 16, 31, 32, 33, 64]));
      case 7:
        return '0'.repeat(this.pick([16, 32]));
      case 8:
        return [];
      case 9:
        return {};
      case 10:
        return depth < 4 ? [this.weirdValue(depth + 1), this.weirdValue(depth + 1)] : 1;
      case 11:
        return depth < 4 ? { [this.pick(['stringValue', 'intValue', 'arrayValue', 'kvlistValue', 'bytesValue', 'doubleValue', 'values', 'key', 'value'])]: this.weirdValue(depth + 1) } : 'x';
      case 12:
        return this.deepValue();
      case 13:
        return 'x'.repeat(this.pick([1000, 70_000]));
      case 14:
        return Object.fromEntries(Array.from({ length: 3 }, () => [this.pick(['__proto__', 'key', 'value', 'x']), this.weirdValue(depth + 1)]));
      default:
        return this.pick(['ZGVhZGJlZWY=', '!!!', 'SPAN_KIND_SERVER', 'STATUS_CODE_ERROR', 'SEVERITY_NUMBER_INFO']);
    }
  }

  // Structural mutations of a parsed OTLP/JSON body: wrong types, missing and odd keys.
  mutateJson(value: unknown): unknown {
    const root = structuredClone(value) as Record<string, unknown>;
    const rounds = 1 + this.int(5);
    for (let r = 0; r < rounds; r++) {
      // Walk to a random container.
      let node: unknown = root;
      for (let d = 0; d < 12; d++) {
        const children = node !== null && typeof node === 'object' ? Object.keys(node as object) : [];
        if (children.length === 0 || this.int(4) === 0) break;
        const next = (node as Record<string, unknown>)[this.pick(children)];
        if (next === null || typeof next !== 'object') break;
        node = next;
      }
      if (node === null || typeof node !== 'object') continue;
      const target = node as Record<string, unknown>;
      const keys = Object.keys(target);
      const key = keys.length ? this.pick(keys) : 'x';
      switch (this.int(5)) {
        case 0:
          target[key] = this.weirdValue();
          break;
        case 4: {
          // Past the limits, where the decoder will read it: a string grown long, an AnyValue
          // (an attribute's value, a log body) nested deep.
          const v = target[key];
          if (typeof v === 'string') target[key] = `${v}${'x'.repeat(this.pick([5_000, 70_000]))}`;
          else if (v !== null && typeof v === 'object' && !Array.isArray(v) && ANY_VALUE_KEYS.some((k) => k in v)) target[key] = this.deepValue();
          else target[key] = this.weirdValue();
          break;
        }
        case 1:
          delete target[key];
          break;
        case 2:
          target[this.pick(['traceId', 'spanId', 'parentSpanId', 'startTimeUnixNano', 'endTimeUnixNano', 'attributes', 'body', 'dataPoints', 'kind', 'resource', 'scope', 'links', 'events'])] = this.weirdValue();
          break;
        default:
          Object.defineProperty(target, '__proto__', { value: this.weirdValue(), enumerable: true, configurable: true, writable: true });
      }
    }
    return root;
  }
}

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;
const DECIMAL = /^(0|[1-9]\d*)$/;

// Limits smaller than the defaults, so the fuzzed bodies (strings of 70,000 characters, values
// nested 150 deep) cross them. Whatever a body holds, the decoder's work and what it hands on
// are bounded by these, which is what the checks below hold it to, rather than by how long a
// body took (which on a busy machine says little; a hang still fails on the test's timeout).
const LIMITS: ValueLimits = { maxStringChars: 4_096, maxBytes: 4_096, maxDepth: 8, maxItems: 64 };
// A cut string ends with a marker saying how much was cut.
const MAX_MARKER_CHARS = 40;

const boundedString = (s: string): boolean => s.isWellFormed() && s.length <= LIMITS.maxStringChars + MAX_MARKER_CHARS;

// Called on a record's attribute map, one level above the values whose nesting maxDepth counts.
function wellFormedValue(v: AttrValue, depth = 0): boolean {
  if (depth > LIMITS.maxDepth + 1) return false;
  if (typeof v === 'string') return boundedString(v);
  if (v instanceof Uint8Array) return v.length <= LIMITS.maxBytes;
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return true;
  if (Array.isArray(v)) return v.length <= LIMITS.maxItems && v.every((x) => wellFormedValue(x, depth + 1));
  const keys = Object.keys(v);
  return keys.length <= LIMITS.maxItems && keys.every((k) => boundedString(k) && wellFormedValue(v[k], depth + 1));
}

type Decode = (body: Buffer, encoding: OtlpEncoding) => { rejected: { count: number; messages: string[] } };

// Runs one body; returns 'ok' or 'refused', fails the test on anything else.
function attempt(decode: Decode, body: Buffer, encoding: OtlpEncoding, check: (result: ReturnType<Decode>) => void): 'ok' | 'refused' {
  let result: ReturnType<Decode>;
  try {
    result = decode(body, encoding);
  } catch (e) {
    if (e instanceof OtlpDecodeError) {
      expect(e.status).toBe(400);
      return 'refused';
    }
    throw new Error(`${encoding} body ${body.toString('base64').slice(0, 2000)} threw ${String((e as Error)?.stack ?? e)}`);
  }
  // A partial rejection always says why, and only a rejection carries a reason.
  expect(result.rejected.messages.length > 0, JSON.stringify(result.rejected)).toBe(result.rejected.count > 0);
  check(result);
  return 'ok';
}

const checkTraces = (r: ReturnType<Decode>): void => {
  for (const s of (r as ReturnType<typeof decodeTraces>).spans) {
    if (!HEX32.test(s.traceId) || !HEX16.test(s.spanId) || (s.parentSpanId !== null && !HEX16.test(s.parentSpanId))) throw new Error(`bad ids ${JSON.stringify(s)}`);
    if (!DECIMAL.test(s.startTimeUnixNano) || !DECIMAL.test(s.endTimeUnixNano)) throw new Error('bad timestamps');
    if (!boundedString(s.name) || !wellFormedValue(s.attributes) || !wellFormedValue(s.resource.attributes)) throw new Error('ill-formed or unbounded strings');
  }
};

const checkLogs = (r: ReturnType<Decode>): void => {
  for (const l of (r as ReturnType<typeof decodeLogs>).logRecords) {
    if ((l.traceId !== null && !HEX32.test(l.traceId)) || (l.spanId !== null && !HEX16.test(l.spanId))) throw new Error('bad ids');
    if (!wellFormedValue(l.body) || !wellFormedValue(l.attributes)) throw new Error('ill-formed or unbounded strings');
  }
};

const checkMetrics = (r: ReturnType<Decode>): void => {
  for (const p of (r as ReturnType<typeof decodeMetrics>).points) {
    if (p.value !== null && !Number.isFinite(p.value)) throw new Error('non-finite value');
    if (p.histogram && p.histogram.bucketCounts.length !== 0 && p.histogram.bucketCounts.length !== p.histogram.explicitBounds.length + 1) throw new Error('bad buckets');
  }
};

interface Corpus {
  protobuf: Buffer;
  json: Buffer;
}

function fuzz(seed: number, corpus: Corpus, decode: Decode, check: (r: ReturnType<Decode>) => void, count: number) {
  const f = new Fuzzer(seed);
  const parsedJson = JSON.parse(corpus.json.toString());
  const tally = { ok: 0, refused: 0 };
  for (let i = 0; i < count; i++) {
    let body: Buffer;
    let encoding: OtlpEncoding;
    switch (i % 5) {
      case 0:
      case 1:
        body = f.mutateBytes(corpus.protobuf);
        encoding = 'protobuf';
        break;
      case 2:
        body = Buffer.from(JSON.stringify(f.mutateJson(parsedJson)));
        encoding = 'json';
        break;
      case 3:
        body = f.mutateBytes(corpus.json);
        encoding = 'json';
        break;
      default:
        body = f.bytes(f.int(300));
        encoding = f.int(2) ? 'protobuf' : 'json';
    }
    tally[attempt(decode, body, encoding, check)]++;
  }
  return tally;
}

describe('fuzzing the decoders', () => {
  let traces: Corpus;
  let logs: Corpus;
  let metrics: Corpus;
  beforeAll(async () => {
    [traces, logs, metrics] = await Promise.all([traceFixture(), logsFixture(), metricsFixture()]);
  });
  const nowMs = Date.now();

  it('decodeTraces survives 12,000 malformed bodies', { timeout: 120_000 }, () => {
    const result = fuzz(20251123, traces, (b, e) => decodeTraces(b, e, { nowMs, limits: LIMITS }), checkTraces, 12_000);
    // Both outcomes must occur, or the mutations are not reaching the decoder's interesting paths.
    expect(result.ok).toBeGreaterThan(1000);
    expect(result.refused).toBeGreaterThan(1000);
  });

  it('decodeLogs survives 4,000 malformed bodies', { timeout: 60_000 }, () => {
    const result = fuzz(7, logs, (b, e) => decodeLogs(b, e, { nowMs, limits: LIMITS }), checkLogs, 4000);
    expect(result.ok).toBeGreaterThan(300);
  });

  it('decodeMetrics survives 4,000 malformed bodies', { timeout: 60_000 }, () => {
    const result = fuzz(11, metrics, (b, e) => decodeMetrics(b, e, { nowMs, limits: LIMITS }), checkMetrics, 4000);
    expect(result.ok).toBeGreaterThan(300);
  });
});
