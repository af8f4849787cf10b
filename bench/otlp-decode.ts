// Measures OTLP decode cost per span: a 500-span ExportTraceServiceRequest made by the official
// OpenTelemetry JS SDK and serializer (LLM-call-shaped spans: 13 attributes, one event),
// decoded by decodeTraces. Prints one JSON line. Not a test: timings depend on the machine.
//
//   node scripts/bench-otlp-decode.ts [spans=500] [rounds=30]
import { cpus } from 'node:os';
import { decodeTraces } from '../packages/server/src/ingest/otlp/decode.ts';
import { decodeMessage, ExportTraceServiceRequest } from '../packages/server/src/ingest/otlp/proto.ts';
import { manySpans } from '../packages/server/src/ingest/otlp/otel-fixtures.testing.ts';

const spans = Number(process.argv[2] ?? 500);
const rounds = Number(process.argv[3] ?? 30);
const { protobuf, json } = await manySpans(spans);
if (decodeTraces(protobuf, 'protobuf').spans.length !== spans || decodeTraces(json, 'json').spans.length !== spans) throw new Error('fixture did not decode');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// Median over rounds of the mean over a batch of decodes, in µs per span.
function measure(fn: () => void): number {
  for (let i = 0; i < 50; i++) fn(); // warm up the JIT
  const perRound: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const batch = 10;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) fn();
    perRound.push(Number(process.hrtime.bigint() - t0) / 1000 / batch / spans);
  }
  return Math.round(median(perRound) * 100) / 100;
}

const protobufOnlyUs = measure(() => decodeMessage(ExportTraceServiceRequest, protobuf));
const protobufUs = measure(() => decodeTraces(protobuf, 'protobuf'));
const jsonUs = measure(() => decodeTraces(json, 'json'));

console.log(
  JSON.stringify({
    bench: 'otlp_decode_traces',
    spans,
    protobufBodyBytes: protobuf.length,
    jsonBodyBytes: json.length,
    protobufUsPerSpan: protobufUs,
    protobufjsDecodeOnlyUsPerSpan: protobufOnlyUs,
    jsonUsPerSpan: jsonUs,
    spansPerSecondOneCore: Math.round(1e6 / protobufUs),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
    node: process.version,
  }),
);
