// Retrieval drift against a real `lookout serve`: an application instrumented with the official
// OpenTelemetry JS SDK records retriever spans (OpenInference's retrieval.documents.N.document.score)
// and embedding spans (embedding.truncated) through the official OTLP/HTTP protobuf exporter —
// seed 004's story: after an index change the top scores drop and embeddings are truncated. The
// drift API shows the shift against the period before it, the default RetrievalDrift and
// EmbeddingTruncation rules would fire, and after a restart the rollups rebuilt from the store
// still see it.
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir, startLookout, type LookoutServer } from './harness.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

let lookout: LookoutServer | undefined;
let dataDir = '';

beforeAll(async () => {
  dataDir = await makeTempDir('retrieval-drift');
  lookout = await startLookout({ dataDir });
});

afterAll(async () => {
  await lookout?.stop();
  await removeTempDir(dataDir);
});

// Top scores of one retrieval's three documents: before the change 0.80..0.98, after 0.30..0.55.
function scores(i: number, dropped: boolean): number[] {
  const top = dropped ? 0.3 + ((i * 7) % 25) / 100 : 0.8 + ((i * 7) % 18) / 100;
  return [top, top - 0.05, top - 0.1];
}

async function sendTraffic(url: string, nowMs: number): Promise<void> {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'rag-e2e' }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${url}/v1/traces` }), maxExportBatchSize: 100 })],
  });
  const tracer = provider.getTracer('rag-e2e');
  const send = (startMs: number, i: number, dropped: boolean) => {
    const attributes: Record<string, string | number> = { 'openinference.span.kind': 'RETRIEVER', 'lookout.feature': 'doc-search' };
    scores(i, dropped).forEach((s, d) => {
      attributes[`retrieval.documents.${d}.document.id`] = `kb-${(i + d) % 40}`;
      attributes[`retrieval.documents.${d}.document.score`] = Math.round(s * 1000) / 1000;
    });
    tracer.startSpan('retriever', { startTime: startMs, attributes }).end(startMs + 40);
    tracer
      .startSpan('embeddings text-embedding-3-small', {
        startTime: startMs + 1,
        attributes: { 'embedding.model': 'text-embedding-3-small', 'embedding.num_inputs': 1, 'embedding.truncated': dropped && i % 3 !== 0, 'lookout.feature': 'doc-search' },
      })
      .end(startMs + 20);
  };
  // The baseline: two hours before the last one, one retrieval every two minutes.
  for (let i = 0; i < 60; i++) send(nowMs - 3 * HOUR_MS + i * 2 * MINUTE_MS, i, false);
  // The last hour, after the index change: one every 45 seconds.
  for (let i = 0; i < 60; i++) send(nowMs - 50 * MINUTE_MS + i * 45_000, i, true);
  await provider.forceFlush();
  await provider.shutdown();
}

interface Drift {
  psi: number | null;
  baseline: { retrievals: number; topScore: { p50: number | null }; truncationRate: number | null };
  total: { retrievals: number; documentsAvg: number | null; topScore: { p50: number | null }; truncationRate: number | null };
  series: { time: string; retrievals: number; psi: number | null }[];
  features: { feature: string | null; psi: number | null }[];
}

async function testRule(url: string, rule: Record<string, unknown>): Promise<{ wouldFire: number; groups: { labels: Record<string, string>; value: number | null }[] }> {
  const res = await fetch(`${url}/api/v1/alerts/test-rule`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as { wouldFire: number; groups: { labels: Record<string, string>; value: number | null }[] };
}

const DRIFT_RULE = { name: 'RetrievalDrift', kind: 'threshold', query: { measure: 'retrieval_score_psi', groupBy: ['feature'] }, window: '1h', lookback: '23h', op: '>', threshold: 0.25, minSamples: 50, severity: 'warning', category: 'quality' };
const TRUNCATION_RULE = { name: 'EmbeddingTruncation', kind: 'threshold', query: { measure: 'embedding_truncation_rate', groupBy: ['feature'] }, window: '15m', op: '>', threshold: 0.05, minSamples: 10, severity: 'warning', category: 'quality' };

describe('retrieval drift over OTLP from the official OpenTelemetry SDK', () => {
  it('shows the drop in the drift API and the drift rules, and the rollups rebuild it after a restart', async () => {
    const nowMs = Date.now();
    await sendTraffic(lookout!.url, nowMs);

    const from = new Date(nowMs - HOUR_MS).toISOString();
    const to = new Date(nowMs).toISOString();
    const res = await fetch(`${lookout!.url}/api/v1/quality/drift?from=${from}&to=${to}&feature=doc-search&baseline=23h`);
    expect(res.status, await res.clone().text()).toBe(200);
    const drift = (await res.json()) as Drift;
    expect(drift.total.retrievals).toBe(60);
    expect(drift.baseline.retrievals).toBe(60);
    expect(drift.total.documentsAvg).toBe(3);
    expect(drift.total.topScore.p50!).toBeLessThan(0.6);
    expect(drift.baseline.topScore.p50!).toBeGreaterThan(0.8);
    expect(drift.psi!).toBeGreaterThan(0.25);
    expect(drift.total.truncationRate).toBeCloseTo(40 / 60, 9);
    expect(drift.baseline.truncationRate).toBe(0);
    expect(drift.series.reduce((a, p) => a + p.retrievals, 0)).toBe(60);
    expect(drift.features.map((f) => f.feature)).toEqual(['doc-search']);

    // The alert rules see the same over the in-memory rollups, fed as the spans were acknowledged.
    const fired = await testRule(lookout!.url, DRIFT_RULE);
    expect(fired.wouldFire).toBe(1);
    expect(fired.groups[0].labels).toEqual({ feature: 'doc-search' });
    expect((await testRule(lookout!.url, TRUNCATION_RULE)).wouldFire).toBe(1);
    // Before the change, the scores were stable against the hour before them.
    const before = await fetch(`${lookout!.url}/api/v1/quality/drift?from=${new Date(nowMs - 2 * HOUR_MS).toISOString()}&to=${from}&feature=doc-search&baseline=1h`);
    expect(((await before.json()) as Drift).psi!).toBeLessThan(0.1);

    // After a restart the rollups are rebuilt from the store: the rule still fires.
    await lookout!.stop();
    lookout = await startLookout({ dataDir });
    const again = await testRule(lookout.url, DRIFT_RULE);
    expect(again.wouldFire).toBe(1);
    expect(again.groups[0].value!).toBeCloseTo(fired.groups[0].value!, 6);
  });
});
