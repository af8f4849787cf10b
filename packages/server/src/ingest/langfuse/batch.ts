import type { z } from 'zod';
import type { ScoreRecord } from '../../domain/score.ts';
import type { SpanRecord } from '../../domain/span.ts';
import { formatZodIssue, LookoutError } from '../../errors.ts';
import { isRecord } from '../otlp/conventions/attributes.ts';
import { scoreRecord } from './map.ts';
import type { PendingObservations, Taken } from './pending.ts';
import {
  batchSchema,
  envelopeSchema,
  observationBodySchema,
  observationUpdateSchema,
  scoreBodySchema,
  traceBodySchema,
  type Envelope,
  type EventType,
} from './schema.ts';

// One ingestion batch: every event validated on its own (a malformed one is answered 400 in
// `errors` and never fails the others), traces and observations merged into the pending buffer,
// scores mapped. Answered in Langfuse's shape.

export interface IngestionResponse {
  successes: { id: string; status: number }[];
  errors: { id: string; status: number; message: string; error: string }[];
}

export interface BatchArgs {
  projectId: string;
  maxBatchItems: number;
  nowMs: number;
}

export interface ReadBatch {
  spans: SpanRecord[]; // observations made whole by this batch
  whole: Taken; // their entries, handed back to the buffer when the spans cannot be written
  scores: ScoreRecord[];
  response: IngestionResponse;
}

const OBSERVATION_TYPE_OF: Partial<Record<EventType, string>> = {
  'span-create': 'span',
  'span-update': 'span',
  'generation-create': 'generation',
  'generation-update': 'generation',
  'event-create': 'event',
};

function issueText(error: z.ZodError, prefix: string): string {
  return formatZodIssue(error.issues[0], { prefix });
}

interface Valid {
  index: number;
  ev: Envelope;
  eventMs: number;
}

export function readBatch(value: unknown, args: BatchArgs, pending: PendingObservations): ReadBatch {
  const parsed = batchSchema.safeParse(value);
  if (!parsed.success) {
    throw new LookoutError('invalid_request', `${issueText(parsed.error, 'body')} (expected {"batch": [ ... ]})`);
  }
  const raw = parsed.data.batch;
  if (raw.length > args.maxBatchItems) {
    throw new LookoutError('batch_too_large', `the batch has ${raw.length} events; at most ${args.maxBatchItems} are accepted per request: send smaller batches (flushAt)`);
  }
  const out: ReadBatch = { spans: [], whole: { spans: [], entries: [] }, scores: [], response: { successes: [], errors: [] } };
  // Answered in batch order, whatever order the events are applied in.
  const successAt: number[] = [];
  const errorAt: number[] = [];
  const refuseAt = (index: number, id: string, message: string) => {
    out.response.errors.push({ id, status: 400, message, error: 'invalid_request' });
    errorAt.push(index);
  };

  const valid: Valid[] = [];
  raw.forEach((item, index) => {
    const ev = envelopeSchema.safeParse(item);
    if (!ev.success) {
      const id = isRecord(item) && typeof item.id === 'string' ? item.id : String(index);
      refuseAt(index, id, issueText(ev.error, `batch[${index}]`));
      return;
    }
    const ms = ev.data.timestamp ? Date.parse(ev.data.timestamp) : args.nowMs;
    valid.push({ index, ev: ev.data, eventMs: ms });
  });
  // Langfuse orders a batch's events by their timestamps: a later update wins.
  valid.sort((a, b) => a.eventMs - b.eventMs || a.index - b.index);

  const touched = new Set<string>();
  for (const { index, ev, eventMs } of valid) {
    const prefix = `batch[${index}].body`;
    const ok = () => {
      out.response.successes.push({ id: ev.id, status: 201 });
      successAt.push(index);
    };
    const refuse = (id: string, message: string) => refuseAt(index, id, message);
    try {
      readEvent(ev, index, eventMs, args, pending, touched, out, ok, refuse);
    } catch (err) {
      // A body nested deeper than the stack (JSON.parse takes it, stringifying it does not) is
      // this event's fault alone.
      if (!(err instanceof RangeError)) throw err;
      refuse(ev.id, `${prefix}: is nested too deeply`);
    }
  }
  out.whole = pending.takeWhole(touched);
  out.spans = out.whole.spans;
  out.response.successes = inOrder(out.response.successes, successAt);
  out.response.errors = inOrder(out.response.errors, errorAt);
  return out;
}

function readEvent(
  ev: Envelope,
  index: number,
  eventMs: number,
  args: BatchArgs,
  pending: PendingObservations,
  touched: Set<string>,
  out: ReadBatch,
  ok: () => void,
  refuse: (id: string, message: string) => void,
): void {
  const prefix = `batch[${index}].body`;
  const bytes = JSON.stringify(ev.body).length;
  switch (ev.type) {
    case 'sdk-log':
      ok(); // the SDK's own diagnostics: accepted, not stored
      break;
    case 'trace-create': {
      const body = traceBodySchema.safeParse(ev.body);
      if (!body.success) {
        refuse(ev.id, issueText(body.error, prefix));
        break;
      }
      pending.upsertTrace(args.projectId, body.data.id ?? ev.id, body.data, bytes, args.nowMs);
      ok();
      break;
    }
    case 'score-create': {
      const body = scoreBodySchema.safeParse(ev.body);
      if (!body.success) {
        refuse(ev.id, issueText(body.error, prefix));
        break;
      }
      const scoredMs = body.data.timestamp ? Date.parse(body.data.timestamp) : eventMs;
      const score = scoreRecord(body.data, ev.id, Math.round(scoredMs * 1000), args.projectId);
      if (typeof score === 'string') {
        refuse(ev.id, `${prefix}.${score}`);
        break;
      }
      out.scores.push(score);
      ok();
      break;
    }
    default: {
      const isCreate = ev.type.endsWith('-create');
      const schema = isCreate ? observationBodySchema : observationUpdateSchema;
      const body = schema.safeParse(ev.body);
      if (!body.success) {
        refuse(ev.id, issueText(body.error, prefix));
        break;
      }
      const type = OBSERVATION_TYPE_OF[ev.type] ?? (body.data.type ?? 'span').toLowerCase();
      touched.add(
        pending.applyObservation(
          { projectId: args.projectId, observationId: body.data.id ?? ev.id, type, isCreate, body: body.data, eventMs, bytes },
          args.nowMs,
        ),
      );
      ok();
    }
  }
}

function inOrder<T>(items: T[], indexes: number[]): T[] {
  return items.map((item, i) => ({ item, at: indexes[i] })).sort((a, b) => a.at - b.at).map((x) => x.item);
}
