import { SseReader, type ProviderId, type ResponseFacts } from './providers.ts';

// What the gateway keeps of a response while forwarding it: the chunks' bytes and their arrival
// times, and nothing read. Forwarding a chunk costs two array pushes; the response is read after
// it has ended and off the forwarding path, a slice at a time (`readSome`), then `sse()`/`body()`.
//
// Bounded: a response keeps at most `maxBytes`, and all the responses together at most what the
// shared `KeptBytes` allows, each chunk counted with `CHUNK_OVERHEAD_BYTES` beside its bytes (many
// tiny chunks cost more than their bytes). Past its bound a plain body is dropped (the call is
// recorded without its facts); a stream is read from there on as it passes (`SseReader.push`), so
// that a long stream keeps its usage, which comes last. What it had kept until then is read in
// slices first (`onBacklog`), never all at once in the forwarding path.

export interface StreamFacts {
  facts: ResponseFacts;
  firstTokenAtMs: number | null; // when the chunk ending the first event with output arrived
  usageReported: boolean;
}

// What keeping a chunk costs beyond its bytes: the Buffer, its slot and its arrival time.
export const CHUNK_OVERHEAD_BYTES = 64;
// Bytes read between looks at the clock, so that one large chunk does not make a long stretch.
const READ_SLICE_BYTES = 16 * 1024;

// The bytes kept by every response in flight or waiting to be read, against one bound.
export class KeptBytes {
  used = 0;
  readonly maxBytes: number;

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  take(bytes: number): boolean {
    if (this.used + bytes > this.maxBytes) return false;
    this.used += bytes;
    return true;
  }

  // Counted even past the bound: bytes the gateway must keep anyway.
  force(bytes: number): void {
    this.used += bytes;
  }

  give(bytes: number): void {
    this.used -= bytes;
  }
}

export class ResponseCapture {
  firstChunkAtMs: number | null = null;
  private chunks: Buffer[] = [];
  private times: number[] = []; // arrival of each chunk (performance.now() ms), streams only
  private next = 0; // streams: chunks before it are read
  private offset = 0; // streams: bytes of chunks[next] already read
  private held = 0; // bytes counted against the budget, overhead included
  private overflowed = false;
  private live = false; // a stream past its bound: read as it passes once what it kept is read
  private released = false;
  private whole: Buffer | null = null;
  private readonly reader: SseReader | null;
  private readonly stream: boolean;
  private readonly maxBytes: number;
  private readonly budget: KeptBytes;
  private readonly onBacklog: () => void;

  // `stream`: an uncompressed server-sent event stream, whose events are dated by chunk.
  // `onBacklog`: called once when a stream passes its bound with bytes kept; the caller is to call
  // `readSome` until it returns false, off the forwarding path.
  constructor(provider: ProviderId, stream: boolean, maxBytes: number, budget = new KeptBytes(Number.POSITIVE_INFINITY), onBacklog: () => void = () => {}) {
    this.stream = stream;
    this.reader = stream ? new SseReader(provider) : null;
    this.maxBytes = maxBytes;
    this.budget = budget;
    this.onBacklog = onBacklog;
  }

  get tooLarge(): boolean {
    return this.overflowed;
  }

  add(chunk: Buffer, nowMs: number): void {
    if (this.released) return;
    this.firstChunkAtMs ??= nowMs;
    if (this.overflowed) return;
    const cost = chunk.length + CHUNK_OVERHEAD_BYTES;
    if (this.reader) {
      const caughtUp = this.next === this.chunks.length;
      if (this.live && caughtUp) return this.reader.push(chunk, nowMs);
      if (this.live) this.budget.force(cost); // behind what is still to be read
      else if (this.held + cost > this.maxBytes || !this.budget.take(cost)) {
        this.live = true;
        if (caughtUp) return this.reader.push(chunk, nowMs);
        this.budget.force(cost);
        this.onBacklog();
      }
      this.times.push(nowMs);
    } else {
      if (this.held + cost > this.maxBytes) {
        this.overflowed = true;
        this.free();
        return;
      }
      this.budget.force(cost);
    }
    this.chunks.push(chunk);
    this.held += cost;
  }

  // Reads kept chunks of a stream until `untilMs` (performance.now()) has passed, at least one
  // slice; true while some are left.
  readSome(untilMs: number): boolean {
    const reader = this.reader;
    if (!reader) return false;
    while (this.next < this.chunks.length) {
      const chunk = this.chunks[this.next]!;
      const end = Math.min(chunk.length, this.offset + READ_SLICE_BYTES);
      reader.push(this.offset === 0 && end === chunk.length ? chunk : chunk.subarray(this.offset, end), this.times[this.next]!);
      if (end < chunk.length) this.offset = end;
      else {
        this.chunks[this.next++] = EMPTY; // let it go
        this.offset = 0;
        this.held -= chunk.length + CHUNK_OVERHEAD_BYTES;
        this.budget.give(chunk.length + CHUNK_OVERHEAD_BYTES);
      }
      if (performance.now() >= untilMs) break;
    }
    if (this.next < this.chunks.length) return true;
    this.chunks = [];
    this.times = [];
    this.next = 0;
    return false;
  }

  // The whole body as received; null past the bound.
  body(): Buffer | null {
    if (this.overflowed || this.released) return null;
    this.whole ??= this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    return this.whole;
  }

  // Reads what is left of the stream (all of it: call `readSome` first to go in slices).
  // `endMs`: when it ended, the time of an event only its end completes; null when it was cut
  // off, and an unfinished last event is not read.
  sse(endMs: number | null): StreamFacts {
    const reader = this.reader!;
    this.readSome(Number.POSITIVE_INFINITY);
    if (endMs !== null) reader.end(endMs);
    return { facts: reader.facts, firstTokenAtMs: reader.firstTokenAtMs, usageReported: reader.usageReported };
  }

  // Once read: its bytes go back to the budget, and chunks still arriving are not kept.
  release(): void {
    this.released = true;
    this.free();
  }

  private free(): void {
    this.budget.give(this.held);
    this.held = 0;
    this.chunks = [];
    this.times = [];
    this.next = 0;
    this.offset = 0;
    this.whole = null;
  }
}

const EMPTY = Buffer.alloc(0);
