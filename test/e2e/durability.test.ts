// An acknowledged event survives kill -9, and at-least-once delivery from clients gives
// exactly-once results: several clients post batches while the server is killed and restarted
// on the same data dir; afterwards every acknowledged span is stored exactly once.
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import {
  describeError,
  freePort,
  makeTempDir,
  pollUntil,
  removeTempDir,
  sleep,
  startLookout,
  type LookoutServer,
} from './harness.ts';

const clientCount = 4;
const batchesPerClient = 25;
const itemsPerBatch = 50;
const requestTimeoutMs = 15_000;
const clientDeadlineMs = 240_000;
const resendShare = 0.1;

// Reproduce a run with LOOKOUT_E2E_SEED=<seed printed by a failing run>.
const seed = Number(process.env.LOOKOUT_E2E_SEED ?? Math.floor(Math.random() * 2 ** 31));

function mulberry32(state: number): () => number {
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(seed);
const randomInt = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));

function hexId(label: string, chars: number): string {
  return createHash('sha256').update(`durability:${label}`).digest('hex').slice(0, chars);
}

interface Batch {
  client: number;
  index: number;
  items: Array<Record<string, unknown>>;
}

// Deterministic ids: the same item is sent byte for byte on every retry.
function makeBatch(client: number, index: number, startMs: number): Batch {
  const traceId = hexId(`trace:${client}:${index}`, 32);
  const items = Array.from({ length: itemsPerBatch }, (_, i) => {
    const start = startMs + (index * itemsPerBatch + i) * 7;
    return {
      type: 'generation',
      traceId,
      spanId: hexId(`span:${client}:${index}:${i}`, 16),
      name: 'chat.completions',
      startTime: new Date(start).toISOString(),
      durationMs: 120 + ((client * 31 + index * 7 + i) % 900),
      provider: 'openai',
      model: 'gpt-4o-mini',
      usage: { input: 100 + i, output: 20 + (i % 40) },
      userId: `user-${client}`,
      feature: 'durability',
      tags: ['e2e'],
    };
  });
  return { client, index, items };
}

interface IngestResult {
  index: number;
  status: string;
  id?: unknown;
  error?: unknown;
}

interface Tally {
  acknowledged: Set<string>;
  rejected: string[];
  duplicates: number;
  attempts: number;
  failedAttempts: number;
  batchesDone: number;
}

interface StoredSpan {
  spanId: string;
  traceId: string;
}

describe('durability under kill -9', () => {
  let server: LookoutServer | undefined;
  let dataDir: string | undefined;

  afterAll(async () => {
    await server?.kill();
    if (dataDir) await removeTempDir(dataDir);
  });

  it('keeps every acknowledged span exactly once across crashes and client retries', async () => {
    console.log(`durability seed: ${seed} (LOOKOUT_E2E_SEED=${seed} to repeat the kill schedule)`);
    dataDir = await makeTempDir('durability');
    const port = await freePort();
    const start = () => startLookout({ dataDir: dataDir!, port });
    server = await start();
    const url = server.url;
    const serverOutput = () => server?.output() ?? '(no server)';

    const startMs = Date.now() - 60 * 60 * 1000;
    const expectedTrace = new Map<string, string>();
    const queues: Batch[][] = [];
    for (let client = 0; client < clientCount; client++) {
      const queue: Batch[] = [];
      for (let index = 0; index < batchesPerClient; index++) {
        const batch = makeBatch(client, index, startMs);
        for (const item of batch.items) expectedTrace.set(item.spanId as string, item.traceId as string);
        queue.push(batch);
      }
      queues.push(queue);
    }
    expect(expectedTrace.size, 'generated span ids are unique').toBe(clientCount * batchesPerClient * itemsPerBatch);

    const tally: Tally = { acknowledged: new Set(), rejected: [], duplicates: 0, attempts: 0, failedAttempts: 0, batchesDone: 0 };
    const clientDeadline = Date.now() + clientDeadlineMs;

    // A client as real SDKs behave: retry a batch until it is acknowledged, with bounded back-off.
    // Some acknowledged batches are sent again, as a client does when a response is lost to a
    // timeout after the server committed, so the deduplication path always runs.
    const sends: Batch[][] = queues.map((queue) => queue.flatMap((batch) => (random() < resendShare ? [batch, batch] : [batch])));
    const resentBatches = sends.reduce((n, list) => n + list.length, 0) - clientCount * batchesPerClient;
    const runClient = async (queue: Batch[]) => {
      for (const batch of queue) {
        let backoffMs = 25;
        for (;;) {
          if (Date.now() > clientDeadline) {
            throw new Error(`client ${batch.client} could not deliver batch ${batch.index} before the deadline\n${serverOutput()}`);
          }
          tally.attempts++;
          let status = 0;
          let text = '';
          try {
            const response = await fetch(`${url}/api/v1/ingest`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ batch: batch.items }),
              signal: AbortSignal.timeout(requestTimeoutMs),
            });
            status = response.status;
            text = await response.text();
          } catch {
            // Connection refused or reset while the server is down or being killed.
            status = 0;
          }
          if (status === 200 || status === 207) {
            const body = JSON.parse(text) as { results: IngestResult[] };
            expect(body.results, `results for batch ${batch.client}/${batch.index}: ${text.slice(0, 500)}`).toHaveLength(batch.items.length);
            for (const result of body.results) {
              const spanId = batch.items[result.index].spanId as string;
              if (result.status === 'accepted' || result.status === 'duplicate') {
                tally.acknowledged.add(spanId);
                if (result.status === 'duplicate') tally.duplicates++;
              } else {
                tally.rejected.push(`${spanId}: ${result.status} ${JSON.stringify(result.error)}`);
              }
            }
            tally.batchesDone++;
            break;
          }
          if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
            throw new Error(`batch ${batch.client}/${batch.index} refused with ${status}: ${text.slice(0, 1000)}`);
          }
          tally.failedAttempts++;
          await sleep(backoffMs + random() * backoffMs);
          backoffMs = Math.min(backoffMs * 2, 500);
        }
      }
    };

    const clients = sends.map((list) => runClient(list));
    let clientsFailed: unknown;
    const allClients = Promise.all(clients).catch((error: unknown) => {
      clientsFailed = error;
    });

    // Kill at random moments while batches are in flight: after a random amount of progress
    // since the last restart, plus a random delay, so kills land mid-request and mid-commit.
    const totalBatches = clientCount * batchesPerClient + resentBatches;
    const kills = randomInt(3, 5);
    const killLog: string[] = [];
    let killsDuringTraffic = 0;
    for (let k = 0; k < kills; k++) {
      const progressTarget = Math.min(totalBatches - 1, tally.batchesDone + randomInt(3, 12));
      await pollUntil(`${progressTarget} batches acknowledged before kill ${k + 1}`, () => {
        if (clientsFailed !== undefined) throw clientsFailed;
        return tally.batchesDone >= progressTarget ? true : undefined;
      }, { timeoutMs: 120_000, intervalMs: 5, context: serverOutput });
      await sleep(randomInt(0, 150));
      const before = tally.batchesDone;
      await server.kill();
      if (before < totalBatches) killsDuringTraffic++;
      killLog.push(`kill ${k + 1} after ${before} of ${totalBatches} batches`);
      if (tally.batchesDone >= totalBatches) break;
      server = await start();
    }
    if (!server.process.running) server = await start();

    await allClients;
    if (clientsFailed !== undefined) throw clientsFailed;
    console.log(
      `${killLog.join('; ')}; ${tally.attempts} requests, ${tally.failedAttempts} failed and retried, ` +
        `${resentBatches} acknowledged batches sent again, ${tally.duplicates} items answered as duplicates`,
    );
    expect(killsDuringTraffic, 'the server was killed at least 3 times while clients were sending').toBeGreaterThanOrEqual(3);
    expect(tally.failedAttempts, 'kills interrupted some requests').toBeGreaterThan(0);
    expect(tally.rejected, 'valid items rejected').toEqual([]);
    expect(tally.acknowledged.size).toBe(expectedTrace.size);

    // One more crash with nothing in flight: acknowledged data must not depend on a clean shutdown.
    await server.kill();
    server = await start();

    const stored = await listAllSpans(server.url);
    const counts = new Map<string, number>();
    for (const span of stored.spans) counts.set(span.spanId, (counts.get(span.spanId) ?? 0) + 1);

    const missing = [...tally.acknowledged].filter((spanId) => !counts.has(spanId));
    const repeated = [...counts].filter(([, n]) => n > 1);
    const foreign = [...counts.keys()].filter((spanId) => !expectedTrace.has(spanId));
    const wrongTrace = stored.spans.filter((span) => expectedTrace.has(span.spanId) && expectedTrace.get(span.spanId) !== span.traceId);
    const summary = `stored ${stored.spans.length} rows (${counts.size} distinct, API total ${stored.total}), acknowledged ${tally.acknowledged.size}`;

    expect(missing.slice(0, 20), `acknowledged spans missing after kill -9 (${missing.length}); ${summary}`).toEqual([]);
    expect(repeated.slice(0, 20), `spans stored more than once (${repeated.length}); ${summary}`).toEqual([]);
    expect(foreign.slice(0, 20), `spans that were never sent; ${summary}`).toEqual([]);
    expect(wrongTrace.slice(0, 20), `spans stored under the wrong trace; ${summary}`).toEqual([]);
    expect(stored.total, summary).toBe(counts.size);
    for (const spanId of tally.acknowledged) expect(counts.get(spanId)).toBe(1);
  });
});

// Pages through GET /api/v1/spans until the listing is exhausted.
async function listAllSpans(url: string): Promise<{ spans: StoredSpan[]; total: number }> {
  const pageSize = 500;
  const spans: StoredSpan[] = [];
  let total = 0;
  for (let offset = 0; ; ) {
    const response = await fetch(`${url}/api/v1/spans?limit=${pageSize}&offset=${offset}`, { signal: AbortSignal.timeout(30_000) }).catch(
      (error: unknown) => {
        throw new Error(`GET /api/v1/spans failed: ${describeError(error)}`);
      },
    );
    const text = await response.text();
    if (response.status !== 200) throw new Error(`GET /api/v1/spans?offset=${offset} answered ${response.status}: ${text.slice(0, 1000)}`);
    const page = JSON.parse(text) as { spans: StoredSpan[]; total: number };
    total = page.total;
    if (page.spans.length === 0) break;
    spans.push(...page.spans);
    offset += page.spans.length;
    if (offset >= total) break;
  }
  return { spans, total };
}
