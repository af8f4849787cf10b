import { afterEach, describe, expect, it } from 'vitest';
import type { IngestItemInput } from '../../ingest/api/schema.ts';
import { generation } from '../../testing/app.ts';
import { deadUrl, scriptedServer, type ScriptedServer } from '../../testing/scripted-server.ts';
import { assignFreeTier, DemoError, ingestTarget, postBatch } from './client.ts';

let server: ScriptedServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const batch = [generation({ name: 'demo-call' })] as IngestItemInput[];
const accepted = { accepted: 1, duplicates: 0, rejected: 0, results: [{ index: 0, type: 'generation', status: 'accepted' }] };
const busy = (status: number) => ({ status, body: { error: { code: 'queue_full', message: 'busy', retryable: true } }, headers: { 'retry-after': '0' } });

describe("the demo's sender", () => {
  it('sends the batch again after back-pressure (429, 503) until it is taken', async () => {
    server = await scriptedServer([busy(503), busy(429), { status: 200, body: accepted }]);
    let retries = 0;
    const res = await postBatch(ingestTarget(server.url, 'lk_demo'), batch, () => retries++);
    expect(res).toEqual(accepted);
    expect(retries).toBe(2);
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(Array(3).fill('POST /api/v1/ingest'));
    expect(new Set(server.requests.map((r) => r.body)).size).toBe(1);
    expect(JSON.parse(server.requests[0].body)).toEqual({ batch });
    expect(server.requests[0].headers.authorization).toBe('Bearer lk_demo');
  });

  it('gives up after ten refusals with the server message', async () => {
    server = await scriptedServer([busy(503)]);
    let retries = 0;
    await expect(postBatch(ingestTarget(server.url), batch, () => retries++)).rejects.toThrow('the server kept refusing the batch (503) after 10 attempts: busy');
    expect(server.requests).toHaveLength(10);
    expect(retries).toBe(9);
  });

  it('fails on refused items, naming them', async () => {
    server = await scriptedServer([
      { status: 207, body: { accepted: 0, duplicates: 0, rejected: 1, results: [{ index: 0, type: 'generation', status: 'rejected', error: 'model: required' }], error: { code: 'invalid_request', message: 'some items were refused', retryable: false } } },
    ]);
    const sent = postBatch(ingestTarget(server.url), batch, () => {});
    await expect(sent).rejects.toBeInstanceOf(DemoError);
    await expect(sent).rejects.toThrow('the server answered 207 to a demo batch: model: required');
  });

  it('says that no server answers at the ingest endpoint when nothing listens', async () => {
    const url = await deadUrl();
    await expect(postBatch(ingestTarget(url), batch, () => {})).rejects.toThrow(`no Lookout server answers at ${url}/api/v1/ingest; start one with \`lookout serve\` or pass --url`);
  });

  it('assigns the free tier, and reports a server without budgets or a key that may not', async () => {
    server = await scriptedServer([
      { status: 200, body: { user: 'u 1', tier: 'free', previous: null } },
      { status: 404, body: { error: { code: 'not_found', message: 'no route' } } },
      { status: 403, body: { error: { code: 'forbidden', message: "needs scope 'admin'" } } },
    ]);
    const target = ingestTarget(server.url);
    expect(await assignFreeTier(target, 'u 1')).toMatchObject({ status: 'assigned', tier: 'free', user: 'u 1' });
    expect(server.requests[0]).toMatchObject({ method: 'PUT', url: '/api/v1/budgets/tiers/u%201', body: '{"tier":"free"}' });
    expect(await assignFreeTier(target, 'u 1')).toMatchObject({ status: 'unsupported' });
    expect(await assignFreeTier(target, 'u 1')).toMatchObject({ status: 'refused', detail: expect.stringContaining("(403: needs scope 'admin')") });
  });
});
