import type { ScoreRecord } from '../domain/score.ts';
import { effectiveModel, totalTokens, type SpanRecord, type Usage } from '../domain/span.ts';
import type { IngestObserver } from '../ingest/pipeline.ts';
import type { CallAggregateRow, ScoreAggregateRow, Store } from '../store/store.ts';
import type { Dimension } from '../alerts/rules/schema.ts';
import { COUNTER_MEASURES, type CounterMeasure } from '../domain/measures.ts';
import { Sketch } from './sketch.ts';
import { LookoutError } from '../errors.ts';
import { HOUR_MS, MINUTE_MS } from '../domain/time.ts';
import { piecesOf } from './pieces.ts';
import { SECURITY_METADATA, securityFactsOf } from '../domain/security.ts';
import { QUALITY_METADATA } from '../domain/quality.ts';
import { RetrievalRollups } from './retrieval.ts';
import { isEvaluationSpan } from '../domain/quality.ts';
import { EvaluationCost } from './evaluation-cost.ts';
import { catalogContextWindow, type ContextWindowOf } from '../enrich/pricing/context-windows.ts';

// I3: per-minute rollups of LLM calls and scores, kept in memory as data is acknowledged and
// rebuilt from the store at start. The alert engine reads them (never raw rows): a window is
// summed from whole-hour cells where it covers whole hours and from minute cells at its edges,
// so a 24-hour window costs ~24 + 120 cells per group, not 1,440.
//
// Two resolutions: minute cells for the last MINUTE_RETENTION_MS and hour cells for the last
// HOUR_RETENTION_MS (a 7-day same-hour baseline needs eight days). Where a window edge is older
// than the minute cells, the hour cell there is pro-rated by the part of the hour inside the
// window. Calls are placed by their start time.
//
// Each cell is keyed by (provider, model, feature, team, application); scores by (score name,
// feature, model, application) of the scored trace (D3).
// Past MAX_GROUPS_PER_BUCKET keys in one bucket of one project, further keys share OVERFLOW_KEY.

export const MINUTE_RETENTION_MS = 2 * HOUR_MS;
export const HOUR_RETENTION_MS = 8 * 24 * HOUR_MS + 2 * HOUR_MS;
// Hour cells by every dimension (feature, team, application) are kept for a day and two hours
// only: they are the bulk of the memory, and day-long baselines are project- or model-wide.
export const DETAIL_HOUR_RETENTION_MS = 26 * HOUR_MS;
export const MAX_GROUPS_PER_BUCKET = 5_000;
// How often a refresh from a shared store reads the judge's spend again.
const EVALUATION_RELOAD_MS = 5 * 60_000;

export const CALL_DIMENSIONS = ['provider', 'model', 'feature', 'team', 'application'] as const satisfies readonly Dimension[];
export type CallDimension = (typeof CALL_DIMENSIONS)[number];
const OVERFLOW = '(other)';
const OVERFLOW_KEY = CALL_DIMENSIONS.map(() => OVERFLOW).join('\u0000');
// The group of what has no dimension (a refused request): every dimension empty.
const NO_DIMENSIONS_KEY = CALL_DIMENSIONS.map(() => '').join('\u0000');

// Counted per project by Rollups.countEvent (server/refusals.ts), not from spans.
export const EVENT_MEASURES = ['auth_failures', 'rate_limited'] as const satisfies readonly CounterMeasure[];
export type EventMeasure = (typeof EVENT_MEASURES)[number];

export const COUNTER_INDEX = Object.fromEntries(COUNTER_MEASURES.map((m, i) => [m, i])) as Record<CounterMeasure, number>;
const N_COUNTERS = COUNTER_MEASURES.length;

export class CallCell {
  readonly counters = new Float64Array(N_COUNTERS);
  // null in cells that keep counters only (hour cells at full detail: they are most of the cells).
  readonly latency: Sketch | null;
  readonly ttft: Sketch | null;

  constructor(sketches = true) {
    this.latency = sketches ? new Sketch() : null;
    this.ttft = sketches ? new Sketch() : null;
  }

  merge(other: CallCell, fraction = 1): void {
    for (let i = 0; i < N_COUNTERS; i++) this.counters[i] += other.counters[i] * fraction;
    if (fraction === 1 && other.latency && other.ttft) {
      this.latency?.merge(other.latency);
      this.ttft?.merge(other.ttft);
    }
  }
}

// What score cells are keyed by, in order; a score's rule may filter and group by each.
export const SCORE_DIMENSIONS = ['score_name', 'feature', 'model', 'application'] as const satisfies readonly Dimension[];
export type ScoreDimension = (typeof SCORE_DIMENSIONS)[number];

export function scoreKeyOf(s: Pick<ScoreRecord, 'name' | 'feature' | 'model' | 'application'>): string {
  return [s.name, s.feature ?? '', s.model ?? '', s.application ?? ''].join('\u0000');
}

export class ScoreCell {
  readonly values = new Sketch();
  merge(other: ScoreCell): void {
    this.values.merge(other.values);
  }
}

type Bucket<C> = Map<string, C>; // group key -> cell

class Resolution<C> {
  readonly cells = new Map<number, Bucket<C>>(); // bucket index -> groups
  readonly sizeMs: number;
  readonly retentionMs: number;
  private readonly make: () => C;
  overflowed = 0;

  constructor(sizeMs: number, retentionMs: number, make: () => C) {
    this.sizeMs = sizeMs;
    this.retentionMs = retentionMs;
    this.make = make;
  }

  cell(atMs: number, key: string): C {
    const index = Math.floor(atMs / this.sizeMs);
    let bucket = this.cells.get(index);
    if (!bucket) {
      bucket = new Map();
      this.cells.set(index, bucket);
    }
    let cell = bucket.get(key);
    if (!cell) {
      if (bucket.size >= MAX_GROUPS_PER_BUCKET) {
        this.overflowed++;
        key = OVERFLOW_KEY;
        cell = bucket.get(key);
      }
      if (!cell) {
        cell = this.make();
        bucket.set(key, cell);
      }
    }
    return cell;
  }

  prune(nowMs: number): void {
    const oldest = Math.floor((nowMs - this.retentionMs) / this.sizeMs);
    for (const index of this.cells.keys()) if (index < oldest) this.cells.delete(index);
  }
}

// The same calls at four levels of detail: in total, by (provider, model), by application, and
// by every dimension. A query reads the coarsest level that has every dimension it filters or groups by:
// a project-wide 24-hour sum reads ~26 cells instead of ~26 × the number of groups.
interface Level {
  dims: readonly CallDimension[];
  hourSketches: boolean;
  minutes: Resolution<CallCell>;
  hours: Resolution<CallCell>;
  // The last time (ms) a call of each group of this level was seen, for absence rules.
  lastSeenMs: Map<string, number>;
}

function makeLevel(dims: readonly CallDimension[], hourRetentionMs: number, hourSketches: boolean): Level {
  return {
    dims,
    hourSketches,
    minutes: new Resolution(MINUTE_MS, MINUTE_RETENTION_MS, () => new CallCell()),
    hours: new Resolution(HOUR_MS, hourRetentionMs, () => new CallCell(hourSketches)),
    lastSeenMs: new Map(),
  };
}

// What a rule asks of the rollups beyond what they keep, or beyond one evaluation's work.
export class RollupRangeError extends LookoutError {
  override name = 'RollupRangeError';
  constructor(reason: string) {
    super('invalid_request', `the rule cannot be evaluated: ${reason}`);
  }
}

// Cells read between two steps of a stepwise read (a fraction of a millisecond of work).
const STEP_CELLS = 500;

function runSteps<T>(steps: Generator<void, T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

// The cells one evaluation may read. Rules are evaluated on the event loop, so their work is
// capped whatever data a project sends (each bucket holds up to MAX_GROUPS_PER_BUCKET cells).
export class WorkBudget {
  readonly maxCells: number;
  readonly maxSeries: number;
  private left: number;

  constructor(maxCells: number, maxSeries = Number.POSITIVE_INFINITY) {
    this.maxCells = maxCells;
    this.maxSeries = maxSeries;
    this.left = maxCells;
  }

  series(count: number): void {
    if (count > this.maxSeries) {
      throw new RollupRangeError(`the rule yields more than ${this.maxSeries} series; group or filter by fewer dimensions`);
    }
  }

  get spent(): number {
    return this.maxCells - this.left;
  }

  spend(cells: number): void {
    this.left -= cells;
    if (this.left < 0) {
      throw new RollupRangeError(
        `the rule reads more than ${this.maxCells} rollup cells in one evaluation; use a shorter window or look-back, or group and filter by fewer dimensions`,
      );
    }
  }
}

// The key of a full-detail key at a coarser level: the dimensions it lacks are emptied.
function levelKey(level: Level, values: readonly string[]): string {
  return CALL_DIMENSIONS.map((d, i) => (level.dims.includes(d) ? values[i] : '')).join('\u0000');
}

class ProjectRollups {
  readonly levels: Level[] = [
    makeLevel([], HOUR_RETENTION_MS, true),
    makeLevel(['provider', 'model'], HOUR_RETENTION_MS, true),
    makeLevel(['application'], HOUR_RETENTION_MS, true),
    // Counters only in its hour cells: latency by feature or team is read from minute cells.
    makeLevel(CALL_DIMENSIONS, DETAIL_HOUR_RETENTION_MS, false),
  ];
  readonly scoreMinutes = new Resolution(MINUTE_MS, MINUTE_RETENTION_MS, () => new ScoreCell());
  readonly scoreHours = new Resolution(HOUR_MS, HOUR_RETENTION_MS, () => new ScoreCell());

  // The coarsest level with every one of `dims`.
  levelFor(dims: readonly Dimension[]): Level {
    return this.levels.find((l) => dims.every((d) => (l.dims as readonly string[]).includes(d)))!;
  }
}

export interface RangeQuery {
  fromMs: number; // inclusive
  toMs: number; // exclusive
  filter?: Partial<Record<Dimension, string | string[]>>;
  groupBy?: readonly Dimension[];
  // Distributions are merged only when asked for (they cost more than counters).
  distributions?: boolean;
  budget?: WorkBudget;
}

export interface CallGroup {
  key: string; // the group's identity within one answer (the grouped dimensions' values)
  labels: Record<string, string>;
  cell: CallCell;
}

export interface ScoreGroup {
  labels: Record<string, string>;
  cell: ScoreCell;
}

const isLlmCall = (s: SpanRecord) => s.kind === 'generation' || s.kind === 'embedding';

// What the processor chain marked on a span (domain/security.ts), as 0/1 counts.
function securityCounts(s: SpanRecord): { pii: number; injection: number } {
  if (s.metadata[SECURITY_METADATA.redaction] === undefined && s.metadata[SECURITY_METADATA.injection] === undefined) return { pii: 0, injection: 0 };
  const facts = securityFactsOf(s.metadata);
  return { pii: Object.values(facts.found).some((n) => (n ?? 0) > 0) ? 1 : 0, injection: facts.injection ? 1 : 0 };
}

export function callKeyOf(s: SpanRecord): string {
  const a = s.attribution;
  return [s.provider ?? '', effectiveModel(s) ?? '', a.feature ?? '', a.team ?? '', a.application ?? ''].join('\u0000');
}

// prompt_tokens: every input token (uncached, cache reads, cache writes).
function addTokens(c: Float64Array, u: Usage): void {
  c[COUNTER_INDEX.input_tokens] += u.input;
  c[COUNTER_INDEX.output_tokens] += u.output;
  c[COUNTER_INDEX.cache_read_tokens] += u.cacheRead;
  c[COUNTER_INDEX.cache_write_tokens] += u.cacheWrite;
  c[COUNTER_INDEX.reasoning_tokens] += u.reasoning;
  c[COUNTER_INDEX.audio_tokens] += u.audio;
  c[COUNTER_INDEX.total_tokens] += totalTokens(u);
  c[COUNTER_INDEX.prompt_tokens] += u.input + u.cacheRead + u.cacheWrite;
}

function addSecurity(cell: CallCell, marks: { pii: number; injection: number }): void {
  cell.counters[COUNTER_INDEX.pii_detections] += marks.pii;
  cell.counters[COUNTER_INDEX.injection_attempts] += marks.injection;
}

// C4: whether a call's prompt took more than 90% of its model's context window, as the analytics'
// near_context_limit (store/context-windows.ts NEAR_LIMIT_SQL): 10 × prompt > 9 × window.
export function nearContextLimit(s: SpanRecord, windowOf: ContextWindowOf): boolean {
  const model = effectiveModel(s);
  if (model === null) return false;
  const window = windowOf(s.provider, model, s.requestModel);
  if (window === null || !Number.isSafeInteger(window) || window <= 0) return false;
  const u = s.usage;
  return 10 * (u.input + u.cacheRead + u.cacheWrite) > 9 * window;
}

function addSpan(cell: CallCell, s: SpanRecord, near: boolean): void {
  const c = cell.counters;
  c[COUNTER_INDEX.requests] += 1;
  if (near) c[COUNTER_INDEX.near_context_limit] += 1;
  if (s.status === 'error') {
    c[COUNTER_INDEX.errors] += 1;
    c[COUNTER_INDEX[`errors.${s.errorClass ?? 'other'}`]] += 1;
  }
  if (s.cost.totalNanoUsd !== null) c[COUNTER_INDEX.cost] += s.cost.totalNanoUsd;
  if (s.cost.status === 'unknown_model') c[COUNTER_INDEX.unknown_cost_requests] += 1;
  if (s.metadata[QUALITY_METADATA.refusal] === 'true') c[COUNTER_INDEX.refusals] += 1;
  addTokens(c, s.usage);
  cell.latency?.add((s.endUs - s.startUs) / 1000);
  if (s.ttftMs !== null) cell.ttft?.add(s.ttftMs);
}

function addAggregate(cell: CallCell, r: CallAggregateRow): void {
  const c = cell.counters;
  c[COUNTER_INDEX.requests] += r.requests;
  c[COUNTER_INDEX.errors] += r.errors;
  for (const [cls, n] of Object.entries(r.errorsByClass)) {
    const i = COUNTER_INDEX[`errors.${cls}` as CounterMeasure];
    if (i !== undefined) c[i] += n;
  }
  c[COUNTER_INDEX.cost] += r.costNanoUsd;
  c[COUNTER_INDEX.unknown_cost_requests] += r.unknownCostRequests;
  c[COUNTER_INDEX.pii_detections] += r.piiDetections;
  c[COUNTER_INDEX.injection_attempts] += r.injectionAttempts;
  c[COUNTER_INDEX.refusals] += r.refusals;
  c[COUNTER_INDEX.near_context_limit] += r.nearContextLimit;
  addTokens(c, r.tokens);
  if (cell.latency && cell.ttft) {
    for (const [i, n] of r.latencyBuckets) cell.latency.addBucket(i, n, 0);
    cell.latency.sum += r.latencySumMs;
    for (const [i, n] of r.ttftBuckets) cell.ttft.addBucket(i, n, 0);
    cell.ttft.sum += r.ttftSumMs;
  }
}

function* withEventCell(bucket: Bucket<CallCell> | undefined, eventCell: CallCell): Generator<[string, CallCell]> {
  if (bucket) yield* bucket;
  yield [NO_DIMENSIONS_KEY, eventCell];
}

function matches(value: string, want: string | string[] | undefined): boolean {
  if (want === undefined) return true;
  return Array.isArray(want) ? want.includes(value) : value === want;
}

// A project's refused requests: counters only, one group (no dimensions). Kept apart from the
// span cells because nothing in the store holds them: refresh() replaces the span cells only.
class ProjectEvents {
  readonly minutes = new Resolution(MINUTE_MS, MINUTE_RETENTION_MS, () => new CallCell(false));
  readonly hours = new Resolution(HOUR_MS, HOUR_RETENTION_MS, () => new CallCell(false));
}

export class Rollups implements IngestObserver {
  // Replaced whole by refresh(); everything else reads it through this field at each call.
  private projects = new Map<string, ProjectRollups>();
  private readonly events = new Map<string, ProjectEvents>();
  // The judge's calls per project and hour, apart from the call cells; replaced with them.
  private evaluationCells = new EvaluationCost(HOUR_RETENTION_MS);
  private evaluationLoadedAtMs = Number.NEGATIVE_INFINITY;
  private readonly now: () => number;
  private lastPruneMinute = 0;
  // D5: retrieval and embedding drift by feature (rollups/retrieval.ts), fed and rebuilt with the rest.
  readonly retrieval: RetrievalRollups;

  // C4: each model's context window, for near_context_limit (the catalog's unless the config
  // names one); the store's start-up source uses the same.
  private readonly windowOf: ContextWindowOf;

  constructor(options: { now?: () => number; contextWindowOf?: ContextWindowOf } = {}) {
    this.now = options.now ?? Date.now;
    this.windowOf = options.contextWindowOf ?? catalogContextWindow;
    this.retrieval = new RetrievalRollups({ now: this.now });
  }

  private project(id: string, projects = this.projects): ProjectRollups {
    let p = projects.get(id);
    if (!p) {
      p = new ProjectRollups();
      projects.set(id, p);
    }
    return p;
  }

  projectIds(): string[] {
    return [...new Set([...this.projects.keys(), ...this.events.keys()])];
  }

  // A deleted project: every cell of it, refusal counters and the judge's cells included.
  forgetProject(projectId: string): void {
    this.projects.delete(projectId);
    this.events.delete(projectId);
    this.evaluationCells.forgetProject(projectId);
    this.retrieval.forgetProject(projectId);
  }

  // One refused request of a project (server/refusals.ts), at atMs. In memory only: after a
  // restart these counters start again from zero (the security event log keeps the record).
  countEvent(projectId: string, measure: EventMeasure, atMs: number): void {
    const nowMs = this.now();
    this.prune(nowMs);
    if (atMs < nowMs - HOUR_RETENTION_MS) return;
    let e = this.events.get(projectId);
    if (!e) {
      e = new ProjectEvents();
      this.events.set(projectId, e);
    }
    const i = COUNTER_INDEX[measure];
    e.hours.cell(atMs, NO_DIMENSIONS_KEY).counters[i] += 1;
    if (atMs >= nowMs - MINUTE_RETENTION_MS) e.minutes.cell(atMs, NO_DIMENSIONS_KEY).counters[i] += 1;
  }

  get overflowed(): number {
    let n = 0;
    for (const p of this.projects.values()) for (const l of p.levels) n += l.minutes.overflowed + l.hours.overflowed;
    return n;
  }

  onAccepted(spans: readonly SpanRecord[], scores: readonly ScoreRecord[]): void {
    this.retrieval.add(spans);
    const nowMs = this.now();
    this.prune(nowMs);
    const minuteFloor = nowMs - MINUTE_RETENTION_MS;
    const hourFloor = nowMs - HOUR_RETENTION_MS;
    for (const s of spans) {
      // Any span may carry what the user sent (a root span with the input): it counts for the
      // security measures, and only LLM calls for the rest.
      // The judge's calls are Lookout's spend, not the application's: counted apart.
      if (isEvaluationSpan(s)) {
        if (s.startUs / 1000 >= hourFloor) this.evaluationCells.add(s);
        continue;
      }
      const llm = isLlmCall(s);
      const marks = securityCounts(s);
      if (!llm && marks.pii === 0 && marks.injection === 0) continue;
      const atMs = s.startUs / 1000;
      if (atMs < hourFloor) continue;
      const p = this.project(s.projectId);
      const key = callKeyOf(s);
      const values = key.split('\u0000');
      const near = llm && nearContextLimit(s, this.windowOf);
      for (const level of p.levels) {
        const k = levelKey(level, values);
        if (atMs >= nowMs - level.hours.retentionMs) {
          const cell = level.hours.cell(atMs, k);
          if (llm) addSpan(cell, s, near);
          addSecurity(cell, marks);
        }
        if (atMs >= minuteFloor) {
          const cell = level.minutes.cell(atMs, k);
          if (llm) addSpan(cell, s, near);
          addSecurity(cell, marks);
        }
        if (llm && (level.lastSeenMs.get(k) ?? 0) < atMs) level.lastSeenMs.set(k, atMs);
      }
    }
    for (const s of scores) {
      if (s.numericValue === null) continue;
      const atMs = s.timestampUs / 1000;
      if (atMs < hourFloor) continue;
      const p = this.project(s.projectId);
      const key = scoreKeyOf(s);
      p.scoreHours.cell(atMs, key).values.add(s.numericValue);
      if (atMs >= minuteFloor) p.scoreMinutes.cell(atMs, key).values.add(s.numericValue);
    }
  }

  private prune(nowMs: number): void {
    const minute = Math.floor(nowMs / MINUTE_MS);
    if (minute === this.lastPruneMinute) return;
    this.lastPruneMinute = minute;
    for (const p of this.projects.values()) {
      for (const level of p.levels) {
        level.minutes.prune(nowMs);
        level.hours.prune(nowMs);
        for (const [key, lastMs] of level.lastSeenMs) if (lastMs < nowMs - level.hours.retentionMs) level.lastSeenMs.delete(key);
      }
      p.scoreMinutes.prune(nowMs);
      p.scoreHours.prune(nowMs);
    }
    for (const e of this.events.values()) {
      e.minutes.prune(nowMs);
      e.hours.prune(nowMs);
    }
    this.evaluationCells.prune(nowMs);
  }

  // LLM calls in [fromMs, toMs) by group; only groups with calls (or scores) appear.
  calls(projectId: string, q: RangeQuery): CallGroup[] {
    return runSteps(this.callSteps(projectId, q));
  }

  // The same read in steps of at most STEP_CELLS cells, so that a caller on the event loop can
  // hand it back between them (a bucket holds up to MAX_GROUPS_PER_BUCKET cells).
  *callSteps(projectId: string, q: RangeQuery): Generator<void, CallGroup[]> {
    const p = this.projects.get(projectId) ?? (this.events.has(projectId) ? new ProjectRollups() : undefined);
    if (!p) return [];
    const events = this.events.get(projectId);
    const groupBy = (q.groupBy ?? []).filter((d): d is CallDimension => (CALL_DIMENSIONS as readonly string[]).includes(d));
    const filter = q.filter ?? {};
    const used = [...groupBy, ...CALL_DIMENSIONS.filter((d) => filter[d] !== undefined)];
    const level = p.levelFor(used);
    const nowMs = this.now();
    if (q.fromMs < Math.floor((nowMs - level.hours.retentionMs) / HOUR_MS) * HOUR_MS + HOUR_MS && level.hours.retentionMs < HOUR_RETENTION_MS) {
      throw new RollupRangeError(
        `grouping or filtering by ${used.filter((d) => d !== 'provider' && d !== 'model').join(', ')} reaches back ${Math.round(DETAIL_HOUR_RETENTION_MS / HOUR_MS)} hours at most; this rule reaches ${Math.round((nowMs - q.fromMs) / HOUR_MS)} hours back`,
      );
    }
    const out = new Map<string, CallGroup>();
    const keyCache = new Map<string, { ok: boolean; groupKey: string; labels: Record<string, string> }>();
    const minuteStart = Math.floor((nowMs - MINUTE_RETENTION_MS) / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
    const pieces = piecesOf(q.fromMs, q.toMs, minuteStart);
    if (q.distributions && !level.hourSketches && pieces.some((pc) => pc.res === 'hour')) {
      throw new RollupRangeError(
        `latency and time-to-first-token by ${used.filter((d) => d !== 'provider' && d !== 'model' && d !== 'application').join(', ')} are kept per minute for ${MINUTE_RETENTION_MS / HOUR_MS} hours only; use a window shorter than ${MINUTE_RETENTION_MS / HOUR_MS}h, or group by model or application`,
      );
    }
    q.budget?.spend(pieces.length);
    let sinceStep = 0;
    for (const piece of pieces) {
      const bucket = (piece.res === 'hour' ? level.hours : level.minutes).cells.get(piece.index);
      const eventCell = events && (piece.res === 'hour' ? events.hours : events.minutes).cells.get(piece.index)?.get(NO_DIMENSIONS_KEY);
      if (!bucket && !eventCell) continue;
      const entries = eventCell ? withEventCell(bucket, eventCell) : bucket!;
      q.budget?.spend((bucket?.size ?? 0) + (eventCell ? 1 : 0));
      for (const [key, cell] of entries) {
        if (++sinceStep >= STEP_CELLS) {
          sinceStep = 0;
          yield;
        }
        let k = keyCache.get(key);
        if (!k) {
          const values = key.split('\u0000');
          let ok = true;
          const labels: Record<string, string> = {};
          CALL_DIMENSIONS.forEach((d, i) => {
            if (!matches(values[i], filter[d])) ok = false;
            if (groupBy.includes(d)) labels[d] = values[i];
          });
          k = { ok, groupKey: groupBy.map((d) => labels[d]).join('\u0000'), labels };
          keyCache.set(key, k);
        }
        if (!k.ok) continue;
        let g = out.get(k.groupKey);
        if (!g) {
          g = { key: k.groupKey, labels: k.labels, cell: new CallCell(!!q.distributions) };
          out.set(k.groupKey, g);
          q.budget?.series(out.size);
        }
        if (q.distributions || piece.fraction !== 1) g.cell.merge(cell, piece.fraction);
        else for (let i = 0; i < N_COUNTERS; i++) g.cell.counters[i] += cell.counters[i];
      }
    }
    return [...out.values()];
  }

  scores(projectId: string, q: RangeQuery): ScoreGroup[] {
    return runSteps(this.scoreSteps(projectId, q));
  }

  *scoreSteps(projectId: string, q: RangeQuery): Generator<void, ScoreGroup[]> {
    const p = this.projects.get(projectId);
    if (!p) return [];
    const groupBy = SCORE_DIMENSIONS.filter((d) => (q.groupBy ?? []).includes(d));
    const filter = q.filter ?? {};
    const out = new Map<string, ScoreGroup>();
    const keyCache = new Map<string, { ok: boolean; groupKey: string; labels: Record<string, string> }>();
    const minuteStart = Math.floor((this.now() - MINUTE_RETENTION_MS) / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
    const pieces = piecesOf(q.fromMs, q.toMs, minuteStart);
    q.budget?.spend(pieces.length);
    let sinceStep = 0;
    for (const piece of pieces) {
      const bucket = (piece.res === 'hour' ? p.scoreHours : p.scoreMinutes).cells.get(piece.index);
      if (!bucket) continue;
      q.budget?.spend(bucket.size);
      for (const [key, cell] of bucket) {
        if (++sinceStep >= STEP_CELLS) {
          sinceStep = 0;
          yield;
        }
        let k = keyCache.get(key);
        if (!k) {
          const values = key.split('\u0000');
          let ok = true;
          const labels: Record<string, string> = {};
          SCORE_DIMENSIONS.forEach((d, i) => {
            if (!matches(values[i] ?? '', filter[d])) ok = false;
            if (groupBy.includes(d)) labels[d] = values[i] ?? '';
          });
          k = { ok, groupKey: groupBy.map((d) => labels[d]).join('\u0000'), labels };
          keyCache.set(key, k);
        }
        if (!k.ok) continue;
        let g = out.get(k.groupKey);
        if (!g) {
          g = { labels: k.labels, cell: new ScoreCell() };
          out.set(k.groupKey, g);
          q.budget?.series(out.size);
        }
        // Sketch counts are not pro-rated: a score window older than the minute cells counts
        // the whole edge hour.
        g.cell.merge(cell);
      }
    }
    return [...out.values()];
  }

  // Groups (labels of `groupBy`) whose last call was at or after `sinceMs`, with that time.
  lastSeen(projectId: string, groupBy: readonly Dimension[], sinceMs: number, budget?: WorkBudget): { labels: Record<string, string>; lastMs: number }[] {
    return runSteps(this.lastSeenSteps(projectId, groupBy, sinceMs, budget));
  }

  *lastSeenSteps(projectId: string, groupBy: readonly Dimension[], sinceMs: number, budget?: WorkBudget): Generator<void, { labels: Record<string, string>; lastMs: number }[]> {
    const p = this.projects.get(projectId);
    if (!p) return [];
    const dims = groupBy.filter((d): d is CallDimension => (CALL_DIMENSIONS as readonly string[]).includes(d));
    const out = new Map<string, { labels: Record<string, string>; lastMs: number }>();
    const lastSeenMs = p.levelFor(dims).lastSeenMs;
    budget?.spend(lastSeenMs.size);
    let sinceStep = 0;
    for (const [key, lastMs] of lastSeenMs) {
      if (++sinceStep >= STEP_CELLS) {
        sinceStep = 0;
        yield;
      }
      if (lastMs < sinceMs) continue;
      const values = key.split('\u0000');
      const labels: Record<string, string> = {};
      for (const d of dims) labels[d] = values[CALL_DIMENSIONS.indexOf(d)];
      const gk = dims.map((d) => labels[d]).join('\u0000');
      const seen = out.get(gk);
      if (!seen || seen.lastMs < lastMs) out.set(gk, { labels, lastMs });
    }
    return [...out.values()];
  }

  // Start: fill the cells from the store (what earlier runs stored), before new data arrives.
  async rebuild(store: Store): Promise<{ callRows: number; scoreRows: number }> {
    const rows = await this.load(store, this.projects);
    await this.retrieval.load(store);
    this.evaluationCells = await this.loadEvaluation(store);
    return rows;
  }

  // The judge's calls of a project in [fromMs, toMs), by the hours starting in it.
  evaluationCost(projectId: string, fromMs: number, toMs: number): { calls: number; costNanoUsd: number; unknownCostCalls: number } {
    return this.evaluationCells.total(projectId, fromMs, toMs);
  }

  private async loadEvaluation(store: Store): Promise<EvaluationCost> {
    const nowMs = this.now();
    this.evaluationLoadedAtMs = nowMs;
    const projects = (await store.listProjects()).map((p) => p.id);
    return EvaluationCost.load(store, projects, Math.floor((nowMs - HOUR_RETENTION_MS) / HOUR_MS) * HOUR_MS, nowMs + HOUR_MS, HOUR_RETENTION_MS);
  }

  // On a store several nodes write to: replaces every cell with what the store holds now, so
  // the cells count every node's calls, not only those this node acknowledged. Built aside and
  // swapped in at once: a read never sees half of it. Calls this node acknowledged but has not
  // loaded yet are missing until the next refresh (they are in the store by then).
  // `onSwap` runs right after the swap, before anything else can be counted (an erasure counts
  // again there the calls the store did not hold yet: lifecycle/erasure-views.ts).
  async refresh(store: Store, onSwap?: () => void): Promise<{ callRows: number; scoreRows: number }> {
    const fresh = new Map<string, ProjectRollups>();
    const rows = await this.load(store, fresh);
    await this.retrieval.load(store);
    // One analytics read per project: the judge's cells are read again every few minutes only,
    // fed by this node's calls in between.
    const nowMs = this.now();
    const evaluation = nowMs - this.evaluationLoadedAtMs >= EVALUATION_RELOAD_MS ? await this.loadEvaluation(store) : null;
    this.projects = fresh;
    if (evaluation) this.evaluationCells = evaluation;
    onSwap?.();
    return rows;
  }

  private async load(store: Store, projects: Map<string, ProjectRollups>): Promise<{ callRows: number; scoreRows: number }> {
    const nowMs = this.now();
    const hourFrom = (retentionMs: number) => Math.floor((nowMs - retentionMs) / HOUR_MS) * HOUR_MS;
    const fromMinuteMs = Math.floor((nowMs - MINUTE_RETENTION_MS) / MINUTE_MS) * MINUTE_MS;
    const valuesOf = (r: CallAggregateRow) => [r.provider, r.model, r.feature, r.team, r.application].map((v) => v ?? '');
    // Each source row feeds the levels it has the detail for.
    const feed = (rows: CallAggregateRow[], levels: (p: ProjectRollups) => Level[]) => {
      for (const r of rows) {
        const p = this.project(r.projectId, projects);
        const values = valuesOf(r);
        for (const level of levels(p)) {
          const k = levelKey(level, values);
          addAggregate(level.hours.cell(r.bucketStartMs, k), r);
          if ((level.lastSeenMs.get(k) ?? 0) < r.lastStartMs) level.lastSeenMs.set(k, r.lastStartMs);
        }
      }
    };
    // Hours by model for 8 days (the total and model levels), hours by every dimension for a
    // day, minutes by every dimension for two hours (all three levels). One read at a time, each
    // fed in a batch at a time as the store produces it: the rows (latency histograms as
    // JavaScript objects) of a whole read, all made before any was fed, were most of what the
    // start-up allocated (about 390 MB at 1M calls), held until the heap's first full collection.
    // C4: the models' context windows, looked up once over the widest range (the hours by model)
    // and handed to every read.
    const windows = await store.contextWindows(Math.min(hourFrom(HOUR_RETENTION_MS), hourFrom(DETAIL_HOUR_RETENTION_MS), fromMinuteMs));
    const read = (detail: 'model' | 'application' | 'all', fromMs: number, bucketMs: number, visit: (rows: CallAggregateRow[]) => void) =>
      store.eachCallAggregate({ fromMs, bucketMs, detail, windows }, visit);
    let callRows = 0;
    callRows += await read('model', hourFrom(HOUR_RETENTION_MS), HOUR_MS, (rows) => feed(rows, (p) => p.levels.slice(0, 2)));
    callRows += await read('application', hourFrom(HOUR_RETENTION_MS), HOUR_MS, (rows) => feed(rows, (p) => [p.levels[2]]));
    callRows += await read('all', hourFrom(DETAIL_HOUR_RETENTION_MS), HOUR_MS, (rows) => feed(rows, (p) => [p.levels[3]]));
    callRows += await read('all', fromMinuteMs, MINUTE_MS, (rows) => {
      for (const r of rows) {
        const p = this.project(r.projectId, projects);
        const values = valuesOf(r);
        for (const level of p.levels) addAggregate(level.minutes.cell(r.bucketStartMs, levelKey(level, values)), r);
      }
    });
    const addScore = (cell: ScoreCell, r: ScoreAggregateRow) => {
      for (const [i, n] of r.buckets) cell.values.addBucket(i, n, 0);
      cell.values.sum += r.sum;
    };
    let scoreRows = 0;
    scoreRows += await store.eachScoreAggregate({ fromMs: hourFrom(HOUR_RETENTION_MS), bucketMs: HOUR_MS }, (rows) => {
      for (const r of rows) addScore(this.project(r.projectId, projects).scoreHours.cell(r.bucketStartMs, scoreKeyOf(r)), r);
    });
    scoreRows += await store.eachScoreAggregate({ fromMs: fromMinuteMs, bucketMs: MINUTE_MS }, (rows) => {
      for (const r of rows) addScore(this.project(r.projectId, projects).scoreMinutes.cell(r.bucketStartMs, scoreKeyOf(r)), r);
    });
    return { callRows, scoreRows };
  }
}

export type RollupReader = Pick<Rollups, 'calls' | 'scores' | 'callSteps' | 'scoreSteps' | 'lastSeen' | 'lastSeenSteps' | 'projectIds'>;

// One evaluation cycle's view of the rollups: rules asking the same question (the daily cost
// levels, a budget and its forecast) share one answer. Drop it after the cycle.
export class CachedRollups implements RollupReader {
  private readonly inner: RollupReader;
  private readonly memo = new Map<string, unknown>();

  constructor(inner: RollupReader) {
    this.inner = inner;
  }

  private cached<T>(key: string, compute: () => T): T {
    if (this.memo.has(key)) return this.memo.get(key) as T;
    const value = compute();
    this.memo.set(key, value);
    return value;
  }

  calls(projectId: string, q: RangeQuery): CallGroup[] {
    return runSteps(this.callSteps(projectId, q));
  }

  scores(projectId: string, q: RangeQuery): ScoreGroup[] {
    return runSteps(this.scoreSteps(projectId, q));
  }

  *callSteps(projectId: string, q: RangeQuery): Generator<void, CallGroup[]> {
    return yield* this.cachedSteps(JSON.stringify(['c', projectId, q.fromMs, q.toMs, q.filter ?? {}, q.groupBy ?? [], !!q.distributions]), () => this.inner.callSteps(projectId, q));
  }

  *scoreSteps(projectId: string, q: RangeQuery): Generator<void, ScoreGroup[]> {
    return yield* this.cachedSteps(JSON.stringify(['s', projectId, q.fromMs, q.toMs, q.filter ?? {}, q.groupBy ?? []]), () => this.inner.scoreSteps(projectId, q));
  }

  private *cachedSteps<T>(key: string, steps: () => Generator<void, T>): Generator<void, T> {
    if (this.memo.has(key)) return this.memo.get(key) as T;
    const value = yield* steps();
    this.memo.set(key, value);
    return value;
  }

  lastSeen(projectId: string, groupBy: readonly Dimension[], sinceMs: number, budget?: WorkBudget): { labels: Record<string, string>; lastMs: number }[] {
    return runSteps(this.lastSeenSteps(projectId, groupBy, sinceMs, budget));
  }

  *lastSeenSteps(projectId: string, groupBy: readonly Dimension[], sinceMs: number, budget?: WorkBudget): Generator<void, { labels: Record<string, string>; lastMs: number }[]> {
    return yield* this.cachedSteps(JSON.stringify(['l', projectId, groupBy, sinceMs]), () => this.inner.lastSeenSteps(projectId, groupBy, sinceMs, budget));
  }

  projectIds(): string[] {
    return this.inner.projectIds();
  }
}
