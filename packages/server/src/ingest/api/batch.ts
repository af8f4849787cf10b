// A native ingest batch from its bytes to the records the pipeline takes: read as JSON, its shape
// checked, each item validated (fast-validate.ts) and mapped (map.ts), with the answer of every
// item. Pure and self-contained (no context, no I/O), so that it runs in an ingest worker thread as
// well as on the main thread; what it returns survives a structured clone unchanged, refusals
// included (an error's class does not cross the thread boundary: its code and message do).
import type { LogRecord, ScoreRecord } from '../../domain/score.ts';
import type { SpanRecord } from '../../domain/span.ts';
import { describeIssue, LookoutError, type ErrorCode } from '../../errors.ts';
import { parseJsonBody } from '../json-body.ts';
import { checkIngestItem } from './fast-validate.ts';
import { logFromItem, scoreFromItem, spanFromItem } from './map.ts';
import { ingestBodySchema, type ItemResult } from './schema.ts';

export interface BatchTaskArgs {
  projectId: string;
  maxBatchItems: number;
  nowMs: number; // when the request arrived: the time of a score or log that gives none
}

export interface MappedBatch {
  items: number;
  rejected: number;
  // Every item's answer in batch order; an accepted item's status is set once the pipeline answers.
  results: ItemResult[];
  spans: SpanRecord[];
  spanIdx: number[]; // the batch index of each span
  scores: ScoreRecord[];
  scoreIdx: number[];
  logs: LogRecord[];
  logIdx: number[];
}

export interface Refusal {
  code: ErrorCode;
  message: string;
}

// unreadable: the body is not JSON (answered where the body is read, as the app's JSON parser
// does); refused: JSON, but not a batch that may be taken.
export type BatchOutcome = { unreadable: Refusal } | { refused: Refusal } | { batch: MappedBatch };

export function readAndMapBatch(body: Buffer, args: BatchTaskArgs): BatchOutcome {
  let value: unknown;
  try {
    value = parseJsonBody(body);
  } catch (err) {
    if (!(err instanceof LookoutError)) throw err;
    return { unreadable: { code: err.code, message: err.message } };
  }
  return mapBatch(value, args);
}

// A body already read (or absent: a request without one).
export function mapBatch(value: unknown, args: BatchTaskArgs): Exclude<BatchOutcome, { unreadable: Refusal }> {
  const body = ingestBodySchema.safeParse(value);
  if (!body.success) {
    const issue = body.error.issues[0];
    return { refused: { code: 'invalid_request', message: describeIssue(issue.path, issue.message, 'body') + ' (expected {"batch": [ ... ]})' } };
  }
  const raw = body.data.batch;
  if (raw.length > args.maxBatchItems) {
    return { refused: { code: 'batch_too_large', message: `the batch has ${raw.length} items; at most ${args.maxBatchItems} are accepted per request: split it` } };
  }
  const { projectId, nowMs } = args;
  const out: MappedBatch = { items: raw.length, rejected: 0, results: new Array(raw.length), spans: [], spanIdx: [], scores: [], scoreIdx: [], logs: [], logIdx: [] };
  const { results } = out;
  raw.forEach((item, index) => {
    const checked = checkIngestItem(item, index);
    if (!checked.ok) {
      results[index] = { index, type: checked.type, status: 'rejected', error: checked.error };
      out.rejected++;
      return;
    }
    const it = checked.item;
    if (it.type === 'generation' || it.type === 'span') {
      const span = spanFromItem(it, projectId);
      out.spans.push(span);
      out.spanIdx.push(index);
      results[index] = { index, type: it.type, status: 'rejected', ...(it.id ? { id: it.id } : {}), traceId: span.traceId, spanId: span.spanId };
    } else if (it.type === 'score') {
      out.scores.push(scoreFromItem(it, projectId, nowMs));
      out.scoreIdx.push(index);
      results[index] = { index, type: it.type, status: 'rejected', id: it.id };
    } else {
      out.logs.push(logFromItem(it, projectId, nowMs));
      out.logIdx.push(index);
      results[index] = { index, type: it.type, status: 'rejected', id: it.id };
    }
  });
  return { batch: out };
}
