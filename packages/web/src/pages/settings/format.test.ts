import { describe, expect, it } from 'vitest';
import { draftBody, EMPTY_DRAFT, when } from './format.ts';

describe('when', () => {
  it('shows an ISO instant in UTC, anything else as it is', () => {
    expect(when('2026-03-04T05:06:07+01:00')).toBe('2026-03-04 04:06:07 UTC');
    expect(when('not a date')).toBe('not a date');
    expect(when(null)).toBe('—');
    expect(when('')).toBe('—');
  });
});

describe('draftBody', () => {
  it('sends the model and the typed prices as numbers, leaving out empty fields', () => {
    expect(draftBody({ ...EMPTY_DRAFT, model: ' acme-llm-1 ', input: '0.5', output: '1.25', cacheRead: ' ' })).toEqual({ model: 'acme-llm-1', inputPerMtokUsd: 0.5, outputPerMtokUsd: 1.25 });
  });

  it('sends what the server must judge as typed: negatives and text that is not a number', () => {
    const body = draftBody({ ...EMPTY_DRAFT, model: 'm', input: '-1', output: 'abc' });
    expect(body.inputPerMtokUsd).toBe(-1);
    expect(body.outputPerMtokUsd).toBeNaN();
  });

  it('adds the provider and the dates only when given', () => {
    expect(draftBody({ ...EMPTY_DRAFT, model: 'm', provider: ' openai ', effectiveFrom: '2026-01-01T00:00', effectiveTo: '2026-02-01T00:00', audio: '3' })).toEqual({
      model: 'm',
      provider: 'openai',
      audioPerMtokUsd: 3,
      effectiveFrom: '2026-01-01T00:00Z',
      effectiveTo: '2026-02-01T00:00Z',
    });
    expect(draftBody({ ...EMPTY_DRAFT, model: 'm', provider: '  ' })).toEqual({ model: 'm' });
  });
});
