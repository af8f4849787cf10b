// The pool tests' worker entry: the real worker, whose answers also name the thread that ran the
// task, and which dies on any task of the project 'crash-the-worker' (or whose body names it),
// fills its heap on a task of 'exhaust-the-heap' (answering if the heap holds), and never answers
// a task of 'hang-the-worker' (pool.test.ts, ingest/api/batch.test.ts).
import { parentPort, threadId } from 'node:worker_threads';
import type { ReplyMessage, TaskMessage } from './tasks.ts';

const CRASH_PROJECT = 'crash-the-worker';
const HEAP_PROJECT = 'exhaust-the-heap';
const HANG_PROJECT = 'hang-the-worker';
const HEAP_FILL_MB = 256;

const port = parentPort!;
const retained: unknown[] = [];
// Registered before the real worker's listener, so the task dies unanswered.
port.on('message', (message: TaskMessage) => {
  const projectId = (message.args as { projectId?: string }).projectId;
  if (projectId === CRASH_PROJECT) process.exit(3);
  if (Buffer.from(message.body).includes(CRASH_PROJECT)) process.exit(3);
  if (projectId === HEAP_PROJECT) {
    // Small objects on the JavaScript heap (not Buffers, which live outside it), about 1 MB a round.
    for (let mb = 0; mb < HEAP_FILL_MB; mb++) retained.push(Array.from({ length: 8192 }, (_, i) => ({ i, text: `${mb}:${i}`.repeat(8) })));
    retained.length = 0;
  }
  if (projectId === HANG_PROJECT) for (;;);
});
const post = port.postMessage.bind(port);
port.postMessage = (reply: ReplyMessage) => post(reply.ok ? { ...reply, result: { ...(reply.result as object), threadId } } : reply);
await import('./worker.ts');
