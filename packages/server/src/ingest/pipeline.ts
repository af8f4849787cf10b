import type { Logger } from 'pino';
import type { SpanRecord } from '../domain/span.ts';
import type { LogRecord, ScoreRecord } from '../domain/score.ts';
import type { Pricer } from '../enrich/pricing/index.ts';
import type { LookoutMetrics } from '../metrics/registry.ts';
import { LookoutError } from '../errors.ts';
import type { ItemOutcome, LoadFiles, Store, StoredFlags, WriteBatch, WriteResult } from '../store/store.ts';
import type { Journal, Segment } from './journal.ts';
import { ContentPolicy } from './content-policy.ts';
import { ProcessorChain, type Derived } from '../enrich/chain.ts';
import { PriceProcessor } from '../enrich/pricing/processor.ts';
import { ProjectGate } from './project-gate.ts';
import { storableLog, storableScore, storableSpan } from './storable.ts';

// The shared back half of every ingest path: run the processor chain (enrich/chain.ts: redact,
// price, attribute, detect, capture policy), de-duplicate, journal, acknowledge, load.
//
// Acknowledging: requests queue up and are taken together (group commit). For a group, records
// already stored or already in the journal are marked duplicates; the rest are encoded in the
// store's load format and appended to the journal as one fsynced segment. Only then are the
// requests answered, so a 2xx always means "on disk" and survives kill -9.
//
// Loading: a second loop loads every segment not loaded yet into the store in one transaction
// and then deletes the segment files. Its batches grow with the load, so the store's fixed cost
// per commit is paid once per load rather than once per request.
//
// Reading: `caughtUp()` resolves once everything acknowledged before the call is loaded, so a
// read that waits for it sees every write that was acknowledged before it (read-your-writes).
//
// Bounded: rows waiting for acknowledgement plus rows journaled but not loaded may not exceed
// maxQueueRows; past that a request is refused at once with 429 and Retry-After.

export interface PipelineOptions {
  maxQueueRows: number;
  maxWriteBatchRows: number;
  // Rows loaded into the store in one transaction at most.
  maxLoadRows?: number;
  // Keys of loaded spans remembered for duplicate checks without the store.
  maxRecentSpanKeys?: number;
}

// Sees every record once, when it is acknowledged for the first time (duplicates never reach it):
// the rollups and the budget book keep their in-memory figures with it. It must not throw.
// `seq` is the journal segment the records were written in: they are in the store once
// `loadedSeq` reaches it.
export interface IngestObserver {
  onAccepted(spans: readonly SpanRecord[], scores: readonly ScoreRecord[], seq: number): void;
  // The records the chain derived (security events) that were accepted.
  onDerived?(logs: readonly LogRecord[]): void;
}

interface Pending {
  batch: WriteBatch;
  // Records the chain made from the batch's records; each is journaled iff its parent is.
  derived: Derived[];
  derivedAccepted: LogRecord[];
  // Scores the chain's evaluators made, accepted with their parent: counted like a client's.
  derivedScores: ScoreRecord[];
  rows: number;
  seq: number; // the segment its accepted records went into
  resolve: (r: WriteResult) => void;
  reject: (e: unknown) => void;
}

interface JournaledSegment extends Segment {
  keys: string[];
  spanStarts: Map<string, number>; // span key -> start (µs), for the recently loaded keys
}

// Keys of recently loaded spans kept in memory: about half a minute of traffic at 10k spans/s.
const DEFAULT_MAX_RECENT_SPAN_KEYS = 300_000;

const QUEUE_FULL_RETRY_AFTER_S = 1;
const STORE_ERROR_RETRY_AFTER_S = 5;
const LOAD_RETRY_MS = 1_000;
const DEFAULT_MAX_LOAD_ROWS = 100_000;

function rowsOf(b: WriteBatch): number {
  return b.spans.length + b.scores.length + b.logs.length;
}

const spanKey = (s: SpanRecord) => `s\u0000${s.projectId}\u0000${s.traceId}\u0000${s.spanId}`;
const eventKey = (kind: string, r: { projectId: string; id: string }) => `${kind}\u0000${r.projectId}\u0000${r.id}`;
const parentKey = (d: Derived) => (d.parent.kind === 'span' ? spanKey(d.parent.record) : eventKey(d.parent.kind, d.parent.record));

export class IngestPipeline {
  private readonly store: Store;
  private readonly journal: Journal;
  private readonly chain: ProcessorChain;
  private readonly metrics: LookoutMetrics;
  private readonly logger: Logger;
  private readonly options: Required<PipelineOptions>;
  private readonly pending: Pending[] = [];
  private queuedRows = 0;
  private journaledRows = 0;
  // Keys of records journaled but not loaded yet: the store cannot see them, the journal can.
  private readonly journaledKeys = new Set<string>();
  // Duplicate checks without the store for recent spans. Invariant: every stored span that starts
  // after `horizonUs` has its key in journaledKeys or recentSpanKeys. At start the horizon is the
  // newest stored start; evicting a key moves the horizon up to that key's start. Spans starting
  // at or before the horizon (backfills, old retries) are looked up in the store. On a store other
  // nodes write to, the sets hold only this node's keys: a recent span another node stored and a
  // client then re-sends here is answered 'accepted' and counted on this node's /metrics, while the
  // store (which keeps one row per identity) holds it once. Asking the store on every
  // acknowledgement instead was measured: it cost more than half the ingest rate.
  private readonly recentSpanKeys = new Map<string, number>();
  private horizonUs = Number.POSITIVE_INFINITY;
  private readonly toLoad: JournaledSegment[] = [];
  private lastJournaledSeq = 0;
  private lastLoadedSeq = 0;
  private readonly waiters: { seq: number; resolve: () => void; reject: (err: Error) => void }[] = [];
  // Set while loads into the store fail (the store is down or refusing): acknowledged rows wait in
  // the journal, and reads that must see them are refused rather than kept waiting.
  private loadFailure: { sinceMs: number; message: string } | null = null;
  private acking: Promise<void> | null = null;
  private loading: Promise<void> | null = null;
  private closed = false;
  private readonly observers: IngestObserver[] = [];
  // Projects being deleted: their records are refused from the moment they are closed.
  readonly gate = new ProjectGate();

  constructor(
    // `chain`: what runs on every record before it is journaled; without one, pricing and the
    // content capture policy (`content`).
    deps: { store: Store; journal: Journal; pricer: Pricer; metrics: LookoutMetrics; logger: Logger; content?: ContentPolicy; chain?: ProcessorChain },
    options: PipelineOptions,
  ) {
    this.store = deps.store;
    this.chain = deps.chain ?? new ProcessorChain([new PriceProcessor(deps.pricer), deps.content ?? new ContentPolicy()]);
    this.journal = deps.journal;
    this.metrics = deps.metrics;
    this.logger = deps.logger;
    this.options = { maxLoadRows: DEFAULT_MAX_LOAD_ROWS, maxRecentSpanKeys: DEFAULT_MAX_RECENT_SPAN_KEYS, ...options };
  }

  observe(observer: IngestObserver): void {
    this.observers.push(observer);
  }

  get queueDepth(): number {
    return this.queuedRows + this.journaledRows;
  }

  // Loads what an earlier run journaled but may not have loaded. Call before taking requests.
  async recover(): Promise<number> {
    const torn = this.journal.recovery;
    if (torn.tornFiles.length) {
      this.logger.warn(
        { event: 'journal_torn', ...torn },
        'dropped the incomplete records of journal segments cut short by a crash (never acknowledged)',
      );
    }
    const leftovers = this.journal.takeLeftovers();
    if (!leftovers.length) {
      await this.setHorizon();
      // Logged even when empty: after a clean stop this line is how an operator (and the
      // shutdown test) tells a drained journal from a crash recovery.
      this.logger.info({ event: 'journal_recovered', segments: 0 }, 'the journal was empty: nothing to replay');
      return 0;
    }
    const files: LoadFiles = { spans: [], scores: [], logs: [] };
    for (const seg of leftovers) {
      files.spans.push(...seg.files.spans);
      files.scores.push(...seg.files.scores);
      files.logs.push(...seg.files.logs);
    }
    await this.store.load(files, null, { replay: true });
    await this.journal.remove(leftovers);
    await this.setHorizon();
    this.logger.info({ event: 'journal_recovered', segments: leftovers.length }, 'loaded journal segments left by the previous run');
    return leftovers.length;
  }

  private async setHorizon(): Promise<void> {
    this.horizonUs = (await this.store.latestSpanStartUs()) ?? Number.NEGATIVE_INFINITY;
  }

  // Runs the chain, de-duplicates and journals one batch. Resolves with per-record outcomes once the
  // accepted records are on disk.
  // `options.processed`: the records were made by the server itself, already in their final form
  // (security events); the chain does not run on them.
  async submit(batch: WriteBatch, source: string, options: { processed?: boolean } = {}): Promise<WriteResult> {
    const rows = rowsOf(batch);
    if (this.closed) {
      this.metrics.dropped.inc({ reason: 'shutting_down' }, rows);
      throw new LookoutError('shutting_down', 'the server is shutting down; retry against the new instance', { retryAfterSeconds: 1 });
    }
    if (rows === 0) return { spans: [], scores: [], logs: [] };
    if (this.gate.anyClosed) return this.submitOpen(batch, source, options);
    return this.submitAdmitted(batch, source, options);
  }

  private async submitAdmitted(batch: WriteBatch, source: string, options: { processed?: boolean }): Promise<WriteResult> {
    const rows = rowsOf(batch);
    if (this.queueDepth + rows > this.options.maxQueueRows) {
      this.metrics.dropped.inc({ reason: 'queue_full' }, rows);
      throw new LookoutError(
        'queue_full',
        `the write queue holds ${this.queueDepth} rows (limit ${this.options.maxQueueRows}); retry after ${QUEUE_FULL_RETRY_AFTER_S}s`,
        { retryAfterSeconds: QUEUE_FULL_RETRY_AFTER_S },
      );
    }
    // Derived records (security events, evaluators' scores) are journaled with the batch; the
    // caller's answer covers its own records only.
    const derived = options.processed ? [] : this.chain.run({ spans: batch.spans, scores: batch.scores, logs: batch.logs, source });
    const entry: Pending = { batch, derived, derivedAccepted: [], derivedScores: [], rows: rows + derived.length, seq: 0, resolve: () => undefined, reject: () => undefined };
    const result = await new Promise<WriteResult>((resolve, reject) => {
      entry.resolve = resolve;
      entry.reject = reject;
      this.pending.push(entry);
      this.queuedRows += entry.rows;
      this.updateDepth();
      this.kickAck();
    });
    this.count(batch, result, source, entry.seq, entry.derivedScores);
    this.derivedAccepted(entry.derivedAccepted);
    return result;
  }

  // While a project is being deleted: its records are not taken. A batch of that project alone is
  // refused; from a batch of several projects (the gateway gathers calls) the others' records go
  // on and the refused ones are answered as duplicates (not stored, nothing to retry).
  private async submitOpen(batch: WriteBatch, source: string, options: { processed?: boolean }): Promise<WriteResult> {
    const isOpen = (r: { projectId: string }) => !this.gate.isClosed(r.projectId);
    const flags = { spans: batch.spans.map(isOpen), scores: batch.scores.map(isOpen), logs: batch.logs.map(isOpen) };
    const kept: WriteBatch = { spans: batch.spans.filter((_, i) => flags.spans[i]), scores: batch.scores.filter((_, i) => flags.scores[i]), logs: batch.logs.filter((_, i) => flags.logs[i]) };
    const refused = rowsOf(batch) - rowsOf(kept);
    if (refused === 0) return this.submitAdmitted(batch, source, options);
    this.metrics.dropped.inc({ reason: 'project_deleted' }, refused);
    if (rowsOf(kept) === 0) {
      const closed = [...batch.spans, ...batch.scores, ...batch.logs][0];
      this.gate.admit(closed.projectId);
    }
    const result = await this.submitAdmitted(kept, source, options);
    const outcomes = (admitted: boolean[], got: ItemOutcome[]) => {
      let i = 0;
      return admitted.map((ok): ItemOutcome => (ok ? got[i++] : 'duplicate'));
    };
    return { spans: outcomes(flags.spans, result.spans), scores: outcomes(flags.scores, result.scores), logs: outcomes(flags.logs, result.logs) };
  }

  // Resolves when everything submitted before this call (acknowledged or still queued) is loaded:
  // a change to stored rows made after it (a content purge) is not undone by rows in flight.
  async settled(): Promise<void> {
    while (this.acking) await this.acking.catch(() => undefined);
    await this.caughtUp();
  }

  // Resolves when everything acknowledged before this call is loaded into the store.
  caughtUp(): Promise<void> {
    const target = this.lastJournaledSeq;
    if (this.lastLoadedSeq >= target) return Promise.resolve();
    if (this.loadFailure) return Promise.reject(this.unloadedError());
    return new Promise<void>((resolve, reject) => this.waiters.push({ seq: target, resolve, reject }));
  }

  // Every journal segment up to this one is in the store. While no load is in flight (see
  // withLoadsHeld) none after it is either.
  get loadedSeq(): number {
    return this.lastLoadedSeq;
  }

  // Runs `read` while no load of this node is in flight and none starts, handing it `loadedSeq`:
  // the store then holds exactly this node's segments up to it. Loads wait at most `maxHoldMs`
  // for `read`; past that they resume and `held` comes back false (the read may have seen part
  // of a load).
  async withLoadsHeld<T>(maxHoldMs: number, read: (loadedSeq: number) => Promise<T>): Promise<{ value: T; held: boolean }> {
    this.loadsHeld++;
    let held = true;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.loadsHeld--;
      this.kickLoad();
    };
    let timer: NodeJS.Timeout | undefined;
    try {
      while (this.loading) await this.loading.catch(() => undefined);
      timer = setTimeout(() => {
        held = false;
        release();
      }, maxHoldMs);
      const value = await read(this.lastLoadedSeq);
      return { value, held };
    } finally {
      clearTimeout(timer);
      release();
    }
  }

  // Whether loads into the store are failing, since when, and how many rows wait in the journal.
  get loadHealth(): { failingSinceMs: number | null; error: string | null; journaledRows: number } {
    return { failingSinceMs: this.loadFailure?.sinceMs ?? null, error: this.loadFailure?.message ?? null, journaledRows: this.journaledRows };
  }

  private unloadedError(): LookoutError {
    return new LookoutError(
      'store_unavailable',
      `the store is not taking loads (${this.loadFailure?.message ?? 'unknown error'}); ${this.journaledRows} acknowledged rows are safe in the journal and will be loaded when it returns`,
      { retryAfterSeconds: Math.ceil(LOAD_RETRY_MS / 1000) },
    );
  }

  private updateDepth(): void {
    this.metrics.queueDepth.set(this.queueDepth);
  }

  private derivedAccepted(logs: LogRecord[]): void {
    if (!logs.length) return;
    for (const o of this.observers) {
      try {
        o.onDerived?.(logs);
      } catch (err) {
        this.logger.error({ err }, 'an ingest observer failed');
      }
    }
  }

  private count(batch: WriteBatch, result: WriteResult, source: string, seq: number, derivedScores: readonly ScoreRecord[]): void {
    const spans = batch.spans.filter((_, i) => result.spans[i] === 'accepted');
    const scores = batch.scores.filter((_, i) => result.scores[i] === 'accepted');
    scores.push(...derivedScores);
    this.metrics.recordSpans(spans, Date.now());
    for (const s of scores) this.metrics.recordScore(s);
    for (const o of this.observers) {
      try {
        o.onAccepted(spans, scores, seq);
      } catch (err) {
        this.logger.error({ err }, 'an ingest observer failed');
      }
    }
    for (const [type, outcomes] of [
      ['span', result.spans],
      ['score', result.scores],
      ['log', result.logs],
    ] as const) {
      let accepted = 0;
      for (const o of outcomes) if (o === 'accepted') accepted++;
      if (accepted) this.metrics.ingestItems.inc({ source, type, outcome: 'accepted' }, accepted);
      if (outcomes.length - accepted) this.metrics.ingestItems.inc({ source, type, outcome: 'duplicate' }, outcomes.length - accepted);
    }
  }

  private kickAck(): void {
    if (this.acking) return;
    this.acking = this.ackLoop().finally(() => {
      this.acking = null;
      if (this.pending.length) this.kickAck();
    });
  }

  private async ackLoop(): Promise<void> {
    while (this.pending.length) {
      const group: Pending[] = [];
      let rows = 0;
      while (this.pending.length && (group.length === 0 || rows + this.pending[0].rows <= this.options.maxWriteBatchRows)) {
        const p = this.pending.shift()!;
        group.push(p);
        rows += p.rows;
      }
      try {
        await this.acknowledge(group);
      } catch (err) {
        this.logger.error({ err, rows }, 'journal write failed; the batch was not acknowledged');
        this.metrics.dropped.inc({ reason: 'store_error' }, rows);
        const apiError = new LookoutError('store_unavailable', `the batch could not be written to disk: ${(err as Error).message}`, {
          retryAfterSeconds: STORE_ERROR_RETRY_AFTER_S,
        });
        for (const p of group) p.reject(apiError);
      } finally {
        this.queuedRows -= rows;
        this.updateDepth();
      }
    }
  }

  private async acknowledge(group: Pending[]): Promise<void> {
    const started = performance.now();
    // Candidates: first occurrence in the group, not in the journal already.
    const seen = new Set<string>();
    const candidates: WriteBatch = { spans: [], scores: [], logs: [] };
    const candidateKeys = { spans: [] as string[], scores: [] as string[], logs: [] as string[] };
    const consider = <T>(kind: 'spans' | 'scores' | 'logs', record: T, key: string) => {
      if (seen.has(key) || this.journaledKeys.has(key)) return;
      seen.add(key);
      (candidates[kind] as T[]).push(record);
      candidateKeys[kind].push(key);
    };
    const fresh: WriteBatch = { spans: [], scores: [], logs: [] };
    const freshKeys: string[] = [];
    const spanStarts = new Map<string, number>();
    // A record the store cannot hold is answered like a duplicate (not stored, nothing to retry).
    let unstorable = 0;
    for (const p of group) {
      for (const s of p.batch.spans) {
        if (!storableSpan(s)) {
          unstorable++;
          continue;
        }
        const key = spanKey(s);
        if (s.startUs > this.horizonUs) {
          // Decided from memory: stored spans this recent are all in the two key sets.
          if (seen.has(key) || this.journaledKeys.has(key) || this.recentSpanKeys.has(key)) continue;
          seen.add(key);
          fresh.spans.push(s);
          freshKeys.push(key);
          spanStarts.set(key, s.startUs);
        } else {
          consider('spans', s, key);
        }
      }
      for (const s of p.batch.scores) {
        if (storableScore(s)) consider('scores', s, eventKey('score', s));
        else unstorable++;
      }
      for (const l of p.batch.logs) {
        if (storableLog(l)) consider('logs', l, eventKey('log', l));
        else unstorable++;
      }
    }
    if (unstorable) {
      this.metrics.dropped.inc({ reason: 'out_of_range' }, unstorable);
      this.logger.warn({ event: 'records_out_of_range', records: unstorable }, 'refused records whose times, costs or token counts the store cannot hold');
    }
    const stored = rowsOf(candidates) ? await this.lookUpStored(candidates) : { spans: [], scores: [], logs: [] };
    for (const kind of ['spans', 'scores', 'logs'] as const) {
      (candidates[kind] as unknown[]).forEach((r, i) => {
        if (stored[kind][i]) return;
        (fresh[kind] as unknown[]).push(r);
        freshKeys.push(candidateKeys[kind][i]);
        if (kind === 'spans') spanStarts.set(candidateKeys[kind][i], (r as SpanRecord).startUs);
      });
    }
    const accepted = new Set(freshKeys);
    // Derived records follow their parent: new with it, a duplicate with it, never looked up.
    for (const p of group) {
      for (const d of p.derived) {
        if (!accepted.has(parentKey(d))) continue;
        const key = d.score ? eventKey('score', d.score) : eventKey('log', d.log);
        if (d.score ? !storableScore(d.score) : !storableLog(d.log)) continue;
        if (seen.has(key) || this.journaledKeys.has(key)) continue;
        seen.add(key);
        freshKeys.push(key);
        if (d.score) {
          fresh.scores.push(d.score);
          p.derivedScores.push(d.score);
        } else {
          fresh.logs.push(d.log);
          p.derivedAccepted.push(d.log);
        }
      }
    }
    const freshRows = rowsOf(fresh);
    if (freshRows) {
      const seg = await this.journal.append(this.store.encode(fresh, Date.now() * 1000), freshRows);
      for (const k of freshKeys) this.journaledKeys.add(k);
      this.journaledRows += freshRows;
      this.lastJournaledSeq = seg.seq;
      this.toLoad.push({ ...seg, keys: freshKeys, spanStarts });
      for (const p of group) p.seq = seg.seq;
      this.kickLoad();
    }
    this.metrics.journalWriteSeconds.observe((performance.now() - started) / 1000);
    // Outcomes: a key is accepted once, for its first occurrence; every other is a duplicate.
    for (const p of group) {
      const outcome = <T>(records: T[], key: (r: T) => string): ItemOutcome[] =>
        records.map((r) => {
          const k = key(r);
          if (!accepted.has(k)) return 'duplicate';
          accepted.delete(k);
          return 'accepted';
        });
      p.resolve({
        spans: outcome(p.batch.spans, spanKey),
        scores: outcome(p.batch.scores, (s) => eventKey('score', s)),
        logs: outcome(p.batch.logs, (l) => eventKey('log', l)),
      });
    }
  }

  // Which candidates the store holds already. A store several nodes share keeps one row per
  // identity whatever is loaded twice, so while it cannot be asked (it is down) the candidates
  // are taken as new: ingest keeps being acknowledged, and a retry of a row stored before the
  // outage is counted again on this node's /metrics but stored once.
  private async lookUpStored(candidates: WriteBatch): Promise<StoredFlags> {
    try {
      return await this.store.findStored(candidates);
    } catch (err) {
      if (!this.store.sharedWriters) throw err;
      this.metrics.duplicateChecksSkipped.inc(rowsOf(candidates));
      this.logger.warn({ err, rows: rowsOf(candidates) }, 'the store could not be asked which rows it holds; taking them as new (it keeps one of each)');
      return { spans: candidates.spans.map(() => false), scores: candidates.scores.map(() => false), logs: candidates.logs.map(() => false) };
    }
  }

  // One load at a time; rows journaled meanwhile go into the next one, so under load each load
  // carries many requests' rows. (Letting rows gather longer before loading was measured: the
  // larger loads hold DuckDB's threads longer and the acknowledgement path's duplicate lookup
  // waits behind them, which cost more latency than it saved.)
  private loadPaused = false;
  // Readers that must see the store without a load of this node in flight (withLoadsHeld).
  private loadsHeld = 0;

  private kickLoad(): void {
    if (this.loading || this.loadPaused || this.loadsHeld > 0 || !this.toLoad.length) return;
    this.loading = this.loadLoop().finally(() => {
      this.loading = null;
      this.kickLoad();
    });
  }

  // One load: every segment waiting, up to maxLoadRows.
  private async loadLoop(): Promise<void> {
    if (this.toLoad.length) {
      const segments: JournaledSegment[] = [];
      let rows = 0;
      while (this.toLoad.length && (segments.length === 0 || rows + this.toLoad[0].rows <= this.options.maxLoadRows)) {
        const seg = this.toLoad.shift()!;
        segments.push(seg);
        rows += seg.rows;
      }
      const files: LoadFiles = { spans: [], scores: [], logs: [] };
      let window: [number, number] | null = null;
      for (const seg of segments) {
        files.spans.push(...seg.files.spans);
        files.scores.push(...seg.files.scores);
        files.logs.push(...seg.files.logs);
        if (seg.spanWindowUs) window = window ? [Math.min(window[0], seg.spanWindowUs[0]), Math.max(window[1], seg.spanWindowUs[1])] : seg.spanWindowUs;
      }
      const started = performance.now();
      try {
        await this.store.load(files, window);
      } catch (err) {
        // The rows are safe in the journal: put the segments back and try again shortly.
        this.logger.error({ err, rows, segments: segments.length }, 'loading the journal into the store failed; retrying');
        this.toLoad.unshift(...segments);
        this.loadFailure = { sinceMs: this.loadFailure?.sinceMs ?? Date.now(), message: err instanceof Error ? err.message : String(err) };
        for (const w of this.waiters.splice(0)) w.reject(this.unloadedError());
        this.loadPaused = true;
        setTimeout(() => {
          this.loadPaused = false;
          this.kickLoad();
        }, LOAD_RETRY_MS).unref();
        return;
      }
      if (this.loadFailure) this.logger.info({ event: 'store_loads_resumed', failedForMs: Date.now() - this.loadFailure.sinceMs }, 'loads into the store resumed');
      this.loadFailure = null;
      this.metrics.storeWriteSeconds.observe((performance.now() - started) / 1000);
      this.metrics.storeWriteRows.observe(rows);
      await this.journal.remove(segments);
      for (const seg of segments) {
        for (const k of seg.keys) this.journaledKeys.delete(k);
        for (const [k, startUs] of seg.spanStarts) this.recentSpanKeys.set(k, startUs);
      }
      this.evictRecentKeys();
      this.journaledRows -= rows;
      this.lastLoadedSeq = segments[segments.length - 1].seq;
      this.updateDepth();
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        if (this.waiters[i].seq <= this.lastLoadedSeq) this.waiters.splice(i, 1)[0].resolve();
      }
    }
  }

  // A deleted project's records are gone from the store: the keys remembered for duplicate checks
  // go too, or a new project with its id would have its first spans taken for duplicates; so does
  // what the chain remembers of its traces.
  forgetProject(projectId: string): void {
    const prefix = `s\u0000${projectId}\u0000`;
    for (const k of this.recentSpanKeys.keys()) if (k.startsWith(prefix)) this.recentSpanKeys.delete(k);
    this.chain.forgetProject(projectId);
  }

  private evictRecentKeys(): void {
    let excess = this.recentSpanKeys.size - this.options.maxRecentSpanKeys;
    if (excess <= 0) return;
    for (const [k, startUs] of this.recentSpanKeys) {
      if (excess-- <= 0) break;
      this.recentSpanKeys.delete(k);
      if (startUs > this.horizonUs) this.horizonUs = startUs;
    }
  }

  // Stops taking new batches, acknowledges what is queued, and loads everything journaled. If
  // the store keeps refusing the load, gives up after `loadDeadlineMs`: the rows stay in the
  // journal and are loaded at the next start.
  async drain(loadDeadlineMs = 30_000): Promise<void> {
    this.closed = true;
    while (this.acking || this.pending.length) {
      if (this.acking) await this.acking;
      else this.kickAck();
    }
    const deadline = Date.now() + loadDeadlineMs;
    while ((this.loading || this.toLoad.length) && Date.now() < deadline) {
      if (this.loading) await this.loading;
      else if (this.loadPaused || this.loadsHeld > 0) await new Promise((r) => setTimeout(r, LOAD_RETRY_MS / 10));
      else this.kickLoad();
    }
    if (this.toLoad.length) this.logger.warn({ event: 'journal_left', segments: this.toLoad.length }, 'journal segments left for the next start');
  }
}
