import type { StateDocument } from '../../state/document.ts';

// The traces waiting to be judged: bounded, de-duplicated by (project, evaluator, trace), and
// written whole to a state document after every change (coalesced: one write in flight, the next
// carries every change made meanwhile), so what was sampled but not judged survives a restart.
// A job leaves the document only once its score or failure is acknowledged by the pipeline; a
// crash between the two leaves it to be judged again, and the store keeps one score (same id).

export interface JudgeJob {
  projectId: string;
  evaluatorId: string;
  traceId: string;
  dueMs: number; // not before
  attempts: number; // failed calls so far (429, 5xx, timeouts)
  sampledMs: number;
  // The journal segment of the call that got the trace sampled: the trace is read once the store
  // has loaded it. Meaningless in another run (its journal is loaded before the judge starts): 0.
  seq?: number;
}

export interface JudgeQueueDocument {
  version: 1;
  jobs: JudgeJob[];
}

export type OfferOutcome = 'queued' | 'duplicate' | 'full';

// Keys of jobs finished in this run, so that later spans of a judged trace do not queue it again.
const DEFAULT_MAX_DONE_KEYS = 100_000;

export const jobKey = (j: Pick<JudgeJob, 'projectId' | 'evaluatorId' | 'traceId'>) => `${j.projectId}\u0000${j.evaluatorId}\u0000${j.traceId}`;

export class JudgeQueue {
  private readonly document: StateDocument<JudgeQueueDocument>;
  private readonly maxJobs: number;
  private readonly maxDone: number;
  private readonly jobs = new Map<string, JudgeJob>();
  private readonly running = new Set<string>();
  private readonly done = new Set<string>();
  private writing: Promise<void> | null = null;
  private dirty = false;
  private onWriteError: (err: unknown) => void = () => undefined;

  private constructor(document: StateDocument<JudgeQueueDocument>, maxJobs: number, maxDone: number) {
    this.document = document;
    this.maxJobs = maxJobs;
    this.maxDone = maxDone;
  }

  static async open(document: StateDocument<JudgeQueueDocument>, options: { maxJobs: number; maxDoneKeys?: number; onWriteError?: (err: unknown) => void }): Promise<JudgeQueue> {
    const q = new JudgeQueue(document, options.maxJobs, options.maxDoneKeys ?? DEFAULT_MAX_DONE_KEYS);
    if (options.onWriteError) q.onWriteError = options.onWriteError;
    const doc = await document.read({ version: 1, jobs: [] });
    // Jobs left by the last run are all kept, even past a smaller bound: they were promised.
    for (const j of Array.isArray(doc.jobs) ? doc.jobs : []) {
      if (typeof j?.projectId === 'string' && typeof j.evaluatorId === 'string' && typeof j.traceId === 'string') {
        q.jobs.set(jobKey(j), { projectId: j.projectId, evaluatorId: j.evaluatorId, traceId: j.traceId, dueMs: Number(j.dueMs) || 0, attempts: Number(j.attempts) || 0, sampledMs: Number(j.sampledMs) || 0 });
      }
    }
    return q;
  }

  get depth(): number {
    return this.jobs.size;
  }

  offer(job: JudgeJob): OfferOutcome {
    const key = jobKey(job);
    if (this.jobs.has(key) || this.done.has(key)) return 'duplicate';
    if (this.jobs.size >= this.maxJobs) return 'full';
    this.jobs.set(key, job);
    this.persist();
    return 'queued';
  }

  // Up to `n` jobs due by `nowMs`, earliest first, marked as running until finish() or later().
  takeDue(nowMs: number, n: number): JudgeJob[] {
    if (n <= 0) return [];
    const due: JudgeJob[] = [];
    for (const [key, j] of this.jobs) if (j.dueMs <= nowMs && !this.running.has(key)) due.push(j);
    due.sort((a, b) => a.dueMs - b.dueMs);
    const out = due.slice(0, n);
    for (const j of out) this.running.add(jobKey(j));
    return out;
  }

  // When the next job not running is due (null: none waits).
  nextDueMs(): number | null {
    let next: number | null = null;
    for (const [key, j] of this.jobs) if (!this.running.has(key) && (next === null || j.dueMs < next)) next = j.dueMs;
    return next;
  }

  get inFlight(): number {
    return this.running.size;
  }

  // The job is judged (or given up): it leaves the queue and is not taken again in this run.
  finish(job: JudgeJob): void {
    const key = jobKey(job);
    this.running.delete(key);
    this.jobs.delete(key);
    this.done.add(key);
    if (this.done.size > this.maxDone) this.done.delete(this.done.values().next().value!);
    this.persist();
  }

  // The job is tried again at `dueMs`, having failed once more.
  later(job: JudgeJob, dueMs: number): void {
    const key = jobKey(job);
    this.running.delete(key);
    const j = this.jobs.get(key);
    if (!j) return;
    j.dueMs = dueMs;
    j.attempts += 1;
    this.persist();
  }

  // The traces of a project waiting to be judged.
  tracesOf(projectId: string): string[] {
    const out = new Set<string>();
    for (const j of this.jobs.values()) if (j.projectId === projectId) out.add(j.traceId);
    return [...out];
  }

  // I4: the jobs of erased traces leave the queue and are not queued again in this run; a job
  // being judged now records nothing when its call returns (holds()). Returns how many left.
  removeTraces(projectId: string, traceIds: ReadonlySet<string>): number {
    let n = 0;
    for (const [key, j] of this.jobs) {
      if (j.projectId !== projectId || !traceIds.has(j.traceId)) continue;
      this.jobs.delete(key);
      this.done.add(key);
      n++;
    }
    if (this.done.size > this.maxDone) for (const key of [...this.done].slice(0, this.done.size - this.maxDone)) this.done.delete(key);
    if (n) this.persist();
    return n;
  }

  // A deleted project: its jobs go, running ones too (their outcome is not recorded: holds()).
  forgetProject(projectId: string): void {
    const prefix = `${projectId}\u0000`;
    let changed = false;
    for (const key of this.jobs.keys()) {
      if (!key.startsWith(prefix)) continue;
      this.jobs.delete(key);
      this.running.delete(key);
      changed = true;
    }
    for (const key of this.done) if (key.startsWith(prefix)) this.done.delete(key);
    if (changed) this.persist();
  }

  // Whether the job is still queued (not forgotten with its project).
  holds(job: JudgeJob): boolean {
    return this.jobs.has(jobKey(job));
  }

  // Resolves once every change so far is written.
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private persist(): void {
    this.dirty = true;
    if (this.writing) return;
    this.writing = (async () => {
      while (this.dirty) {
        this.dirty = false;
        try {
          await this.document.write({ version: 1, jobs: [...this.jobs.values()].map(({ seq: _seq, ...j }) => j) });
        } catch (err) {
          this.onWriteError(err);
        }
      }
    })().finally(() => {
      this.writing = null;
    });
  }
}
