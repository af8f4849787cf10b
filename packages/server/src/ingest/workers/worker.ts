// An ingest worker thread: runs the tasks the pool sends, one at a time in arrival order, and
// answers each on the same port, so a project's requests come back in the order they were sent.
import { parentPort } from 'node:worker_threads';
import { TASKS, type ReplyMessage, type TaskMessage } from './tasks.ts';
import { prepareItemValidators } from '../api/fast-validate.ts';

const port = parentPort;
if (port === null) throw new Error('the ingest worker runs only as a worker thread');
// The native API's validators compile now, not during the first batch (a few hundred ms).
prepareItemValidators();

port.on('message', (message: TaskMessage) => {
  let reply: ReplyMessage;
  try {
    const run = TASKS[message.kind] as (body: Buffer, args: unknown) => unknown;
    reply = { id: message.id, ok: true, result: run(Buffer.from(message.body), message.args) };
  } catch (err) {
    reply = { id: message.id, ok: false, message: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(reply);
});
