// The ingest worker pool: decoding and mapping run on worker threads so that the event loop only
// accepts requests, hands their bytes over, and acknowledges what comes back.
//
// - Project affinity: a project's tasks always go to the same worker (hash of the project id),
//   and a worker answers in the order it was sent, so a project's requests reach the processor
//   chain on the main thread in arrival order, as they did without workers.
// - Bounded: the bytes of the tasks in flight are bounded; past the bound a request gets 429
//   queue_full with Retry-After (one task is always admitted, whatever its size).
// - A worker runs its tasks in order, so when it dies the oldest task in flight is the one that
//   killed it: that one is answered 413 (not retryable: sent again, it would kill the thread again
//   and fail every project on it), the others 503 store_unavailable (retryable: nothing was
//   journaled, so nothing was acknowledged). Each thread's heap is capped (heapLimitMb), so a
//   body that blows up in decoding kills its thread, not the process; a thread that keeps dying is
//   started again after a delay that doubles up to RESTART_MAX_DELAY_MS.
// - Size 0 runs the tasks inline on the main thread.
import { availableParallelism, totalmem } from 'node:os';
import { isMarkedAsUntransferable, Worker } from 'node:worker_threads';
import { LookoutError } from '../../errors.ts';
import { TASKS, type ReplyMessage, type TaskArgs, type TaskKind, type TaskMessage, type TaskResult } from './tasks.ts';

const WORKER_SCRIPT = new URL('./worker.ts', import.meta.url);
const QUEUE_FULL_RETRY_AFTER_S = 1;
const CRASH_RETRY_AFTER_S = 1;
const MAX_WORKERS = 64;
const RESTART_FIRST_DELAY_MS = 100;
const RESTART_MAX_DELAY_MS = 5_000;
// How long close() lets the tasks in flight finish before it stops the threads under them.
const CLOSE_DEADLINE_MS = 5_000;
// A thread's heap beside the task's body: the decoder, the conventions and the validators.
const WORKER_BASE_HEAP_MB = 64;
// Heap one body byte may take once decoded and mapped (objects, strings and the records built).
// Measured worst: OTLP/protobuf of many small attributes, 10,000 spans of 120 each (15.5 MB),
// needs 256–384 MB; long strings need about 1 byte a byte.
const WORKER_HEAP_PER_BODY_BYTE = 24;
// Whatever the body bound, one thread takes at most this share of the machine's memory.
const WORKER_MAX_MEMORY_SHARE = 0.5;
const MIB = 1024 * 1024;

// The heap cap of one thread for bodies of at most `maxTaskBytes` (after Content-Encoding is
// undone): a legitimate body of that size fits, unless that would take more than half the machine.
export function workerHeapLimitMb(maxTaskBytes: number, totalMemoryBytes: number = totalmem()): number {
  const wantedMb = WORKER_BASE_HEAP_MB + Math.ceil((WORKER_HEAP_PER_BODY_BYTE * maxTaskBytes) / MIB);
  return Math.max(WORKER_BASE_HEAP_MB, Math.min(wantedMb, Math.floor((WORKER_MAX_MEMORY_SHARE * totalMemoryBytes) / MIB)));
}

export interface IngestWorkersOptions {
  size: number; // worker threads; 0 runs every task inline
  maxInFlightBytes: number; // request bytes handed to workers and not answered yet
  heapLimitMb?: number; // each thread's old-generation heap (workerHeapLimitMb); unset: V8's default
  closeDeadlineMs?: number; // how long close() waits for the tasks in flight
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
  index: number;
  answered: boolean; // it has answered a task: it starts, so it may be restarted without a task
  error: Error | null;
  unreadable: boolean; // a reply could not be read back: which task sent it is not known
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
  // Per worker index: deaths since it last answered, and when it may start again.
  private readonly deaths: number[];
  private readonly restartAtMs: number[];
  private readonly restartTimers = new Set<NodeJS.Timeout>();

  constructor(options: IngestWorkersOptions) {
    if (!Number.isInteger(options.size) || options.size < 0 || options.size > MAX_WORKERS) throw new RangeError(`size must be an integer from 0 to ${MAX_WORKERS}`);
    this.size = options.size;
    this.options = options;
    this.slots = Array.from({ length: options.size }, () => null);
    this.deaths = Array.from({ length: options.size }, () => 0);
    this.restartAtMs = Array.from({ length: options.size }, () => 0);
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
    for (let i = 0; i < this.size; i++) if (!this.restarting(i)) this.slotAt(i);
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
    const index = this.workerOf(projectId);
    const waitMs = this.restarting(index);
    if (waitMs > 0) {
      const retryAfterSeconds = Math.ceil(waitMs / 1000);
      throw new LookoutError('store_unavailable', `the ingest worker for this project stopped and starts again in ${waitMs} ms; retry after ${retryAfterSeconds}s`, {
        retryAfterSeconds,
      });
    }
    const slot = this.slotAt(index);
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

  // Refuses new tasks, lets those in flight finish for up to the deadline, then stops every thread
  // (the tasks still in flight are answered 503 shutting_down).
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const timer of this.restartTimers) clearTimeout(timer);
      this.restartTimers.clear();
      const inFlight = this.slots.flatMap((s) => (s ? [...s.tasks.values()].map((t) => t.done) : []));
      let deadline: NodeJS.Timeout | undefined;
      const expired = new Promise<void>((resolve) => (deadline = setTimeout(resolve, this.options.closeDeadlineMs ?? CLOSE_DEADLINE_MS)));
      await Promise.race([Promise.allSettled(inFlight), expired]);
      clearTimeout(deadline);
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
    const heap = this.options.heapLimitMb;
    const worker = new Worker(this.options.script ?? WORKER_SCRIPT, {
      name: `lookout-ingest-${index}`,
      ...(heap === undefined ? {} : { resourceLimits: { maxOldGenerationSizeMb: heap } }),
    });
    // Idle threads do not keep the process alive; a thread with tasks in flight does.
    worker.unref();
    const slot: Slot = { worker, tasks: new Map(), index, answered: false, error: null, unreadable: false };
    this.slots[index] = slot;
    this.live++;
    worker.on('message', (reply: ReplyMessage) => this.settle(slot, reply));
    worker.on('error', (err) => (slot.error = err));
    // A message that cannot be read back fails the thread, not one task: it is not known which.
    worker.on('messageerror', (err) => {
      slot.error = err;
      slot.unreadable = true;
      void worker.terminate();
    });
    worker.on('exit', (code) => this.exited(index, slot, code));
    return slot;
  }

  // Milliseconds before worker `index` may start again; 0 when it may now.
  private restarting(index: number): number {
    return Math.max(0, this.restartAtMs[index]! - Date.now());
  }

  private settle(slot: Slot, reply: ReplyMessage): void {
    const task = slot.tasks.get(reply.id);
    if (!task) return;
    slot.answered = true;
    this.deaths[slot.index] = 0;
    slot.tasks.delete(reply.id);
    this.inFlightBytes -= task.bytes;
    if (slot.tasks.size === 0) slot.worker.unref();
    if (reply.ok) task.resolve(reply.result);
    else task.reject(new Error(reply.message));
  }

  private exited(index: number, slot: Slot, code: number): void {
    this.live--;
    if (this.slots[index] === slot) this.slots[index] = null;
    if (slot.tasks.size > 0) this.failTasks(slot, code);
    if (this.closing) return;
    this.options.onCrash?.(index, slot.error, code);
    // The first death restarts at once; one after another, each waits twice as long as the last.
    const deaths = this.deaths[index]!++;
    const delayMs = deaths === 0 ? 0 : Math.min(RESTART_MAX_DELAY_MS, RESTART_FIRST_DELAY_MS * 2 ** (deaths - 1));
    this.restartAtMs[index] = Date.now() + delayMs;
    // A thread that never answered may fail at start-up: the next task starts it, not a loop here.
    if (!slot.answered) return;
    if (delayMs === 0) {
      this.slotAt(index);
      return;
    }
    const timer = setTimeout(() => {
      this.restartTimers.delete(timer);
      if (!this.closing && this.slots[index] === null) this.slotAt(index);
    }, delayMs);
    timer.unref();
    this.restartTimers.add(timer);
  }

  private failTasks(slot: Slot, code: number): void {
    const tasks = [...slot.tasks.values()];
    slot.tasks.clear();
    for (const task of tasks) this.inFlightBytes -= task.bytes;
    if (this.closing) {
      const error = new LookoutError('shutting_down', 'the server is shutting down; retry against the new instance', { retryAfterSeconds: 1 });
      for (const task of tasks) task.reject(error);
      return;
    }
    const outOfMemory = (slot.error as NodeJS.ErrnoException | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
    const reason = slot.error ? `: ${slot.error.message}` : ` (exit code ${code})`;
    const oldest = slot.unreadable ? undefined : tasks.shift();
    oldest?.reject(
      new LookoutError(
        'body_too_large',
        outOfMemory
          ? `the request could not be processed: the worker handling it ran out of memory (${this.options.heapLimitMb ?? 'default'} MB heap); send smaller batches`
          : `the request could not be processed: the worker handling it stopped${reason}; sending it again would stop it again`,
      ),
    );
    const retry = new LookoutError('store_unavailable', `the ingest worker stopped while decoding another request${reason}; retry after ${CRASH_RETRY_AFTER_S}s`, {
      retryAfterSeconds: CRASH_RETRY_AFTER_S,
    });
    for (const task of tasks) task.reject(retry);
  }
}
