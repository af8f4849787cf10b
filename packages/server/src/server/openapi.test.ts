import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildDocument, clientTypesText, CLIENT_TYPES_FILE, DOCUMENT_FILE, documentText, readIfExists } from '../../../../scripts/openapi.ts';
import { projectId } from '../store/store.ts';
import { makeTestApp, type TestApp } from '../testing/app.ts';
import { OPENAPI_PATH, undeclaredField, undocumentedRoutes } from './openapi.ts';

describe('the OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp({ requireApiKeys: 'always' });
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  it('has a summary and response schemas for every route', () => {
    expect(undocumentedRoutes(t.app)).toEqual([]);
  });

  it('is served without a key, as OpenAPI 3.1, with every route the server has', async () => {
    const res = await t.app.inject({ url: OPENAPI_PATH });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    for (const path of ['/api/v1/spans', '/api/v1/traces/{traceId}', '/api/v1/analytics/query', '/api/v1/alerts/rules/{id}', '/v1/traces', '/proxy/openai/v1/{*}']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    // Only the document is public: the API itself still needs a key.
    expect((await t.app.inject({ url: '/api/v1/spans' })).statusCode).toBe(401);
  });

  it("checks the route's scope before its schema: a key that may not use a route is refused whatever it sends", async () => {
    const { key: readKey } = await t.ctx.store.createApiKey(projectId('default'), 'read', null);
    const { key: adminKey } = await t.ctx.store.createApiKey(projectId('default'), 'admin', null);
    const bad = { method: 'PATCH' as const, url: '/api/v1/alerts/rules/x', payload: { enabled: 'yes' } };
    const asRead = await t.app.inject({ ...bad, headers: { authorization: `Bearer ${readKey}` } });
    expect(asRead.statusCode).toBe(403);
    expect(asRead.json().error.code).toBe('forbidden');
    const asAdmin = await t.app.inject({ ...bad, headers: { authorization: `Bearer ${adminKey}` } });
    expect(asAdmin.json().error).toMatchObject({ code: 'invalid_request', message: 'enabled: must be true or false' });
    // An ingest key may not read, even with a query that is not valid.
    const { key: ingestKey } = await t.app.inject({ method: 'POST', url: '/api/v1/keys', payload: { scope: 'ingest' }, headers: { authorization: `Bearer ${adminKey}` } }).then((r) => r.json());
    const read = await t.app.inject({ url: '/api/v1/spans?limit=0', headers: { authorization: `Bearer ${ingestKey}` } });
    expect(read.statusCode).toBe(403);
  });

  it('refuses an admin key of another project on operator routes before reading the body', async () => {
    const { key: otherAdmin } = await t.ctx.store.createApiKey(projectId('acme'), 'admin', null);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/pricing/backfill', payload: { models: 'x' }, headers: { authorization: `Bearer ${otherAdmin}` } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toContain('default project');
  });

  it('documents the gateway with the x-lookout-key header, never Authorization, and the API version only', async () => {
    const doc = (await t.app.inject({ url: OPENAPI_PATH })).json();
    expect(doc.paths['/proxy/openai/v1/{*}'].post.security).toEqual([{ lookoutKey: [] }]);
    expect(doc.components.securitySchemes.lookoutKey).toMatchObject({ type: 'apiKey', in: 'header', name: 'x-lookout-key' });
    expect(doc.paths['/api/v1/pricing/backfill'].post.description).toContain('Instance operator only');
    expect(doc.info.version).toBe('1');
  });

  it('says in the reference which keys may use each route', async () => {
    const doc = (await t.app.inject({ url: OPENAPI_PATH })).json();
    expect(doc.paths['/api/v1/spans'].get.description).toContain('read or admin key');
    expect(doc.paths['/api/v1/alerts/rules'].post.description).toContain('admin key');
    expect(doc.paths['/v1/traces'].post.description).toContain('Any key of the project');
  });

  it('describes each ingest item field and each trace list parameter, which docs/api.md leaves to the reference', async () => {
    const doc = (await t.app.inject({ url: OPENAPI_PATH })).json();
    // Fields whose name and type say all there is.
    const plain = new Set(['type', 'status', 'severity', 'comment', 'userId', 'sessionId', 'model', 'provider', 'feature', 'team', 'department', 'application', 'environment', 'kind']);
    const items: { properties: Record<string, { description?: string }> }[] = doc.components.schemas.IngestItemInput.oneOf;
    const undescribed = items.flatMap((item) => Object.entries(item.properties).filter(([name, field]) => !plain.has(name) && !field.description).map(([name]) => name));
    expect(undescribed).toEqual([]);
    const usage = items[0]!.properties.usage as { properties: Record<string, { description?: string }> };
    expect(Object.entries(usage.properties).filter(([, field]) => !field.description).map(([name]) => name)).toEqual([]);
    for (const path of ['/api/v1/spans', '/api/v1/traces']) {
      const parameters: { name: string; description?: string }[] = doc.paths[path].get.parameters;
      expect(parameters.filter((p) => !plain.has(p.name) && !p.description).map((p) => p.name), path).toEqual([]);
    }
  });

  it('is what docs/openapi.json and the client types say (run `npm run openapi` after changing a route)', async () => {
    const doc = await buildDocument();
    expect(await readIfExists(DOCUMENT_FILE), 'docs/openapi.json is stale: run npm run openapi').toBe(documentText(doc));
    expect(await readIfExists(CLIENT_TYPES_FILE), 'packages/client/src/schema.ts is stale: run npm run openapi').toBe(await clientTypesText(doc));
  }, 60_000);

});

describe('route schemas', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp();
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  it('turn a bad query parameter into invalid_parameter naming it', async () => {
    const res = await t.app.inject({ url: '/api/v1/spans?colour=red' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'invalid_parameter', message: 'colour: unknown parameter' });
    const limit = await t.app.inject({ url: '/api/v1/spans?limit=5000' });
    expect(limit.json().error).toMatchObject({ code: 'invalid_parameter', message: 'limit: must be at most 1000' });
  });
});

describe('the response check of the test suites', () => {
  it('refuses an answer that does not match its schema or says more than it declares', async () => {
    const t = await makeTestApp({}, [
      (app) => {
        const answer = { 200: z.object({ a: z.number(), nested: z.array(z.object({ b: z.string() })) }) };
        app.get('/test/ok', { schema: { summary: 'ok', response: answer } }, async () => ({ a: 1, nested: [{ b: 'x' }] }));
        app.get('/test/wrong', { schema: { summary: 'wrong', response: answer } }, async () => ({ a: 'one', nested: [] }));
        app.get('/test/more', { schema: { summary: 'more', response: answer } }, async () => ({ a: 1, nested: [{ b: 'x', secret: 'y' }] }));
      },
    ]);
    try {
      expect((await t.app.inject({ url: '/test/ok' })).statusCode).toBe(200);
      expect((await t.app.inject({ url: '/test/wrong' })).statusCode).toBe(500);
      expect((await t.app.inject({ url: '/test/more' })).statusCode).toBe(500);
    } finally {
      await t.close();
    }
  });

  it('names the first undeclared field by its path', () => {
    expect(undeclaredField({ a: [{ b: 1, c: 2 }] }, { a: [{ b: 1 }] })).toBe('a[0].c');
    expect(undeclaredField({ a: 1 }, { a: 1 })).toBeNull();
  });
});

