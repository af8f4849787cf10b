import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import {
  addDriftCounts,
  documentsAverage,
  emptyDriftCounts,
  histogramQuantile,
  meanTopScore,
  populationStabilityIndex,
  scoredCount,
  truncationRate,
  type DriftCounts,
} from '../../domain/drift.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../domain/time.ts';
import { parseRangeParams } from '../../query/params.ts';
import type { RetrievalAggregateRow } from '../../store/store.ts';
import { requireScope, type AppContext } from '../context.ts';
import { errorResponses } from '../openapi.ts';
import { driftAnswerSchema, driftQuerySchema, MAX_DRIFT_FEATURES, MIN_BUCKET_PSI_SAMPLES } from '../schemas/drift.ts';

// D5: retrieval and embedding drift of a project over a range: per bucket, the top-score
// distribution, documents returned and embedding truncation, and the Population Stability Index
// of the range (and of each bucket) against a baseline, the period right before the range. Read
// from the store, so any range the store holds can be compared.

// The value of `feature` that asks for the spans without one.
export const NO_FEATURE = '(none)';

type Counts = z.output<typeof driftAnswerSchema>['total'];

// Points of the series: about a hundred over any range.
function bucketFor(spanMs: number): number {
  if (spanMs <= 6 * HOUR_MS) return 5 * MINUTE_MS;
  if (spanMs <= 4 * DAY_MS) return HOUR_MS;
  return DAY_MS;
}

function wire(c: DriftCounts): Counts {
  const scored = scoredCount(c) > 0;
  return {
    retrievals: c.retrievals,
    scoreBins: c.scoreBins,
    topScore: {
      p10: scored ? histogramQuantile(c.scoreBins, 0.1) : null,
      p50: scored ? histogramQuantile(c.scoreBins, 0.5) : null,
      p90: scored ? histogramQuantile(c.scoreBins, 0.9) : null,
      mean: meanTopScore(c),
    },
    documentsAvg: documentsAverage(c),
    embeddings: c.embeddings,
    truncated: c.truncated,
    truncationRate: truncationRate(c),
  };
}

function byFeature(rows: RetrievalAggregateRow[]): Map<string | null, DriftCounts> {
  const out = new Map<string | null, DriftCounts>();
  for (const r of rows) {
    let c = out.get(r.feature);
    if (!c) {
      c = emptyDriftCounts();
      out.set(r.feature, c);
    }
    addDriftCounts(c, r.counts);
  }
  return out;
}

function sum(counts: Iterable<DriftCounts>): DriftCounts {
  const out = emptyDriftCounts();
  for (const c of counts) addDriftCounts(out, c);
  return out;
}

export function registerDriftRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/v1/quality/drift',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'Retrieval and embedding drift: top-score distribution, documents returned and embedding truncation over time, with their PSI against a baseline',
        tags: ['quality'],
        querystring: driftQuerySchema,
        response: { 200: driftAnswerSchema, ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'read');
      const q = request.query;
      const range = parseRangeParams({ from: q.from, to: q.to }, Date.now());
      const spanMs = range.toMs - range.fromMs;
      const baselineMs = q.baseline ?? spanMs;
      const baseFrom = range.fromMs - baselineMs;
      const bucketMs = bucketFor(spanMs);
      const feature = q.feature === undefined ? undefined : q.feature === NO_FEATURE ? null : q.feature;
      // Per feature over the whole range and over the baseline (a bucket as long as each, so at
      // most two rows a feature), and the series of the feature asked for, or of all together.
      const [rangeRows, baseRows, seriesRows] = await Promise.all([
        ctx.store.aggregateRetrieval({ project, fromMs: range.fromMs, toMs: range.toMs, bucketMs: spanMs }),
        ctx.store.aggregateRetrieval({ project, fromMs: baseFrom, toMs: range.fromMs, bucketMs: baselineMs }),
        ctx.store.aggregateRetrieval({ project, fromMs: range.fromMs, toMs: range.toMs, bucketMs, feature, sumFeatures: true }),
      ]);
      const rangeBy = byFeature(rangeRows);
      const baseBy = byFeature(baseRows);
      const pick = (m: Map<string | null, DriftCounts>) => (feature === undefined ? sum(m.values()) : (m.get(feature) ?? emptyDriftCounts()));
      const total = pick(rangeBy);
      const baseline = pick(baseBy);
      const psiOf = (c: DriftCounts, b: DriftCounts) => populationStabilityIndex(c.scoreBins, b.scoreBins);
      const features = [...rangeBy]
        .sort((a, b) => b[1].retrievals - a[1].retrievals || b[1].embeddings - a[1].embeddings || String(a[0]).localeCompare(String(b[0])))
        .slice(0, MAX_DRIFT_FEATURES)
        .map(([name, c]) => ({ feature: name, retrievals: c.retrievals, embeddings: c.embeddings, psi: psiOf(c, baseBy.get(name) ?? emptyDriftCounts()), truncationRate: truncationRate(c) }));
      return {
        from: new Date(range.fromMs).toISOString(),
        to: new Date(range.toMs).toISOString(),
        bucketSeconds: bucketMs / 1000,
        feature: q.feature ?? null,
        statistic: 'psi' as const,
        psi: psiOf(total, baseline),
        baseline: { from: new Date(baseFrom).toISOString(), to: new Date(range.fromMs).toISOString(), ...wire(baseline) },
        total: wire(total),
        series: seriesRows.map((r) => ({ time: new Date(r.bucketStartMs).toISOString(), ...wire(r.counts), psi: scoredCount(r.counts) >= MIN_BUCKET_PSI_SAMPLES ? psiOf(r.counts, baseline) : null })),
        features,
      };
    },
  );
}
