import { afterEach, beforeEach } from 'vitest';
import { emptyAttribution, emptyUsage, type SpanRecord, type Usage } from '../../domain/span.ts';
import { Pricer } from '../../enrich/pricing/pricer.ts';
import { loadConfig } from '../../config/config.ts';
import { openStore } from '../../store/open.ts';
import { projectId, type Store } from '../../store/store.ts';
import { makeSpan } from '../../testing/fixtures.ts';
import type { RecommenderDeps } from './types.ts';

// Generated traffic for the recommenders' tests: calls priced by the real catalog, written to an
// in-memory store of the default backend (DuckDB), read back through the same deps the route gives the recommenders.

export const PROJECT = projectId('default');

export interface Traffic {
  store: () => Store;
  pricer: Pricer;
  deps: (nowMs: number) => RecommenderDeps;
  write: (spans: SpanRecord[]) => Promise<void>;
}

export function traffic(): Traffic {
  let store: Store | undefined;
  const pricer = new Pricer();
  beforeEach(async () => {
    store = await openStore(loadConfig({ env: {} }), { inMemory: true });
  });
  afterEach(async () => {
    await store?.close();
  });
  return {
    store: () => store!,
    pricer,
    deps: (nowMs) => ({ analytics: store!.analytics, spans: store!, scores: store!, prompts: store!, pricer, nowMs }),
    write: async (spans) => {
      await store!.write({ spans, scores: [], logs: [] });
    },
  };
}

export interface Generation {
  atMs: number;
  provider?: string;
  model?: string;
  usage: Partial<Usage>;
  promptHash?: string | null;
  feature?: string | null;
  traceN: number;
  metadata?: Record<string, string>;
  failed?: boolean; // the provider answered with an error (a rate limit)
}

// One model call as an instrumentation reports it, priced by `pricer` as ingest would.
export function generation(pricer: Pricer, g: Generation): SpanRecord {
  const startUs = g.atMs * 1000;
  const usage = { ...emptyUsage(), ...g.usage };
  const provider = g.provider ?? 'openai';
  const model = g.model ?? 'gpt-4o';
  return makeSpan({
    traceId: g.traceN.toString(16).padStart(32, '0'),
    spanId: g.traceN.toString(16).padStart(16, '0'),
    startUs,
    endUs: startUs + 500_000,
    provider,
    requestModel: model,
    usage,
    cost: pricer.price({ provider, requestModel: model, responseModel: null, usage, startUs, kind: 'generation' }),
    attribution: { ...emptyAttribution(), feature: g.feature === undefined ? 'support' : g.feature },
    metadata: g.metadata ?? {},
    promptHash: g.promptHash === undefined ? 'system-prompt' : g.promptHash,
    ...(g.failed ? { status: 'error' as const, errorClass: 'rate_limit' as const, errorMessage: '429 Rate limit reached' } : {}),
  });
}
