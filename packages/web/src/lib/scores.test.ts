import { describe, expect, it } from 'vitest';
import { SCORE_METADATA } from '../../../server/src/domain/quality.ts';
import { SCORE_SOURCES } from '../../../server/src/domain/score.ts';
import { evaluatorFacts, inTraceOrder, otherMetadata, scoreValue, sourceLabel } from './scores.ts';

describe('sourceLabel', () => {
  it('names every source in words, and shows an unknown one as it is', () => {
    const labels = SCORE_SOURCES.map(sourceLabel);
    expect(labels).toEqual(['API', 'User feedback', 'External evaluator', 'Annotation', 'SDK', 'Heuristic', 'LLM judge']);
    expect(sourceLabel('robot')).toBe('robot');
  });
});

describe('evaluatorFacts', () => {
  const judge = {
    [SCORE_METADATA.evaluatorId]: 'ev_1',
    [SCORE_METADATA.criterion]: 'faithfulness',
    [SCORE_METADATA.templateVersion]: 'faithfulness@2',
    [SCORE_METADATA.judgeTraceId]: 'ABCDEF0123456789ABCDEF0123456789',
    [SCORE_METADATA.judgeCostUsd]: '0.000412',
    [SCORE_METADATA.judgeModel]: 'gpt-4o-mini',
    team: 'support',
  };

  it("reads a judge's metadata", () => {
    expect(evaluatorFacts(judge)).toEqual({
      evaluatorId: 'ev_1',
      criterion: 'faithfulness',
      templateVersion: 'faithfulness@2',
      judgeTraceId: 'abcdef0123456789abcdef0123456789',
      judgeCostUsd: 0.000412,
      judgeModel: 'gpt-4o-mini',
    });
    expect(otherMetadata(judge)).toEqual([['team', 'support']]);
  });

  it('drops values that are not what they claim: a trace id that is not one, a cost that is not a number', () => {
    const bad = evaluatorFacts({ [SCORE_METADATA.judgeTraceId]: 'javascript:alert(1)', [SCORE_METADATA.judgeCostUsd]: 'free' });
    expect(bad.judgeTraceId).toBeNull();
    expect(bad.judgeCostUsd).toBeNull();
    expect(evaluatorFacts({ [SCORE_METADATA.judgeCostUsd]: '-1' }).judgeCostUsd).toBeNull();
    expect(evaluatorFacts(undefined).judgeModel).toBeNull();
  });
});

describe('scoreValue and inTraceOrder', () => {
  it('rounds numbers to three decimals and shows categories and booleans as given', () => {
    expect(scoreValue({ dataType: 'numeric', numericValue: 0.83333, stringValue: null })).toBe('0.833');
    expect(scoreValue({ dataType: 'boolean', numericValue: 1, stringValue: 'true' })).toBe('true');
    expect(scoreValue({ dataType: 'categorical', numericValue: null, stringValue: 'good' })).toBe('good');
  });

  it("lists the trace's own scores first, then its spans', each by time", () => {
    const scores = [
      { id: 'a', spanId: 's1', timestampUs: 1 },
      { id: 'b', spanId: null, timestampUs: 5 },
      { id: 'c', spanId: null, timestampUs: 2 },
      { id: 'd', spanId: 's2', timestampUs: 0 },
    ];
    expect(inTraceOrder(scores).map((s) => s.id)).toEqual(['c', 'b', 'd', 'a']);
  });
});
