import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { analytics, ApiError, del, errorText, get, getText, post } from './client.ts';

// The client against a stubbed fetch: what goes out (URL, key, body) and how answers come back.

const ORIGIN = 'http://lookout.test';

let requests: Request[];
let answer: () => Response | Promise<Response>;
let storage: Map<string, string>;
let events: string[];

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

beforeEach(() => {
  requests = [];
  events = [];
  storage = new Map();
  answer = () => json(200, {});
  const target = new EventTarget();
  for (const name of ['lookout:unauthorized', 'lookout:auth']) target.addEventListener(name, () => events.push(name));
  vi.stubGlobal('window', target);
  vi.stubGlobal('location', { origin: ORIGIN });
  vi.stubGlobal('sessionStorage', {
    getItem: (k: string) => storage.get(k) ?? null,
    setItem: (k: string, v: string) => storage.set(k, v),
    removeItem: (k: string) => storage.delete(k),
  });
  vi.stubGlobal('fetch', async (request: Request) => {
    requests.push(request);
    return answer();
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('requests', () => {
  it('leaves out empty parameters and repeats array values', async () => {
    await analytics({ measures: ['cost', 'requests'], groupBy: '', filter: null, limit: 5, scoreName: undefined, bucket: 'hour' });
    const url = new URL(requests[0].url);
    expect(`${url.origin}${url.pathname}`).toBe(`${ORIGIN}/api/v1/analytics/query`);
    expect([...url.searchParams]).toEqual([
      ['measures', 'cost'],
      ['measures', 'requests'],
      ['limit', '5'],
      ['bucket', 'hour'],
    ]);
  });

  it('encodes parameter values and sends no query string for none', async () => {
    await get('/api/v1/spans', { q: 'a b&c' });
    expect(new URL(requests[0].url).searchParams.get('q')).toBe('a b&c');
    expect(requests[0].url).not.toContain('a b&c');
    await get('/api/v1/spans', { q: '' });
    await get('/api/v1/alerts');
    expect(requests[1].url).toBe(`${ORIGIN}/api/v1/spans`);
    expect(requests[2].url).toBe(`${ORIGIN}/api/v1/alerts`);
  });

  it('puts path parameters into the path, encoded', async () => {
    await get('/api/v1/traces/{traceId}', undefined, { traceId: 'a/b c' });
    await del('/api/v1/keys/{keyId}', { keyId: 'k1' });
    expect(requests[0].url).toBe(`${ORIGIN}/api/v1/traces/a%2Fb%20c`);
    expect(requests[1].method).toBe('DELETE');
    expect(requests[1].url).toBe(`${ORIGIN}/api/v1/keys/k1`);
  });

  it('sends the key kept in sessionStorage on every call, and none without one', async () => {
    await get('/api/v1/alerts');
    storage.set('lookout.apiKey', 'lk_first');
    await get('/api/v1/alerts');
    storage.set('lookout.apiKey', 'lk_second');
    await get('/api/v1/alerts');
    expect(requests.map((r) => r.headers.get('authorization'))).toEqual([null, 'Bearer lk_first', 'Bearer lk_second']);
  });

  it('sends a body as JSON and reads the JSON answer', async () => {
    answer = () => json(201, { silence: { id: 's1' } });
    const res = await post('/api/v1/alerts/silences', { matchers: ['alertname="X"'], duration: '1h' });
    expect(res).toEqual({ silence: { id: 's1' } });
    expect(requests[0].method).toBe('POST');
    expect(requests[0].headers.get('content-type')).toBe('application/json');
    expect(await requests[0].json()).toEqual({ matchers: ['alertname="X"'], duration: '1h' });
  });

  it('gives null for an empty answer and the text of a text resource', async () => {
    answer = () => new Response(null, { status: 204 });
    expect(await del('/api/v1/keys/{keyId}', { keyId: 'k1' })).toBeNull();
    answer = () => new Response('# TYPE up gauge\nup 1\n', { status: 200, headers: { 'content-type': 'text/plain' } });
    expect(await getText('/metrics')).toBe('# TYPE up gauge\nup 1\n');
    expect(requests[1].headers.get('accept')).toBe('text/plain');
  });
});

describe('errors', () => {
  it("shows the server's message with its code and status", async () => {
    answer = () => json(400, { error: { code: 'invalid_parameter', message: 'limit: must be at most 1000', retryable: false } });
    const failed = get('/api/v1/spans', { limit: 5000 });
    await expect(failed).rejects.toBeInstanceOf(ApiError);
    await expect(failed).rejects.toMatchObject({ status: 400, code: 'invalid_parameter', message: 'limit: must be at most 1000' });
    expect(events).toEqual([]);
  });

  it('announces a 401 so the app asks for a key', async () => {
    answer = () => json(401, { error: { code: 'unauthorized', message: 'missing API key', retryable: false } });
    await expect(get('/api/v1/alerts')).rejects.toMatchObject({ status: 401, code: 'unauthorized', message: 'missing API key' });
    expect(events).toEqual(['lookout:unauthorized']);
  });

  it('tells a read key it cannot change anything, and names what a key lacks', async () => {
    answer = () => json(403, { error: { code: 'forbidden', message: "this key has scope 'read'; this needs 'admin'", retryable: false } });
    await expect(del('/api/v1/keys/{keyId}', { keyId: 'k1' })).rejects.toMatchObject({ message: "This key is read-only: this key has scope 'read'; this needs 'admin'" });
    await expect(get('/api/v1/keys')).rejects.toMatchObject({ message: "Not allowed: this key has scope 'read'; this needs 'admin'" });
  });

  it('says when to retry a refused call', async () => {
    answer = () => json(429, { error: { code: 'too_many_queries', message: 'too many queries at once', retryable: true } }, { 'retry-after': '3' });
    await expect(get('/api/v1/alerts')).rejects.toMatchObject({ status: 429, message: 'too many queries at once (retry in 3 s)', retryable: true });
  });

  it('falls back to the status when the answer is not the error shape', async () => {
    answer = () => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' });
    await expect(get('/api/v1/alerts')).rejects.toMatchObject({ status: 502, code: '502', message: '502 Bad Gateway' });
  });

  it('says the server could not be reached when the request fails', async () => {
    answer = () => Promise.reject(new TypeError('Failed to fetch'));
    await expect(get('/api/v1/alerts')).rejects.toMatchObject({
      status: 0,
      code: 'network',
      message: 'The Lookout server could not be reached (Failed to fetch). Is it running?',
    });
  });
});

describe('errorText', () => {
  it("shows the API's message as it is", () => {
    expect(errorText(new ApiError(403, 'forbidden', 'Not allowed: admin scope needed'))).toBe('Not allowed: admin scope needed');
    expect(errorText(new Error('boom'))).toBe('boom');
    expect(errorText('plain text')).toBe('plain text');
  });
});
