import type { SpanRecord } from '../../domain/span.ts';
import { mergeInto, observationSpan, toMicros, traceRootSpan, type ObservationState, type TraceState } from './map.ts';
import type { ObservationBody, TraceBody } from './schema.ts';

// Langfuse v3 SDKs send an observation in pieces: a create when it starts, an update (end time,
// output, usage) when it ends, often in a later batch; a trace is upserted by repeated
// trace-creates and never ends. Lookout writes a span once, so the pieces wait here, merged,
// until the span is whole:
//   - an observation is written as soon as it has been created and has an end time (an event at
//     once: it has no duration);
//   - anything else is written `idleMs` after the last event that touched it (an observation never
//     ended keeps a zero duration), and a trace's root span once its trace has been idle that long,
//     covering every observation seen;
//   - everything is written at shutdown (takeAll).
// Held in memory only: a crash loses what waits here (at most idleMs of unfinished work); the
// SDK has been answered 201 for it. Bounded by entries and by bytes (the JSON size of the events
// held): past either, the entries idle the longest are written as they are (takeOverflow).

export interface PendingOptions {
  idleMs: number;
  maxEntries: number;
  maxBytes: number;
}

interface Entry {
  key: string;
  bytes: number;
  lastEventMs: number;
  trace?: TraceState;
  // `create` and `update` are kept apart so that an update sent before its create still wins.
  observation?: ObservationState & { langfuseTraceId: string | null; create: ObservationBody; update: ObservationBody };
}

export interface ObservationEvent {
  projectId: string;
  observationId: string;
  type: string;
  isCreate: boolean;
  body: ObservationBody;
  eventMs: number;
  bytes: number;
}

export class PendingObservations {
  private readonly entries = new Map<string, Entry>(); // least recently touched first
  private bytes = 0;
  readonly options: PendingOptions;

  constructor(options: PendingOptions) {
    this.options = options;
  }

  get size(): number {
    return this.entries.size;
  }

  get heldBytes(): number {
    return this.bytes;
  }

  private touch(key: string, bytes: number, nowMs: number, make: () => Entry): Entry {
    let e = this.entries.get(key);
    if (e) this.entries.delete(key);
    else e = make();
    e.bytes += bytes;
    e.lastEventMs = nowMs;
    this.bytes += bytes;
    this.entries.set(key, e);
    return e;
  }

  private traceEntry(projectId: string, langfuseTraceId: string, bytes: number, nowMs: number): TraceState {
    const key = `t\u0000${projectId}\u0000${langfuseTraceId}`;
    const e = this.touch(key, bytes, nowMs, () => ({
      key,
      bytes: 0,
      lastEventMs: nowMs,
      trace: { projectId, langfuseTraceId, body: {}, startUs: null, endUs: null },
    }));
    return e.trace as TraceState;
  }

  private peekTrace(projectId: string, langfuseTraceId: string): TraceState | undefined {
    return this.entries.get(`t\u0000${projectId}\u0000${langfuseTraceId}`)?.trace;
  }

  upsertTrace(projectId: string, langfuseTraceId: string, body: TraceBody, bytes: number, nowMs: number): void {
    const t = this.traceEntry(projectId, langfuseTraceId, bytes, nowMs);
    mergeInto(t.body, body);
  }

  // Merges one create or update; returns the observation's key, for takeWhole once the batch is read.
  applyObservation(ev: ObservationEvent, nowMs: number): string {
    const key = `o\u0000${ev.projectId}\u0000${ev.observationId}`;
    const e = this.touch(key, ev.bytes, nowMs, () => ({
      key,
      bytes: 0,
      lastEventMs: nowMs,
      observation: {
        projectId: ev.projectId,
        observationId: ev.observationId,
        type: ev.type,
        created: false,
        body: {},
        firstEventMs: ev.eventMs,
        langfuseTraceId: null,
        create: {},
        update: {},
      },
    }));
    const o = e.observation as NonNullable<Entry['observation']>;
    o.firstEventMs = Math.min(o.firstEventMs, ev.eventMs);
    if (ev.isCreate) {
      mergeInto(o.create, ev.body);
      o.created = true;
      o.type = ev.type;
    } else {
      mergeInto(o.update, ev.body);
    }
    o.body = mergeInto(mergeInto({}, o.create), o.update);
    o.langfuseTraceId = o.body.traceId ?? o.langfuseTraceId;
    // Every observation's trace has a root span, whether or not a trace-create names it.
    const t = this.traceEntry(ev.projectId, o.langfuseTraceId ?? o.observationId, 0, nowMs);
    const start = toMicros(o.body.startTime);
    const end = toMicros(o.body.endTime) ?? start;
    if (start !== null) t.startUs = Math.min(t.startUs ?? start, start);
    if (end !== null) t.endUs = Math.max(t.endUs ?? end, end);
    return key;
  }

  // The spans of the observations among `keys` that are whole: created, and ended (an event at once).
  takeWhole(keys: Iterable<string>): SpanRecord[] {
    const out: SpanRecord[] = [];
    for (const key of keys) {
      const e = this.entries.get(key);
      const o = e?.observation;
      if (!e || !o || !o.created) continue;
      if (o.type !== 'event' && (o.body.endTime === undefined || o.body.endTime === null)) continue;
      out.push(this.spanOf(e, 0));
      this.remove(e);
    }
    return out;
  }

  private remove(e: Entry): void {
    this.entries.delete(e.key);
    this.bytes -= e.bytes;
  }

  private spanOf(e: Entry, nowMs: number): SpanRecord {
    if (e.trace) return traceRootSpan(e.trace, nowMs);
    const o = e.observation as NonNullable<Entry['observation']>;
    const traceId = o.langfuseTraceId ?? o.observationId;
    return observationSpan(o, this.peekTrace(o.projectId, traceId), traceId);
  }

  // Entries past the bounds, oldest first, written as they are.
  takeOverflow(nowMs: number): SpanRecord[] {
    const out: SpanRecord[] = [];
    for (const e of this.entries.values()) {
      if (this.entries.size <= this.options.maxEntries && this.bytes <= this.options.maxBytes) break;
      out.push(this.spanOf(e, nowMs));
      this.remove(e);
    }
    return out;
  }

  // Entries idle for idleMs. Observations come before their trace (touched no later than it), so
  // a root span is written after the observations that widen it.
  takeIdle(nowMs: number): SpanRecord[] {
    const out: SpanRecord[] = [];
    for (const e of this.entries.values()) {
      if (nowMs - e.lastEventMs < this.options.idleMs) break;
      out.push(this.spanOf(e, nowMs));
      this.remove(e);
    }
    return out;
  }

  takeAll(nowMs: number): SpanRecord[] {
    const observations: SpanRecord[] = [];
    const roots: SpanRecord[] = [];
    for (const e of this.entries.values()) (e.trace ? roots : observations).push(this.spanOf(e, nowMs));
    this.entries.clear();
    this.bytes = 0;
    return [...observations, ...roots];
  }
}
