import { addDriftCounts, clampScore, emptyDriftCounts, scoreBin, type DriftCounts } from '../domain/drift.ts';
import { QUALITY_METADATA } from '../domain/quality.ts';
import type { SpanRecord } from '../domain/span.ts';
import { HOUR_MS, MINUTE_MS } from '../domain/time.ts';
import type { RetrievalAggregateRow, RetrievalAggregates } from '../store/drift.ts';
import { piecesOf } from './pieces.ts';

// D5: per project and feature, the retrieval and embedding facts the chain wrote on spans
// (enrich/quality/retrieval.ts) — a histogram of top scores, documents returned, embeddings
// truncated — in minute and hour cells, filled as spans are acknowledged and rebuilt from the
// store at start. The drift rules read windows of them (alerts/engine/drift.ts). A window is read
// from whole-hour cells plus minute cells at its edges; where the minute cells are gone, the edge
// hour is pro-rated (fractional counts are fine for a distribution's shares).

export const DRIFT_MINUTE_RETENTION_MS = 2 * HOUR_MS;
// Hour cells by feature for eight days and two hours: a week-long baseline and the window before it.
export const DRIFT_HOUR_RETENTION_MS = 8 * 24 * HOUR_MS + 2 * HOUR_MS;
// Past this many features in one bucket of one project, further features share OVERFLOW_FEATURE.
export const MAX_FEATURES_PER_BUCKET = 1_000;
export const OVERFLOW_FEATURE = '(other)';
// Cells read between two steps of a stepwise read.
const STEP_CELLS = 500;

type Bucket = Map<string, DriftCounts>; // feature ('' for none) -> counts

class Cells {
  readonly cells = new Map<number, Bucket>();
  readonly sizeMs: number;
  readonly retentionMs: number;

  constructor(sizeMs: number, retentionMs: number) {
    this.sizeMs = sizeMs;
    this.retentionMs = retentionMs;
  }

  cell(atMs: number, feature: string): DriftCounts {
    const index = Math.floor(atMs / this.sizeMs);
    let bucket = this.cells.get(index);
    if (!bucket) {
      bucket = new Map();
      this.cells.set(index, bucket);
    }
    let key = feature;
    if (!bucket.has(key) && bucket.size >= MAX_FEATURES_PER_BUCKET) key = OVERFLOW_FEATURE;
    let c = bucket.get(key);
    if (!c) {
      c = emptyDriftCounts();
      bucket.set(key, c);
    }
    return c;
  }

  prune(nowMs: number): void {
    const oldest = Math.floor((nowMs - this.retentionMs) / this.sizeMs);
    for (const index of this.cells.keys()) if (index < oldest) this.cells.delete(index);
  }
}

interface ProjectCells {
  minutes: Cells;
  hours: Cells;
}

const newProject = (): ProjectCells => ({ minutes: new Cells(MINUTE_MS, DRIFT_MINUTE_RETENTION_MS), hours: new Cells(HOUR_MS, DRIFT_HOUR_RETENTION_MS) });

// One span's contribution, or null when it carries no drift fact.
export function driftCountsOf(s: SpanRecord): DriftCounts | null {
  const m = s.metadata;
  if (s.kind === 'retrieval') {
    const c = emptyDriftCounts();
    c.retrievals = 1;
    const top = Number(m[QUALITY_METADATA.retrievalTopScore] ?? Number.NaN);
    if (m[QUALITY_METADATA.retrievalTopScore] !== undefined && Number.isFinite(top)) {
      const clamped = clampScore(top);
      c.scoreBins[scoreBin(clamped)] = 1;
      c.scoreSum = clamped;
    }
    const docs = Number(m[QUALITY_METADATA.retrievalDocuments] ?? Number.NaN);
    if (m[QUALITY_METADATA.retrievalDocuments] !== undefined && Number.isInteger(docs) && docs >= 0) {
      c.withDocuments = 1;
      c.documents = docs;
    }
    return c;
  }
  if (s.kind === 'embedding') {
    const t = m[QUALITY_METADATA.embeddingTruncated];
    if (t !== 'true' && t !== 'false') return null;
    const c = emptyDriftCounts();
    c.embeddings = 1;
    c.truncated = t === 'true' ? 1 : 0;
    return c;
  }
  return null;
}

function scaled(c: DriftCounts, fraction: number): DriftCounts {
  if (fraction === 1) return c;
  return {
    retrievals: c.retrievals * fraction,
    scoreBins: c.scoreBins.map((v) => v * fraction),
    scoreSum: c.scoreSum * fraction,
    withDocuments: c.withDocuments * fraction,
    documents: c.documents * fraction,
    embeddings: c.embeddings * fraction,
    truncated: c.truncated * fraction,
  };
}

// What one read may spend (rollups.ts WorkBudget: an evaluation's cells and series).
export interface CellBudget {
  spend(cells: number): void;
  series(count: number): void;
}

export interface DriftWindowQuery {
  fromMs: number; // inclusive
  toMs: number; // exclusive
  feature?: string | string[]; // '' is the spans without a feature
  groupByFeature?: boolean;
  budget?: CellBudget;
}

export interface DriftGroup {
  labels: Record<string, string>; // { feature } when grouped
  counts: DriftCounts;
}

export type DriftReader = Pick<RetrievalRollups, 'windowSteps'>;

export class RetrievalRollups {
  // Replaced whole by load(); everything else reads it through this field at each call.
  private projects = new Map<string, ProjectCells>();
  private readonly now: () => number;
  private lastPruneMinute = 0;

  constructor(options: { now?: () => number } = {}) {
    this.now = options.now ?? Date.now;
  }

  add(spans: readonly SpanRecord[]): void {
    const nowMs = this.now();
    this.prune(nowMs);
    for (const s of spans) {
      const atMs = s.startUs / 1000;
      if (atMs < nowMs - DRIFT_HOUR_RETENTION_MS) continue;
      const c = driftCountsOf(s);
      if (c === null) continue;
      const p = this.project(s.projectId, this.projects);
      const feature = s.attribution.feature ?? '';
      addDriftCounts(p.hours.cell(atMs, feature), c);
      if (atMs >= nowMs - DRIFT_MINUTE_RETENTION_MS) addDriftCounts(p.minutes.cell(atMs, feature), c);
    }
  }

  forgetProject(projectId: string): void {
    this.projects.delete(projectId);
  }

  private project(id: string, projects: Map<string, ProjectCells>): ProjectCells {
    let p = projects.get(id);
    if (!p) {
      p = newProject();
      projects.set(id, p);
    }
    return p;
  }

  private prune(nowMs: number): void {
    const minute = Math.floor(nowMs / MINUTE_MS);
    if (minute === this.lastPruneMinute) return;
    this.lastPruneMinute = minute;
    for (const p of this.projects.values()) {
      p.minutes.prune(nowMs);
      p.hours.prune(nowMs);
    }
  }

  // Fills the cells from the store (every project), built aside and swapped in at once.
  async load(store: RetrievalAggregates): Promise<number> {
    const nowMs = this.now();
    const fromHourMs = Math.floor((nowMs - DRIFT_HOUR_RETENTION_MS) / HOUR_MS) * HOUR_MS;
    const fromMinuteMs = Math.floor((nowMs - DRIFT_MINUTE_RETENTION_MS) / MINUTE_MS) * MINUTE_MS;
    const [hours, minutes] = await Promise.all([
      store.aggregateRetrieval({ fromMs: fromHourMs, bucketMs: HOUR_MS }),
      store.aggregateRetrieval({ fromMs: fromMinuteMs, bucketMs: MINUTE_MS }),
    ]);
    const fresh = new Map<string, ProjectCells>();
    const feed = (rows: RetrievalAggregateRow[], res: (p: ProjectCells) => Cells) => {
      for (const r of rows) addDriftCounts(res(this.project(r.projectId, fresh)).cell(r.bucketStartMs, r.feature ?? ''), r.counts);
    };
    feed(hours, (p) => p.hours);
    feed(minutes, (p) => p.minutes);
    this.projects = fresh;
    return hours.length + minutes.length;
  }

  window(projectId: string, q: DriftWindowQuery): DriftGroup[] {
    const steps = this.windowSteps(projectId, q);
    for (;;) {
      const next = steps.next();
      if (next.done) return next.value;
    }
  }

  // The counts in [fromMs, toMs), in total or by feature, in steps of at most STEP_CELLS cells.
  *windowSteps(projectId: string, q: DriftWindowQuery): Generator<void, DriftGroup[]> {
    const p = this.projects.get(projectId);
    if (!p) return [];
    const nowMs = this.now();
    const minuteStart = Math.floor((nowMs - DRIFT_MINUTE_RETENTION_MS) / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
    const want = q.feature === undefined ? null : new Set(Array.isArray(q.feature) ? q.feature : [q.feature]);
    const out = new Map<string, DriftGroup>();
    const pieces = piecesOf(q.fromMs, q.toMs, minuteStart);
    q.budget?.spend(pieces.length);
    let sinceStep = 0;
    for (const piece of pieces) {
      const bucket = (piece.res === 'hour' ? p.hours : p.minutes).cells.get(piece.index);
      if (!bucket) continue;
      q.budget?.spend(bucket.size);
      for (const [feature, counts] of bucket) {
        if (++sinceStep >= STEP_CELLS) {
          sinceStep = 0;
          yield;
        }
        if (want !== null && !want.has(feature)) continue;
        const key = q.groupByFeature ? feature : '';
        let g = out.get(key);
        if (!g) {
          g = { labels: q.groupByFeature ? { feature } : {}, counts: emptyDriftCounts() };
          out.set(key, g);
          q.budget?.series(out.size);
        }
        addDriftCounts(g.counts, scaled(counts, piece.fraction));
      }
    }
    return [...out.values()];
  }
}
