// Work that may wait, run a little at a time: each turn of the event loop runs queued jobs in
// order for about `budgetMs`, then lets the loop go on (to forward the chunks of calls in flight)
// before the next. A burst of calls ending together is thus read and recorded over several turns
// instead of holding the loop for all of them at once. A job given a deadline may stop there and
// say it has more to do: it is run again, before the jobs behind it, on a later turn. The queue is
// bounded: past `maxJobs`, `tryPush` refuses.

// `untilMs` (performance.now()): when the turn is over. True: not done, run it again.
export type TurnJob = (untilMs: number) => unknown;

export class TurnQueue {
  private jobs: TurnJob[] = [];
  private next = 0;
  private scheduled = false;
  private readonly budgetMs: number;
  private readonly onError: (err: unknown) => void;
  private readonly maxJobs: number;

  // `onError`: a job that throws is reported there; the jobs after it still run.
  constructor(budgetMs: number, onError: (err: unknown) => void, maxJobs = Number.POSITIVE_INFINITY) {
    this.budgetMs = budgetMs;
    this.onError = onError;
    this.maxJobs = maxJobs;
  }

  get size(): number {
    return this.jobs.length - this.next;
  }

  // False, and the job is not queued, when `maxJobs` are waiting.
  tryPush(job: TurnJob): boolean {
    if (this.size >= this.maxJobs) return false;
    this.push(job);
    return true;
  }

  // Queued whatever the bound: for jobs bounded elsewhere.
  push(job: TurnJob): void {
    this.jobs.push(job);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.turn());
    }
  }

  // Runs everything queued now (when closing).
  runAll(): void {
    while (this.next < this.jobs.length) this.runOne(Number.POSITIVE_INFINITY);
    this.reset();
  }

  private turn(): void {
    const until = performance.now() + this.budgetMs;
    while (this.next < this.jobs.length) {
      this.runOne(until);
      if (performance.now() >= until) break;
    }
    if (this.next >= this.jobs.length) return this.reset();
    // Under steady traffic the queue may never empty: the slots of jobs run are let go.
    if (this.next >= COMPACT_AFTER_JOBS) {
      this.jobs = this.jobs.slice(this.next);
      this.next = 0;
    }
    setImmediate(() => this.turn());
  }

  private runOne(untilMs: number): void {
    const job = this.jobs[this.next]!;
    let more = false;
    try {
      more = job(untilMs) === true;
    } catch (err) {
      this.onError(err);
    }
    if (!more) this.jobs[this.next++] = noop; // let what it holds go
  }

  private reset(): void {
    this.jobs = [];
    this.next = 0;
    this.scheduled = false;
  }
}

const noop = () => {};
const COMPACT_AFTER_JOBS = 1024;
