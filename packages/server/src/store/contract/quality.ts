import { describe, expect, it } from 'vitest';
import { EVALUATION_FEATURE, QUALITY_METADATA } from '../../domain/quality.ts';
import type { ScoreRecord } from '../../domain/score.ts';
import { emptyAttribution, type SpanRecord } from '../../domain/span.ts';
import { makeScore, makeSpan } from '../../testing/fixtures.ts';
import { projectId } from '../store.ts';
import { freshStore, pricedCost, unknownCost, type OpenStore } from './fixtures.ts';

// Top issues and health inputs: failed spans grouped by their fingerprint, low numeric scores by
// (feature, name), each with counts, first and last seen and the newest distinct traces; health
// inputs per feature and application. Other projects, other times, successful spans, spans
// without a fingerprint and the judge's own calls never count.

const A = projectId('quality-a');
const B = projectId('quality-b');
const T_MS = Date.UTC(2026, 5, 1, 12);
const MIN_US = 60_000_000;
const T_US = T_MS * 1000;
const trace = (n: number) => n.toString(16).padStart(32, '0');
const FP_TIMEOUT = 'timeout:aaaaaaaaaaaa';
const FP_LIMIT = 'rate_limit:bbbbbbbbbbbb';

function failed(at: number, traceNo: number, over: Partial<SpanRecord> = {}): SpanRecord {
  return makeSpan({
    projectId: A,
    traceId: trace(traceNo),
    startUs: T_US + at * MIN_US,
    endUs: T_US + at * MIN_US + 1_000,
    status: 'error',
    errorClass: 'timeout',
    errorMessage: `timed out after ${at} ms`,
    metadata: { [QUALITY_METADATA.errorFingerprint]: FP_TIMEOUT },
    ...over,
  });
}

function score(at: number, traceNo: number, value: number | null, over: Partial<ScoreRecord> = {}): ScoreRecord {
  return makeScore({ projectId: A, id: `s-${at}-${traceNo}-${over.name ?? 'h'}`, traceId: trace(traceNo), timestampUs: T_US + at * MIN_US, numericValue: value, name: 'helpfulness', feature: 'chat', ...over });
}

export function qualityContract(name: string, open: OpenStore): void {
  describe(`store contract (quality): ${name}`, () => {
    const store = freshStore(open);
    const range = { fromUs: T_US, toUs: T_US + 60 * MIN_US };

    it('groups failed spans by fingerprint, most frequent first, with the newest message and traces', async () => {
      await store().write({
        spans: [
          failed(1, 1),
          failed(2, 2),
          failed(3, 2, { errorMessage: 'timed out after 3 ms [REDACTED:email]' }),
          failed(5, 3, { errorClass: 'rate_limit', errorMessage: null, metadata: { [QUALITY_METADATA.errorFingerprint]: FP_LIMIT } }),
          // Not counted: a successful span, a failure without a fingerprint, the judge's call,
          // before the range, at its end (half-open), another project.
          failed(6, 4, { status: 'ok' }),
          failed(7, 5, { metadata: {} }),
          failed(8, 6, { attribution: { ...emptyAttribution(), feature: EVALUATION_FEATURE } }),
          failed(-1, 7),
          failed(60, 8),
          failed(9, 9, { projectId: B }),
        ],
        scores: [],
        logs: [],
      });
      expect(await store().topErrors(A, range, 10)).toEqual([
        { fingerprint: FP_TIMEOUT, errorClass: 'timeout', sampleMessage: 'timed out after 3 ms [REDACTED:email]', count: 3, firstSeenUs: T_US + MIN_US, lastSeenUs: T_US + 3 * MIN_US, traceIds: [trace(2), trace(1)] },
        { fingerprint: FP_LIMIT, errorClass: 'rate_limit', sampleMessage: null, count: 1, firstSeenUs: T_US + 5 * MIN_US, lastSeenUs: T_US + 5 * MIN_US, traceIds: [trace(3)] },
      ]);
      expect((await store().topErrors(A, range, 1)).map((g) => g.fingerprint)).toEqual([FP_TIMEOUT]);
      expect((await store().topErrors(B, range, 10)).map((g) => g.count)).toEqual([1]);
      expect(await store().topErrors(projectId('nobody'), range, 10)).toEqual([]);
    });

    it('lists at most five traces of a group, the newest first', async () => {
      await store().write({ spans: Array.from({ length: 7 }, (_, i) => failed(i + 1, i + 1)), scores: [], logs: [] });
      const [group] = await store().topErrors(A, range, 10);
      expect(group.count).toBe(7);
      expect(group.traceIds).toEqual([trace(7), trace(6), trace(5), trace(4), trace(3)]);
    });

    it('groups numeric scores below the threshold by feature and name', async () => {
      await store().write({
        spans: [],
        scores: [
          score(1, 1, 0.25),
          score(2, 2, 0.5),
          score(3, 3, 0.9),
          score(4, 4, 0.1, { name: 'safety', feature: null }),
          score(5, 5, 0.8, { feature: 'search' }),
          // Not counted: a categorical score, another project, outside the range.
          score(6, 6, null, { dataType: 'categorical', stringValue: 'bad' }),
          score(7, 7, 0.1, { projectId: B }),
          score(61, 8, 0.1),
        ],
        logs: [],
      });
      expect(await store().lowScores(A, range, { threshold: 0.6, limit: 10 })).toEqual([
        { feature: 'chat', name: 'helpfulness', count: 2, total: 3, avg: 0.375, firstSeenUs: T_US + MIN_US, lastSeenUs: T_US + 2 * MIN_US, traceIds: [trace(2), trace(1)] },
        { feature: null, name: 'safety', count: 1, total: 1, avg: 0.1, firstSeenUs: T_US + 4 * MIN_US, lastSeenUs: T_US + 4 * MIN_US, traceIds: [trace(4)] },
      ]);
      expect((await store().lowScores(A, range, { threshold: 0.6, limit: 1 })).map((g) => g.name)).toEqual(['helpfulness']);
      expect(await store().lowScores(A, range, { threshold: 0.05, limit: 10 })).toEqual([]);
    });

    it('gives the health inputs per feature and per application, leaving the judge out', async () => {
      const call = (at: number, traceNo: number, feature: string | null, durationMs: number, cost: SpanRecord['cost'], status: SpanRecord['status'] = 'ok') =>
        makeSpan({
          projectId: A,
          traceId: trace(traceNo),
          startUs: T_US + at * MIN_US,
          endUs: T_US + at * MIN_US + durationMs * 1000,
          status,
          errorClass: status === 'error' ? 'server' : null,
          cost,
          attribution: { ...emptyAttribution(), feature, application: feature === EVALUATION_FEATURE ? 'lookout' : 'web' },
        });
      await store().write({
        spans: [
          call(1, 1, 'chat', 100, pricedCost(1_000)),
          call(2, 2, 'chat', 200, pricedCost(2_000), 'error'),
          call(3, 3, 'chat', 300, unknownCost()),
          call(4, 4, 'search', 50, pricedCost(500)),
          call(5, 5, EVALUATION_FEATURE, 9_000, pricedCost(9_000)),
        ],
        scores: [score(1, 1, 0.5), score(2, 2, 1)],
        logs: [],
      });
      expect(await store().healthInputs(A, range, 'feature', 10)).toEqual([
        { key: 'chat', requests: 3, errors: 1, latencyP95Ms: 290, costPerRequestUsd: 0.0000015, scoreAvg: 0.75 },
        { key: 'search', requests: 1, errors: 0, latencyP95Ms: 50, costPerRequestUsd: 0.0000005, scoreAvg: null },
      ]);
      expect(await store().healthInputs(A, range, 'application', 10)).toEqual([
        { key: 'web', requests: 4, errors: 1, latencyP95Ms: expect.closeTo(285, 6), costPerRequestUsd: 0.000001167, scoreAvg: 0.75 },
      ]);
      expect((await store().healthInputs(A, range, 'feature', 1)).map((g) => g.key)).toEqual(['chat']);
    });
  });
}
