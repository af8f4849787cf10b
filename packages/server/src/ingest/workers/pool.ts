// The ingest worker pool: decoding and mapping run on worker threads so that the event loop only
// accepts requests, hands their bytes over, and acknowledges what comes back.
//
// - Project affinity: a project's tasks always go to the same worker (hash of the project id),
//   and a worker answers in the order it was sent, so a project's requests reach the processor
//   chain on the main thread in arrival order, as they did without workers.
// - Bounded: the bytes of the tasks in flight are bounded; past the bound a request gets 429
//   queue_full with Retry-After (one task is always admitted, whatever its size).
// - A worker that dies fails its tasks in flight with 503 store_unavailable (retryable: nothing was
//   journaled, so nothing was acknowledged) and is started again.
// - Size 0 runs the tasks inline on the main thread.
import { availableParallelism } from 'node:os';
import { isMarkedAsUntransferable, Worker } from 'node:worker_threads';
import { LookoutError } from '../../errors.ts';
import { TASKS, type ReplyMessage, type TaskArgs, type TaskKind, type TaskMessage, type TaskResult } from './tasks.ts';

const WORKER_SCRIPT = new URL('./worker.ts', import.meta.url);
const QUEUE_FULL_RETRY_AFTER_S = 1;
const CRASH_RETRY_AFTER_S = 1;
const MAX_WORKERS = 64;

export interface IngestWorkersOptions {
  size: number; // worker threads; 0 runs every task inline
  maxInFlightBytes: number; // request bytes handed to workers and not answered yet
  script?: URL; // the worker's entry module (tests wrap it)
  onCrash?: (worker: number, error: Error | null, exitCode: number) => void;
}

interface Task {
  bytes: number;
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
  done: Promise<unknown>;
}

interface Slot {
  worker: Worker;
  tasks: Map<number, Task>;
  answered: boolean; // it has answered a task: it starts, so it may be restarted at once
  error: Error | null;
}

// One thread on a machine of two cores (the main thread and the store's threads need the rest),
// else one per core but the main thread's.
export function defaultWorkerCount(cores: number = availableParallelism()): number {
  return cores <= 2 ? 1 : Math.min(MAX_WORKERS, cores - 1);
}

// FNV-1a: stable across runs and threads, cheap on short ids.
function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

// The body's own memory moves to the worker when the Buffer is the whole of it; else (a slice of
// a larger or pooled buffer) it is copied first.
function detachableCopyOf(body: Buffer): ArrayBuffer {
  const ab = body.buffer;
  if (ab instanceof ArrayBuffer && body.byteOffset === 0 && body.byteLength === ab.byteLength && ab.byteLength > 0 && !isMarkedAsUntransferable(ab)) return ab;
  const copy = new ArrayBuffer(body.byteLength);
  new Uint8Array(copy).set(body);
  return copy;
}

export class IngestWorkers {
  readonly size: number;
  private readonly options: IngestWorkersOptions;
  private readonly slots: (Slot | null)[];
  private inFlightBytes = 0;
  private nextId = 1;
  private live = 0;
  private closing: Promise<void> | null = null;

  constructor(options: IngestWorkersOptions) {
    if (!Number.isInteger(options.size) || options.size < 0 || options.size > MAX_WORKERS) throw new RangeError(`size must be an integer from 0 to ${MAX_WORKERS}`);
    this.size = options.size;
    this.options = options;
    this.slots = Array.from({ length: options.size }, () => null);
  }

  // Threads running now (started and not exited).
  get running(): number {
    return this.live;
  }

  // The worker a project's tasks go to.
  workerOf(projectId: string): number {
    return this.size === 0 ? -1 : hashOf(projectId) % this.size;
  }

  // Starts every worker now rather than at its first task (a worker takes a while to load).
  start(): void {
    if (this.closing) return;
    for (let i = 0; i < this.size; i++) this.slotAt(i);
  }

  async run<K extends TaskKind>(kind: K, projectId: string, body: Buffer, args: TaskArgs<K>): Promise<TaskResult<K>> {
    if (this.closing) throw new LookoutError('shutting_down', 'the server is shutting down; retry against the new instance', { retryAfterSeconds: 1 });
    if (this.size === 0) return (TASKS[kind] as (body: Buffer, args: TaskArgs<K>) => TaskResult<K>)(body, args);
    const bytes = body.byteLength;
    if (this.inFlightBytes > 0 && this.inFlightBytes + bytes > this.options.maxInFlightBytes) {
      throw new LookoutError(
        'queue_full',
        `the decoders hold ${this.inFlightBytes} bytes of requests (limit ${this.options.maxInFlightBytes}); retry after ${QUEUE_FULL_RETRY_AFTER_S}s`,
        { retryAfterSeconds: QUEUE_FULL_RETRY_AFTER_S },
      );
    }
    const slot = this.slotAt(this.workerOf(projectId));
    const id = this.nextId++;
    const transferred = detachableCopyOf(body);
    const message: TaskMessage = { id, kind, body: transferred, args };
    slot.worker.postMessage(message, [transferred]);
    const { promise: done, resolve, reject } = Promise.withResolvers<unknown>();
    if (slot.tasks.size === 0) slot.worker.ref();
    slot.tasks.set(id, { bytes, resolve, reject, done });
    this.inFlightBytes += bytes;
    return (await done) as TaskResult<K>;
  }

  // Refuses new tasks, lets those in flight finish, then stops every thread.
  close(): Promise<void> {
    this.closing ??= (async () => {
      const inFlight = this.slots.flatMap((s) => (s ? [...s.tasks.values()].map((t) => t.done) : []));
      await Promise.allSettled(inFlight);
      const exits = this.slots.map((slot) => {
        if (slot === null) return Promise.resolve();
        const exited = new Promise<void>((resolve) => slot.worker.once('exit', () => resolve()));
        void slot.worker.terminate();
        return exited;
      });
      await Promise.all(exits);
    })();
    return this.closing;
  }

  private slotAt(index: number): Slot {
    const current = this.slots[index];
    if (current) return current;
    const worker = new Worker(this.options.script ?? WORKER_SCRIPT, { name: `lookout-ingest-${index}` });
    // Idle threads do not keep the process alive; a thread with tasks in flight does.
    worker.unref();
    const slot: Slot = { worker, tasks: new Map(), answered: false, error: null };
    this.slots[index] = slot;
    this.live++;
    worker.on('message', (reply: ReplyMessage) => this.settle(slot, reply));
    worker.on('error', (err) => (slot.error = err));
    // A message that cannot be read back fails the thread, not one task: it is not known which.
    worker.on('messageerror', (err) => {
      slot.error = err;
      void worker.terminate();
    });
    worker.on('exit', (code) => this.exited(index, slot, code));
    return slot;
  }

  private settle(slot: Slot, reply: ReplyMessage): void {
    const task = slot.tasks.get(reply.id);
    if (!task) return;
    slot.answered = true;
    slot.tasks.delete(reply.id);
    this.inFlightBytes -= task.bytes;
    if (slot.tasks.size === 0) slot.worker.unref();
    if (reply.ok) task.resolve(reply.result);
    else task.reject(new Error(reply.message));
  }

  private exited(index: number, slot: Slot, code: number): void {
    this.live--;
    if (this.slots[index] === slot) this.slots[index] = null;
    if (slot.tasks.size > 0) {
      const reason = slot.error ? `: ${slot.error.message}` : ` (exit code ${code})`;
      const error = new LookoutError('store_unavailable', `the ingest worker stopped while decoding the request${reason}; retry after ${CRASH_RETRY_AFTER_S}s`, {
        retryAfterSeconds: CRASH_RETRY_AFTER_S,
      });
      for (const task of slot.tasks.values()) {
        this.inFlightBytes -= task.bytes;
        task.reject(error);
      }
      slot.tasks.clear();
    }
    if (this.closing) return;
    this.options.onCrash?.(index, slot.error, code);
    // A thread that never answered may fail at start-up: the next task starts it, not a loop here.
    if (slot.answered) this.slotAt(index);
  }
}
