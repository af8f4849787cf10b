import type { ScoreRecord } from '../domain/score.ts';
import type { SpanRecord } from '../domain/span.ts';
import type { BudgetBook } from '../budgets/book.ts';
import type { IngestObserver, IngestPipeline } from '../ingest/pipeline.ts';
import type { Judge } from '../quality/judge/judge.ts';
import type { ParquetArchive } from './archive.ts';
import type { Rollups } from '../rollups/rollups.ts';
import { projectId as toProjectId, type Store } from '../store/store.ts';
import type { ErasureView } from './erasure.ts';

// What holds records, or figures made from them, outside the store, and how each forgets an
// erasure. Figures are rebuilt from the store rather than corrected: the store is what an erasure
// changed, and what it holds now is what every view must agree with.

type Loads = Pick<IngestPipeline, 'caughtUp' | 'withLoadsHeld' | 'observe'>;

// The rollups are read while this node's loads wait at most this long (reads of hourly totals).
const ROLLUP_LOAD_HOLD_MS = 10_000;
const ROLLUP_ATTEMPTS = 3;
// Sampled traces checked against the store at once.
const JUDGE_CHECK_CONCURRENCY = 4;

// Records accepted while a view is rebuilt, with their journal segment: those the store did not
// hold at the read are counted again on top of the rebuilt figures.
class AcceptedTap implements IngestObserver {
  private entries: { spans: readonly SpanRecord[]; scores: readonly ScoreRecord[]; seq: number }[] | null = null;

  onAccepted(spans: readonly SpanRecord[], scores: readonly ScoreRecord[], seq: number): void {
    this.entries?.push({ spans, scores, seq });
  }

  open(): void {
    this.entries = [];
  }

  // Stops recording; hands over what was accepted after segment `loadedSeq`.
  close(loadedSeq: number): { spans: readonly SpanRecord[]; scores: readonly ScoreRecord[] }[] {
    const out = (this.entries ?? []).filter((e) => e.seq > loadedSeq);
    this.entries = null;
    return out;
  }
}

// The Parquet archive (retention's, when on): its files are rewritten without the target's rows.
export function archiveView(archive: Pick<ParquetArchive, 'eraseFromArchive'>): ErasureView {
  return {
    name: 'the Parquet archive',
    async afterErasure(project, target) {
      await archive.eraseFromArchive(toProjectId(project), target);
    },
  };
}

// The alerting rollups: every cell rebuilt from the store, as at start, then the calls of this
// node not loaded at the read counted again.
export function rollupsView(rollups: Rollups, store: Store, loads: Loads): ErasureView {
  const tap = new AcceptedTap();
  loads.observe(tap);
  return {
    name: 'the alerting rollups',
    async afterErasure() {
      for (let attempt = 1; ; attempt++) {
        tap.open();
        let replayed = false;
        try {
          await loads.caughtUp();
          const { held } = await loads.withLoadsHeld(ROLLUP_LOAD_HOLD_MS, (loadedSeq) =>
            rollups.refresh(store, () => {
              for (const e of tap.close(loadedSeq)) rollups.onAccepted(e.spans, e.scores);
              replayed = true;
            }),
          );
          if (held) return;
          // Loads went on during the read: the cells may count a late load twice. Read again.
          if (attempt >= ROLLUP_ATTEMPTS) throw new Error(`reading the rollups took longer than ${ROLLUP_LOAD_HOLD_MS} ms ${ROLLUP_ATTEMPTS} times`);
        } finally {
          if (!replayed) tap.close(Number.POSITIVE_INFINITY);
        }
      }
    },
  };
}

// The budgets' spend of the project, read again from the store.
export function budgetsView(budgets: BudgetBook, loads: Parameters<BudgetBook['rebuildProject']>[1]): ErasureView {
  return {
    name: "the budgets' spend",
    afterErasure: (project) => budgets.rebuildProject(toProjectId(project), loads),
  };
}

// The judge's queue holds trace ids: those the store no longer holds leave it (an erased trace
// judged later would bring a score, and the judge's copy of its content, back).
export function judgeQueueView(judge: Judge, store: Store, loads: Pick<Loads, 'caughtUp'>): ErasureView {
  return {
    name: "the judge's queue",
    async afterErasure(project, target) {
      const queued = judge.queuedTraces(project);
      if (!queued.length) return;
      let gone: string[];
      if (target.kind === 'trace') gone = queued.filter((t) => t === target.id);
      else if (target.kind === 'project') gone = queued;
      else {
        // A trace sampled but not loaded yet is not gone.
        await loads.caughtUp();
        gone = await tracesGone(store, project, queued);
      }
      if (gone.length) await judge.dropQueuedTraces(project, new Set(gone));
    },
  };
}

async function tracesGone(store: Store, project: string, traceIds: string[]): Promise<string[]> {
  const gone: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < traceIds.length) {
      const id = traceIds[next++];
      const trace = await store.getTrace(toProjectId(project), id, 1);
      if (trace.spans.length === 0) gone.push(id);
    }
  };
  await Promise.all(Array.from({ length: Math.min(JUDGE_CHECK_CONCURRENCY, traceIds.length) }, worker));
  return gone;
}

// The gateway's response cache keeps answers (content) under hashed keys that name no user:
// emptied whole. It costs the next calls a trip to the provider, and erasures are rare.
export function responseCacheView(cache: { clear(): void }): ErasureView {
  return {
    name: "the gateway's response cache",
    async afterErasure() {
      cache.clear();
    },
  };
}
