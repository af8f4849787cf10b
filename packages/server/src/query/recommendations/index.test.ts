import { describe, expect, it } from 'vitest';
import { recommend } from './index.ts';
import type { Recommendation, RecommenderDeps } from './types.ts';
import type { ProjectId } from '../../store/store.ts';

function rec(id: string, monthlySavingsNano: number, sampleTraceIds: string[]): Recommendation {
  return {
    id,
    kind: 'response_caching',
    title: id,
    detail: '',
    feature: null,
    model: null,
    monthlySavingsNano,
    formula: '',
    confidence: 'low',
    confidenceReason: '',
    evidence: { calls: sampleTraceIds.length, sampleTraceIds, figures: {} },
  };
}

describe('recommend', () => {
  it('sorts by monthly saving, totals them, and links each sample trace once', async () => {
    const run = async () => [rec('a', 5, ['t1', 't1', 't2']), rec('b', 9, ['t3'])];
    const answer = await recommend({} as RecommenderDeps, 'p' as ProjectId, { fromUs: 0, toUs: 1 }, [{ kind: 'response_caching', run }]);
    expect(answer.recommendations.map((r) => r.id)).toEqual(['b', 'a']);
    expect(answer.totalMonthlySavingsNano).toBe(14);
    expect(answer.recommendations[1].evidence.sampleTraceIds).toEqual(['t1', 't2']);
  });
});
