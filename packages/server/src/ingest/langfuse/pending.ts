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
// held): past either, the project holding the most writes its entries idle the longest as they
// are (takeOverflow), so one busy project never pushes out another's unfinished work.
// What is taken out is handed back (restore) when it could not be written, to be tried again.

export interface PendingOptions {
  idleMs: number;
  maxEntries: number;
  maxBytes: number;
  // Whether a project captures content in full, asked when its spans are made; without it, not.
  captures?: (projectId: string) => boolean;
}

interface Entry {
  key: string;
  projectId: string;
  bytes: number;
  lastEventMs: number;
  trace?: TraceState;
  // `create` and `update` are kept apart so that an update sent before its create still wins.
  observation?: ObservationState & { langfuseTraceId: string | null; create: ObservationBody; update: ObservationBody };
}

interface ProjectEntries {
  entries: Map<string, Entry>; // least recently touched first
  bytes: number;
}

// Spans taken out, and the entries they were made from: handed back to `restore` when the spans
// could not be written.
export interface Taken {
  spans: SpanRecord[];
  readonly entries: readonly unknown[];
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

const traceKey = (projectId: string, langfuseTraceId: string) => `t\u0000${projectId}\u0000${langfuseTraceId}`;

export class PendingObservations {
  private readonly projects = new Map<string, ProjectEntries>();
  private count = 0;
  private bytes = 0;
  readonly options: PendingOptions;

  constructor(options: PendingOptions) {
    this.options = options;
  }

  get size(): number {
    return this.count;
  }

  get heldBytes(): number {
    return this.bytes;
  }

  private projectOf(projectId: string): ProjectEntries {
    let p = this.projects.get(projectId);
    if (!p) this.projects.set(projectId, (p = { entries: new Map(), bytes: 0 }));
    return p;
  }

  private addBytes(p: ProjectEntries, e: Entry, bytes: number): void {
    e.bytes += bytes;
    p.bytes += bytes;
    this.bytes += bytes;
  }

  private touch(projectId: string, key: string, bytes: number, nowMs: number, make: () => Entry): Entry {
    const p = this.projectOf(projectId);
    let e = p.entries.get(key);
    if (e) p.entries.delete(key);
    else {
      e = make();
      this.count++;
    }
    this.addBytes(p, e, bytes);
    e.lastEventMs = nowMs;
    p.entries.set(key, e);
    return e;
  }

  private traceEntry(projectId: string, langfuseTraceId: string, bytes: number, nowMs: number): Entry {
    const key = traceKey(projectId, langfuseTraceId);
    return this.touch(projectId, key, bytes, nowMs, () => ({
      key,
      projectId,
      bytes: 0,
      lastEventMs: nowMs,
      trace: { projectId, langfuseTraceId, body: {}, startUs: null, endUs: null },
    }));
  }

  private peekTrace(projectId: string, langfuseTraceId: string): TraceState | undefined {
    return this.projects.get(projectId)?.entries.get(traceKey(projectId, langfuseTraceId))?.trace;
  }

  upsertTrace(projectId: string, langfuseTraceId: string, body: TraceBody, bytes: number, nowMs: number): void {
    const e = this.traceEntry(projectId, langfuseTraceId, 0, nowMs);
    const t = e.trace as TraceState;
    mergeInto(t.body, body);
    // Repeated trace-creates upsert one body: what is held is its size, not the sum of the events'.
    this.addBytes(this.projectOf(projectId), e, Math.max(e.bytes, bytes) - e.bytes);
  }

  // Merges one create or update; returns the observation's key, for takeWhole once the batch is read.
  applyObservation(ev: ObservationEvent, nowMs: number): string {
    const key = `o\u0000${ev.projectId}\u0000${ev.observationId}`;
    const e = this.touch(ev.projectId, key, ev.bytes, nowMs, () => ({
      key,
      projectId: ev.projectId,
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
    const t = this.traceEntry(ev.projectId, o.langfuseTraceId ?? o.observationId, 0, nowMs).trace as TraceState;
    const start = toMicros(o.body.startTime);
    const end = toMicros(o.body.endTime) ?? start;
    if (start !== null) t.startUs = Math.min(t.startUs ?? start, start);
    if (end !== null) t.endUs = Math.max(t.endUs ?? end, end);
    return key;
  }

  // The spans of the observations among `keys` that are whole: created, and ended (an event at once).
  takeWhole(keys: Iterable<string>): Taken {
    const out: SpanRecord[] = [];
    const entries: Entry[] = [];
    for (const key of keys) {
      const projectId = key.split('\u0000')[1];
      const e = this.projects.get(projectId)?.entries.get(key);
      const o = e?.observation;
      if (!e || !o || !o.created) continue;
      if (o.type !== 'event' && (o.body.endTime === undefined || o.body.endTime === null)) continue;
      out.push(this.spanOf(e, 0));
      entries.push(e);
      this.remove(e);
    }
    return { spans: out, entries };
  }

  private remove(e: Entry): void {
    const p = this.projects.get(e.projectId);
    if (!p?.entries.delete(e.key)) return;
    p.bytes -= e.bytes;
    this.bytes -= e.bytes;
    this.count--;
    if (!p.entries.size) this.projects.delete(e.projectId);
  }

  private spanOf(e: Entry, nowMs: number): SpanRecord {
    if (e.trace) return traceRootSpan(e.trace, nowMs);
    const o = e.observation as NonNullable<Entry['observation']>;
    const traceId = o.langfuseTraceId ?? o.observationId;
    return observationSpan(o, this.peekTrace(o.projectId, traceId), traceId, this.options.captures?.(o.projectId) ?? false);
  }

  // Puts back entries whose spans could not be written, ahead of everything touched since (they
  // are older). An entry touched again meanwhile gets the earlier events merged under the new.
  restore(taken: Taken): void {
    const byProject = new Map<string, Entry[]>();
    for (const e of taken.entries as Entry[]) {
      const list = byProject.get(e.projectId) ?? [];
      list.push(e);
      byProject.set(e.projectId, list);
    }
    for (const [projectId, list] of byProject) {
      const p = this.projectOf(projectId);
      const rest = p.entries;
      p.entries = new Map();
      for (const e of list) {
        const now = rest.get(e.key);
        if (now) {
          rest.delete(e.key);
          this.count--;
          p.bytes -= now.bytes;
          this.bytes -= now.bytes;
          mergeEarlier(e, now);
        }
        p.entries.set(e.key, e);
        this.count++;
        p.bytes += e.bytes;
        this.bytes += e.bytes;
      }
      for (const [k, e] of rest) p.entries.set(k, e);
    }
  }

  // Entries past the bounds, written as they are: the oldest of the project holding the most.
  takeOverflow(nowMs: number): Taken {
    const out: SpanRecord[] = [];
    const entries: Entry[] = [];
    while (this.count > this.options.maxEntries || this.bytes > this.options.maxBytes) {
      const byBytes = this.bytes > this.options.maxBytes;
      let biggest: ProjectEntries | undefined;
      for (const p of this.projects.values()) {
        if (!biggest || (byBytes ? p.bytes > biggest.bytes : p.entries.size > biggest.entries.size)) biggest = p;
      }
      const e = biggest?.entries.values().next().value;
      if (!e) break;
      out.push(this.spanOf(e, nowMs));
      entries.push(e);
      this.remove(e);
    }
    return { spans: out, entries };
  }

  // Entries idle for idleMs. Observations come before their trace (touched no later than it), so
  // a root span is written after the observations that widen it.
  takeIdle(nowMs: number): Taken {
    const out: SpanRecord[] = [];
    const entries: Entry[] = [];
    for (const p of [...this.projects.values()]) {
      for (const e of p.entries.values()) {
        if (nowMs - e.lastEventMs < this.options.idleMs) break;
        out.push(this.spanOf(e, nowMs));
        entries.push(e);
        this.remove(e);
      }
    }
    return { spans: out, entries };
  }

  takeAll(nowMs: number): SpanRecord[] {
    const observations: SpanRecord[] = [];
    const roots: SpanRecord[] = [];
    for (const p of this.projects.values()) for (const e of p.entries.values()) (e.trace ? roots : observations).push(this.spanOf(e, nowMs));
    this.projects.clear();
    this.count = 0;
    this.bytes = 0;
    return [...observations, ...roots];
  }
}

// `later` holds the events that arrived while `earlier` was out: merged over it.
function mergeEarlier(earlier: Entry, later: Entry): void {
  earlier.bytes += later.bytes;
  earlier.lastEventMs = Math.max(earlier.lastEventMs, later.lastEventMs);
  if (earlier.trace && later.trace) {
    mergeInto(earlier.trace.body, later.trace.body);
    const a = earlier.trace;
    const b = later.trace;
    a.startUs = a.startUs === null ? b.startUs : b.startUs === null ? a.startUs : Math.min(a.startUs, b.startUs);
    a.endUs = a.endUs === null ? b.endUs : b.endUs === null ? a.endUs : Math.max(a.endUs, b.endUs);
  }
  const a = earlier.observation;
  const b = later.observation;
  if (a && b) {
    mergeInto(a.create, b.create);
    mergeInto(a.update, b.update);
    if (b.created) {
      a.created = true;
      a.type = b.type;
    }
    a.firstEventMs = Math.min(a.firstEventMs, b.firstEventMs);
    a.body = mergeInto(mergeInto({}, a.create), a.update);
    a.langfuseTraceId = a.body.traceId ?? a.langfuseTraceId;
  }
}
