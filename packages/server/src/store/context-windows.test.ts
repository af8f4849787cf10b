import { describe, expect, it } from 'vitest';
import { contextWindowOf } from '../enrich/pricing/context-windows.ts';
import { MAX_CONTEXT_MODELS, contextWindowSql, pairWindows, type ModelPair } from './context-windows.ts';

describe('pairWindows', () => {
  it('keeps the first pairs that have a window, however many before them have none', () => {
    const unknown: ModelPair[] = Array.from({ length: MAX_CONTEXT_MODELS + 100 }, (_, i) => ({ provider: 'acme', requestModel: `unlisted-${i}`, model: `unlisted-${i}` }));
    const known: ModelPair = { provider: 'openai', requestModel: 'gpt-4o', model: 'gpt-4o-2024-08-06' };
    expect(pairWindows([{ provider: 'acme', requestModel: null, model: null }, ...unknown, known])).toEqual([{ ...known, window: 128_000 }]);
  });

  it('keeps at most MAX_CONTEXT_MODELS pairs', () => {
    const windowOf = contextWindowOf({ 'house-model': 1_000 });
    const pairs: ModelPair[] = Array.from({ length: MAX_CONTEXT_MODELS + 5 }, (_, i) => ({ provider: `p${i}`, requestModel: null, model: 'house-model' }));
    const kept = pairWindows(pairs, windowOf);
    expect(kept).toHaveLength(MAX_CONTEXT_MODELS);
    expect(kept.at(-1)).toEqual({ provider: `p${MAX_CONTEXT_MODELS - 1}`, requestModel: null, model: 'house-model', window: 1_000 });
  });

  it('looks the window up by the model asked for when the answered one has no override', () => {
    const windowOf = contextWindowOf({ 'gpt-4o': 64_000 });
    const kept = pairWindows([{ provider: 'openai', requestModel: 'gpt-4o', model: 'gpt-4o-2024-08-06' }], windowOf);
    expect(kept.map((w) => w.window)).toEqual([64_000]);
    const values: string[] = [];
    const sql = contextWindowSql(kept, (v) => `$${values.push(v)}`);
    expect(sql).toBe("(CASE WHEN coalesce(provider, '') = $1 AND coalesce(request_model, '') = $2 AND model = $3 THEN 64000 END)");
    expect(values).toEqual(['openai', 'gpt-4o', 'gpt-4o-2024-08-06']);
  });
});
