import { AggregationTemporality } from '@opentelemetry/sdk-metrics';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeLogs, decodeMetrics, decodeTraces, MAX_REJECTION_MESSAGES, type OtlpEncoding } from './decode.ts';
import { OtlpDecodeError } from './errors.ts';
import {
  CHAT_ATTRIBUTES,
  DURATION_BOUNDARIES,
  END_NS,
  LINKED,
  LOG_TRACE,
  logsFixture,
  metricsFixture,
  RESOURCE_ATTRIBUTES,
  SCOPE,
  START_NS,
  TOKEN_BOUNDARIES,
  traceFixture,
  type LogsFixture,
  type MetricsFixture,
  type TraceFixture,
} from './otel-fixtures.testing.ts';
import { ExportMetricsServiceRequest, ExportTraceServiceRequest, protobufWriter, type protobuf } from './proto.ts';

// [seconds, nanoseconds] as the SDK keeps time, to decimal nanoseconds.
function hrTimeToNanoseconds([seconds, nanos]: [number, number]): bigint {
  return BigInt(seconds) * 1_000_000_000n + BigInt(nanos);
}

// A fixed clock after the fixtures' 2023 timestamps, so "a day in the future" is deterministic.
const NOW_MS = Date.UTC(2023, 10, 20);
const opts = { nowMs: NOW_MS };

function encode(type: protobuf.Type, value: Record<string, unknown>): Buffer {
  return Buffer.from(type.encode(type.fromObject(value)).finish());
}

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const SPAN_ID = 'eee19b7ec3c1b174';
const T0 = '1700000000000000000'; // 2023-11-14T22:13:20Z

// One OTLP/JSON span, overridable field by field.
function jsonSpan(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { traceId: TRACE_ID, spanId: SPAN_ID, name: 'chat', kind: 3, startTimeUnixNano: T0, endTimeUnixNano: '1700000001000000000', ...overrides };
}

function jsonTraces(spans: unknown[], resource: unknown = { attributes: [] }): Buffer {
  return Buffer.from(JSON.stringify({ resourceSpans: [{ resource, scopeSpans: [{ scope: { name: 's' }, spans }] }] }));
}

// The same span as protobuf, with ids as bytes.
function pbTraces(spans: Record<string, unknown>[]): Buffer {
  return encode(ExportTraceServiceRequest, {
    resourceSpans: [
      {
        resource: { attributes: [] },
        scopeSpans: [
          {
            spans: spans.map((s) => ({
              ...s,
              traceId: s.traceId === undefined ? undefined : Buffer.from(s.traceId as string, 'hex'),
              spanId: s.spanId === undefined ? undefined : Buffer.from(s.spanId as string, 'hex'),
              parentSpanId: s.parentSpanId === undefined ? undefined : Buffer.from(s.parentSpanId as string, 'hex'),
            })),
          },
        ],
      },
    ],
  });
}

describe('decodeTraces with bodies from the official OpenTelemetry JS serializers', () => {
  let fixture: TraceFixture;
  beforeAll(async () => {
    fixture = await traceFixture();
  });

  for (const encoding of ['protobuf', 'json'] as const) {
    it(`decodes every field of ${encoding} spans`, () => {
      const { spans, rejected } = decodeTraces(fixture[encoding], encoding, opts);
      expect(rejected).toEqual({ count: 0, messages: [] });
      expect(spans).toHaveLength(2);
      const sdkParent = fixture.spans.find((s) => s.name === 'chat gpt-4o')!;
      const sdkChild = fixture.spans.find((s) => s.name === 'execute_tool get_weather')!;
      const parent = spans.find((s) => s.name === 'chat gpt-4o')!;
      const child = spans.find((s) => s.name === 'execute_tool get_weather')!;

      const resource = { attributes: RESOURCE_ATTRIBUTES };
      const scope = { name: SCOPE.name, version: SCOPE.version, attributes: {} };
      expect(parent).toEqual({
        traceId: sdkParent.spanContext().traceId,
        spanId: sdkParent.spanContext().spanId,
        parentSpanId: null,
        traceState: '',
        name: 'chat gpt-4o',
        kind: 3, // client
        startTimeUnixNano: START_NS,
        endTimeUnixNano: END_NS,
        attributes: CHAT_ATTRIBUTES,
        events: [{ name: 'gen_ai.choice', timeUnixNano: '1700000001000000000', attributes: { 'gen_ai.choice.index': 0, finish_reason: 'stop' } }],
        links: [{ traceId: LINKED.traceId, spanId: LINKED.spanId, attributes: { 'link.reason': 'retry-of' } }],
        status: { code: 2, message: 'rate limited' },
        resource,
        scope,
      });
      expect(child).toEqual({
        traceId: sdkParent.spanContext().traceId,
        spanId: sdkChild.spanContext().spanId,
        parentSpanId: sdkParent.spanContext().spanId,
        traceState: '',
        name: 'execute_tool get_weather',
        kind: 1, // internal
        startTimeUnixNano: '1700000000500000000',
        endTimeUnixNano: '1700000001500000000',
        attributes: { 'gen_ai.tool.name': 'get_weather' },
        events: [],
        links: [],
        status: { code: 0, message: '' },
        resource,
        scope,
      });
      // Spans of one scope share their resource and scope objects.
      expect(parent.resource).toBe(child.resource);
      expect(parent.scope).toBe(child.scope);
    });
  }

  it('decodes protobuf and JSON to the same records', () => {
    expect(decodeTraces(fixture.protobuf, 'protobuf', opts)).toEqual(decodeTraces(fixture.json, 'json', opts));
  });
});

describe('decodeLogs with bodies from the official serializers', () => {
  let fixture: LogsFixture;
  beforeAll(async () => {
    fixture = await logsFixture();
  });

  for (const encoding of ['protobuf', 'json'] as const) {
    it(`decodes every field of ${encoding} log records`, () => {
      // The second record has no observed timestamp of its own; the SDK stamps it "now".
      const { logRecords, rejected } = decodeLogs(fixture[encoding], encoding, { nowMs: Date.now() });
      expect(rejected).toEqual({ count: 0, messages: [] });
      expect(logRecords).toHaveLength(2);
      const resource = { attributes: RESOURCE_ATTRIBUTES };
      const scope = { name: SCOPE.name, version: SCOPE.version, attributes: {} };
      expect(logRecords[0]).toEqual({
        timeUnixNano: START_NS,
        observedTimeUnixNano: '1700000000123457789',
        severityNumber: 9,
        severityText: 'INFO',
        body: { role: 'assistant', content: 'Sunny, 21 °C', tool_calls: [{ id: 'call_1', name: 'get_weather' }] },
        attributes: { 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o' },
        eventName: 'gen_ai.client.inference.operation.details',
        traceId: LOG_TRACE.traceId,
        spanId: LOG_TRACE.spanId,
        resource,
        scope,
      });
      expect(logRecords[1]).toEqual({
        timeUnixNano: '1700000001000000000',
        observedTimeUnixNano: String(hrTimeToNanoseconds(fixture.records[1].hrTimeObserved)),
        severityNumber: 17,
        severityText: 'ERROR',
        body: 'upstream timed out after 30 s',
        attributes: {},
        eventName: '',
        traceId: null,
        spanId: null,
        resource,
        scope,
      });
    });
  }
});

describe('decodeMetrics with bodies from the official serializers', () => {
  let fixture: MetricsFixture;
  beforeAll(async () => {
    fixture = await metricsFixture(AggregationTemporality.DELTA);
  });

  for (const encoding of ['protobuf', 'json'] as const) {
    it(`decodes the GenAI client histograms, a counter and a gauge from ${encoding}`, () => {
      const { points, rejected } = decodeMetrics(fixture[encoding], encoding, { nowMs: Date.now() });
      expect(rejected).toEqual({ count: 0, messages: [] });
      const sdkMetrics = fixture.resourceMetrics.scopeMetrics[0].metrics;
      const sdkTime = (name: string, i = 0) => {
        const p = sdkMetrics.find((m) => m.descriptor.name === name)!.dataPoints[i];
        return { startTimeUnixNano: String(hrTimeToNanoseconds(p.startTime)), timeUnixNano: String(hrTimeToNanoseconds(p.endTime)) };
      };
      const resource = { attributes: RESOURCE_ATTRIBUTES };
      const scope = { name: SCOPE.name, version: SCOPE.version, attributes: {} };
      const model = { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.system': 'openai' };
      const tokens = { name: 'gen_ai.client.token.usage', description: 'Measures number of input and output tokens used', unit: '{token}' };
      expect(points).toEqual([
        {
          ...tokens,
          kind: 'histogram',
          temporality: 'delta',
          monotonic: false,
          attributes: { ...model, 'gen_ai.token.type': 'input' },
          ...sdkTime('gen_ai.client.token.usage', 0),
          value: null,
          histogram: { count: 2, sum: 1334, min: 100, max: 1234, bucketCounts: [0, 0, 0, 0, 1, 0, 1, 0, 0], explicitBounds: TOKEN_BOUNDARIES },
          resource,
          scope,
        },
        {
          ...tokens,
          kind: 'histogram',
          temporality: 'delta',
          monotonic: false,
          attributes: { ...model, 'gen_ai.token.type': 'output' },
          ...sdkTime('gen_ai.client.token.usage', 1),
          value: null,
          histogram: { count: 1, sum: 56, min: 56, max: 56, bucketCounts: [0, 0, 0, 1, 0, 0, 0, 0, 0], explicitBounds: TOKEN_BOUNDARIES },
          resource,
          scope,
        },
        {
          name: 'gen_ai.client.operation.duration',
          description: 'GenAI operation duration',
          unit: 's',
          kind: 'histogram',
          temporality: 'delta',
          monotonic: false,
          attributes: model,
          ...sdkTime('gen_ai.client.operation.duration'),
          value: null,
          histogram: { count: 2, sum: 3.75, min: 0.75, max: 3, bucketCounts: [0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0], explicitBounds: DURATION_BOUNDARIES },
          resource,
          scope,
        },
        {
          name: 'lookout.fixture.requests',
          description: '',
          unit: '',
          kind: 'sum',
          temporality: 'delta',
          monotonic: true,
          attributes: { route: '/chat' },
          ...sdkTime('lookout.fixture.requests'),
          value: 3,
          histogram: null,
          resource,
          scope,
        },
        {
          name: 'lookout.fixture.queue_depth',
          description: '',
          unit: '',
          kind: 'gauge',
          temporality: 'unspecified',
          monotonic: false,
          attributes: {},
          ...sdkTime('lookout.fixture.queue_depth'),
          value: 7.5,
          histogram: null,
          resource,
          scope,
        },
      ]);
    });
  }

  it('reads cumulative temporality', async () => {
    const cumulative = await metricsFixture(AggregationTemporality.CUMULATIVE);
    const { points } = decodeMetrics(cumulative.protobuf, 'protobuf');
    expect(points.filter((p) => p.kind !== 'gauge').every((p) => p.temporality === 'cumulative')).toBe(true);
  });

  it('keeps a histogram without sum, min and max (proto3 optional fields) as null', () => {
    const body = encode(ExportMetricsServiceRequest, {
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'gen_ai.client.operation.duration',
                  unit: 's',
                  histogram: { aggregationTemporality: 1, dataPoints: [{ timeUnixNano: T0, count: 3, bucketCounts: [1, 2], explicitBounds: [1] }] },
                },
              ],
            },
          ],
        },
      ],
    });
    const { points } = decodeMetrics(body, 'protobuf', opts);
    expect(points[0].histogram).toEqual({ count: 3, sum: null, min: null, max: null, bucketCounts: [1, 2], explicitBounds: [1] });
    expect(points[0].resource).toEqual({ attributes: {} });
  });

  it('rejects the data points of unsupported and malformed metrics and keeps the rest', () => {
    const point = { timeUnixNano: T0, asInt: '5' };
    const body = Buffer.from(
      JSON.stringify({
        resourceMetrics: [
          {
            scopeMetrics: [
              {
                metrics: [
                  { name: 'ok', sum: { aggregationTemporality: 'AGGREGATION_TEMPORALITY_DELTA', isMonotonic: true, dataPoints: [point] } },
                  { name: 'exp', exponentialHistogram: { dataPoints: [{}, {}] } },
                  { name: '', gauge: { dataPoints: [point] } },
                  { name: 'nan', gauge: { dataPoints: [{ timeUnixNano: T0, asDouble: 'NaN' }] } },
                  { name: 'buckets', histogram: { dataPoints: [{ timeUnixNano: T0, count: 1, bucketCounts: [1], explicitBounds: [1, 2] }] } },
                  { name: 'stale', gauge: { dataPoints: [{ timeUnixNano: T0, flags: 1 }] } },
                ],
              },
            ],
          },
        ],
      }),
    );
    const { points, rejected } = decodeMetrics(body, 'json', opts);
    expect(points.map((p) => [p.name, p.value, p.temporality])).toEqual([['ok', 5, 'delta']]);
    expect(rejected.count).toBe(5);
    expect(rejected.messages.join('\n')).toMatch(/exponentialHistogram: is not supported/);
    expect(rejected.messages.join('\n')).toMatch(/name: is missing/);
    expect(rejected.messages.join('\n')).toMatch(/asDouble: must be a finite number/);
    expect(rejected.messages.join('\n')).toMatch(/bucketCounts: has 1 buckets for 2 bounds/);
  });
});

describe('span validation: the span is rejected, not the request', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['a short trace id', { traceId: TRACE_ID.slice(2) }, /traceId: must be (16 bytes, got 15|32 hex characters)/],
    ['a long span id', { spanId: `${SPAN_ID}00` }, /spanId: must be (8 bytes, got 9|16 hex characters)/],
    ['a missing trace id', { traceId: undefined }, /traceId: is missing/],
    ['an all-zero span id', { spanId: '0000000000000000' }, /spanId: is all zeros/],
    ['a parent id of the wrong length', { parentSpanId: 'abcd' }, /parentSpanId: must be (8 bytes, got 2|16 hex characters)/],
    ['end before start', { endTimeUnixNano: '1699999999000000000' }, /endTimeUnixNano: is before startTimeUnixNano/],
    ['a start in 1970', { startTimeUnixNano: '1000000000', endTimeUnixNano: '2000000000' }, /startTimeUnixNano: is before 2000-01-01 \(1970-01-01T00:00:01.000Z\)/],
    ['a start in 2100', { startTimeUnixNano: '4102444800000000000', endTimeUnixNano: '4102444800000000001' }, /startTimeUnixNano: is more than a day in the future \(2100-01-01/],
    ['no start time', { startTimeUnixNano: undefined }, /startTimeUnixNano: is missing/],
    ['a link with a bad trace id', { links: [{ traceId: 'ab', spanId: SPAN_ID }] }, /links\[0\]\.traceId: must be (16 bytes, got 1|32 hex characters)/],
  ];

  for (const [what, overrides, message] of cases) {
    for (const encoding of ['protobuf', 'json'] as OtlpEncoding[]) {
      it(`rejects a span with ${what} (${encoding})`, () => {
        const bad = jsonSpan({ name: 'bad', ...overrides });
        const good = jsonSpan({ spanId: 'aaaaaaaaaaaaaaaa', name: 'good' });
        const body =
          encoding === 'json'
            ? jsonTraces([good, bad])
            : pbTraces([good, { ...bad, links: (bad.links as Record<string, string>[] | undefined)?.map((l) => ({ traceId: Buffer.from(l.traceId, 'hex'), spanId: Buffer.from(l.spanId, 'hex') })) }]);
        const { spans, rejected } = decodeTraces(body, encoding, opts);
        expect(spans.map((s) => s.name)).toEqual(['good']);
        expect(rejected.count).toBe(1);
        expect(rejected.messages).toHaveLength(1);
        expect(rejected.messages[0]).toMatch(/^resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[1\] \("bad"\): /);
        expect(rejected.messages[0]).toMatch(message);
      });
    }
  }

  it('counts every rejected span but describes only the first few', () => {
    const bad = Array.from({ length: 25 }, (_, i) => jsonSpan({ name: `bad${i}`, traceId: 'ab' }));
    const { spans, rejected } = decodeTraces(jsonTraces(bad), 'json', opts);
    expect(spans).toEqual([]);
    expect(rejected.count).toBe(25);
    expect(rejected.messages).toHaveLength(MAX_REJECTION_MESSAGES + 1);
    expect(rejected.messages.at(-1)).toBe('(15 more not described)');
  });
});

describe('OTLP/JSON specifics', () => {
  it('reads hex ids case-insensitively, 64-bit integers as strings or numbers, and enum numbers or names', () => {
    const span = jsonSpan({
      traceId: TRACE_ID.toUpperCase(),
      kind: 'SPAN_KIND_SERVER',
      startTimeUnixNano: 1700000000000000000, // a number: not exact, but accepted
      endTimeUnixNano: '1700000001000000000',
      status: { code: 'STATUS_CODE_ERROR', message: 'boom' },
      attributes: [
        { key: 'int_string', value: { intValue: '9007199254740993' } },
        { key: 'int_number', value: { intValue: 42 } },
        { key: 'int_negative', value: { intValue: '-9223372036854775808' } },
        { key: 'double_string', value: { doubleValue: '1.5' } },
        { key: 'double_nan', value: { doubleValue: 'NaN' } },
        { key: 'bytes', value: { bytesValue: Buffer.from('hi there').toString('base64') } },
        { key: 'empty', value: {} },
        { key: 'no_value' },
      ],
    });
    const { spans, rejected } = decodeTraces(jsonTraces([span]), 'json', opts);
    expect(rejected.count).toBe(0);
    expect(spans[0]).toMatchObject({ traceId: TRACE_ID, kind: 2, status: { code: 2, message: 'boom' }, startTimeUnixNano: '1700000000000000000' });
    expect(spans[0].attributes).toEqual({
      int_string: '9007199254740993',
      int_number: 42,
      int_negative: '-9223372036854775808',
      double_string: 1.5,
      double_nan: 'NaN',
      bytes: new Uint8Array(Buffer.from('hi there')),
      empty: null,
      no_value: null,
    });
  });

  it('accepts proto field names (snake_case) as the plain proto3 JSON mapping allows', () => {
    const body = Buffer.from(
      JSON.stringify({
        resource_spans: [
          {
            scope_spans: [
              {
                spans: [{ trace_id: TRACE_ID, span_id: SPAN_ID, name: 'x', start_time_unix_nano: T0, end_time_unix_nano: T0, attributes: [{ key: 'k', value: { string_value: 'v' } }] }],
              },
            ],
          },
        ],
      }),
    );
    const { spans } = decodeTraces(body, 'json', opts);
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, startTimeUnixNano: T0, attributes: { k: 'v' } });
  });

  it('ignores unknown fields, allows an empty resource and an empty body', () => {
    const body = Buffer.from(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [jsonSpan({ futureField: { a: 1 } })] }], somethingNew: 1 }] }));
    const { spans } = decodeTraces(body, 'json', opts);
    expect(spans[0].resource).toEqual({ attributes: {} });
    expect(spans[0].scope).toEqual({ name: '', version: '', attributes: {} });
    expect(decodeTraces(Buffer.alloc(0), 'json', opts)).toEqual({ spans: [], rejected: { count: 0, messages: [] } });
    expect(decodeTraces(Buffer.from('{}'), 'json', opts).spans).toEqual([]);
    expect(decodeTraces(Buffer.alloc(0), 'protobuf', opts).spans).toEqual([]);
  });

  it('rejects spans whose fields have the wrong JSON types, naming the field', () => {
    const spans = [
      jsonSpan({ name: 42 }),
      jsonSpan({ traceId: 12345 }),
      jsonSpan({ startTimeUnixNano: 'yesterday' }),
      jsonSpan({ attributes: { k: 'v' } }),
      jsonSpan({ attributes: [{ key: 'k', value: { intValue: 1.5 } }] }),
      jsonSpan({ attributes: [{ key: 'k', value: { arrayValue: { values: [{ boolValue: 'yes' }] } } }] }),
      jsonSpan({ kind: 'SPAN_KIND_BOGUS' }),
      'not a span',
    ];
    const { rejected } = decodeTraces(jsonTraces(spans), 'json', opts);
    expect(rejected.count).toBe(spans.length);
    expect(rejected.messages.slice(0, spans.length)).toEqual([
      expect.stringMatching(/spans\[0\]: name: expected a string, got number 42$/),
      expect.stringMatching(/spans\[1\] .*: traceId: expected a hex string, got number 12345$/),
      expect.stringMatching(/spans\[2\] .*: startTimeUnixNano: expected an unsigned 64-bit integer, got the string "yesterday"$/),
      expect.stringMatching(/spans\[3\] .*: attributes: expected an array, got an object$/),
      expect.stringMatching(/spans\[4\] .*: attributes\[0\]\.value\.intValue: expected a 64-bit integer, got number 1.5$/),
      expect.stringMatching(/spans\[5\] .*: attributes\[0\]\.value\.arrayValue\.values\[0\]\.boolValue: expected a boolean, got the string "yes"$/),
      expect.stringMatching(/spans\[6\] .*: kind: expected an enum number, got the string "SPAN_KIND_BOGUS"$/),
      expect.stringMatching(/spans\[7\]: expected an object, got the string "not a span"$/),
    ]);
  });

  it('refuses a body that is not an ExportTraceServiceRequest with a typed error naming the field', () => {
    const attempts: [string, RegExp, string?][] = [
      ['{"resourceSpans": 5}', /resourceSpans: expected an array, got number 5/, 'resourceSpans'],
      ['{"resourceSpans": [{"scopeSpans": {}}]}', /resourceSpans\[0\]\.scopeSpans: expected an array/, 'resourceSpans[0].scopeSpans'],
      ['{"resourceSpans": [{"resource": {"attributes": 1}}]}', /resourceSpans\[0\]\.resource\.attributes: expected an array/],
      ['[1,2,3]', /must be a JSON object/],
      ['"text"', /must be a JSON object/],
      ['{"resourceSpans": [', /not valid JSON/],
      ['\u00ff\u00fe', /not valid JSON/],
    ];
    for (const [body, message, field] of attempts) {
      let error: unknown;
      try {
        decodeTraces(Buffer.from(body), 'json', opts);
      } catch (e) {
        error = e;
      }
      expect(error, body).toBeInstanceOf(OtlpDecodeError);
      expect((error as OtlpDecodeError).status).toBe(400);
      expect((error as OtlpDecodeError).message).toMatch(message);
      if (field) expect((error as OtlpDecodeError).violations[0].field).toBe(field);
    }
  });
});

describe('protobuf robustness', () => {
  let fixture: TraceFixture;
  beforeAll(async () => {
    fixture = await traceFixture();
  });

  it('refuses truncated protobuf with a typed error', () => {
    for (const cut of [1, 7, 50, fixture.protobuf.length - 1]) {
      expect(() => decodeTraces(fixture.protobuf.subarray(0, cut), 'protobuf', opts), `cut at ${cut}`).toThrow(OtlpDecodeError);
    }
  });

  it('refuses random bytes with a typed error (or decodes them to nothing)', () => {
    const random = Buffer.from('8a93c0fe1177aa0102ffff7f000e3e', 'hex');
    expect(() => decodeTraces(random, 'protobuf', opts)).toThrow(OtlpDecodeError);
    expect(() => decodeTraces(Buffer.from('{"resourceSpans":[]}'), 'protobuf', opts)).toThrow(OtlpDecodeError);
  });

  it('refuses nesting past the protobuf recursion limit', () => {
    const ld = (field: number, ...inner: Buffer[]): Buffer => {
      const body = Buffer.concat(inner);
      return Buffer.concat([protobufWriter().uint32((field << 3) | 2).uint32(body.length).finish(), body]);
    };
    // AnyValue.arrayValue(5) > ArrayValue.values(1) > AnyValue ... 200 levels deep.
    let value = ld(1, Buffer.from('bottom'));
    for (let i = 0; i < 200; i++) value = ld(5, ld(1, value));
    const keyValue = Buffer.concat([ld(1, Buffer.from('deep')), ld(2, value)]);
    // Request.resourceSpans(1) > ResourceSpans.scopeSpans(2) > ScopeSpans.spans(2) > Span.attributes(9)
    const body = ld(1, ld(2, ld(2, ld(9, keyValue))));
    expect(() => decodeTraces(body, 'protobuf', opts)).toThrow(/max depth exceeded/);
    expect(() => decodeTraces(body, 'protobuf', opts)).toThrow(OtlpDecodeError);
  });

  it('replaces invalid UTF-8 with U+FFFD instead of failing', () => {
    const body = pbTraces([{ ...jsonSpan({ name: 'ABCD' }), attributes: [{ key: 'k', value: { stringValue: 'WXYZ' } }] }]);
    const corrupt = Buffer.from(body);
    corrupt.set([0xff, 0xfe, 0xc3, 0x28], corrupt.indexOf('ABCD'));
    corrupt.set([0xed, 0xa0, 0x80, 0x41], corrupt.indexOf('WXYZ')); // an encoded lone surrogate
    const { spans, rejected } = decodeTraces(corrupt, 'protobuf', opts);
    expect(rejected.count).toBe(0);
    expect(spans[0].name).toBe('\ufffd\ufffd\ufffd(');
    expect(spans[0].attributes.k).toMatch(/^\ufffd+A$/);
    expect((spans[0].attributes.k as string).isWellFormed()).toBe(true);
  });

  it('reads 64-bit ints exactly: numbers when safe, decimal strings when not', () => {
    const body = pbTraces([
      {
        ...jsonSpan(),
        attributes: [
          { key: 'safe', value: { intValue: '9007199254740991' } },
          { key: 'big', value: { intValue: '9223372036854775807' } },
          { key: 'negative', value: { intValue: '-5' } },
          { key: 'min', value: { intValue: '-9223372036854775808' } },
        ],
      },
    ]);
    expect(decodeTraces(body, 'protobuf', opts).spans[0].attributes).toEqual({
      safe: 9007199254740991,
      big: '9223372036854775807',
      negative: -5,
      min: '-9223372036854775808',
    });
  });
});

describe('attribute bounds', () => {
  const limits = { maxStringChars: 10, maxBytes: 4, maxDepth: 3, maxItems: 5 };

  it('cuts long strings with a marker, bytes to the limit, and copies bytes out of the body', () => {
    const body = pbTraces([
      {
        ...jsonSpan(),
        attributes: [
          { key: 'long', value: { stringValue: 'x'.repeat(25) } },
          { key: 'emoji', value: { stringValue: `${'a'.repeat(9)}🚀🚀` } },
          { key: 'bytes', value: { bytesValue: Buffer.from([1, 2, 3, 4, 5, 6]) } },
        ],
      },
    ]);
    const attrs = decodeTraces(body, 'protobuf', { ...opts, limits }).spans[0].attributes;
    expect(attrs.long).toBe(`${'x'.repeat(10)}…[truncated 15 chars]`);
    // The cut falls inside a surrogate pair; the half left over becomes U+FFFD.
    expect(attrs.emoji).toBe(`${'a'.repeat(9)}\ufffd…[truncated 3 chars]`);
    expect(attrs.bytes).toEqual(new Uint8Array([1, 2, 3, 4]));
    expect((attrs.bytes as Uint8Array).buffer.byteLength).toBe(4);
  });

  it('replaces nesting deeper than the limit with a marker and caps collection sizes', () => {
    let value: Record<string, unknown> = { stringValue: 'bottom' };
    for (let i = 0; i < 6; i++) value = { kvlistValue: { values: [{ key: `level${i}`, value }] } };
    const many = { arrayValue: { values: Array.from({ length: 8 }, (_, i) => ({ intValue: i })) } };
    const body = jsonTraces([jsonSpan({ attributes: [{ key: 'deep', value }, { key: 'many', value: many }] })]);
    const attrs = decodeTraces(body, 'json', { ...opts, limits }).spans[0].attributes;
    expect(attrs.deep).toEqual({ level5: { level4: { level3: '[truncated: nested deeper than 3 levels]' } } });
    expect(attrs.many).toEqual([0, 1, 2, 3, 4, '[truncated: 3 more items]']);
  });

  it('keeps a "__proto__" attribute as data without touching the prototype', () => {
    const body = jsonTraces([jsonSpan({ attributes: [{ key: '__proto__', value: { kvlistValue: { values: [{ key: 'polluted', value: { boolValue: true } }] } } }] })]);
    const attrs = decodeTraces(body, 'json', opts).spans[0].attributes;
    expect(Object.getPrototypeOf(attrs)).toBe(Object.prototype);
    expect(Object.keys(attrs)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('repairs lone surrogates from JSON escapes', () => {
    const body = Buffer.from(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [jsonSpan({ name: 'a\ud800b' })] }] }] }));
    expect(decodeTraces(body, 'json', opts).spans[0].name).toBe('a\ufffdb');
  });
});

describe('decodeLogs validation', () => {
  function jsonLogs(records: unknown[]): Buffer {
    return Buffer.from(JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: records }] }] }));
  }

  it('keeps logs without trace context or timestamps, treats all-zero ids as absent, rejects bad ids and times', () => {
    const { logRecords, rejected } = decodeLogs(
      jsonLogs([
        { body: { stringValue: 'no context' } },
        { traceId: '0'.repeat(32), spanId: '0'.repeat(16), body: { stringValue: 'zeros' } },
        { traceId: 'abc', body: { stringValue: 'bad id' } },
        { timeUnixNano: '5', body: { stringValue: 'bad time' } },
        { severityNumber: 'SEVERITY_NUMBER_WARN', eventName: 'gen_ai.user.message', body: { kvlistValue: { values: [{ key: 'content', value: { stringValue: 'hi' } }] } } },
      ]),
      'json',
      opts,
    );
    expect(logRecords.map((l) => [l.body, l.traceId, l.spanId, l.timeUnixNano])).toEqual([
      ['no context', null, null, '0'],
      ['zeros', null, null, '0'],
      [{ content: 'hi' }, null, null, '0'],
    ]);
    expect(logRecords[2]).toMatchObject({ severityNumber: 13, eventName: 'gen_ai.user.message' });
    expect(rejected.count).toBe(2);
    expect(rejected.messages[0]).toMatch(/logRecords\[2\]: traceId: must be 32 hex characters/);
    expect(rejected.messages[1]).toMatch(/logRecords\[3\]: timeUnixNano: is before 2000-01-01/);
  });
});
