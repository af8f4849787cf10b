// Work that may wait, run a little at a time: each turn of the event loop runs queued jobs in
// order for about `budgetMs`, then lets the loop go on (to forward the chunks of calls in flight)
// before the next. A burst of calls ending together is thus read and recorded over several turns
// instead of holding the loop for all of them at once.

export class TurnQueue {
  private jobs: (() => void)[] = [];
  private next = 0;
  private scheduled = false;
  private readonly budgetMs: number;
  private readonly onError: (err: unknown) => void;

  // `onError`: a job that throws is reported there; the jobs after it still run.
  constructor(budgetMs: number, onError: (err: unknown) => void) {
    this.budgetMs = budgetMs;
    this.onError = onError;
  }

  get size(): number {
    return this.jobs.length - this.next;
  }

  push(job: () => void): void {
    this.jobs.push(job);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.turn());
    }
  }

  // Runs everything queued now (when closing).
  runAll(): void {
    while (this.next < this.jobs.length) this.runOne();
    this.reset();
  }

  private turn(): void {
    const until = performance.now() + this.budgetMs;
    while (this.next < this.jobs.length) {
      this.runOne();
      if (performance.now() >= until) break;
    }
    if (this.next < this.jobs.length) setImmediate(() => this.turn());
    else this.reset();
  }

  private runOne(): void {
    const job = this.jobs[this.next]!;
    this.jobs[this.next++] = noop; // let what it holds go
    try {
      job();
    } catch (err) {
      this.onError(err);
    }
  }

  private reset(): void {
    this.jobs = [];
    this.next = 0;
    this.scheduled = false;
  }
}

const noop = () => {};
