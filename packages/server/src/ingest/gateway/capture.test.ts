import { describe, expect, it } from 'vitest';
import { ResponseCapture } from './capture.ts';
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
    const capture = new ResponseCapture('openai', false, 10);
    capture.add(Buffer.from('{"a":'), 1);
    capture.add(Buffer.from('1}'), 2);
    expect(capture.body()!.toString()).toBe('{"a":1}');
    expect(capture.firstChunkAtMs).toBe(1);
    capture.add(Buffer.from('1234'), 3);
    expect(capture.tooLarge).toBe(true);
    expect(capture.body()).toBeNull();
  });
});
