import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { analytics, ApiError, del, errorText, get, getText, loadMe, post, signIn, signOut } from './client.ts';
import { setCsrf } from './session.ts';

// The client against a stubbed fetch: what goes out (URL, key, body) and how answers come back.

const ORIGIN = 'http://lookout.test';

let requests: Request[];
let answer: () => Response | Promise<Response>;
let storage: Map<string, string>;
let local: Map<string, string>;
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
  local = new Map();
  vi.stubGlobal('localStorage', {
    getItem: (k: string) => local.get(k) ?? null,
    setItem: (k: string, v: string) => local.set(k, v),
    removeItem: (k: string) => local.delete(k),
  });
  setCsrf(null);
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
    storage.set('lookout.apiKey', 'lk_read');
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

describe('a signed-in person', () => {
  const me = (csrfToken: string) => ({ kind: 'user', user: { id: 'u1', email: 'ada@example.com', name: null }, projectId: 'acme', grant: 'member', role: 'member', operator: false, memberships: [], csrfToken });

  it('sends the CSRF token from /api/v1/me on changes and the chosen project on every call; a key sends neither', async () => {
    local.set('lookout.project', 'acme');
    answer = () => json(200, me('tok-1'));
    await loadMe();
    answer = () => json(200, {});
    await get('/api/v1/alerts');
    await post('/api/v1/alerts/silences', { matchers: ['alertname="X"'], duration: '1h' });
    expect(requests[0].headers.get('x-lookout-project')).toBe('acme');
    expect(requests[1].headers.get('x-csrf-token')).toBeNull();
    expect(requests[1].headers.get('x-lookout-project')).toBe('acme');
    expect(requests[2].headers.get('x-csrf-token')).toBe('tok-1');
    storage.set('lookout.apiKey', 'lk_admin');
    await post('/api/v1/alerts/silences', { matchers: ['alertname="X"'], duration: '1h' });
    expect(requests[3].headers.get('x-csrf-token')).toBeNull();
    expect(requests[3].headers.get('x-lookout-project')).toBeNull();
    expect(requests[3].headers.get('authorization')).toBe('Bearer lk_admin');
  });

  it('takes a fresh token and sends the change once more when the CSRF token is refused', async () => {
    setCsrf('stale');
    const answers = [
      json(403, { error: { code: 'forbidden', message: "the CSRF token in header x-csrf-token is not this session's", retryable: false } }),
      json(200, me('fresh')),
      json(201, { silence: { id: 's1' } }),
    ];
    answer = () => answers.shift() ?? json(500, {});
    expect(await post('/api/v1/alerts/silences', { matchers: ['alertname="X"'], duration: '1h' })).toEqual({ silence: { id: 's1' } });
    expect(requests.map((r) => `${r.method} ${new URL(r.url).pathname} ${r.headers.get('x-csrf-token')}`)).toEqual([
      'POST /api/v1/alerts/silences stale',
      'GET /api/v1/me null',
      'POST /api/v1/alerts/silences fresh',
    ]);
    expect(await requests[2].json()).toEqual({ matchers: ['alertname="X"'], duration: '1h' });
  });

  it('does not send a change again for a 403 that is not about the token', async () => {
    setCsrf('tok');
    answer = () => json(403, { error: { code: 'forbidden', message: "your role in project 'acme' is viewer", retryable: false } });
    await expect(post('/api/v1/alerts/silences', { matchers: ['a="b"'], duration: '1h' })).rejects.toMatchObject({ status: 403, message: "Not allowed: your role in project 'acme' is viewer" });
    expect(requests).toHaveLength(1);
  });

  it("signs in with the server's message on a refusal, and signs out with the token, following the provider's logout", async () => {
    answer = () => json(401, { error: { code: 'unauthorized', message: 'the email address or password is not correct', retryable: false } });
    await expect(signIn('ada@example.com', 'wrong')).rejects.toMatchObject({ status: 401, message: 'the email address or password is not correct' });
    expect(requests[0].url).toBe(`${ORIGIN}/auth/login`);
    expect(await requests[0].json()).toEqual({ email: 'ada@example.com', password: 'wrong' });
    // Not a page's 401: the sign-in screen is already shown.
    expect(events).toEqual([]);
    setCsrf('tok');
    answer = () => json(200, { endSessionUrl: 'https://idp.example/logout?id_token_hint=x' });
    expect(await signOut()).toBe('https://idp.example/logout?id_token_hint=x');
    expect(requests[1].method).toBe('POST');
    expect(requests[1].headers.get('x-csrf-token')).toBe('tok');
    setCsrf('tok');
    answer = () => new Response(null, { status: 204 });
    expect(await signOut()).toBeNull();
  });
});

describe('errorText', () => {
  it("shows the API's message as it is", () => {
    expect(errorText(new ApiError(403, 'forbidden', 'Not allowed: admin scope needed'))).toBe('Not allowed: admin scope needed');
    expect(errorText(new Error('boom'))).toBe('boom');
    expect(errorText('plain text')).toBe('plain text');
  });
});
