import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../domain/score.ts';
import type { SpanRecord } from '../../domain/span.ts';
import type { MetricPointRecord } from '../../domain/metric.ts';
import { makeScore } from '../../testing/fixtures.ts';
import { projectId, type ContentPurge, type RetentionCutoffs, type RetentionEnforcement } from '../store.ts';
import { call, freshStore, pricedCost, type ContractOptions, type OpenStore } from './fixtures.ts';

// Retention tiers (store.retention): content stripped before one cutoff, records deleted before
// another while long-range totals still count them, hourly totals deleted before a third; and
// re-pricing afterwards leaving the deleted spans' totals as they were.

const R = projectId('retain-a');
const Q = projectId('retain-b');
const D = Date.UTC(2026, 5, 1);
const HOUR = 3_600_000;
const at = (hours: number) => D + hours * HOUR;
const ALL = { fromMs: D, toMs: at(72) };
const OLD = { fromMs: D, toMs: at(24) };
const PAGE = { limit: 100, offset: 0 };

const withContent = (s: SpanRecord, text: string): SpanRecord => ({ ...s, content: { input: `${text} prompt`, output: `${text} answer` }, promptHash: `hash-${text}` });
const spans = {
  o1: withContent(call({ project: R, atMs: at(1), durationMs: 1, costNano: 1_000_000_001 }), 'o1'),
  o2: call({ project: R, atMs: at(5), durationMs: 1, costNano: 2 }),
  m1: withContent(call({ project: R, atMs: at(30), durationMs: 1, costNano: 4 }), 'm1'),
  n1: withContent(call({ project: R, atMs: at(60), durationMs: 1, costNano: 8 }), 'n1'),
  q1: withContent(call({ project: Q, atMs: at(1), durationMs: 1, costNano: 16 }), 'q1'),
};
const log = (id: string, project: string, hours: number): LogRecord => ({
  projectId: project, id, traceId: null, spanId: null, timestampUs: at(hours) * 1000, severity: 'info', body: 'line', attributes: { secret: 'x', keep: '1' },
});
const point = (id: string, hours: number): MetricPointRecord => ({
  projectId: R, id, name: 'gen_ai.client.token.usage', unit: '{token}', kind: 'sum', temporality: 'delta', attributes: {}, service: 'svc',
  startUs: null, timeUs: at(hours) * 1000, value: 1, count: null, sum: null, min: null, max: null, bucketCounts: [], bounds: [],
});

// Hashes 'all' as the `off` capture mode asks: retention keeps them anyway.
const CONTENT: ContentPurge = {
  hashes: 'all', names: ['secret'], prefixes: [], patterns: [], errorMessageKept: '.*',
  otlpMetadata: { marker: 'otlp.marker', names: ['keep'], prefixes: [], valuePattern: '[0-9]+' }, chunkRows: 2,
};
const TIERS: RetentionCutoffs = { contentBefore: new Date(at(48)), spansBefore: new Date(at(24)), rollupsBefore: null };
const NOTHING = { contentStripped: { spans: 0, logs: 0 }, deleted: { spans: 0, scores: 0, logs: 0, metricPoints: 0, rollupHours: 0 } };

export function retentionContract(name: string, open: OpenStore, options: ContractOptions = {}): void {
  describe(`store contract (retention): ${name}`, () => {
    const store = freshStore(open);
    const retention = (): RetentionEnforcement => {
      if (!store().retention) throw new Error(`the ${store().backend} store has no retention`);
      return store().retention!;
    };
    const enforce = (cutoffs: RetentionCutoffs) => retention().enforceRetention(R, { cutoffs, content: CONTENT, chunkRows: 2 });
    const totals = async (range: typeof ALL) =>
      (await store().analytics.query(R, { measures: ['cost', 'requests'], groupBy: [], filters: [], ...range })).rows[0];

    async function seedAndEnforce() {
      await store().write({
        spans: Object.values(spans),
        scores: [at(1), at(30)].map((ms, i) => makeScore({ projectId: R, id: `s${i}`, timestampUs: ms * 1000 })),
        logs: [log('lo', R, 1), log('lm', R, 30), log('ln', R, 60), log('lq', Q, 1)],
      });
      await store().writeMetricPoints([point('po', 1), point('pn', 60)]);
      await options.settle?.(store());
      // 1,000,000,001 + 2 + 4 + 8
      expect(await totals(ALL)).toEqual({ cost: 1.000000015, requests: 4 });
      return enforce(TIERS);
    }

    it('strips content before one cutoff and deletes records before another; long-range totals stay', async () => {
      const result = await seedAndEnforce();
      expect(result).toMatchObject({ contentStripped: { spans: 2, logs: 2 }, deleted: { spans: 2, scores: 1, logs: 1, metricPoints: 1, rollupHours: 0 } });

      const kept = await store().getSpan(R, spans.m1.spanId);
      expect(kept).toMatchObject({ content: null, promptHash: 'hash-m1' });
      expect(await store().getSpan(R, spans.n1.spanId)).toMatchObject({ content: spans.n1.content, promptHash: 'hash-n1' });
      expect(await store().getSpan(R, spans.o1.spanId)).toBeNull();
      expect((await store().listSpans(R, {}, PAGE)).spans.map((s) => s.spanId)).toEqual([spans.n1.spanId, spans.m1.spanId]);
      expect((await store().listScores(R, {}, PAGE)).map((s) => s.id)).toEqual(['s1']);
      expect((await store().listLogs(R, {}, PAGE)).map((l) => [l.id, l.attributes])).toEqual([
        ['ln', { secret: 'x', keep: '1' }],
        ['lm', { keep: '1' }],
      ]);
      expect((await store().listMetricNames(R, ALL))[0]).toMatchObject({ points: 1 });

      // The deleted spans still count in sums over their hours, to the nano-dollar.
      expect(await totals(ALL)).toEqual({ cost: 1.000000015, requests: 4 });
      expect(await totals(OLD)).toEqual({ cost: 1.000000003, requests: 2 });
      // Another project keeps everything.
      expect(await store().getSpan(Q, spans.q1.spanId)).toMatchObject({ content: spans.q1.content });
      expect((await store().listLogs(Q, {}, PAGE)).map((l) => l.attributes)).toEqual([{ secret: 'x', keep: '1' }]);

      // Run again: nothing left to do.
      expect(await enforce(TIERS)).toMatchObject(NOTHING);
      expect(await totals(ALL)).toEqual({ cost: 1.000000015, requests: 4 });
    });

    it('deletes the hourly totals before the rollups cutoff', async () => {
      await seedAndEnforce();
      const result = await enforce({ contentBefore: null, spansBefore: null, rollupsBefore: new Date(at(24)) });
      expect(result).toMatchObject({ contentStripped: { spans: 0, logs: 0 }, deleted: { spans: 0, scores: 0, logs: 0, metricPoints: 0, rollupHours: 2 } });
      expect(await totals(OLD)).toEqual({ cost: 0, requests: 0 });
      // 4 + 8
      expect(await totals(ALL)).toEqual({ cost: 0.000000012, requests: 2 });
      expect(await enforce({ contentBefore: null, spansBefore: null, rollupsBefore: new Date(at(24)) })).toMatchObject(NOTHING);
    });

    it('keeps the deleted spans’ totals when the stored ones are re-priced', async () => {
      await seedAndEnforce();
      expect(await store().reprice(() => pricedCost(1_000), { onlyUnknown: false, models: null })).toEqual({ updated: 3 });
      // 1,000,000,001 + 2 as they were; m1 and n1 now 1,000 each.
      expect(await totals(ALL)).toEqual({ cost: 1.000002003, requests: 4 });
      await options.settle?.(store());
      expect(await totals(ALL)).toEqual({ cost: 1.000002003, requests: 4 });
      expect(await totals(OLD)).toEqual({ cost: 1.000000003, requests: 2 });
    });
  });
}
