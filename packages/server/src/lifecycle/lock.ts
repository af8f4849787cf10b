// Erasures, retention runs and project deletions rewrite the same rows and hourly totals: they
// run one at a time, in the order they were asked for. Ingest is not held by this lock.
export class LifecycleLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
