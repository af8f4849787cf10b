import { z } from 'zod';
import { findCatalogModel } from './catalog.ts';

// C4: the context window of a model, in tokens. The catalog (@pydantic/genai-prices) lists most
// models'; `pricing.contextWindows` in the config names others (a fine-tune, a self-hosted model)
// or corrects one, by model name ("gpt-4o") or by provider and model ("openai/my-fine-tune").
// Names compare without case; provider and model win over the model alone, and both over the
// catalog. A call names two models: the one asked for and the one that answered (OpenAI answers
// "gpt-4o" with a dated "gpt-4o-2024-08-06"). The override of the answered model applies first,
// then the override of the requested one, then the catalog's window of the answered model.

// `model`: the model that answered (the requested one when none is known); `requestModel`: the
// one asked for, when known.
export type ContextWindowOf = (provider: string | null, model: string, requestModel?: string | null) => number | null;

export const MAX_CONTEXT_WINDOW_OVERRIDES = 1_000;
// Larger than any model's window; past it a value is a typo.
export const MAX_CONTEXT_WINDOW_TOKENS = 100_000_000;

// A window in the config file: a whole number of tokens (a numeric string is read as its number;
// nothing else is: a boolean or null is not 1 or 0 tokens).
const windowTokensSchema = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v),
  z
    .number({ error: 'must be a number of tokens' })
    .int('must be a whole number of tokens')
    .positive('must be more than 0 tokens')
    .max(MAX_CONTEXT_WINDOW_TOKENS, `must be at most ${MAX_CONTEXT_WINDOW_TOKENS} tokens`),
);

// Names are checked here rather than as the record's keys so that each message names the key:
// empty, too long, or naming the same model as another key once case and spaces are set aside.
export const contextWindowsSchema = z.record(z.string(), windowTokensSchema).superRefine((r, ctx) => {
  const names = Object.keys(r);
  if (names.length > MAX_CONTEXT_WINDOW_OVERRIDES) {
    ctx.addIssue({ code: 'custom', message: `at most ${MAX_CONTEXT_WINDOW_OVERRIDES} context windows may be named, not ${names.length}` });
    return;
  }
  const seen = new Map<string, string>();
  for (const name of names) {
    const normal = name.trim().toLowerCase();
    if (normal === '') ctx.addIssue({ code: 'custom', path: [name], message: 'a model name must not be empty' });
    else if (normal.length > 256) ctx.addIssue({ code: 'custom', path: [name], message: 'a model name must be at most 256 characters' });
    else if (seen.has(normal)) ctx.addIssue({ code: 'custom', path: [name], message: `names the same model as ${JSON.stringify(seen.get(normal))} (names compare without case)` });
    else seen.set(normal, name);
  }
});

export const catalogContextWindow: ContextWindowOf = (provider, model) => findCatalogModel(provider, model)?.contextWindow ?? null;

export function contextWindowOf(overrides: Readonly<Record<string, number>> = {}): ContextWindowOf {
  const named = new Map(Object.entries(overrides).map(([name, tokens]) => [name.trim().toLowerCase(), tokens]));
  if (named.size === 0) return catalogContextWindow;
  const override = (provider: string | null, model: string): number | undefined => {
    const m = model.trim().toLowerCase();
    return (provider !== null ? named.get(`${provider.trim().toLowerCase()}/${m}`) : undefined) ?? named.get(m);
  };
  return (provider, model, requestModel = null) =>
    override(provider, model) ?? (requestModel !== null ? override(provider, requestModel) : undefined) ?? catalogContextWindow(provider, model);
}
