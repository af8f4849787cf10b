import { describe, expect, it } from 'vitest';
import { catalogContextWindow, contextWindowOf, contextWindowsSchema } from './context-windows.ts';

describe('contextWindowOf', () => {
  it('is the catalog without overrides', () => {
    const windowOf = contextWindowOf({});
    expect(windowOf('openai', 'gpt-4o')).toBe(128_000);
    expect(windowOf('openai', 'gpt-4o')).toBe(catalogContextWindow('openai', 'gpt-4o'));
    expect(windowOf('acme', 'house-model-7')).toBeNull();
    expect(contextWindowOf()('anthropic', 'claude-3-5-sonnet')).toBe(200_000);
  });

  it('names models the catalog lacks, by model name whatever the case and spaces', () => {
    const windowOf = contextWindowOf({ ' House-Model-7 ': 32_768 });
    expect(windowOf('acme', 'house-model-7')).toBe(32_768);
    expect(windowOf(null, 'HOUSE-MODEL-7')).toBe(32_768);
    expect(windowOf('vllm', ' house-model-7')).toBe(32_768);
    expect(windowOf('acme', 'house-model-8')).toBeNull();
  });

  it('prefers provider and model over the model alone, and both over the catalog', () => {
    const windowOf = contextWindowOf({ 'gpt-4o': 64_000, 'Azure/GPT-4o': 32_000 });
    expect(windowOf('azure', 'gpt-4o')).toBe(32_000);
    expect(windowOf('openai', 'gpt-4o')).toBe(64_000);
    expect(windowOf(null, 'gpt-4o')).toBe(64_000);
    // A provider-and-model name is not a model name for another provider, nor without a provider.
    const only = contextWindowOf({ 'azure/gpt-4o': 32_000 });
    expect(only('azure', 'gpt-4o')).toBe(32_000);
    expect(only('openai', 'gpt-4o')).toBe(128_000);
    expect(only(null, 'gpt-4o')).toBe(128_000);
  });

  it('falls back to the catalog for models the overrides do not name', () => {
    const windowOf = contextWindowOf({ 'house-model-7': 32_768 });
    expect(windowOf('openai', 'gpt-4o')).toBe(128_000);
    expect(windowOf('anthropic', 'claude-3-5-sonnet')).toBe(200_000);
    expect(windowOf('acme', 'unlisted')).toBeNull();
  });

  it('applies the override of the model asked for to a dated model that answered', () => {
    const windowOf = contextWindowOf({ 'gpt-4o': 64_000, 'openai/gpt-4o-mini': 1_000, 'gpt-4o-2024-05-13': 2_000 });
    expect(windowOf('openai', 'gpt-4o-2024-08-06', 'gpt-4o')).toBe(64_000);
    expect(windowOf('openai', 'gpt-4o-mini-2024-07-18', 'gpt-4o-mini')).toBe(1_000);
    // The answered model's own override comes first; without any, the catalog's for the answered one.
    expect(windowOf('openai', 'gpt-4o-2024-05-13', 'gpt-4o')).toBe(2_000);
    expect(windowOf('openai', 'gpt-4o-2024-08-06', 'gpt-4o-2024-08-06')).toBe(128_000);
    expect(windowOf('openai', 'gpt-4o-2024-08-06')).toBe(128_000);
    expect(windowOf('azure', 'gpt-4o-mini-2024-07-18', 'gpt-4o-mini')).toBe(128_000);
  });

  it('keeps a model whose own name has a slash whole', () => {
    const windowOf = contextWindowOf({ 'meta-llama/llama-3.1-70b-instruct': 8_192 });
    expect(windowOf('vllm', 'meta-llama/Llama-3.1-70B-Instruct')).toBe(8_192);
    expect(windowOf(null, 'meta-llama/llama-3.1-70b-instruct')).toBe(8_192);
  });
});

describe('contextWindowsSchema', () => {
  const issues = (value: unknown) => {
    const r = contextWindowsSchema.safeParse(value);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('takes whole numbers of tokens, a numeric string as its number', () => {
    expect(contextWindowsSchema.parse({ 'gpt-4o': 1, 'openai/x': '65536' })).toEqual({ 'gpt-4o': 1, 'openai/x': 65_536 });
  });

  it('refuses anything else, naming the key', () => {
    expect(issues({ m: 0 })).toEqual(['m: must be more than 0 tokens']);
    expect(issues({ m: -1 })).toEqual(['m: must be more than 0 tokens']);
    expect(issues({ m: 1.5 })).toEqual(['m: must be a whole number of tokens']);
    expect(issues({ m: 100_000_001 })).toEqual(['m: must be at most 100000000 tokens']);
    for (const v of ['lots', '', null, true, [128_000]]) expect(issues({ m: v }), JSON.stringify(v)).toEqual(['m: must be a number of tokens']);
    expect(issues({ '  ': 10 })).toEqual(['  : a model name must not be empty']);
    expect(issues({ ['x'.repeat(257)]: 10 })).toEqual([`${'x'.repeat(257)}: a model name must be at most 256 characters`]);
    expect(issues({ 'GPT-4o': 10, ' gpt-4o': 20 })).toEqual([' gpt-4o: names the same model as "GPT-4o" (names compare without case)']);
    expect(issues(Object.fromEntries(Array.from({ length: 1_001 }, (_, i) => [`m${i}`, 10])))).toEqual([': at most 1000 context windows may be named, not 1001']);
  });
});
