import { randomBytes } from 'node:crypto';
import { emptyAttribution, emptyUsage, unpricedCost, type SpanRecord } from '../domain/span.ts';
import type { ScoreRecord } from '../domain/score.ts';

export const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

// A valid generation span with everything else defaulted; override what a test cares about.
export function makeSpan(over: Partial<SpanRecord> = {}): SpanRecord {
  const startUs = over.startUs ?? Date.now() * 1000;
  return {
    projectId: 'default',
    traceId: hex(16),
    spanId: hex(8),
    parentSpanId: null,
    name: 'chat gpt-4o',
    kind: 'generation',
    startUs,
    endUs: startUs + 1_200_000,
    provider: 'openai',
    requestModel: 'gpt-4o',
    responseModel: null,
    usage: { ...emptyUsage(), input: 1000, output: 200 },
    cost: { status: 'priced', totalNanoUsd: 4_500_000, byBucketNanoUsd: { input: 2_500_000, output: 2_000_000 }, priceRowId: 'catalog:openai/gpt-4o', catalogVersion: 'test' },
    status: 'ok',
    errorClass: null,
    errorMessage: null,
    finishReason: 'stop',
    ttftMs: null,
    attribution: emptyAttribution(),
    tags: [],
    metadata: {},
    content: null,
    promptHash: null,
    responseHash: null,
    requestId: null,
    ...over,
  };
}

export function makeScore(over: Partial<ScoreRecord> = {}): ScoreRecord {
  return {
    projectId: 'default',
    id: hex(8),
    traceId: hex(16),
    spanId: null,
    name: 'helpfulness',
    dataType: 'numeric',
    numericValue: 0.8,
    stringValue: null,
    comment: null,
    source: 'api',
    timestampUs: Date.now() * 1000,
    userId: null,
    feature: null,
    model: null,
    application: null,
    metadata: {},
    ...over,
  };
}

export { unpricedCost };
