import { describe, expect, it } from 'vitest';
import { ApiError, errorText, queryString } from './client.ts';

describe('queryString', () => {
  it('leaves out empty values and repeats array values', () => {
    expect(queryString({ a: 1, b: '', c: null, d: undefined, e: ['x', 'y'], f: true, g: false })).toBe('?a=1&e=x&e=y&f=true&g=false');
  });

  it('encodes values and gives nothing for no parameters', () => {
    expect(queryString({ q: 'a b&c' })).toBe('?q=a+b%26c');
    expect(queryString({})).toBe('');
    expect(queryString({ a: null })).toBe('');
  });
});

describe('errorText', () => {
  it("shows the API's message as it is", () => {
    expect(errorText(new ApiError(403, 'forbidden', 'Not allowed: admin scope needed'))).toBe('Not allowed: admin scope needed');
    expect(errorText(new Error('boom'))).toBe('boom');
    expect(errorText('plain text')).toBe('plain text');
  });
});
