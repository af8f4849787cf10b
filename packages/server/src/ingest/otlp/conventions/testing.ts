import { readFileSync } from 'node:fs';
import type { Attributes, OtlpEvent, OtlpLogRecord, OtlpSpan } from '../types.ts';

// Builders for the convention tests: an OTLP span as the decoder hands it over, with the
// attributes a fixture gives. Start 2026-01-02T03:04:05.000000123Z, 1.5 s long.

export const START_NS = '1767323045000000123';
export const END_NS = '1767323046500000123';
export const START_US = 1767323045000000;

export interface SpanFixture {
  name?: string;
  kind?: number;
  attributes: Attributes;
  events?: OtlpEvent[];
  status?: { code: number; message: string };
  resource?: Attributes;
  scope?: { name: string; version: string };
  spanId?: string;
  parentSpanId?: string | null;
  startTimeUnixNano?: string;
  endTimeUnixNano?: string;
}

export function otlpSpan(f: SpanFixture): OtlpSpan {
  return {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: f.spanId ?? 'b7ad6b7169203331',
    parentSpanId: f.parentSpanId ?? null,
    traceState: '',
    name: f.name ?? 'span',
    kind: f.kind ?? 1,
    startTimeUnixNano: f.startTimeUnixNano ?? START_NS,
    endTimeUnixNano: f.endTimeUnixNano ?? END_NS,
    attributes: f.attributes,
    events: f.events ?? [],
    links: [],
    status: f.status ?? { code: 0, message: '' },
    resource: { attributes: f.resource ?? { 'service.name': 'support-bot' } },
    scope: { name: f.scope?.name ?? '', version: f.scope?.version ?? '', attributes: {} },
  };
}

export function otlpLog(eventName: string, fields: Partial<OtlpLogRecord>): OtlpLogRecord {
  return {
    timeUnixNano: START_NS,
    observedTimeUnixNano: START_NS,
    severityNumber: 9,
    severityText: 'INFO',
    body: null,
    attributes: {},
    eventName,
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    resource: { attributes: {} },
    scope: { name: '', version: '', attributes: {} },
    ...fields,
  };
}

interface RecordedSpan {
  name: string;
  kind: number;
  spanId: string;
  parentSpanId: string | null;
  scope: { name: string; version: string };
  status: { code: number; message: string };
  attributes: Attributes;
  events: { name: string; attributes: Attributes }[];
}

// Spans recorded from a real package (fixtures/*.json, see fixtures/record/README.md).
export function recording(file: string): { version: string; spans: OtlpSpan[] } {
  const data = JSON.parse(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8')) as { version: string; spans: RecordedSpan[] };
  return {
    version: data.version,
    spans: data.spans.map((s) =>
      otlpSpan({
        name: s.name,
        kind: s.kind,
        spanId: s.spanId,
        parentSpanId: s.parentSpanId,
        scope: s.scope,
        status: s.status,
        attributes: s.attributes,
        events: s.events.map((e) => ({ name: e.name, timeUnixNano: START_NS, attributes: e.attributes })),
      }),
    ),
  };
}
