import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyAttribution, type SpanRecord } from '../../domain/span.ts';
import type { ScoreRecord } from '../../domain/score.ts';
import { makeScore, makeSpan } from '../../testing/fixtures.ts';
import { projectId, type Store } from '../store.ts';
import { freshStore, type OpenStore } from './fixtures.ts';

// D3: a score's feature, model and application (what the scored trace ran as) and its metadata,
// stored and read back as given; what is null is filled from the stored spans of its trace,
// whichever of score and spans is loaded last, through a write and through a journal load.

const A = projectId('score-ctx-a');
const B = projectId('score-ctx-b');
const T = Date.UTC(2026, 3, 1, 9) * 1000; // µs
const SEC_US = 1_000_000;

function trace(project: string): { root: SpanRecord; early: SpanRecord; late: SpanRecord } {
  const traceId = makeSpan().traceId;
  const root = makeSpan({
    projectId: project, traceId, kind: 'agent', requestModel: null, startUs: T, endUs: T + 10 * SEC_US,
    attribution: { ...emptyAttribution(), feature: 'support-chat', application: 'helpdesk' },
  });
  const child = { projectId: project, traceId, parentSpanId: root.spanId, kind: 'generation' as const };
  const early = makeSpan({ ...child, requestModel: 'gpt-4o-mini', startUs: T + SEC_US, endUs: T + 2 * SEC_US });
  const late = makeSpan({ ...child, requestModel: 'gpt-4o', responseModel: 'gpt-4o-2024-08-06', startUs: T + 3 * SEC_US, endUs: T + 4 * SEC_US });
  return { root, early, late };
}

async function loadFiles(store: Store, batch: { spans: SpanRecord[]; scores: ScoreRecord[] }): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-score-ctx-'));
  const encoded = store.encode({ ...batch, logs: [] }, Date.now() * 1000);
  const files = { spans: [] as string[], scores: [] as string[], logs: [] as string[] };
  if (encoded.spans) writeFileSync((files.spans[0] = join(dir, 's.ndjson')), encoded.spans);
  if (encoded.scores) writeFileSync((files.scores[0] = join(dir, 'c.ndjson')), encoded.scores);
  await store.load(files, encoded.spanWindowUs);
}

export function scoreContextContract(name: string, open: OpenStore): void {
  describe(`store contract (score context): ${name}`, () => {
    const store = freshStore(open);

    it("stores a score's feature, model, application and metadata and reads them back unchanged", async () => {
      const score = makeScore({
        projectId: A, timestampUs: T, feature: 'search', model: 'claude-3-5-sonnet', application: 'web',
        metadata: { 'lookout.evaluator.id': 'ev_1', 'lookout.judge.cost_usd': '0.000123' },
      });
      const bare = makeScore({ projectId: A, timestampUs: T + 1 });
      await store().write({ spans: [], scores: [score, bare], logs: [] });
      expect(await store().listScores(A, {}, { limit: 10, offset: 0 })).toEqual([bare, score]); // newest first
      expect((await store().getTrace(A, score.traceId)).scores).toEqual([score]);
      expect(await store().exportScores(null, 10)).toEqual([score, bare]);
    });

    for (const via of ['write', 'load'] as const) {
      for (const scoresFirst of [true, false]) {
        it(`fills a score from its trace's spans (${via}, ${scoresFirst ? 'score before spans' : 'spans before score'}), keeping what it has`, async () => {
          const put = (batch: { spans: SpanRecord[]; scores: ScoreRecord[] }) =>
            via === 'write' ? store().write({ ...batch, logs: [] }).then(() => undefined) : loadFiles(store(), batch);
          const t = trace(A);
          const other = trace(B);
          const bare = makeScore({ projectId: A, traceId: t.root.traceId, timestampUs: T + 60 * SEC_US });
          const own = makeScore({ projectId: A, traceId: t.root.traceId, timestampUs: T + 61 * SEC_US, model: 'judge-says', feature: null });
          // Same trace id in another project: its spans are not this score's.
          const elsewhere = makeScore({ projectId: A, traceId: other.root.traceId, timestampUs: T + 62 * SEC_US });
          const scores = { spans: [], scores: [bare, own, elsewhere] };
          const spans = { spans: [t.late, t.early, t.root, other.root, other.late], scores: [] };
          for (const batch of scoresFirst ? [scores, spans] : [spans, scores]) await put(batch);
          const back = new Map((await store().listScores(A, {}, { limit: 10, offset: 0 })).map((s) => [s.id, s]));
          expect(back.get(bare.id)).toMatchObject({ feature: 'support-chat', application: 'helpdesk', model: 'gpt-4o-2024-08-06' });
          expect(back.get(own.id)).toMatchObject({ feature: 'support-chat', application: 'helpdesk', model: 'judge-says' });
          expect(back.get(elsewhere.id)).toMatchObject({ feature: null, application: null, model: null });
          expect(back.size).toBe(3);
        });
      }
    }

    it('fills a score only from spans within a day before it', async () => {
      const t = trace(A);
      await store().write({ spans: [t.root, t.late], scores: [], logs: [] });
      const tooLate = makeScore({ projectId: A, traceId: t.root.traceId, timestampUs: T + 30 * 3600 * SEC_US });
      await store().write({ spans: [], scores: [tooLate], logs: [] });
      expect((await store().listScores(A, {}, { limit: 10, offset: 0 }))[0]).toMatchObject({ feature: null, model: null });
    });
  });
}
