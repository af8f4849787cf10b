// Deterministic sampling of traces for the evaluators (heuristics in the ingest chain, the LLM
// judge after it): a trace is in an evaluator's sample when the hash of (evaluator id, trace id),
// mapped to [0, 1), is below the evaluator's sample rate. A batch sent again, another node, or a
// restart all decide the same, so nothing is evaluated twice and every span of a trace is in or
// out together; raising the rate keeps every trace sampled before and adds others.

// 2^53: the hash is 53 bits, so `hash / 2^53` is exact as a double and below 1.
const TWO_POW_53 = 9007199254740992;

// cyrb53 (public domain): two 32-bit multiply-xorshift lanes mixed into 53 bits. Trace ids are
// random hex already; what matters is that every bit of the input moves the output evenly, so
// that ids differing in one character fall anywhere in [0, 1).
function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

// Where a trace falls for an evaluator, uniformly in [0, 1).
export function samplePoint(evaluatorId: string, traceId: string): number {
  return hash53(`${evaluatorId}\u0000${traceId}`) / TWO_POW_53;
}

// Whether an evaluator with this sample rate (0..1) looks at this trace.
export function inSample(evaluatorId: string, traceId: string, sampleRate: number): boolean {
  if (!(sampleRate > 0)) return false;
  if (sampleRate >= 1) return true;
  return samplePoint(evaluatorId, traceId) < sampleRate;
}
