import { SseReader, type ProviderId, type ResponseFacts } from './providers.ts';

// What the gateway keeps of a response while forwarding it: the chunks' bytes and their arrival
// times, and nothing read. Forwarding a chunk costs two array pushes; the response is read once,
// after it has ended and off the forwarding path (`sse()`, `body()`).
//
// Bounded: past `maxBytes` a plain body is dropped (the call is recorded without its facts); a
// stream is read from there on as it passes (`SseReader.push`), so that a long stream keeps its
// usage, which comes last, without the gateway holding the whole of it.

export interface StreamFacts {
  facts: ResponseFacts;
  firstTokenAtMs: number | null; // when the chunk ending the first event with output arrived
  usageReported: boolean;
}

export class ResponseCapture {
  firstChunkAtMs: number | null = null;
  private chunks: Buffer[] = [];
  private times: number[] = []; // arrival of each chunk (performance.now() ms), streams only
  private bytes = 0;
  private overflowed = false;
  private reader: SseReader | null = null;
  private readonly provider: ProviderId;
  private readonly stream: boolean;
  private readonly maxBytes: number;

  // `stream`: an uncompressed server-sent event stream, whose events are dated by chunk.
  constructor(provider: ProviderId, stream: boolean, maxBytes: number) {
    this.provider = provider;
    this.stream = stream;
    this.maxBytes = maxBytes;
  }

  get tooLarge(): boolean {
    return this.overflowed;
  }

  add(chunk: Buffer, nowMs: number): void {
    this.firstChunkAtMs ??= nowMs;
    if (this.reader) return this.reader.push(chunk, nowMs);
    if (this.overflowed) return;
    if (this.bytes + chunk.length > this.maxBytes) {
      if (!this.stream) {
        this.overflowed = true;
        this.chunks = [];
        return;
      }
      this.reader = new SseReader(this.provider);
      for (let i = 0; i < this.chunks.length; i++) this.reader.push(this.chunks[i]!, this.times[i]!);
      this.chunks = [];
      this.times = [];
      this.reader.push(chunk, nowMs);
      return;
    }
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    if (this.stream) this.times.push(nowMs);
  }

  // The whole body as received; null past the bound.
  body(): Buffer | null {
    if (this.overflowed) return null;
    return this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.bytes);
  }

  // Reads the stream kept so far. `endMs`: when it ended, the time of an event only its end
  // completes; null when it was cut off, and an unfinished last event is not read.
  sse(endMs: number | null): StreamFacts {
    let reader = this.reader;
    if (!reader) {
      reader = new SseReader(this.provider);
      const ends: number[] = [];
      let at = 0;
      for (const c of this.chunks) ends.push((at += c.length));
      let i = 0;
      // Offsets come in increasing order: the chunk holding one is found by walking forward.
      reader.read(this.body()!, (offset) => {
        while (ends[i]! <= offset) i++;
        return this.times[i]!;
      });
    }
    if (endMs !== null) reader.end(endMs);
    return { facts: reader.facts, firstTokenAtMs: reader.firstTokenAtMs, usageReported: reader.usageReported };
  }
}
