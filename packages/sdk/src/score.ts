import { randomUUID } from 'node:crypto';
import { createLookoutClient, type Body } from '#client';
import { counters, registerFlushHook, sdkEndpoint, swallow } from './core.ts';
import { currentSpanId, currentTraceId } from './traced.ts';

// score(): a quality score or user feedback linked to a trace (and optionally a span), sent to
// Lookout's native ingest API (POST /api/v1/ingest). Fire-and-forget: queued (bounded), sent in
// batches in the background; failures and drops are counted in stats(), never thrown.

export interface ScoreInput {
  traceId?: string; // default: the active trace
  spanId?: string;
  name: string;
  value: number | string | boolean;
  comment?: string;
  dataType?: 'numeric' | 'categorical' | 'boolean';
  userId?: string;
}

const MAX_PENDING = 1000;
const MAX_BATCH = 100;
const TIMEOUT_MS = 10_000;

type IngestItem = Body<'/api/v1/ingest'>['batch'][number];

const pending: IngestItem[] = [];
const inflight = new Set<Promise<void>>();
let scheduled = false;

export function score(input: ScoreInput): boolean {
  try {
    const traceId = (input.traceId ?? currentTraceId())?.toLowerCase();
    if (!traceId || !/^[0-9a-f]{32}$/.test(traceId) || !input.name) {
      counters.scoresDropped++;
      return false;
    }
    if (pending.length >= MAX_PENDING) {
      counters.scoresDropped++;
      return false;
    }
    const spanId = input.spanId ?? (input.traceId === undefined ? currentSpanId() : undefined);
    const item: IngestItem = {
      type: 'score',
      id: randomUUID(),
      traceId,
      name: input.name,
      value: input.value,
      source: 'sdk',
      timestamp: Date.now(),
      ...(spanId ? { spanId: spanId.toLowerCase() } : {}),
      ...(input.comment === undefined ? {} : { comment: input.comment }),
      ...(input.dataType === undefined ? {} : { dataType: input.dataType }),
      ...(input.userId === undefined ? {} : { userId: input.userId }),
    };
    pending.push(item);
    if (!scheduled) {
      scheduled = true;
      setImmediate(drain).unref();
    }
    return true;
  } catch (error) {
    swallow(error);
    return false;
  }
}

function drain(): void {
  scheduled = false;
  while (pending.length > 0) {
    const batch = pending.splice(0, MAX_BATCH);
    const p = send(batch).finally(() => inflight.delete(p));
    inflight.add(p);
  }
}

async function send(batch: IngestItem[]): Promise<void> {
  const { endpoint, apiKey } = sdkEndpoint();
  try {
    const client = createLookoutClient({ baseUrl: endpoint, key: apiKey });
    const { data, response: res } = await client.POST('/api/v1/ingest', { body: { batch }, signal: AbortSignal.timeout(TIMEOUT_MS) });
    let rejected = res.ok ? 0 : batch.length;
    if (res.status === 207) rejected = data !== undefined && 'rejected' in data && typeof data.rejected === 'number' ? data.rejected : 0;
    counters.scoresFailed += rejected;
    counters.scoresSent += batch.length - rejected;
  } catch {
    counters.scoresFailed += batch.length;
  }
}

export async function flushScores(): Promise<void> {
  if (pending.length > 0) drain();
  await Promise.all([...inflight]);
}

registerFlushHook(flushScores);
