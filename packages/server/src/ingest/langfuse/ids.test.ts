import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { lookoutSpanId, lookoutTraceId, traceRootSpanId } from './ids.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('langfuse ids', () => {
  it('keeps 32-hex trace ids and strips UUID hyphens, lowercased', () => {
    expect(lookoutTraceId('0123456789ABCDEF0123456789abcdef')).toBe('0123456789abcdef0123456789abcdef');
    expect(lookoutTraceId('3F2504E0-4F89-11D3-9A0C-0305E82C3301')).toBe('3f2504e04f8911d39a0c0305e82c3301');
  });

  it('hashes any other trace id with its domain prefix', () => {
    expect(lookoutTraceId('my-trace')).toBe(sha('langfuse trace\0my-trace').slice(0, 32));
    expect(lookoutTraceId('my-trace')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('keeps 16-hex observation ids, hashes others (UUIDs included)', () => {
    expect(lookoutSpanId('0123456789ABCDEF')).toBe('0123456789abcdef');
    const uuid = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
    expect(lookoutSpanId(uuid)).toBe(sha(`langfuse observation\0${uuid}`).slice(0, 16));
  });

  it('gives the trace root span an id distinct from any observation of the same string', () => {
    expect(traceRootSpanId('t1')).toBe(sha('langfuse trace root\0t1').slice(0, 16));
    expect(traceRootSpanId('t1')).not.toBe(lookoutSpanId('t1'));
  });
});
