import { describe, expect, it } from 'vitest';
import { emptyAttribution } from '../../domain/span.ts';
import { makeSpan } from '../../testing/fixtures.ts';
import { filterMismatch, filterSelects } from './filter.ts';

const span = makeSpan({ requestModel: 'gpt-4o', responseModel: 'gpt-4o-2024-08-06', attribution: { ...emptyAttribution(), feature: 'support', application: 'web' } });

describe('evaluator filters', () => {
  it('select a call only when every field given matches, the model as requested or as answered', () => {
    expect(filterSelects({}, span)).toBe(true);
    expect(filterSelects({ feature: 'support', application: 'web' }, span)).toBe(true);
    expect(filterSelects({ model: 'gpt-4o' }, span)).toBe(true);
    expect(filterSelects({ model: 'gpt-4o-2024-08-06' }, span)).toBe(true);
    expect(filterSelects({ model: 'gpt-4o-mini' }, span)).toBe(false);
    expect(filterSelects({ feature: 'support', application: 'mobile' }, span)).toBe(false);
  });

  it('say which field leaves a call out', () => {
    expect(filterMismatch({ feature: 'support' }, span)).toBeNull();
    expect(filterMismatch({ application: 'mobile' }, span)).toBe("the filter selects application 'mobile'; this call's is 'web'");
    expect(filterMismatch({ model: 'o3' }, span)).toBe("the filter selects model 'o3'; this call's is 'gpt-4o-2024-08-06'");
    expect(filterMismatch({ feature: 'x' }, makeSpan())).toBe("the filter selects feature 'x'; this call's is not set");
  });
});
