// The pool tests' worker entry: the real worker, whose answers also name the thread that ran the
// task, and which dies on any task of the project 'crash-the-worker', or whose body names it
// (pool.test.ts, ingest/api/batch.test.ts).
import { parentPort, threadId } from 'node:worker_threads';
import type { ReplyMessage, TaskMessage } from './tasks.ts';

const CRASH_PROJECT = 'crash-the-worker';

const port = parentPort!;
// Registered before the real worker's listener, so the task dies unanswered.
port.on('message', (message: TaskMessage) => {
  if ((message.args as { projectId?: string }).projectId === CRASH_PROJECT) process.exit(3);
  if (Buffer.from(message.body).includes(CRASH_PROJECT)) process.exit(3);
});
const post = port.postMessage.bind(port);
port.postMessage = (reply: ReplyMessage) => post(reply.ok ? { ...reply, result: { ...(reply.result as object), threadId } } : reply);
await import('./worker.ts');
