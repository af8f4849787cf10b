import { documentsAverage, populationStabilityIndex, scoredCount, truncationRate, type DriftCounts } from '../../domain/drift.ts';
import type { DriftMeasure } from '../../domain/measures.ts';
import type { CellBudget, DriftGroup, DriftReader, DriftWindowQuery } from '../../rollups/retrieval.ts';
import type { Rule } from '../rules/schema.ts';

// D5: the drift measures of a threshold rule, per feature or in total, over the rollups' drift
// cells. retrieval_score_psi compares the window with the rule's lookback right before it; the
// others are the window's own rates. Groups with fewer samples than minSamples have no value.

export interface DriftValue {
  labels: Record<string, string>;
  value: number | null;
}

// The samples a measure's value rests on, for minSamples.
function samples(measure: DriftMeasure, c: DriftCounts): number {
  switch (measure) {
    case 'retrieval_score_psi':
      return scoredCount(c);
    case 'retrieval_documents_avg':
      return c.withDocuments;
    case 'embedding_truncation_rate':
      return c.embeddings;
  }
}

const keyOf = (labels: Record<string, string>) => labels.feature ?? '';

export async function driftValues(
  rule: Rule,
  measure: DriftMeasure,
  window: { fromMs: number; toMs: number },
  source: DriftReader,
  budget: CellBudget,
  run: <T>(steps: Generator<void, T>) => Promise<T>,
  projectId: string,
): Promise<DriftValue[]> {
  const q = rule.query;
  const base: Omit<DriftWindowQuery, 'fromMs' | 'toMs'> = { feature: q.filter.feature, groupByFeature: q.groupBy.includes('feature'), budget };
  const current = await run(source.windowSteps(projectId, { ...base, ...window }));
  const minSamples = Math.max(rule.minSamples, 1);
  let baseline: Map<string, DriftGroup> | null = null;
  if (measure === 'retrieval_score_psi') {
    const lookback = rule.lookback ?? 0;
    const groups = lookback > 0 ? await run(source.windowSteps(projectId, { ...base, fromMs: window.fromMs - lookback, toMs: window.fromMs })) : [];
    baseline = new Map(groups.map((g) => [keyOf(g.labels), g]));
  }
  return current.map((g) => {
    if (samples(measure, g.counts) < minSamples) return { labels: g.labels, value: null };
    switch (measure) {
      case 'retrieval_score_psi': {
        const b = baseline!.get(keyOf(g.labels));
        // A baseline needs as many samples as the window before it says anything.
        if (!b || scoredCount(b.counts) < minSamples) return { labels: g.labels, value: null };
        return { labels: g.labels, value: populationStabilityIndex(g.counts.scoreBins, b.counts.scoreBins) };
      }
      case 'retrieval_documents_avg':
        return { labels: g.labels, value: documentsAverage(g.counts) };
      case 'embedding_truncation_rate':
        return { labels: g.labels, value: truncationRate(g.counts) };
    }
  });
}
