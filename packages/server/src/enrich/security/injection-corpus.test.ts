import { describe, expect, it } from 'vitest';
import { describeOutcome, scoreCorpus } from '../../../../../test/fixtures/injection/score.ts';
import { generateCorpus } from '../../../../../test/fixtures/injection/generate.ts';
import { loadCorpus } from '../../../../../test/fixtures/injection/score.ts';

// Figures on the labelled corpus (test/fixtures/injection/corpus.jsonl); docs/privacy.md reports
// them (`node scripts/injection-corpus.ts` prints the table).
describe('injection detection on the labelled corpus', () => {
  const report = scoreCorpus();

  it('the committed corpus is what the generator writes, and is large enough', () => {
    const stored = loadCorpus();
    expect(stored).toEqual(generateCorpus());
    expect(stored.length).toBeGreaterThanOrEqual(300);
    expect(stored.filter((c) => c.label === 'benign').length).toBeGreaterThanOrEqual(100);
  });

  it('precision ≥ 0.95 and recall ≥ 0.90 overall', () => {
    const detail = [
      `precision ${report.overall.precision.toFixed(3)}, recall ${report.overall.recall.toFixed(3)}`,
      'false positives:',
      ...report.falsePositives.map(describeOutcome),
      'misses:',
      ...report.misses.map(describeOutcome),
    ].join('\n');
    expect(report.overall.precision, detail).toBeGreaterThanOrEqual(0.95);
    expect(report.overall.recall, detail).toBeGreaterThanOrEqual(0.9);
  });

  it('every origin keeps precision ≥ 0.9 and recall ≥ 0.9', () => {
    for (const [origin, f] of Object.entries(report.byOrigin)) {
      expect(f.precision, `${origin} precision`).toBeGreaterThanOrEqual(0.9);
      expect(f.recall, `${origin} recall`).toBeGreaterThanOrEqual(0.9);
    }
  });
});
