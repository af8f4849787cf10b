import { describe, expect, it } from 'vitest';
import { VERDICT_MARK, VERDICT_TEXT, VERDICT_TONE, addressParams, directionText, intervalText, metricValue, pText, readAddress, relativeText, testName, tracesHref, withDirection } from './experiments.ts';

describe('the Experiments address', () => {
  it('reads feature, prompt, dimension, values, baseline and score directions, prompt_version by default', () => {
    expect(readAddress(new URLSearchParams('feature=support&prompt=support-answer&by=variant&values=A, B,,C&baseline=B&higherIsBetter=helpfulness, tone&lowerIsBetter=toxicity'))).toEqual({
      feature: 'support',
      prompt: 'support-answer',
      by: 'variant',
      values: ['A', 'B', 'C'],
      baseline: 'B',
      higherIsBetter: ['helpfulness', 'tone'],
      lowerIsBetter: ['toxicity'],
    });
    expect(readAddress(new URLSearchParams(''))).toEqual({ feature: null, prompt: null, by: 'prompt_version', values: null, baseline: null, higherIsBetter: [], lowerIsBetter: [] });
  });

  it('writes a comparison back without the defaults', () => {
    expect(addressParams({ feature: null, prompt: null, by: 'prompt_version', values: ['4', '5'], baseline: null, higherIsBetter: [], lowerIsBetter: [] })).toEqual({
      feature: null,
      prompt: null,
      by: null,
      values: '4,5',
      baseline: null,
      higherIsBetter: null,
      lowerIsBetter: null,
    });
    expect(addressParams(readAddress(new URLSearchParams('by=model&values=a,b&prompt=p&lowerIsBetter=x,y')))).toEqual({
      feature: null,
      prompt: 'p',
      by: 'model',
      values: 'a,b',
      baseline: null,
      higherIsBetter: null,
      lowerIsBetter: 'x,y',
    });
  });

  it("sets a score's direction, moving it from the other list, and clears it", () => {
    const a = readAddress(new URLSearchParams('lowerIsBetter=helpfulness,toxicity'));
    const higher = withDirection(a, 'helpfulness', 'higher');
    expect([higher.higherIsBetter, higher.lowerIsBetter]).toEqual([['helpfulness'], ['toxicity']]);
    const cleared = withDirection(higher, 'helpfulness', null);
    expect([cleared.higherIsBetter, cleared.lowerIsBetter]).toEqual([[], ['toxicity']]);
    expect(withDirection(cleared, 'toxicity', 'lower').lowerIsBetter).toEqual(['toxicity']);
  });
});

describe('the verdicts', () => {
  it('reads higher and lower as neutral, neither good nor bad', () => {
    expect(`${VERDICT_MARK.higher} ${VERDICT_TEXT.higher}`).toBe('↑ higher');
    expect(`${VERDICT_MARK.lower} ${VERDICT_TEXT.lower}`).toBe('↓ lower');
    expect([VERDICT_TONE.higher, VERDICT_TONE.lower]).toEqual(['neutral', 'neutral']);
    expect([VERDICT_TONE.better, VERDICT_TONE.worse]).toEqual(['good', 'bad']);
  });

  it("says which way is better and where that comes from", () => {
    expect(directionText({ better: null, betterFrom: null })).toBe('direction unknown: differences read higher or lower');
    expect(directionText({ better: 'higher', betterFrom: 'parameter' })).toBe('higher is better (set in the address)');
    expect(directionText({ better: 'higher', betterFrom: 'evaluator' })).toBe("higher is better (the Lookout evaluator's scale)");
    expect(directionText({ better: 'lower', betterFrom: 'metric' })).toBe('lower is better');
  });

  it("names the p50 test Mood's median test", () => {
    expect(testName('latency_p50', 'quantile_exceedance_z')).toBe("Mood's median test (z)");
    expect(testName('latency_p50', 'quantile_exceedance_fisher')).toBe("Mood's median test (Fisher's exact)");
    expect(testName('latency_p95', 'quantile_exceedance_z')).toBe('quantile exceedance test (z)');
    expect(testName('cost_per_call', 'welch_t')).toBe("Welch's t-test");
  });
});

describe('the figures of a comparison', () => {
  it('writes each unit as the rest of the UI does, and an unbounded end as —', () => {
    expect(metricValue('usd', 0.0045123)).toBe('$0.004512');
    expect(metricValue('tokens', 1012.34)).toBe('1,012.3');
    expect(metricValue('ms', 1234)).toBe('1.23 s');
    expect(metricValue('ratio', 0.02)).toBe('2.0%');
    expect(metricValue('score', 0.8)).toBe('0.800');
    expect(intervalText('ms', { low: 791, high: null })).toBe('95% CI 791 ms – —');
    expect(intervalText('ms', null)).toBe('');
  });

  it('signs the relative difference, and gives none to a change too small to show', () => {
    expect(relativeText(-0.3021)).toBe('−30.2%');
    expect(relativeText(0.04)).toBe('+4.0%');
    expect(relativeText(-0.0001)).toBe('0.0%');
    expect(relativeText(null)).toBe('—');
  });

  it('writes p-values with two significant digits and a bound below 0.0001', () => {
    expect(pText(0.0123)).toBe('p = 0.012');
    expect(pText(1)).toBe('p = 1');
    expect(pText(0.00001)).toBe('p < 0.0001');
  });

  it("links a group's calls with the API's trace filter, the prompt included", () => {
    expect(tracesHref({ from: '2026-11-02T00:00:00.000Z', feature: 'support', metadata: 'lookout.prompt.variant:B' })).toBe(
      '/traces?from=2026-11-02T00%3A00%3A00.000Z&feature=support&metadata=lookout.prompt.variant%3AB',
    );
    expect(tracesHref({ feature: 'support', prompt: 'support answer', metadata: 'lookout.prompt.version:5' })).toBe(
      '/traces?feature=support&prompt=support+answer&metadata=lookout.prompt.version%3A5',
    );
  });
});
