import { describe, expect, it } from 'vitest';
import { CHUNK_OVERHEAD_BYTES, KeptBytes, ResponseCapture } from './capture.ts';
import { SseReader, type ProviderId } from './providers.ts';

const OPENAI_EVENTS = [
  'data: {"model":"gpt-4o-mini-2024","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}',
  'data: {"model":"gpt-4o-mini-2024","choices":[{"index":0,"delta":{"content":"Hé ✓"}}]}',
  'data: {"choices":[{"index":0,"delta":{"content":" done"},"finish_reason":"stop"}]}',
  'data: {"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":5}}',
  'data: [DONE]',
];
const ANTHROPIC_EVENTS = [
  'event: message_start\ndata: {"type":"message_start","message":{"model":"claude-x","usage":{"input_tokens":12,"output_tokens":1}}}',
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Ça va"}}',
  'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":7}}',
];

// Cuts `bytes` at the given offsets into chunks, each arriving 10 ms after the one before.
function chunksOf(bytes: Buffer, cuts: number[]): { chunk: Buffer; at: number }[] {
  const edges = [0, ...cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length];
  const out: { chunk: Buffer; at: number }[] = [];
  for (let i = 1; i < edges.length; i++) if (edges[i]! > edges[i - 1]!) out.push({ chunk: bytes.subarray(edges[i - 1], edges[i]), at: 100 + 10 * out.length });
  return out;
}

// What reading each chunk as it arrives gives: the behaviour the deferred reading must keep.
function incremental(provider: ProviderId, chunks: { chunk: Buffer; at: number }[], endMs: number) {
  const r = new SseReader(provider);
  for (const c of chunks) r.push(c.chunk, c.at);
  r.end(endMs);
  return { facts: r.facts, firstTokenAtMs: r.firstTokenAtMs, usageReported: r.usageReported };
}

function deferred(provider: ProviderId, chunks: { chunk: Buffer; at: number }[], endMs: number, maxBytes = 1 << 20) {
  const capture = new ResponseCapture(provider, true, maxBytes);
  for (const c of chunks) capture.add(c.chunk, c.at);
  return capture.sse(endMs);
}

// A small deterministic generator, so a failure names a case that can be run again.
function cutsFor(seed: number, length: number): number[] {
  let x = seed;
  const next = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * length;
  return Array.from({ length: 1 + (seed % 12) }, () => Math.floor(next()));
}

describe('ResponseCapture: a stream read after it ended', () => {
  it('dates the first token by the arrival of the chunk that completes its event', () => {
    const bytes = Buffer.from(OPENAI_EVENTS.map((e) => `${e}\n\n`).join(''));
    const secondEventEnd = bytes.indexOf('\n\n', bytes.indexOf('Hé')) + 1;
    // The event with the first text is cut in two: its start arrives at 100, its rest with the
    // blank line that ends it at 110.
    const chunks = chunksOf(bytes, [bytes.indexOf('Hé'), secondEventEnd + 1]);
    expect(chunks.map((c) => c.at)).toEqual([100, 110, 120]);
    const got = deferred('openai', chunks, 500);
    expect(got.firstTokenAtMs).toBe(110);
    expect(got.facts).toMatchObject({ responseModel: 'gpt-4o-mini-2024', output: 'Hé ✓ done', finishReason: 'stop', usage: { input: 10, output: 5 } });
    expect(got.usageReported).toBe(true);

    // Cut one byte earlier, the blank line's newline arrives with the next chunk, at 120.
    const late = deferred('openai', chunksOf(bytes, [bytes.indexOf('Hé'), secondEventEnd]), 500);
    expect(late.firstTokenAtMs).toBe(120);
  });

  it('reads every chunking of OpenAI and Anthropic streams, LF or CRLF, as reading chunk by chunk does', () => {
    const streams: [ProviderId, string[]][] = [
      ['openai', OPENAI_EVENTS],
      ['anthropic', ANTHROPIC_EVENTS],
    ];
    for (const [provider, events] of streams) {
      for (const eol of ['\n', '\r\n']) {
        const bytes = Buffer.from(events.map((e) => e.replaceAll('\n', eol) + eol + eol).join(''));
        for (let seed = 1; seed <= 200; seed++) {
          const chunks = chunksOf(bytes, cutsFor(seed, bytes.length));
          const want = incremental(provider, chunks, 999);
          expect({ provider, eol, seed, ...deferred(provider, chunks, 999) }).toEqual({ provider, eol, seed, ...want });
        }
        // One byte a chunk: every multi-byte character is split.
        const bytewise = chunksOf(bytes, Array.from({ length: bytes.length }, (_, i) => i));
        expect(deferred(provider, bytewise, 9_999_999)).toEqual(incremental(provider, bytewise, 9_999_999));
      }
    }
  });

  it('reads an event the end of the stream completes as at the end, and leaves it unread when the stream was cut off', () => {
    const bytes = Buffer.from('data: {"choices":[{"index":0,"delta":{"content":"last"}}]}');
    const ended = deferred('openai', [{ chunk: bytes, at: 100 }], 250);
    expect(ended).toMatchObject({ firstTokenAtMs: 250, facts: { output: 'last' } });
    const capture = new ResponseCapture('openai', true, 1 << 20);
    capture.add(bytes, 100);
    expect(capture.sse(null)).toMatchObject({ firstTokenAtMs: null, facts: { output: '' } });
  });

  it('past the byte bound, reads the stream as it passes and still gets the usage at its end', () => {
    const filler = Array.from({ length: 200 }, (_, i) => `data: {"choices":[{"index":0,"delta":{"content":"${i} "}}]}\n\n`).join('');
    const bytes = Buffer.from(`${filler}data: {"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":200}}\n\ndata: [DONE]\n\n`);
    const chunks = chunksOf(bytes, cutsFor(7, bytes.length));
    const want = incremental('openai', chunks, 999);
    const got = deferred('openai', chunks, 999, 1024);
    expect(got).toEqual(want);
    expect(got.facts.usage).toMatchObject({ input: 3, output: 200 });
  });

  it('keeps a plain body up to the bound and drops it past it', () => {
    // Each chunk counts its bytes and the cost of keeping it.
    const capture = new ResponseCapture('openai', false, 10 + 2 * CHUNK_OVERHEAD_BYTES);
    capture.add(Buffer.from('{"a":'), 1);
    capture.add(Buffer.from('1}'), 2);
    expect(capture.body()!.toString()).toBe('{"a":1}');
    expect(capture.firstChunkAtMs).toBe(1);
    capture.add(Buffer.from('1234'), 3);
    expect(capture.tooLarge).toBe(true);
    expect(capture.body()).toBeNull();
  });
});

describe('ResponseCapture: reading in slices, within one budget', () => {
  const stream = (events: number) =>
    Buffer.from(
      `${Array.from({ length: events }, (_, i) => `data: {"choices":[{"index":0,"delta":{"content":"${i} "}}]}\n\n`).join('')}data: {"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":${events}}}\n\ndata: [DONE]\n\n`,
    );

  it('reads an ended stream a slice per call when its time is up, and as a whole read would', () => {
    const bytes = stream(5000); // about 250 KB, in one chunk and in many
    for (const chunks of [[{ chunk: bytes, at: 100 }], chunksOf(bytes, cutsFor(11, bytes.length))]) {
      const capture = new ResponseCapture('openai', true, 1 << 20);
      for (const c of chunks) capture.add(c.chunk, c.at);
      let calls = 1;
      while (capture.readSome(0)) calls++; // a deadline already passed: one slice each
      expect(calls).toBeGreaterThanOrEqual(Math.floor(bytes.length / (16 * 1024)));
      expect(capture.sse(999)).toEqual(incremental('openai', chunks, 999));
    }
  });

  it('past its bound, leaves what a stream kept to be read in slices instead of reading it as the chunk passes', () => {
    const bytes = stream(300);
    const chunks = chunksOf(bytes, cutsFor(5, bytes.length));
    const backlog: number[] = [];
    const budget = new KeptBytes(1 << 20);
    const capture = new ResponseCapture('openai', true, 4096, budget, () => backlog.push(1));
    let i = 0;
    while (backlog.length === 0 && i < chunks.length) capture.add(chunks[i]!.chunk, chunks[i++]!.at);
    // The chunk that crossed the bound read nothing: the kept prefix is still held, for readSome.
    expect(backlog).toEqual([1]);
    expect(budget.used).toBeGreaterThan(2048);
    expect(capture.readSome(0)).toBe(true);
    while (capture.readSome(0));
    // Caught up: the rest is read as it passes.
    for (; i < chunks.length; i++) capture.add(chunks[i]!.chunk, chunks[i]!.at);
    expect(capture.sse(999)).toEqual(incremental('openai', chunks, 999));
    expect(backlog).toEqual([1]);
  });

  it('keeps no more than the shared budget across streams, counts each chunk beyond its bytes, and gives it back once read', () => {
    const budget = new KeptBytes(64 * 1024);
    const bytes = stream(800); // about 44 KB: one stream fits in the budget, not two
    const a = new ResponseCapture('openai', true, 1 << 20, budget);
    let backlog = false;
    const b = new ResponseCapture('openai', true, 1 << 20, budget, () => (backlog = true));
    const chunks = chunksOf(bytes, Array.from({ length: 99 }, (_, k) => Math.floor(((k + 1) * bytes.length) / 100)));
    let most = 0;
    for (const c of chunks) a.add(c.chunk, c.at);
    for (const c of chunks) {
      b.add(c.chunk, c.at);
      most = Math.max(most, budget.used);
      // The read of what b kept, on the next turn.
      if (backlog) while (b.readSome(0));
    }
    // Past the budget by the chunk that arrived while b's backlog waited at most.
    expect(backlog).toBe(true);
    expect(most).toBeLessThanOrEqual(budget.maxBytes + Math.max(...chunks.map((c) => c.chunk.length + CHUNK_OVERHEAD_BYTES)));
    // a kept the whole stream, each of its 100 chunks counted with its overhead; b was read as it passed.
    expect(most).toBeGreaterThanOrEqual(bytes.length + 100 * CHUNK_OVERHEAD_BYTES);
    expect(a.sse(999)).toEqual(incremental('openai', chunks, 999));
    expect(b.sse(999)).toEqual(incremental('openai', chunks, 999));
    expect(budget.used).toBe(0);
    a.release();
    b.release();
    expect(budget.used).toBe(0);

    // A per-response bound counts the overhead too: 100 one-byte chunks pass 1 KB.
    const tiny = new ResponseCapture('openai', false, 1024, budget);
    for (let k = 0; k < 100; k++) tiny.add(Buffer.from(' '), k);
    expect(tiny.tooLarge).toBe(true);
  });

  it('reads the body once, however often it is asked for', () => {
    const capture = new ResponseCapture('openai', false, 1 << 20);
    capture.add(Buffer.from('{"a":'), 1);
    capture.add(Buffer.from('1}'), 2);
    expect(capture.body()).toBe(capture.body());
  });
});
