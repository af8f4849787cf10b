import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DESCRIPTOR_PATH, generateDescriptor } from '../../../../../scripts/generate-otlp-proto.ts';
import { ExportTraceServiceRequest, RpcStatus, SPAN_KIND_VALUES } from './proto.ts';

describe('the OTLP protobuf descriptor', () => {
  it('is what scripts/generate-otlp-proto.ts makes from the vendored .proto files', () => {
    // Fails when packages/server/proto/ changed without regenerating: run the script.
    expect(readFileSync(DESCRIPTOR_PATH, 'utf8')).toBe(generateDescriptor());
  });

  it('holds the collector services and google.rpc.Status', () => {
    expect(ExportTraceServiceRequest.fullName).toBe('.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
    expect(RpcStatus.fieldsArray.map((f) => f.name)).toEqual(['code', 'message', 'details']);
    expect(SPAN_KIND_VALUES.SPAN_KIND_CONSUMER).toBe(5);
  });
});
