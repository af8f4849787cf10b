import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generation, makeTestApp, type TestApp } from '../../server/src/testing/app.ts';
import { createLookoutClient, LookoutApiError, unwrap, type LookoutClient } from './index.ts';

// Against the real server on a socket: the generated types and the answers agree.
describe('the typed client', () => {
  let t: TestApp;
  let client: LookoutClient;
  let key: string | null = null;
  beforeAll(async () => {
    t = await makeTestApp();
    const url = await t.app.listen({ host: '127.0.0.1', port: 0 });
    client = createLookoutClient({ baseUrl: url, key: () => key });
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  it('sends a batch and reads it back, typed', async () => {
    const sent = await unwrap(client.POST('/api/v1/ingest', { body: { batch: [generation({ name: 'typed-client-call' })] } as never }));
    expect(sent).toBeTruthy();
    const page = await unwrap(client.GET('/api/v1/spans', { params: { query: { limit: 10, model: 'gpt-4o' } } }));
    expect(page.spans.map((s) => s.name)).toEqual(['typed-client-call']);
    expect(page.spans[0].usage.input).toBe(1000);
  });

  it('turns an error answer into a LookoutApiError with the server code and message', async () => {
    const failed = unwrap(client.GET('/api/v1/spans', { params: { query: { limit: 5000 } } }));
    await expect(failed).rejects.toBeInstanceOf(LookoutApiError);
    await expect(failed).rejects.toMatchObject({ status: 400, code: 'invalid_parameter', message: 'limit: must be at most 1000' });
  });

  it('sends the key it is given on each request', async () => {
    key = 'lk_not_a_key';
    try {
      await expect(unwrap(client.GET('/api/v1/spans', {}))).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    } finally {
      key = null;
    }
  });
});
