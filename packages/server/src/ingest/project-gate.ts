import { LookoutError } from '../errors.ts';

// Projects being deleted take no new records. Closing a project refuses every submission for it
// made from then on (the pipeline asks before a batch is queued) and waits for the writes that
// bypass the journal (metric points) already under way; together with the pipeline's settled(),
// nothing of the project can land in the store after its records are erased.
export class ProjectGate {
  private readonly closed = new Set<string>();
  private readonly inFlight = new Map<string, number>();
  private readonly idle = new Map<string, (() => void)[]>();

  get anyClosed(): boolean {
    return this.closed.size > 0;
  }

  isClosed(projectId: string): boolean {
    return this.closed.has(projectId);
  }

  // Throws while the project is closed.
  admit(projectId: string): void {
    if (this.closed.has(projectId)) {
      throw new LookoutError('unauthorized', `project '${projectId}' is being deleted: it takes no more data, and its API keys no longer work`);
    }
  }

  // A write that goes to the store without the pipeline: admitted now, and waited for by close().
  async track<T>(projectId: string, write: () => Promise<T>): Promise<T> {
    this.admit(projectId);
    this.inFlight.set(projectId, (this.inFlight.get(projectId) ?? 0) + 1);
    try {
      return await write();
    } finally {
      const left = (this.inFlight.get(projectId) ?? 1) - 1;
      if (left > 0) this.inFlight.set(projectId, left);
      else {
        this.inFlight.delete(projectId);
        for (const resolve of this.idle.get(projectId)?.splice(0) ?? []) resolve();
        this.idle.delete(projectId);
      }
    }
  }

  // Refuses the project's writes from now on; resolves once its tracked writes have ended.
  close(projectId: string): Promise<void> {
    this.closed.add(projectId);
    if (!this.inFlight.has(projectId)) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.idle.get(projectId) ?? [];
      list.push(resolve);
      this.idle.set(projectId, list);
    });
  }

  // The project may take data again (it was deleted, and a new one may have its id).
  open(projectId: string): void {
    this.closed.delete(projectId);
  }
}
