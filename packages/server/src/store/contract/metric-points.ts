import { describe, expect, it } from 'vitest';
import type { MetricPointRecord } from '../../domain/metric.ts';
import { projectId } from '../store.ts';
import { freshStore, type OpenStore } from './fixtures.ts';

// OTLP metric points: stored once, summarised per name over a range, read back oldest first.

const A = projectId('metrics-a');
const B = projectId('metrics-b');
const T_MS = Date.UTC(2026, 5, 1, 12);

function point(over: Partial<MetricPointRecord> & Pick<MetricPointRecord, 'id' | 'timeUs'>): MetricPointRecord {
  return {
    projectId: A, name: 'gen_ai.client.token.usage', unit: '{token}', kind: 'histogram', temporality: 'delta',
    attributes: { 'gen_ai.token.type': 'input' }, service: 'svc', startUs: null,
    value: null, count: 2, sum: 30, min: 10, max: 20, bucketCounts: [0, 2, 0], bounds: [5, 50],
    ...over,
  };
}

// Two series of token usage (input, output) a minute apart, a duration gauge, and another project's point.
const points = [
  point({ id: 'in-0', timeUs: T_MS * 1000 }),
  point({ id: 'in-1', timeUs: (T_MS + 60_000) * 1000, sum: 0.000001 }),
  point({ id: 'in-2', timeUs: (T_MS + 120_000) * 1000 }),
  point({ id: 'out-0', timeUs: (T_MS + 30_000) * 1000, attributes: { 'gen_ai.token.type': 'output' } }),
  point({ id: 'dur-0', name: 'gen_ai.client.operation.duration', unit: 's', kind: 'gauge', temporality: 'unspecified', timeUs: (T_MS + 45_000) * 1000, value: 1.25, count: null, sum: null, min: null, max: null, bucketCounts: [], bounds: [] }),
  point({ id: 'in-0', projectId: B, timeUs: T_MS * 1000 }),
];

export function metricPointsContract(name: string, open: OpenStore): void {
  describe(`store contract (metric points): ${name}`, () => {
    const store = freshStore(open);
    const range = { fromMs: T_MS, toMs: T_MS + 3_600_000 };

    it('summarises the metrics of a project over a range', async () => {
      expect(await store().writeMetricPoints(points)).toEqual({ accepted: 6, duplicates: 0 });
      expect(await store().listMetricNames(A, range)).toEqual([
        { name: 'gen_ai.client.operation.duration', unit: 's', kind: 'gauge', series: 1, points: 1, lastSeen: '2026-06-01T12:00:45Z' },
        { name: 'gen_ai.client.token.usage', unit: '{token}', kind: 'histogram', series: 2, points: 4, lastSeen: '2026-06-01T12:02:00Z' },
      ]);
      // The range is half-open on the point's time.
      expect((await store().listMetricNames(A, { fromMs: T_MS + 30_000, toMs: T_MS + 120_000 })).map((m) => [m.name, m.points])).toEqual([
        ['gen_ai.client.operation.duration', 1],
        ['gen_ai.client.token.usage', 2],
      ]);
      expect((await store().listMetricNames(B, range)).map((m) => [m.name, m.points])).toEqual([['gen_ai.client.token.usage', 1]]);
      expect(await store().listMetricNames(projectId('nobody'), range)).toEqual([]);
    });

    it('reads the points of one metric oldest first, at most `limit`, values unchanged', async () => {
      await store().writeMetricPoints(points);
      const all = await store().metricPoints(A, 'gen_ai.client.token.usage', range, 10);
      expect(all.map((p) => p.id)).toEqual(['in-0', 'out-0', 'in-1', 'in-2']);
      expect(all[2]).toEqual(points[1]);
      expect((await store().metricPoints(A, 'gen_ai.client.token.usage', range, 2)).map((p) => p.id)).toEqual(['in-0', 'out-0']);
      expect(await store().metricPoints(A, 'gen_ai.client.operation.duration', range, 10)).toEqual([points[4]]);
      expect(await store().metricPoints(A, 'gen_ai.client.token.usage', { fromMs: T_MS + 1, toMs: T_MS + 120_000 }, 10)).toEqual([points[3], points[1]]);
    });

    it('counts a re-sent point as a duplicate, in the same call or a later one', async () => {
      expect(await store().writeMetricPoints([points[0], points[0], points[1]])).toEqual({ accepted: 2, duplicates: 1 });
      expect(await store().writeMetricPoints(points)).toEqual({ accepted: 4, duplicates: 2 });
      expect((await store().metricPoints(A, 'gen_ai.client.token.usage', range, 10)).length).toBe(4);
    });
  });
}
