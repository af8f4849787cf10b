import { describe, expect, it } from 'vitest';
import { anyRunning, countsText, erasureBody } from './erasure.ts';

describe('erasure form', () => {
  it('sends the one id field of the kind, trimmed; a trace id in lower case', () => {
    expect(erasureBody('user', '  u-42 ')).toEqual({ userId: 'u-42' });
    expect(erasureBody('session', 'chat-1')).toEqual({ sessionId: 'chat-1' });
    expect(erasureBody('trace', 'ABCDEF0123456789ABCDEF0123456789')).toEqual({ traceId: 'abcdef0123456789abcdef0123456789' });
    expect(erasureBody('user', '   ')).toBeNull();
  });

  it('says what a job deleted, or why it failed', () => {
    expect(countsText({ status: 'done', counts: { spans: 3, scores: 1, logs: 0, metricPoints: 0, rollupHours: 2 }, error: null })).toBe('3 spans, 1 scores, 0 logs');
    expect(countsText({ status: 'running', counts: null, error: null })).toBe('—');
    expect(countsText({ status: 'failed', counts: null, error: 'the store is down' })).toBe('the store is down');
    expect(anyRunning([{ status: 'done' }, { status: 'running' }])).toBe(true);
  });
});
