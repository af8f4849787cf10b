import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ConflictError, LookoutError, NotFoundError } from '../errors.ts';
import type { ProjectGate } from '../ingest/project-gate.ts';
import type { StateDocument } from '../state/document.ts';
import { DEFAULT_PROJECT, projectId as toProjectId, type ErasureCounts, type Store } from '../store/store.ts';
import type { ErasureJobs } from './erasure.ts';
import type { LifecycleLock } from './lock.ts';
import type { ProjectStateHolder } from './project-state.ts';

// I4: deleting a project. A deletion is written to the `project-deletions` document before
// anything is removed, so a server stopped or killed part way runs it again at the next start
// (every step is idempotent); the document then stays as the record of who deleted what, when.
//
// Steps:
//   1. the project takes no more records (ProjectGate: the pipeline refuses them from now on,
//      metric point writes under way are waited for);
//   2. its keys and its row leave the control plane, and the key cache forgets them: its keys are
//      refused from here on, on every path (HTTP, OTLP/gRPC, the gateway);
//   3. its records are erased: an erasure job of kind `project` (lifecycle/erasure.ts), which
//      first waits until everything submitted before it is loaded, so nothing in flight comes back;
//   4. everything else held for it forgets it (project-state.ts): budgets, alert rules, silences
//      and alerts, evaluators, privacy and retention settings, automated responses, the judge's
//      queue, in-memory figures and duplicate-check keys;
//   5. the project may take data again: a new project with this id starts empty.

export type ProjectDeletionStatus = 'running' | 'done' | 'failed';

export interface ProjectDeletion {
  id: string;
  project: string;
  // The API key id that asked, or 'operator' (a keyless request to a loopback-bound server).
  requestedBy: string;
  requestedAt: string;
  status: ProjectDeletionStatus;
  // The erasure job that removed its records.
  erasureId: string | null;
  counts: ErasureCounts | null;
  finishedAt: string | null;
  error: string | null;
  // The database file keeps the erased rows in free blocks until the server stops and rewrites it.
  compactsOnStop: boolean;
}

export interface ProjectDeletionsDocument {
  version: 1;
  deletions: ProjectDeletion[];
}

export interface ProjectDeletionDeps {
  store: Pick<Store, 'backend' | 'listProjects' | 'deleteProject' | 'erasure'>;
  document: StateDocument<ProjectDeletionsDocument>;
  lock: LifecycleLock;
  gate: Pick<ProjectGate, 'close' | 'open'>;
  // Resolves once everything submitted before the call is loaded (IngestPipeline.settled).
  settled: () => Promise<void>;
  // The erasure jobs, when the server runs them; else the store erases directly.
  erasures: Pick<ErasureJobs, 'available' | 'start' | 'get' | 'waitFor'> | null;
  // Forgets the project's resolved keys (server/auth.ts KeyCache), set once the app is assembled.
  forgetKeys?: (project: string) => void;
  holders: readonly ProjectStateHolder[];
  logger: Logger;
  now?: () => number;
  chunkRows?: number;
  maxFinished?: number;
}

const DEFAULT_CHUNK_ROWS = 10_000;
const DEFAULT_MAX_FINISHED = 1_000;
const MAX_ERROR_CHARS = 500;

export class ProjectDeletions {
  private readonly deps: ProjectDeletionDeps;
  private readonly now: () => number;
  private writing: Promise<unknown> = Promise.resolve();
  // Deletions under way on this server: project -> deletion id, and id -> its end.
  private readonly running = new Map<string, string>();
  private readonly ends = new Map<string, Promise<ProjectDeletion>>();
  private stopping = false;

  constructor(deps: ProjectDeletionDeps) {
    this.deps = deps;
    this.now = deps.now ?? Date.now;
  }

  set forgetKeys(forget: (project: string) => void) {
    this.deps.forgetKeys = forget;
  }

  // Starts deleting the project; a deletion of it already under way is answered instead.
  async start(project: string, requestedBy: string): Promise<ProjectDeletion> {
    if (project === DEFAULT_PROJECT) {
      throw new ConflictError(`the '${DEFAULT_PROJECT}' project cannot be deleted: it is the instance's own (its admin keys are the operator's); erase its data instead`);
    }
    if (this.stopping) throw new LookoutError('shutting_down', 'the server is stopping; ask again once it is back');
    const under = async () => (await this.read()).find((d) => d.project === project && d.status === 'running') ?? null;
    const already = this.running.has(project) ? await under() : null;
    if (already) return already;
    // A deletion that failed part way may have removed the project's row already: asked again, it
    // runs again.
    const exists = (await this.deps.store.listProjects()).some((p) => p.id === project);
    if (!exists && (await this.read()).find((d) => d.project === project)?.status !== 'failed') throw new NotFoundError(`no project ${project}`);
    if (!this.deps.erasures?.available && this.deps.store.erasure === undefined) {
      throw new ConflictError(`the ${this.deps.store.backend} store cannot erase records, so it cannot delete a project`);
    }
    // Two requests at once: the second is answered with the first one's deletion.
    if (this.running.has(project)) {
      const first = await under();
      if (first) return first;
    }
    const deletion: ProjectDeletion = {
      id: randomUUID(),
      project,
      requestedBy,
      requestedAt: new Date(this.now()).toISOString(),
      status: 'running',
      erasureId: null,
      counts: null,
      finishedAt: null,
      error: null,
      compactsOnStop: false,
    };
    this.running.set(project, deletion.id);
    try {
      await this.update((all) => [deletion, ...all]);
    } catch (err) {
      this.running.delete(project);
      throw err;
    }
    this.deps.logger.info({ event: 'project_deletion_started', deletionId: deletion.id, projectId: project, requestedBy }, 'project deletion started');
    this.schedule(deletion);
    return deletion;
  }

  async get(id: string): Promise<ProjectDeletion | null> {
    return (await this.read()).find((d) => d.id === id) ?? null;
  }

  // Newest first.
  async list(): Promise<ProjectDeletion[]> {
    return this.read();
  }

  // Whether a deletion of the project is under way on this server.
  deleting(project: string): boolean {
    return this.running.has(project);
  }

  // The deletion once it has ended; null when this server is not running it.
  waitFor(id: string): Promise<ProjectDeletion> | null {
    return this.ends.get(id) ?? null;
  }

  // At start, after the erasure jobs resumed theirs: runs again what the last run left running.
  async resumePending(): Promise<number> {
    const pending = (await this.read()).filter((d) => d.status === 'running');
    for (const d of pending) {
      this.deps.logger.info({ event: 'project_deletion_resumed', deletionId: d.id, projectId: d.project }, 'resuming a project deletion the last run left unfinished');
      this.schedule(d);
    }
    return pending.length;
  }

  // Takes no new deletion and waits for those under way (the rest resume at the next start).
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.ends.values()]);
  }

  private schedule(d: ProjectDeletion): void {
    this.running.set(d.project, d.id);
    const end = this.run(d).finally(() => {
      this.running.delete(d.project);
      this.ends.delete(d.id);
    });
    this.ends.set(d.id, end);
  }

  private async run(d: ProjectDeletion): Promise<ProjectDeletion> {
    const started = performance.now();
    const project = d.project;
    try {
      await this.deps.gate.close(project);
      await this.deps.store.deleteProject(toProjectId(project));
      this.deps.forgetKeys?.(project);
      const erased = await this.erase(d);
      for (const holder of this.deps.holders) {
        try {
          await holder.forgetProject(project);
        } catch (err) {
          throw new Error(`the project's records are erased, but ${holder.name} could not forget it: ${(err as Error).message}`, { cause: err });
        }
      }
      await this.finish(d.id, { status: 'done', counts: erased.counts, compactsOnStop: erased.compactsOnStop });
      this.deps.logger.info({ event: 'project_deleted', deletionId: d.id, projectId: project, ...erased.counts, ms: Math.round(performance.now() - started) }, 'project deleted');
    } catch (err) {
      this.deps.logger.error({ err, event: 'project_deletion_failed', deletionId: d.id, projectId: project }, 'project deletion failed');
      await this.finish(d.id, { status: 'failed', error: String((err as Error).message ?? err).slice(0, MAX_ERROR_CHARS) });
    } finally {
      // Failed or done, the id is free: a failed deletion is asked for again, and its keys are gone.
      this.deps.gate.open(project);
    }
    return (await this.get(d.id))!;
  }

  private async erase(d: ProjectDeletion): Promise<{ counts: ErasureCounts | null; compactsOnStop: boolean }> {
    const jobs = this.deps.erasures;
    if (jobs?.available) {
      let job = d.erasureId === null ? null : await jobs.get(d.project, d.erasureId);
      if (job === null || job.status === 'failed' || (job.status === 'running' && jobs.waitFor(job.id) === null)) {
        job = await jobs.start(d.project, { kind: 'project' }, d.requestedBy);
        const erasureId = job.id;
        await this.update((all) => all.map((x) => (x.id === d.id ? { ...x, erasureId } : x)));
      }
      if (job.status === 'running') job = await jobs.waitFor(job.id)!;
      if (job.status !== 'done') throw new Error(`erasing the project's records failed: ${job.error ?? 'unknown error'}`);
      return { counts: job.counts, compactsOnStop: job.compactsOnStop };
    }
    const erasure = this.deps.store.erasure;
    if (erasure === undefined) throw new Error(`the ${this.deps.store.backend} store cannot erase records`);
    // Without the erasure jobs: the same steps here, in turn with erasures and retention runs.
    return this.deps.lock.run(async () => {
      await this.deps.settled();
      return erasure.eraseRecords(toProjectId(d.project), { kind: 'project' }, { chunkRows: this.deps.chunkRows ?? DEFAULT_CHUNK_ROWS });
    });
  }

  private finish(id: string, outcome: Partial<Pick<ProjectDeletion, 'status' | 'counts' | 'compactsOnStop' | 'error'>>): Promise<void> {
    const finishedAt = new Date(this.now()).toISOString();
    return this.update((all) => all.map((d) => (d.id === id ? { ...d, ...outcome, finishedAt } : d)));
  }

  private async read(): Promise<ProjectDeletion[]> {
    await this.writing.catch(() => undefined);
    const doc = await this.deps.document.read({ version: 1, deletions: [] });
    return Array.isArray(doc.deletions) ? doc.deletions : [];
  }

  // Read, change and write the document, one change at a time.
  private update(change: (all: ProjectDeletion[]) => ProjectDeletion[]): Promise<void> {
    const next = this.writing.then(async () => {
      const doc = await this.deps.document.read({ version: 1, deletions: [] });
      const all = change(Array.isArray(doc.deletions) ? doc.deletions : []);
      const max = this.deps.maxFinished ?? DEFAULT_MAX_FINISHED;
      let finished = 0;
      await this.deps.document.write({ version: 1, deletions: all.filter((d) => d.status === 'running' || ++finished <= max) });
    });
    this.writing = next.catch(() => undefined);
    return next;
  }
}
