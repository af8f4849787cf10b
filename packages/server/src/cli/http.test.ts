import { afterEach, describe, expect, it } from 'vitest';
import { deadUrl, scriptedServer, type ScriptedServer } from '../testing/scripted-server.ts';
import { answer, answeringClient, apiClient, CliError, isServerDown } from './http.ts';

let server: ScriptedServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function failureOf(promise: Promise<unknown>): Promise<CliError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CliError);
  return err as CliError;
}

describe('the command line client of a running server', () => {
  it('calls a typed path under the server URL with the key, and answers its JSON', async () => {
    server = await scriptedServer([{ status: 200, body: { alerts: [] } }]);
    const api = apiClient({ url: `${server.url}/lookout/`, key: 'lk_test' });
    expect(await answer(api.GET('/api/v1/alerts', { params: { query: { state: 'firing' } } }))).toEqual({ alerts: [] });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ method: 'GET', url: '/lookout/api/v1/alerts?state=firing' });
    expect(server.requests[0].headers).toMatchObject({ authorization: 'Bearer lk_test', accept: 'application/json' });
  });

  it('turns an answer that is not 2xx into a CliError naming the request, status, message and code', async () => {
    server = await scriptedServer([{ status: 409, body: { error: { code: 'conflict', message: 'activation a b was already reverted', retryable: false } } }]);
    const api = apiClient({ url: `${server.url}/lookout` });
    const err = await failureOf(answer(api.POST('/api/v1/actions/{id}/revert', { params: { path: { id: 'a b' } } })));
    expect(err.message).toBe('POST /api/v1/actions/a%20b/revert failed with 409: activation a b was already reverted');
    expect(err.code).toBe('conflict');
  });

  it('reports a body that is not JSON as text, and a code outside the catalog as internal', async () => {
    server = await scriptedServer([
      { status: 502, body: 'Bad gateway' },
      { status: 418, body: { error: { code: 'teapot', message: 'short and stout' } } },
    ]);
    const api = apiClient({ url: server.url });
    const text = await failureOf(answer(api.GET('/api/v1/alerts/history', { params: { query: { limit: 5, since: '24h' } } })));
    expect(text.message).toBe('GET /api/v1/alerts/history?limit=5&since=24h failed with 502: Bad gateway');
    expect(text.code).toBe('internal');
    const unknown = await failureOf(answer(api.GET('/api/v1/alerts')));
    expect(unknown.message).toBe('GET /api/v1/alerts failed with 418: short and stout');
    expect(unknown.code).toBe('internal');
  });

  it('says that no server answers, and how to start one, when nothing listens', async () => {
    const url = await deadUrl();
    const err = await failureOf(answer(apiClient({ url }).GET('/api/v1/alerts')));
    expect(err.message).toBe(`no Lookout server answers at ${url}; start one with \`lookout serve\` or pass --url`);
    expect(err.code).toBe('store_unavailable');
    expect(isServerDown(err)).toBe(true);
    expect(isServerDown(new CliError('--limit: not a number'))).toBe(false);
  });

  it('hands every answer back, 2xx or not, to a caller that reads the status itself', async () => {
    server = await scriptedServer([{ status: 503, body: { error: { code: 'queue_full', message: 'busy', retryable: true } }, headers: { 'retry-after': '2' } }]);
    const { data, error, response } = await answeringClient({ url: server.url }).POST('/api/v1/ingest', { body: { batch: [] } });
    expect(data).toBeUndefined();
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(error).toEqual({ error: { code: 'queue_full', message: 'busy', retryable: true } });
  });
});
