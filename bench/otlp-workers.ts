// What handing OTLP decoding to the ingest workers costs per span: decode + map on one thread,
// the structured clone of the mapped records (serialize in the worker, deserialize on the main
// thread: V8's ValueSerializer, which postMessage uses), and a whole export through a one-thread
// pool against the same work inline. Prints one JSON line. Not a test: timings depend on the machine.
//
//   node bench/otlp-workers.ts [spans=500] [rounds=30]
import { deserialize, serialize } from 'node:v8';
import { manySpans } from '../packages/server/src/ingest/otlp/otel-fixtures.testing.ts';
import { decodeAndMapTraces, type TracesTaskArgs } from '../packages/server/src/ingest/otlp/traces.ts';
import { IngestWorkers } from '../packages/server/src/ingest/workers/pool.ts';
import { emit, machine, round } from './lib.ts';

const spans = Number(process.argv[2] ?? 500);
const rounds = Number(process.argv[3] ?? 30);
const { protobuf } = await manySpans(spans);
const args: TracesTaskArgs = { encoding: 'protobuf', projectId: 'bench', captureContent: false, maxSpans: 100_000 };
const mapped = decodeAndMapTraces(protobuf, args);
if (!('traces' in mapped) || mapped.traces.spans.length !== spans) throw new Error('fixture did not decode');
const wire = serialize(mapped);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// Median over rounds of the mean over a batch, in µs per span.
async function measure(fn: () => unknown, batch = 10): Promise<number> {
  for (let i = 0; i < 20; i++) await fn(); // warm up the JIT (and the thread)
  const perRound: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) await fn();
    perRound.push(Number(process.hrtime.bigint() - t0) / 1000 / batch / spans);
  }
  return Math.round(median(perRound) * 100) / 100;
}

const decodeMapUs = await measure(() => decodeAndMapTraces(protobuf, args));
const serializeUs = await measure(() => serialize(mapped));
const deserializeUs = await measure(() => deserialize(wire));
const pool = new IngestWorkers({ size: 1, maxInFlightBytes: 1 << 28 });
const inline = new IngestWorkers({ size: 0, maxInFlightBytes: 1 << 28 });
const pooledUs = await measure(() => pool.run('otlpTraces', 'bench', Buffer.from(protobuf), args));
const inlineUs = await measure(() => inline.run('otlpTraces', 'bench', Buffer.from(protobuf), args));
await pool.close();

emit({
  bench: 'otlp_workers',
  date: new Date().toISOString(),
  machine: machine(),
  spansPerExport: spans,
  recordBytesPerSpan: Math.round(wire.byteLength / spans),
  usPerSpan: {
    decodeAndMap: decodeMapUs,
    cloneSerializeInWorker: serializeUs,
    cloneDeserializeOnMain: deserializeUs,
    exportThroughOneWorker: pooledUs,
    exportInline: inlineUs,
  },
});
