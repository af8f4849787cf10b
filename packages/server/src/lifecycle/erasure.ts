import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { LookoutError } from '../errors.ts';
import type { StateDocument } from '../state/document.ts';
import { projectId as toProjectId, type ErasureCounts, type ErasureTarget, type Store } from '../store/store.ts';
import type { LifecycleLock } from './lock.ts';

// I4: erasure jobs. A job is written to the `erasures` document before anything is deleted, with
// the identifier it erases, so that a server killed mid-erasure finds it at the next start and
// runs it again (every step is idempotent). Once it ends, the identifier is dropped from the
// record and only a keyed hash of it stays: the document is then the audit log, which proves that
// an erasure was made (who asked, when, from where, what kind, how much was deleted) without
// keeping what it erased.
//
// Steps, one job at a time through the lifecycle lock:
//   1. wait until every record submitted before the job is loaded into the store (a record still
//      in the journal would otherwise be loaded after the delete and bring the data back);
//   2. the store deletes the records (store/erasure.ts);
//   3. what holds records or figures made from them outside the store is brought into agreement
//      with it (erasure-views.ts: the Parquet archive, the alerting rollups, the budgets' spend,
//      the judge's queue, the gateway's response cache);
//   4. the job is marked done.

export type ErasureStatus = 'running' | 'done' | 'failed';

export interface ErasureJob {
  id: string;
  project: string;
  target: { kind: ErasureTarget['kind']; idHash: string | null };
  // The API key id that asked, or 'operator' (a keyless request to a loopback-bound server).
  requestedBy: string;
  requestedFrom: string | null;
  requestedAt: string;
  status: ErasureStatus;
  counts: ErasureCounts | null;
  finishedAt: string | null;
  error: string | null;
  // The database file keeps the erased rows in free blocks until the server stops and rewrites it.
  compactsOnStop: boolean;
}

// While a job runs, its record also holds the identifier (needed to run it again after a crash).
interface StoredJob extends ErasureJob {
  targetId?: string;
}

export interface ErasuresDocument {
  version: 1;
  jobs: StoredJob[];
}

// Something held outside the store that must forget what an erasure removed.
export interface ErasureView {
  name: string;
  afterErasure(project: string, target: ErasureTarget): Promise<void>;
}

export interface ErasureDeps {
  store: Store;
  document: StateDocument<ErasuresDocument>;
  lock: LifecycleLock;
  // Resolves once everything submitted before the call is loaded (IngestPipeline.settled).
  settled: () => Promise<void>;
  // The project-keyed hash the audit log keeps instead of the identifier.
  hash: (project: string, text: string) => string;
  views: ErasureView[];
  logger: Logger;
  now?: () => number;
  // Rows the store deletes per transaction.
  chunkRows?: number;
  // Finished jobs kept in the audit log, newest first; older ones leave it.
  maxFinishedJobs?: number;
}

const DEFAULT_CHUNK_ROWS = 10_000;
const DEFAULT_MAX_FINISHED_JOBS = 10_000;
// The document is the same size whatever the target: an error message is cut to this.
const MAX_ERROR_CHARS = 500;
// Jobs of this run that waitFor() still answers for; the oldest are forgotten past it.
const MAX_WAITABLE_JOBS = 1_000;
// Erasures of one project waiting or running at once: each reads the whole spans table, so a key
// that asks for many queues that much work; past this it is told to wait for them.
export const MAX_RUNNING_JOBS_PER_PROJECT = 100;

export function erasureIdHash(hash: ErasureDeps['hash'], project: string, target: ErasureTarget): string | null {
  return target.kind === 'project' ? null : hash(project, `erasure\u0000${target.kind}\u0000${target.id}`);
}

function publicJob(j: StoredJob): ErasureJob {
  const { targetId: _targetId, ...job } = j;
  return job;
}

export class ErasureJobs {
  private readonly deps: ErasureDeps;
  private readonly now: () => number;
  // Writes of the document, one after the other, each on the one before it.
  private writing: Promise<unknown> = Promise.resolve();
  private readonly finished = new Map<string, Promise<ErasureJob>>();
  private stopping = false;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(deps: ErasureDeps) {
    this.deps = deps;
    this.now = deps.now ?? Date.now;
  }

  get available(): boolean {
    return this.deps.store.erasure !== undefined;
  }

  // The keyed hash an erasure of `target` records instead of its id: what the audit log keeps
  // wherever an end-user id would appear (a tier assignment), so the two can be matched.
  idHash(project: string, target: Exclude<ErasureTarget, { kind: 'project' }>): string {
    return erasureIdHash(this.deps.hash, project, target) as string;
  }

  // Records the job (with the identifier, until it ends) and runs it after the jobs ahead of it.
  async start(project: string, target: ErasureTarget, requestedBy: string, requestedFrom: string | null = null): Promise<ErasureJob> {
    if (!this.available) throw new LookoutError('conflict', `the ${this.deps.store.backend} store cannot erase records`);
    if (this.stopping) throw new LookoutError('shutting_down', 'the server is stopping; ask again once it is back');
    const idHash = erasureIdHash(this.deps.hash, project, target);
    const running = (await this.read()).filter((j) => j.project === project && j.status === 'running');
    // Asked again while it runs: the same job, not a second pass over the same rows.
    const same = running.find((j) => j.target.kind === target.kind && j.target.idHash === idHash);
    if (same) return publicJob(same);
    if (running.length >= MAX_RUNNING_JOBS_PER_PROJECT) {
      throw new LookoutError('conflict', `${running.length} erasures of this project are already waiting or running; ask again once some are done (GET /api/v1/erasure)`);
    }
    const job: StoredJob = {
      id: randomUUID(),
      project,
      target: { kind: target.kind, idHash },
      requestedBy,
      requestedFrom,
      requestedAt: new Date(this.now()).toISOString(),
      status: 'running',
      counts: null,
      finishedAt: null,
      error: null,
      compactsOnStop: false,
      ...(target.kind === 'project' ? {} : { targetId: target.id }),
    };
    await this.update((jobs) => [job, ...jobs]);
    this.deps.logger.info({ event: 'erasure_started', erasureId: job.id, projectId: project, kind: target.kind, requestedBy }, 'erasure started');
    this.schedule(job.id, project, target);
    return publicJob(job);
  }

  async get(project: string, id: string): Promise<ErasureJob | null> {
    const j = (await this.read()).find((x) => x.id === id);
    return j && j.project === project ? publicJob(j) : null;
  }

  // The project's erasures, newest first: the audit log.
  async list(project: string): Promise<ErasureJob[]> {
    return (await this.read()).filter((j) => j.project === project).map(publicJob);
  }

  // At start: runs again every job a stopped or killed server left running.
  async resumePending(): Promise<number> {
    const pending = (await this.read()).filter((j) => j.status === 'running');
    for (const j of pending) {
      const target = j.target.kind === 'project' ? ({ kind: 'project' } as const) : j.targetId === undefined ? null : { kind: j.target.kind, id: j.targetId };
      if (target === null) {
        await this.finish(j.id, { status: 'failed', error: 'the record of this erasure lost its identifier; ask for it again' });
        continue;
      }
      this.deps.logger.info({ event: 'erasure_resumed', erasureId: j.id, projectId: j.project, kind: j.target.kind }, 'resuming an erasure the last run left unfinished');
      this.schedule(j.id, j.project, target);
    }
    return pending.length;
  }

  // The job once it has ended (done or failed); null when this server does not run it (or ran it
  // more than MAX_WAITABLE_JOBS jobs ago).
  waitFor(id: string): Promise<ErasureJob> | null {
    return this.finished.get(id) ?? null;
  }

  // Takes no new job and waits for the one running (the rest resume at the next start).
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.inFlight]);
  }

  private schedule(id: string, project: string, target: ErasureTarget): void {
    const run = this.deps.lock.run(async () => {
      if (this.stopping) return null;
      return this.run(id, project, target);
    });
    const tracked = run.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
    this.finished.set(
      id,
      tracked.then(async () => {
        const job = (await this.read()).find((j) => j.id === id);
        return publicJob(job!);
      }),
    );
    // Failures are recorded in the job; nothing waits on this promise but waitFor.
    this.finished.get(id)!.catch(() => undefined);
    if (this.finished.size > MAX_WAITABLE_JOBS) this.finished.delete(this.finished.keys().next().value!);
  }

  private async run(id: string, project: string, target: ErasureTarget): Promise<void> {
    const started = performance.now();
    try {
      await this.deps.settled();
      const result = await this.deps.store.erasure!.eraseRecords(toProjectId(project), target, { chunkRows: this.deps.chunkRows ?? DEFAULT_CHUNK_ROWS });
      for (const view of this.deps.views) {
        try {
          await view.afterErasure(project, target);
        } catch (err) {
          throw new Error(`the records are erased from the store, but ${view.name} could not forget them: ${(err as Error).message}`, { cause: err });
        }
      }
      await this.finish(id, { status: 'done', counts: result.counts, compactsOnStop: result.compactsOnStop });
      this.deps.logger.info(
        { event: 'erasure_done', erasureId: id, projectId: project, kind: target.kind, ...result.counts, ms: Math.round(performance.now() - started) },
        'erasure done',
      );
    } catch (err) {
      this.deps.logger.error({ err, event: 'erasure_failed', erasureId: id, projectId: project, kind: target.kind }, 'erasure failed');
      await this.finish(id, { status: 'failed', error: String((err as Error).message ?? err).slice(0, MAX_ERROR_CHARS) });
    }
  }

  // Ends a job: its identifier leaves the record.
  private finish(id: string, outcome: Partial<Pick<ErasureJob, 'status' | 'counts' | 'compactsOnStop' | 'error'>>): Promise<void> {
    const finishedAt = new Date(this.now()).toISOString();
    return this.update((jobs) => jobs.map((j) => (j.id === id ? { ...publicJob(j), ...outcome, finishedAt } : j)));
  }

  private async read(): Promise<StoredJob[]> {
    await this.writing.catch(() => undefined);
    const doc = await this.deps.document.read({ version: 1, jobs: [] });
    return Array.isArray(doc.jobs) ? doc.jobs : [];
  }

  // Read, change and write the document, one change at a time.
  private update(change: (jobs: StoredJob[]) => StoredJob[]): Promise<void> {
    const next = this.writing.then(async () => {
      const doc = await this.deps.document.read({ version: 1, jobs: [] });
      const jobs = change(Array.isArray(doc.jobs) ? doc.jobs : []);
      const max = this.deps.maxFinishedJobs ?? DEFAULT_MAX_FINISHED_JOBS;
      let finished = 0;
      const kept = jobs.filter((j) => j.status === 'running' || ++finished <= max);
      await this.deps.document.write({ version: 1, jobs: kept });
    });
    this.writing = next.catch(() => undefined);
    return next;
  }
}
