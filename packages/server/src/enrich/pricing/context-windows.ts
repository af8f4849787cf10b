import { z } from 'zod';
import { findCatalogModel } from './catalog.ts';

// C4: the context window of a model, in tokens. The catalog (@pydantic/genai-prices) lists most
// models'; `pricing.contextWindows` in the config names others (a fine-tune, a self-hosted model)
// or corrects one, by model name ("gpt-4o") or by provider and model ("openai/my-fine-tune").
// Names compare without case; provider and model win over the model alone, and both over the
// catalog.

export type ContextWindowOf = (provider: string | null, model: string) => number | null;

export const MAX_CONTEXT_WINDOW_OVERRIDES = 1_000;
// Larger than any model's window; past it a value is a typo.
export const MAX_CONTEXT_WINDOW_TOKENS = 100_000_000;

export const contextWindowsSchema = z
  .record(
    z.string().trim().min(1, 'a model name must not be empty').max(256, 'a model name must be at most 256 characters'),
    z.coerce
      .number({ error: 'must be a number of tokens' })
      .int('must be a whole number of tokens')
      .positive('must be more than 0 tokens')
      .max(MAX_CONTEXT_WINDOW_TOKENS, `must be at most ${MAX_CONTEXT_WINDOW_TOKENS} tokens`),
  )
  .refine((r) => Object.keys(r).length <= MAX_CONTEXT_WINDOW_OVERRIDES, `at most ${MAX_CONTEXT_WINDOW_OVERRIDES} context windows may be named`);

export const catalogContextWindow: ContextWindowOf = (provider, model) => findCatalogModel(provider, model)?.contextWindow ?? null;

export function contextWindowOf(overrides: Readonly<Record<string, number>> = {}): ContextWindowOf {
  const named = new Map(Object.entries(overrides).map(([name, tokens]) => [name.trim().toLowerCase(), tokens]));
  if (named.size === 0) return catalogContextWindow;
  return (provider, model) => {
    const m = model.trim().toLowerCase();
    return (provider !== null ? named.get(`${provider.trim().toLowerCase()}/${m}`) : undefined) ?? named.get(m) ?? catalogContextWindow(provider, model);
  };
}
