// The work an ingest worker does: pure functions from a request's bytes (and a few cloneable
// arguments) to cloneable results. The pool runs them in its threads, or inline when it has none.
import { decodeAndMapTraces } from '../otlp/traces.ts';
import { readAndMapBatch } from '../api/batch.ts';

export const TASKS = {
  otlpTraces: decodeAndMapTraces,
  nativeIngest: readAndMapBatch,
} satisfies Record<string, (body: Buffer, args: never) => unknown>;

export type TaskKind = keyof typeof TASKS;
export type TaskArgs<K extends TaskKind> = Parameters<(typeof TASKS)[K]>[1];
export type TaskResult<K extends TaskKind> = ReturnType<(typeof TASKS)[K]>;

// Main thread → worker.
export interface TaskMessage {
  id: number;
  kind: TaskKind;
  body: ArrayBuffer;
  args: unknown;
}

// Worker → main thread. An error is a bug in a task (bad input is answered as data): only its
// message crosses.
export type ReplyMessage = { id: number; ok: true; result: unknown } | { id: number; ok: false; message: string };
