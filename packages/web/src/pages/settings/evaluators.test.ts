import { describe, expect, it } from 'vitest';
import type { Evaluator } from '../../api/types.ts';
import { blankDraft, bodyOf, draftOf, sampleRateText, withKind } from './evaluators.ts';

const stored: Evaluator = {
  id: 'ev_1',
  name: 'no-order-refs',
  kind: 'heuristic',
  criterion: 'regex',
  sampleRate: 0.25,
  filter: { feature: 'support' },
  enabled: false,
  params: { pattern: 'ORD-[0-9]{8}', mustMatch: false },
  judge: null,
  origin: 'api',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('the evaluator form', () => {
  it('round-trips a stored evaluator into the body PUT takes', () => {
    expect(bodyOf(draftOf(stored))).toEqual({
      ok: true,
      body: { name: 'no-order-refs', kind: 'heuristic', criterion: 'regex', sampleRate: 0.25, filter: { feature: 'support' }, enabled: false, params: { pattern: 'ORD-[0-9]{8}', mustMatch: false } },
    });
  });

  it("sends only the criterion's params, numbers as numbers, and names a field it cannot read", () => {
    const length = { ...blankDraft(), name: 'short', criterion: 'length', params: { ...blankDraft().params, maxChars: ' 400 ', pattern: 'left over' } };
    expect(bodyOf(length)).toMatchObject({ ok: true, body: { params: { maxChars: 400 } } });
    expect(bodyOf({ ...length, params: { ...length.params, minChars: 'ten' } })).toEqual({ ok: false, message: 'Min characters: must be a number' });
    const schema = { ...blankDraft(), criterion: 'json_schema', params: { ...blankDraft().params, schema: '{ "type": ' } };
    expect(bodyOf(schema)).toMatchObject({ ok: false, message: expect.stringMatching(/^JSON Schema: not valid JSON/) });
    // An empty sample rate leaves the kind's default to the server.
    expect(bodyOf(blankDraft())).toEqual({ ok: true, body: { name: '', kind: 'heuristic', criterion: 'empty_output', filter: {}, enabled: true, params: {} } });
  });

  it("keeps a judge's stored key unless one is typed or removal is asked for", () => {
    const judge = { ...withKind(blankDraft(), 'llm_judge'), name: 'helpful' };
    expect(judge.criterion).toBe('correctness');
    expect(bodyOf(judge)).toMatchObject({ ok: true, body: { judge: {} } });
    expect(bodyOf({ ...judge, judgeApiKey: 'sk-1' })).toMatchObject({ body: { judge: { apiKey: 'sk-1' } } });
    expect(bodyOf({ ...judge, removeApiKey: true })).toMatchObject({ body: { judge: { apiKey: null } } });
  });

  it('says what a sample rate means', () => {
    expect(sampleRateText(1)).toBe('every trace');
    expect(sampleRateText(0.01)).toBe('1% of traces');
    expect(sampleRateText(0.005)).toBe('0.5% of traces');
  });
});
