// Decodes OTLP export requests (protobuf or OTLP/JSON) into the transport-neutral records of
// types.ts and metric-types.ts.
//
// A body that is not an Export*ServiceRequest at all (bad protobuf, bad JSON, wrong structure
// outside the records) throws OtlpDecodeError: the whole request is refused with 400. A record
// that breaks a rule (ids of the wrong length, end before start, timestamps before 2000 or more
// than a day ahead, fields of the wrong JSON type) is rejected alone and counted, with a message
// naming the field, for the response's partial_success. Values are bounded on the way in
// (values.ts): long strings and bytes are cut, deep nesting is replaced by a marker.
//
// The resource and scope objects are shared by every record decoded under them: read them, do
// not mutate them.
import { OtlpDecodeError } from './errors.ts';
import type { OtlpAggregationTemporality, OtlpHistogramValue, OtlpMetricKind, OtlpMetricPoint } from './metric-types.ts';
import {
  AGGREGATION_TEMPORALITY_VALUES,
  decodeMessage,
  ExportLogsServiceRequest,
  ExportMetricsServiceRequest,
  ExportTraceServiceRequest,
  SEVERITY_NUMBER_VALUES,
  SPAN_KIND_VALUES,
  STATUS_CODE_VALUES,
  type protobuf,
} from './proto.ts';
import type { OtlpEvent, OtlpLink, OtlpLogRecord, OtlpResource, OtlpScope, OtlpSpan } from './types.ts';
import {
  DEFAULT_VALUE_LIMITS,
  get,
  Invalid,
  isZeroId,
  list,
  message,
  readAnyValue,
  readAttributes,
  readBool,
  readDouble,
  readEnum,
  readId,
  readInt64,
  readString,
  readUint64Number,
  readUint64String,
  typeName,
  type ValueLimits,
  within,
} from './values.ts';

export type OtlpEncoding = 'protobuf' | 'json';

export interface Rejected {
  count: number;
  messages: string[]; // at most MAX_REJECTION_MESSAGES; the last one says how many were left out
}

export interface DecodedTraces {
  spans: OtlpSpan[];
  rejected: Rejected;
}

export interface DecodedLogs {
  logRecords: OtlpLogRecord[];
  rejected: Rejected;
}

export interface DecodedMetrics {
  points: OtlpMetricPoint[];
  rejected: Rejected; // counted in data points, as OTLP's rejected_data_points is
}

export interface DecodeOptions {
  nowMs?: number; // the clock for "more than a day in the future"
  limits?: Partial<ValueLimits>;
}

export const MAX_REJECTION_MESSAGES = 10;
const MIN_TIME_NS = 946_684_800_000_000_000; // 2000-01-01T00:00:00Z
const MAX_FUTURE_NS = 86_400_000_000_000; // one day
const MAX_ERROR_TEXT_CHARS = 300;

type Obj = Record<string, unknown>;

interface Context {
  limits: ValueLimits;
  maxTimeNs: number;
}

function contextOf(options: DecodeOptions): Context {
  return {
    limits: { ...DEFAULT_VALUE_LIMITS, ...options.limits },
    maxTimeNs: (options.nowMs ?? Date.now()) * 1e6 + MAX_FUTURE_NS,
  };
}

class Rejections {
  count = 0;
  readonly messages: string[] = [];
  add(where: string, error: Invalid, records = 1): void {
    this.count += records;
    if (this.messages.length < MAX_REJECTION_MESSAGES) this.messages.push(`${where}: ${error.describe()}`);
  }
  result(): Rejected {
    const messages = this.messages.slice();
    const described = this.messages.length;
    if (this.count > described && described === MAX_REJECTION_MESSAGES) messages.push(`(${this.count - described} more not described)`);
    return { count: this.count, messages };
  }
}

function errorText(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.length > MAX_ERROR_TEXT_CHARS ? `${text.slice(0, MAX_ERROR_TEXT_CHARS)}…` : text;
}

function parseRequest(body: Buffer, encoding: OtlpEncoding, type: protobuf.Type, what: string): Obj {
  if (encoding === 'protobuf') {
    try {
      return decodeMessage(type, body) as unknown as Obj;
    } catch (e) {
      throw new OtlpDecodeError(`the body is not a protobuf-encoded ${what}: ${errorText(e)}`);
    }
  }
  if (body.length === 0) return {};
  let text = body.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new OtlpDecodeError(`the body is not valid JSON: ${errorText(e)}`, [], 'invalid_json');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new OtlpDecodeError(`the body must be a JSON object (an OTLP/JSON ${what}), got ${typeName(parsed)}`);
  }
  return parsed as Obj;
}

// Problems outside any record make the request undecodable.
function envelopeError(e: unknown, what: string): unknown {
  if (!(e instanceof Invalid)) return e;
  return new OtlpDecodeError(`the body is not a valid ${what}: ${e.describe()}`, [{ field: e.field, description: e.problem }]);
}

function readResource(v: unknown, limits: ValueLimits): OtlpResource {
  try {
    const o = message(v, '');
    return { attributes: o === null ? {} : readAttributes(o.attributes, limits) };
  } catch (e) {
    throw within(e, 'resource');
  }
}

function readScope(v: unknown, limits: ValueLimits): OtlpScope {
  try {
    const o = message(v, '');
    if (o === null) return { name: '', version: '', attributes: {} };
    return {
      name: readString(o.name, 'name', limits.maxStringChars),
      version: readString(o.version, 'version', limits.maxStringChars),
      attributes: readAttributes(o.attributes, limits),
    };
  } catch (e) {
    throw within(e, 'scope');
  }
}

// ---- time -------------------------------------------------------------------------------------

// Decimal strings without leading zeros: longer is larger, equal lengths compare as text.
function compareDecimal(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

function describeNs(ns: string): string {
  const ms = Number(ns) / 1e6;
  return ms <= 8.64e15 ? new Date(ms).toISOString() : `${ns} ns`;
}

function checkTime(ns: string, field: string, ctx: Context, required: boolean): void {
  const n = Number(ns);
  if (n === 0) {
    if (required) throw new Invalid(field, 'is missing');
    return;
  }
  if (n < MIN_TIME_NS) throw new Invalid(field, `is before 2000-01-01 (${describeNs(ns)})`);
  if (n > ctx.maxTimeNs) throw new Invalid(field, `is more than a day in the future (${describeNs(ns)})`);
}

// ---- traces -----------------------------------------------------------------------------------

function shortName(v: unknown): string {
  const name = typeof v === 'object' && v !== null ? (v as Obj).name : undefined;
  if (typeof name !== 'string' || name === '') return '';
  return ` (${JSON.stringify(name.length > 60 ? `${name.slice(0, 60)}…` : name)})`;
}

function readRequiredId(o: Obj, camel: string, snake: string, bytes: number): string {
  const id = readId(get(o, camel, snake), bytes, camel);
  if (id === '') throw new Invalid(camel, 'is missing');
  if (isZeroId(id)) throw new Invalid(camel, 'is all zeros, which is not a valid id');
  return id;
}

function readOptionalId(o: Obj, camel: string, snake: string, bytes: number): string | null {
  const id = readId(get(o, camel, snake), bytes, camel);
  return id === '' || isZeroId(id) ? null : id;
}

function readEvent(v: unknown, ctx: Context): OtlpEvent {
  const o = message(v, '');
  if (o === null) throw new Invalid('', 'expected an event object, got null');
  return {
    name: readString(o.name, 'name', ctx.limits.maxStringChars),
    timeUnixNano: readUint64String(get(o, 'timeUnixNano', 'time_unix_nano'), 'timeUnixNano'),
    attributes: readAttributes(o.attributes, ctx.limits),
  };
}

function readLink(v: unknown, ctx: Context): OtlpLink {
  const o = message(v, '');
  if (o === null) throw new Invalid('', 'expected a link object, got null');
  return {
    traceId: readRequiredId(o, 'traceId', 'trace_id', 16),
    spanId: readRequiredId(o, 'spanId', 'span_id', 8),
    attributes: readAttributes(o.attributes, ctx.limits),
  };
}

function readSpan(v: unknown, resource: OtlpResource, scope: OtlpScope, ctx: Context): OtlpSpan {
  const o = message(v, '');
  if (o === null) throw new Invalid('', 'expected a span object, got null');
  const traceId = readRequiredId(o, 'traceId', 'trace_id', 16);
  const spanId = readRequiredId(o, 'spanId', 'span_id', 8);
  const parentSpanId = readOptionalId(o, 'parentSpanId', 'parent_span_id', 8);
  const startTimeUnixNano = readUint64String(get(o, 'startTimeUnixNano', 'start_time_unix_nano'), 'startTimeUnixNano');
  const endTimeUnixNano = readUint64String(get(o, 'endTimeUnixNano', 'end_time_unix_nano'), 'endTimeUnixNano');
  checkTime(startTimeUnixNano, 'startTimeUnixNano', ctx, true);
  checkTime(endTimeUnixNano, 'endTimeUnixNano', ctx, true);
  if (compareDecimal(endTimeUnixNano, startTimeUnixNano) < 0) {
    throw new Invalid('endTimeUnixNano', `is before startTimeUnixNano (${describeNs(endTimeUnixNano)} < ${describeNs(startTimeUnixNano)})`);
  }

  const rawEvents = list(o.events, 'events');
  const events: OtlpEvent[] = new Array(rawEvents.length);
  for (let i = 0; i < rawEvents.length; i++) {
    try {
      events[i] = readEvent(rawEvents[i], ctx);
    } catch (e) {
      throw within(e, `events[${i}]`);
    }
  }
  const rawLinks = list(o.links, 'links');
  const links: OtlpLink[] = new Array(rawLinks.length);
  for (let i = 0; i < rawLinks.length; i++) {
    try {
      links[i] = readLink(rawLinks[i], ctx);
    } catch (e) {
      throw within(e, `links[${i}]`);
    }
  }

  let status = { code: 0, message: '' };
  const rawStatus = message(o.status, 'status');
  if (rawStatus !== null) {
    status = {
      code: readEnum(rawStatus.code, STATUS_CODE_VALUES, 2, 'status.code'),
      message: readString(rawStatus.message, 'status.message', ctx.limits.maxStringChars),
    };
  }

  return {
    traceId,
    spanId,
    parentSpanId,
    traceState: readString(get(o, 'traceState', 'trace_state'), 'traceState', ctx.limits.maxStringChars),
    name: readString(o.name, 'name', ctx.limits.maxStringChars),
    kind: readEnum(o.kind, SPAN_KIND_VALUES, 5, 'kind'),
    startTimeUnixNano,
    endTimeUnixNano,
    attributes: readAttributes(o.attributes, ctx.limits),
    events,
    links,
    status,
    resource,
    scope,
  };
}

export function decodeTraces(body: Buffer, encoding: OtlpEncoding, options: DecodeOptions = {}): DecodedTraces {
  const what = 'ExportTraceServiceRequest';
  const request = parseRequest(body, encoding, ExportTraceServiceRequest, what);
  const ctx = contextOf(options);
  const spans: OtlpSpan[] = [];
  const rejected = new Rejections();
  try {
    const resourceSpans = list(get(request, 'resourceSpans', 'resource_spans'), 'resourceSpans');
    for (let r = 0; r < resourceSpans.length; r++) {
      let rs: Obj | null;
      let resource: OtlpResource;
      let scopeSpans: readonly unknown[];
      try {
        rs = message(resourceSpans[r], '');
        if (rs === null) continue;
        resource = readResource(rs.resource, ctx.limits);
        scopeSpans = list(get(rs, 'scopeSpans', 'scope_spans'), 'scopeSpans');
      } catch (e) {
        throw within(e, `resourceSpans[${r}]`);
      }
      for (let s = 0; s < scopeSpans.length; s++) {
        let scope: OtlpScope;
        let items: readonly unknown[];
        try {
          const ss = message(scopeSpans[s], '');
          if (ss === null) continue;
          scope = readScope(ss.scope, ctx.limits);
          items = list(ss.spans, 'spans');
        } catch (e) {
          throw within(within(e, `scopeSpans[${s}]`), `resourceSpans[${r}]`);
        }
        for (let i = 0; i < items.length; i++) {
          try {
            spans.push(readSpan(items[i], resource, scope, ctx));
          } catch (e) {
            if (!(e instanceof Invalid)) throw e;
            rejected.add(`resourceSpans[${r}].scopeSpans[${s}].spans[${i}]${shortName(items[i])}`, e);
          }
        }
      }
    }
  } catch (e) {
    throw envelopeError(e, what);
  }
  return { spans, rejected: rejected.result() };
}

// ---- logs -------------------------------------------------------------------------------------

function readLogRecord(v: unknown, resource: OtlpResource, scope: OtlpScope, ctx: Context): OtlpLogRecord {
  const o = message(v, '');
  if (o === null) throw new Invalid('', 'expected a log record object, got null');
  const timeUnixNano = readUint64String(get(o, 'timeUnixNano', 'time_unix_nano'), 'timeUnixNano');
  const observedTimeUnixNano = readUint64String(get(o, 'observedTimeUnixNano', 'observed_time_unix_nano'), 'observedTimeUnixNano');
  // Either may be unset (0); the mapper falls back to the other, then to the time received.
  checkTime(timeUnixNano, 'timeUnixNano', ctx, false);
  checkTime(observedTimeUnixNano, 'observedTimeUnixNano', ctx, false);
  return {
    timeUnixNano,
    observedTimeUnixNano,
    severityNumber: readEnum(get(o, 'severityNumber', 'severity_number'), SEVERITY_NUMBER_VALUES, 24, 'severityNumber'),
    severityText: readString(get(o, 'severityText', 'severity_text'), 'severityText', ctx.limits.maxStringChars),
    body: readBody(o.body, ctx),
    attributes: readAttributes(o.attributes, ctx.limits),
    eventName: readString(get(o, 'eventName', 'event_name'), 'eventName', ctx.limits.maxStringChars),
    traceId: readOptionalId(o, 'traceId', 'trace_id', 16),
    spanId: readOptionalId(o, 'spanId', 'span_id', 8),
    resource,
    scope,
  };
}

function readBody(v: unknown, ctx: Context): OtlpLogRecord['body'] {
  try {
    return readAnyValue(v, ctx.limits, 0, '');
  } catch (e) {
    throw within(e, 'body');
  }
}

export function decodeLogs(body: Buffer, encoding: OtlpEncoding, options: DecodeOptions = {}): DecodedLogs {
  const what = 'ExportLogsServiceRequest';
  const request = parseRequest(body, encoding, ExportLogsServiceRequest, what);
  const ctx = contextOf(options);
  const logRecords: OtlpLogRecord[] = [];
  const rejected = new Rejections();
  try {
    const resourceLogs = list(get(request, 'resourceLogs', 'resource_logs'), 'resourceLogs');
    for (let r = 0; r < resourceLogs.length; r++) {
      let resource: OtlpResource;
      let scopeLogs: readonly unknown[];
      try {
        const rl = message(resourceLogs[r], '');
        if (rl === null) continue;
        resource = readResource(rl.resource, ctx.limits);
        scopeLogs = list(get(rl, 'scopeLogs', 'scope_logs'), 'scopeLogs');
      } catch (e) {
        throw within(e, `resourceLogs[${r}]`);
      }
      for (let s = 0; s < scopeLogs.length; s++) {
        let scope: OtlpScope;
        let items: readonly unknown[];
        try {
          const sl = message(scopeLogs[s], '');
          if (sl === null) continue;
          scope = readScope(sl.scope, ctx.limits);
          items = list(get(sl, 'logRecords', 'log_records'), 'logRecords');
        } catch (e) {
          throw within(within(e, `scopeLogs[${s}]`), `resourceLogs[${r}]`);
        }
        for (let i = 0; i < items.length; i++) {
          try {
            logRecords.push(readLogRecord(items[i], resource, scope, ctx));
          } catch (e) {
            if (!(e instanceof Invalid)) throw e;
            rejected.add(`resourceLogs[${r}].scopeLogs[${s}].logRecords[${i}]`, e);
          }
        }
      }
    }
  } catch (e) {
    throw envelopeError(e, what);
  }
  return { logRecords, rejected: rejected.result() };
}

// ---- metrics ----------------------------------------------------------------------------------

const METRIC_DATA_FIELDS: Record<string, string> = {
  gauge: 'gauge',
  sum: 'sum',
  histogram: 'histogram',
  exponentialHistogram: 'exponentialHistogram',
  exponential_histogram: 'exponentialHistogram',
  summary: 'summary',
};

// Which member of Metric's `data` oneof is set (protobufjs names it in `data`; JSON by key).
function metricCase(o: Obj): string | null {
  if (typeof o.data === 'string' && Object.hasOwn(METRIC_DATA_FIELDS, o.data)) return METRIC_DATA_FIELDS[o.data];
  for (const key in o) {
    if (Object.hasOwn(METRIC_DATA_FIELDS, key) && Object.hasOwn(o, key) && o[key] !== null) return METRIC_DATA_FIELDS[key];
  }
  return null;
}

const NO_RECORDED_VALUE_FLAG = 1;

const TEMPORALITY: Record<number, OtlpAggregationTemporality> = { 0: 'unspecified', 1: 'delta', 2: 'cumulative' };

// A proto3 `optional` field: protobufjs marks presence in the synthetic oneof `_name`; in JSON
// the key is there or not.
function optionalDouble(o: Obj, name: string): number | null {
  const v = o[name];
  if (v === undefined || v === null) return null;
  const presence = o[`_${name}`];
  if (presence !== undefined && presence !== name) return null;
  return readDouble(v, name);
}

function readFlags(o: Obj): number {
  const v = o.flags;
  return typeof v === 'number' && Number.isInteger(v) ? v : 0;
}

function readNumberValue(o: Obj): number {
  let which = typeof o.value === 'string' ? o.value : null;
  if (which === null) {
    if (get(o, 'asDouble', 'as_double') !== undefined) which = 'asDouble';
    else if (get(o, 'asInt', 'as_int') !== undefined) which = 'asInt';
  }
  if (which === 'asDouble') {
    const d = readDouble(get(o, 'asDouble', 'as_double'), 'asDouble');
    if (!Number.isFinite(d)) throw new Invalid('asDouble', `must be a finite number, got ${String(d)}`);
    return d;
  }
  if (which === 'asInt') return Number(readInt64(get(o, 'asInt', 'as_int'), 'asInt'));
  throw new Invalid('value', 'is missing (neither asDouble nor asInt is set)');
}

// OTLP counts are uint64; the store keeps them as exact integers (BIGINT), so a count past
// what a JS number holds exactly is refused with the point rather than failing the whole write.
function readCount(v: unknown, field: string): number {
  const n = readUint64Number(v, field);
  if (n > Number.MAX_SAFE_INTEGER) throw new Invalid(field, `is ${n}, more than the largest count kept exactly (${Number.MAX_SAFE_INTEGER})`);
  return n;
}

function readHistogramValue(o: Obj): OtlpHistogramValue {
  const rawCounts = list(get(o, 'bucketCounts', 'bucket_counts'), 'bucketCounts');
  const rawBounds = list(get(o, 'explicitBounds', 'explicit_bounds'), 'explicitBounds');
  const bucketCounts = new Array<number>(rawCounts.length);
  for (let i = 0; i < rawCounts.length; i++) bucketCounts[i] = readCount(rawCounts[i], `bucketCounts[${i}]`);
  const explicitBounds = new Array<number>(rawBounds.length);
  for (let i = 0; i < rawBounds.length; i++) {
    const b = readDouble(rawBounds[i], `explicitBounds[${i}]`);
    if (!Number.isFinite(b)) throw new Invalid(`explicitBounds[${i}]`, `must be finite, got ${String(b)}`);
    if (i > 0 && b <= explicitBounds[i - 1]) throw new Invalid(`explicitBounds[${i}]`, 'bounds must increase strictly');
    explicitBounds[i] = b;
  }
  if (bucketCounts.length !== 0 && bucketCounts.length !== explicitBounds.length + 1) {
    throw new Invalid('bucketCounts', `has ${bucketCounts.length} buckets for ${explicitBounds.length} bounds; expected ${explicitBounds.length + 1}`);
  }
  const sum = optionalDouble(o, 'sum');
  if (sum !== null && !Number.isFinite(sum)) throw new Invalid('sum', `must be finite, got ${String(sum)}`);
  return {
    count: readCount(o.count, 'count'),
    sum,
    min: optionalDouble(o, 'min'),
    max: optionalDouble(o, 'max'),
    bucketCounts,
    explicitBounds,
  };
}

interface MetricInfo {
  name: string;
  description: string;
  unit: string;
  kind: OtlpMetricKind;
  temporality: OtlpAggregationTemporality;
  monotonic: boolean;
  resource: OtlpResource;
  scope: OtlpScope;
}

// One data point, or null for a point flagged "no recorded value" (a staleness marker).
function readPoint(v: unknown, info: MetricInfo, ctx: Context): OtlpMetricPoint | null {
  const o = message(v, '');
  if (o === null) throw new Invalid('', 'expected a data point object, got null');
  if (readFlags(o) & NO_RECORDED_VALUE_FLAG) return null;
  const startTimeUnixNano = readUint64String(get(o, 'startTimeUnixNano', 'start_time_unix_nano'), 'startTimeUnixNano');
  const timeUnixNano = readUint64String(get(o, 'timeUnixNano', 'time_unix_nano'), 'timeUnixNano');
  checkTime(timeUnixNano, 'timeUnixNano', ctx, true);
  checkTime(startTimeUnixNano, 'startTimeUnixNano', ctx, false);
  const histogram = info.kind === 'histogram' ? readHistogramValue(o) : null;
  return {
    name: info.name,
    description: info.description,
    unit: info.unit,
    kind: info.kind,
    temporality: info.temporality,
    monotonic: info.monotonic,
    attributes: readAttributes(o.attributes, ctx.limits),
    startTimeUnixNano,
    timeUnixNano,
    value: histogram === null ? readNumberValue(o) : null,
    histogram,
    resource: info.resource,
    scope: info.scope,
  };
}

function countPoints(data: unknown): number {
  const points = typeof data === 'object' && data !== null ? get(data as Obj, 'dataPoints', 'data_points') : undefined;
  return Array.isArray(points) ? Math.max(points.length, 1) : 1;
}

function readMetric(
  v: unknown,
  where: string,
  resource: OtlpResource,
  scope: OtlpScope,
  ctx: Context,
  out: OtlpMetricPoint[],
  rejected: Rejections,
): void {
  let o: Obj | null;
  try {
    o = message(v, '');
  } catch (e) {
    if (!(e instanceof Invalid)) throw e;
    rejected.add(where, e);
    return;
  }
  if (o === null) return;
  const which = metricCase(o);
  const data = which === null ? null : get(o, which, which === 'exponentialHistogram' ? 'exponential_histogram' : undefined);
  let info: MetricInfo;
  let points: readonly unknown[];
  try {
    const name = readString(o.name, 'name', ctx.limits.maxStringChars);
    if (name === '') throw new Invalid('name', 'is missing');
    if (which === null) throw new Invalid('', 'has no data (expected gauge, sum or histogram)');
    if (which === 'exponentialHistogram' || which === 'summary') {
      throw new Invalid(which, 'is not supported; send explicit-bucket histograms, sums or gauges');
    }
    const d = message(data, which);
    const kind = which as OtlpMetricKind;
    const temporality = kind === 'gauge' ? 0 : readEnum(get(d ?? {}, 'aggregationTemporality', 'aggregation_temporality'), AGGREGATION_TEMPORALITY_VALUES, 2, 'aggregationTemporality');
    info = {
      name,
      description: readString(o.description, 'description', ctx.limits.maxStringChars),
      unit: readString(o.unit, 'unit', ctx.limits.maxStringChars),
      kind,
      temporality: TEMPORALITY[temporality],
      monotonic: kind === 'sum' && d !== null ? readBool(get(d, 'isMonotonic', 'is_monotonic'), 'isMonotonic') : false,
      resource,
      scope,
    };
    points = d === null ? [] : list(get(d, 'dataPoints', 'data_points'), `${which}.dataPoints`);
  } catch (e) {
    if (!(e instanceof Invalid)) throw e;
    rejected.add(`${where}${shortName(o)}`, e, countPoints(data));
    return;
  }
  for (let i = 0; i < points.length; i++) {
    try {
      const point = readPoint(points[i], info, ctx);
      if (point !== null) out.push(point);
    } catch (e) {
      if (!(e instanceof Invalid)) throw e;
      rejected.add(`${where}${shortName(o)}.${info.kind}.dataPoints[${i}]`, e);
    }
  }
}

export function decodeMetrics(body: Buffer, encoding: OtlpEncoding, options: DecodeOptions = {}): DecodedMetrics {
  const what = 'ExportMetricsServiceRequest';
  const request = parseRequest(body, encoding, ExportMetricsServiceRequest, what);
  const ctx = contextOf(options);
  const points: OtlpMetricPoint[] = [];
  const rejected = new Rejections();
  try {
    const resourceMetrics = list(get(request, 'resourceMetrics', 'resource_metrics'), 'resourceMetrics');
    for (let r = 0; r < resourceMetrics.length; r++) {
      let resource: OtlpResource;
      let scopeMetrics: readonly unknown[];
      try {
        const rm = message(resourceMetrics[r], '');
        if (rm === null) continue;
        resource = readResource(rm.resource, ctx.limits);
        scopeMetrics = list(get(rm, 'scopeMetrics', 'scope_metrics'), 'scopeMetrics');
      } catch (e) {
        throw within(e, `resourceMetrics[${r}]`);
      }
      for (let s = 0; s < scopeMetrics.length; s++) {
        let scope: OtlpScope;
        let metrics: readonly unknown[];
        try {
          const sm = message(scopeMetrics[s], '');
          if (sm === null) continue;
          scope = readScope(sm.scope, ctx.limits);
          metrics = list(sm.metrics, 'metrics');
        } catch (e) {
          throw within(within(e, `scopeMetrics[${s}]`), `resourceMetrics[${r}]`);
        }
        for (let m = 0; m < metrics.length; m++) {
          readMetric(metrics[m], `resourceMetrics[${r}].scopeMetrics[${s}].metrics[${m}]`, resource, scope, ctx, points, rejected);
        }
      }
    }
  } catch (e) {
    throw envelopeError(e, what);
  }
  return { points, rejected: rejected.result() };
}
