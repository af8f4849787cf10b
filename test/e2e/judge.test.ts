// The LLM judge in a real server process against a fake OpenAI-compatible judge (real HTTP):
// sampled traces survive kill -9 in the judge's queue and are judged after the restart, once;
// the judge's calls are stored as priced spans of feature lookout.evaluation and the scores point
// to them.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeJudge, type FakeJudge } from '../../packages/server/src/testing/fake-judge.ts';
import { makeTempDir, pollUntil, removeTempDir, sleep, startLookout, type LookoutServer } from './harness.ts';

const TRACES = 12;
// Long enough to kill the server while every sampled trace still waits in the queue.
const SETTLE_MS = 4_000;

interface StoredScore {
  traceId: string;
  source: string;
  numericValue: number | null;
  comment: string | null;
  metadata: Record<string, string>;
}

interface StoredSpan {
  traceId: string;
  kind: string;
  attribution: { feature: string | null; application: string | null };
  cost: { status: string; totalNanoUsd: number | null };
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

describe('the LLM judge in a server process', () => {
  let dataDir = '';
  let fake: FakeJudge | null = null;
  let server: LookoutServer | null = null;

  afterAll(async () => {
    await server?.stop();
    await fake?.close();
    if (dataDir) await removeTempDir(dataDir);
  });

  it('judges after kill -9 what was sampled before it, once, recording priced judge spans apart', async () => {
    dataDir = await makeTempDir('judge');
    fake = await startFakeJudge((req) => ({ score: req.prompt.includes('wrong') ? 0.1 : 0.9, reasoning: 'checked against the question' }));
    const configFile = join(dataDir, 'lookout.yaml');
    await writeFile(configFile, 'evaluators:\n  - name: correctness\n    kind: llm_judge\n    criterion: correctness\n    sampleRate: 1\n');
    const env = {
      LOOKOUT_CONFIG: configFile,
      LOOKOUT_JUDGE_BASE_URL: fake.url,
      LOOKOUT_JUDGE_MODEL: 'gpt-4o-mini',
      LOOKOUT_JUDGE_SETTLE_MS: String(SETTLE_MS),
      LOOKOUT_JUDGE_RATE_PER_MINUTE: '6000',
    };
    server = await startLookout({ dataDir, env });
    const traceIds = Array.from({ length: TRACES }, () => randomBytes(16).toString('hex'));
    const batch = traceIds.map((traceId, i) => ({
      type: 'generation',
      traceId,
      spanId: randomBytes(8).toString('hex'),
      startTime: Date.now() - 2_000,
      durationMs: 300,
      provider: 'openai',
      model: 'gpt-4o',
      usage: { input: 100, output: 20 },
      input: `question ${i}`,
      output: i % 3 === 0 ? `a wrong answer ${i}` : `a right answer ${i}`,
    }));
    const ingest = () => fetch(`${server!.url}/api/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ batch }) });
    const res = await ingest();
    expect(res.status, await res.clone().text()).toBe(200);

    const queueFile = join(dataDir, 'judge-queue.json');
    await pollUntil('the sampled traces in the judge queue file', async () => {
      const doc = JSON.parse(await readFile(queueFile, 'utf8')) as { jobs: unknown[] };
      return doc.jobs.length === TRACES ? true : undefined;
    });
    expect(fake.requests).toHaveLength(0);
    await server.kill();

    server = await startLookout({ dataDir, env });
    // The batch sent again after the crash (at-least-once clients) changes nothing.
    expect((await ingest()).status).toBe(200);
    const scores = await pollUntil(
      'a judge score for every trace',
      async () => {
        const all = await getJson<{ scores: StoredScore[] }>(`${server!.url}/api/v1/scores?limit=1000`);
        const judged = all.scores.filter((s) => s.source === 'llm_judge');
        return judged.length >= TRACES ? judged : undefined;
      },
      { timeoutMs: 30_000, context: () => server!.output() },
    );
    await sleep(1_000);
    expect(fake.requests).toHaveLength(TRACES);
    expect(new Set(scores.map((s) => s.traceId))).toEqual(new Set(traceIds));
    for (const s of scores) {
      const wrong = batch.find((b) => b.traceId === s.traceId)!.output.includes('wrong');
      expect(s.numericValue).toBe(wrong ? 0.1 : 0.9);
      expect(s.comment).toBe('checked against the question');
    }

    const judgeSpans = await getJson<{ spans: StoredSpan[] }>(`${server.url}/api/v1/spans?feature=lookout.evaluation&limit=1000`);
    expect(judgeSpans.spans).toHaveLength(TRACES);
    for (const span of judgeSpans.spans) {
      expect(span).toMatchObject({ kind: 'generation', attribution: { feature: 'lookout.evaluation', application: 'lookout' }, cost: { status: 'priced' } });
      expect(span.cost.totalNanoUsd).toBeGreaterThan(0);
    }
    const judgeTraces = new Set(judgeSpans.spans.map((s) => s.traceId));
    for (const s of scores) expect(judgeTraces.has(s.metadata['lookout.judge.trace_id'])).toBe(true);

    // A clean restart finds nothing left to judge.
    await server.stop();
    server = await startLookout({ dataDir, env });
    await sleep(SETTLE_MS + 500);
    expect(fake.requests).toHaveLength(TRACES);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/lookout_judge_queue_depth 0/);
  }, 120_000);
});
