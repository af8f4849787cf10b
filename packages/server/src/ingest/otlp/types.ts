// The decoded, transport-neutral form of OTLP data: what protobuf and JSON bodies (HTTP) and
// gRPC requests decode to, and what the convention mappers read. Ids are lowercase hex;
// timestamps stay in nanoseconds as decimal strings until mapped (64-bit values do not fit a
// JS number).

export type AttrValue = string | number | boolean | null | AttrValue[] | { [key: string]: AttrValue } | Uint8Array;
export type Attributes = Record<string, AttrValue>;

export interface OtlpResource {
  attributes: Attributes;
}

export interface OtlpScope {
  name: string;
  version: string;
  attributes: Attributes;
}

export interface OtlpEvent {
  name: string;
  timeUnixNano: string;
  attributes: Attributes;
}

export interface OtlpLink {
  traceId: string;
  spanId: string;
  attributes: Attributes;
}

// Span kind and status code as the OTLP enums number them.
export interface OtlpSpan {
  traceId: string; // 32 hex
  spanId: string; // 16 hex
  parentSpanId: string | null;
  traceState: string;
  name: string;
  kind: number; // 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Attributes;
  events: OtlpEvent[];
  links: OtlpLink[];
  status: { code: number; message: string }; // 0 unset, 1 ok, 2 error
  resource: OtlpResource;
  scope: OtlpScope;
}

export interface OtlpLogRecord {
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber: number;
  severityText: string;
  body: AttrValue;
  attributes: Attributes;
  eventName: string;
  traceId: string | null;
  spanId: string | null;
  resource: OtlpResource;
  scope: OtlpScope;
}
