import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LookoutError } from '../../errors.ts';
import { generation, makeTestApp, type TestApp } from '../../testing/app.ts';
import { hex } from '../../testing/fixtures.ts';
import { lookoutSpanId, lookoutTraceId, traceRootSpanId } from '../../ingest/langfuse/ids.ts';
import { nanoToUsd } from '../../domain/money.ts';
import { projectId } from '../../store/project.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await t.close();
});

const basic = (key: string) => ({ authorization: `Basic ${Buffer.from(`pk-lf-any:${key}`).toString('base64')}` });
const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ url, headers });
async function ingest(batch: Record<string, unknown>[], headers: Record<string, string> = {}): Promise<void> {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch }, headers });
  expect(res.statusCode, res.body).toBe(200);
}
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

// A trace as the Langfuse SDKs' events are stored (LANGFUSE-style metadata on every span): the
// trace's own span and, under it, a span with a generation inside.
function langfuseTrace(over: { traceId?: string; name?: string; userId?: string } = {}) {
  const id = over.traceId ?? crypto.randomUUID();
  const traceId = lookoutTraceId(id);
  const rootSpanId = traceRootSpanId(id);
  const spanObs = `span-${hex(4)}`;
  const genObs = crypto.randomUUID();
  const base = Date.now();
  const at = (msAgo: number) => new Date(base - msAgo).toISOString();
  const items = [
    {
      type: 'span', kind: 'chain', traceId, spanId: rootSpanId, name: over.name ?? 'chat-turn', startTime: at(10_000), durationMs: 3000,
      userId: over.userId ?? 'ann', sessionId: 'sess-1', tags: ['beta'], environment: 'staging',
      input: JSON.stringify({ question: 'hi' }), output: JSON.stringify('hello'),
      metadata: { 'langfuse.trace_id': id, 'langfuse.observation_type': 'trace', 'langfuse.release': 'r7', 'langfuse.metadata.team': 'core' },
    },
    {
      type: 'span', kind: 'other', traceId, spanId: lookoutSpanId(spanObs), parentSpanId: rootSpanId, name: 'retrieve', startTime: at(9_900), durationMs: 500,
      metadata: { 'langfuse.trace_id': id, 'langfuse.observation_id': spanObs, 'langfuse.observation_type': 'span', 'langfuse.level': 'warning' },
    },
    generation({
      traceId, spanId: lookoutSpanId(genObs), parentSpanId: lookoutSpanId(spanObs), name: 'llm', startTime: at(9_000), durationMs: 2000, ttftMs: 250,
      usage: { input: 1000, output: 200 },
      metadata: {
        'langfuse.trace_id': id, 'langfuse.observation_id': genObs, 'langfuse.observation_type': 'generation',
        'langfuse.prompt_name': 'qa', 'langfuse.prompt_version': '3', 'langfuse.model_parameters.temperature': '0.1',
      },
    }),
  ];
  return { id, traceId, spanObs, genObs, items };
}

describe('Langfuse public API: traces', () => {
  it("lists a trace from any path in Langfuse's shape, with its cost, latency, observations and scores", async () => {
    const traceId = hex(16);
    const root = hex(8);
    const child = hex(8);
    await ingest([
      { type: 'span', kind: 'agent', traceId, spanId: root, name: 'support-bot', startTime: ago(20_000), durationMs: 4000, userId: 'bo', sessionId: 's9', tags: ['prod-tag'], environment: 'prod' },
      generation({ traceId, spanId: child, parentSpanId: root, startTime: ago(19_000), durationMs: 1000, usage: { input: 1000, output: 200 } }),
      { type: 'score', id: 'sc-1', traceId, name: 'helpful', value: 0.5 },
    ]);
    const span = (await get(`/api/v1/spans/${child}`)).json();
    const res = await get('/api/public/traces');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.meta).toEqual({ page: 1, limit: 50, totalItems: 1, totalPages: 1 });
    expect(body.data).toEqual([
      expect.objectContaining({
        id: traceId, name: 'support-bot', userId: 'bo', sessionId: 's9', tags: ['prod-tag'], environment: 'prod', public: false,
        htmlPath: `/traces/${traceId}`, latency: 4, totalCost: nanoToUsd(span.cost.totalNanoUsd), observations: [root, child], scores: ['sc-1'],
      }),
    ]);
    expect(body.data[0].totalCost).toBeCloseTo(0.0045, 9); // gpt-4o: 1000 × $2.50/M + 200 × $10/M
  });

  it("lists traces with their root's input and output, reading no other span's content", async () => {
    const tr = langfuseTrace();
    await ingest(tr.items);
    const getTrace = vi.spyOn(t.ctx.store, 'getTrace');
    const [listed] = (await get('/api/public/traces')).json().data;
    expect(listed).toMatchObject({ id: tr.id, input: { question: 'hi' }, output: 'hello' });
    expect(listed.observations.sort()).toEqual([tr.spanObs, tr.genObs].sort());
    expect(getTrace.mock.calls.map((c) => c[3])).toEqual([{ content: false }]);
  });

  it('filters by user, session, root name, tag, environment, release and time, and pages with totals', async () => {
    const a = langfuseTrace({ name: 'alpha', userId: 'ann' });
    const b = langfuseTrace({ name: 'beta', userId: 'cy' });
    // A trace whose generation is named like the other trace: the name filter is on the trace's root.
    const c = langfuseTrace({ name: 'gamma', userId: 'cy' });
    c.items[2].name = 'alpha';
    c.items[0].tags = ['other'];
    c.items[0].environment = 'prod';
    c.items[0].metadata = { ...(c.items[0].metadata as Record<string, string>), 'langfuse.release': 'r8' };
    c.items[0].sessionId = 'sess-2';
    await ingest([...a.items, ...b.items, ...c.items]);
    const ids = async (qs: string) => {
      const res = await get(`/api/public/traces?${qs}`);
      expect(res.statusCode, res.body).toBe(200);
      return (res.json().data as { id: string }[]).map((d) => d.id).sort();
    };
    expect(await ids('userId=cy')).toEqual([b.id, c.id].sort());
    expect(await ids('name=alpha')).toEqual([a.id]);
    expect(await ids('sessionId=sess-2')).toEqual([c.id]);
    expect(await ids('tags=beta')).toEqual([a.id, b.id].sort());
    expect(await ids('environment=prod')).toEqual([c.id]);
    expect(await ids('release=r8')).toEqual([c.id]);
    expect(await ids(`fromTimestamp=${encodeURIComponent(ago(60_000))}&toTimestamp=${encodeURIComponent(ago(30_000))}`)).toEqual([]);
    expect(await ids(`fromTimestamp=${encodeURIComponent(ago(60_000))}&orderBy=timestamp.desc`)).toHaveLength(3);

    const page2 = (await get('/api/public/traces?limit=2&page=2')).json();
    expect(page2.meta).toEqual({ page: 2, limit: 2, totalItems: 3, totalPages: 2 });
    expect(page2.data).toHaveLength(1);
    const page1 = (await get('/api/public/traces?limit=2&page=1')).json();
    expect([...page1.data, ...page2.data].map((d: { id: string }) => d.id).sort()).toEqual([a.id, b.id, c.id].sort());
  });

  it("gives one trace by its Langfuse id with observations in Langfuse's shape, parents by their ids", async () => {
    const tr = langfuseTrace();
    await ingest(tr.items);
    const gen = (await get(`/api/v1/spans/${lookoutSpanId(tr.genObs)}`)).json();
    const res = await get(`/api/public/traces/${tr.id}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      id: tr.id, name: 'chat-turn', userId: 'ann', sessionId: 'sess-1', release: 'r7', environment: 'staging', tags: ['beta'],
      input: { question: 'hi' }, output: 'hello', metadata: { team: 'core' }, latency: 3, totalCost: nanoToUsd(gen.cost.totalNanoUsd),
    });
    // The trace's own span is the trace, not one of its observations.
    expect(body.observations.map((o: { id: string }) => o.id)).toEqual([tr.spanObs, tr.genObs]);
    const [span, llm] = body.observations;
    expect(span).toMatchObject({ type: 'SPAN', traceId: tr.id, parentObservationId: null, level: 'WARNING', name: 'retrieve', latency: 0.5 });
    expect(llm).toMatchObject({
      type: 'GENERATION', traceId: tr.id, parentObservationId: tr.spanObs, model: 'gpt-4o', latency: 2, timeToFirstToken: 0.25,
      usage: { input: 1000, output: 200, total: 1200, unit: 'TOKENS' },
      usageDetails: { input: 1000, output: 200, total: 1200 },
      costDetails: { input: nanoToUsd(gen.cost.byBucketNanoUsd.input), output: nanoToUsd(gen.cost.byBucketNanoUsd.output), total: nanoToUsd(gen.cost.totalNanoUsd) },
      calculatedTotalCost: nanoToUsd(gen.cost.totalNanoUsd),
      promptName: 'qa', promptVersion: 3, modelParameters: { temperature: 0.1 }, metadata: null,
      startTime: tr.items[2].startTime,
      endTime: new Date(Date.parse(tr.items[2].startTime as string) + 2000).toISOString(),
      completionStartTime: new Date(Date.parse(tr.items[2].startTime as string) + 250).toISOString(),
    });
    expect(llm.usage.totalCost).toBe(llm.calculatedTotalCost);
    // Found by its Lookout id too; an unknown id is a 404.
    expect((await get(`/api/public/traces/${tr.traceId}`)).json().id).toBe(tr.id);
    const missing = await get('/api/public/traces/no-such-trace');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.message).toContain('no trace no-such-trace');
  });
});

describe('Langfuse public API: the OpenTelemetry-based SDKs', () => {
  it('shows their spans with the types, trace name and JSON content those SDKs stamped, their own metadata keys as sent', async () => {
    const traceId = hex(16);
    const root = hex(8);
    const stamp = { 'langfuse.observation_type': 'agent', 'langfuse.trace.name': 'otel-turn', plan: 'pro', 'lookout.usage.reported.total': '9' };
    await ingest([
      { type: 'span', kind: 'agent', traceId, spanId: root, name: 'handle-request', startTime: ago(5_000), durationMs: 100, input: JSON.stringify({ q: 'hi' }), metadata: stamp },
    ]);
    const trace = (await get(`/api/public/traces/${traceId}`)).json();
    expect(trace).toMatchObject({ id: traceId, name: 'otel-turn', input: { q: 'hi' }, metadata: { plan: 'pro' } });
    expect(trace.observations).toEqual([expect.objectContaining({ id: root, type: 'AGENT', input: { q: 'hi' }, metadata: { plan: 'pro' } })]);
    expect((await get('/api/public/traces?name=handle-request')).json().meta.totalItems).toBe(1);
  });
});

describe('Langfuse public API: observations', () => {
  it('lists observations with the Langfuse filters, never the trace itself', async () => {
    const tr = langfuseTrace();
    const other = langfuseTrace({ userId: 'zed' });
    const native = hex(16);
    const nativeSpan = hex(8);
    await ingest([...tr.items, ...other.items, { type: 'span', kind: 'tool', traceId: native, spanId: nativeSpan, name: 'search', startTime: ago(5_000), durationMs: 10 }]);
    const ids = async (qs: string) => {
      const res = await get(`/api/public/observations?${qs}`);
      expect(res.statusCode, res.body).toBe(200);
      return (res.json().data as { id: string }[]).map((d) => d.id).sort();
    };
    expect(await ids('')).toEqual([tr.spanObs, tr.genObs, other.spanObs, other.genObs, nativeSpan].sort());
    expect(await ids(`traceId=${tr.id}`)).toEqual([tr.spanObs, tr.genObs].sort());
    expect(await ids(`traceId=${tr.id}&type=GENERATION`)).toEqual([tr.genObs]);
    expect(await ids('type=SPAN')).toEqual([tr.spanObs, other.spanObs].sort());
    expect(await ids('name=search')).toEqual([nativeSpan]);
    expect(await ids(`parentObservationId=${tr.spanObs}`)).toEqual([tr.genObs]);
    // The trace's user is its observations' user.
    expect(await ids('userId=zed')).toEqual([other.spanObs, other.genObs].sort());
    expect(await ids(`fromStartTime=${encodeURIComponent(ago(7_000))}&toStartTime=${encodeURIComponent(ago(1_000))}`)).toEqual([nativeSpan]);

    const page = (await get('/api/public/observations?limit=2&page=3')).json();
    expect(page.meta).toEqual({ page: 3, limit: 2, totalItems: 5, totalPages: 3 });
    expect(page.data).toHaveLength(1);
    const tool = (await get(`/api/public/observations?traceId=${native}`)).json().data[0];
    expect(tool).toMatchObject({ id: nativeSpan, traceId: native, type: 'SPAN', parentObservationId: null, level: 'DEFAULT', usageDetails: {}, costDetails: {}, calculatedTotalCost: null });

    const one = await get(`/api/public/observations/${tr.genObs}`);
    expect(one.json()).toMatchObject({ id: tr.genObs, parentObservationId: tr.spanObs, type: 'GENERATION' });
    expect((await get(`/api/public/observations/${traceRootSpanId(tr.id)}`)).statusCode).toBe(404);
  });
});

describe('Langfuse public API: scores', () => {
  it('creates numeric, boolean and categorical scores and lists them in Langfuse shape', async () => {
    const tr = langfuseTrace();
    await ingest(tr.items);
    const post = (payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/api/public/scores', payload });
    const n = await post({ traceId: tr.id, observationId: tr.genObs, name: 'accuracy', value: 0.75, comment: 'close', metadata: { judge: 'me' } });
    expect(n.statusCode, n.body).toBe(200);
    const nid = n.json().id as string;
    expect((await post({ id: 'bool-1', traceId: tr.id, name: 'correct', value: 1, dataType: 'BOOLEAN' })).json()).toEqual({ id: 'bool-1' });
    expect((await post({ id: 'cat-1', traceId: tr.id, name: 'tone', value: 'polite' })).statusCode).toBe(200);

    const list = (await get('/api/public/scores')).json();
    expect(list.meta).toEqual({ page: 1, limit: 50, totalItems: 3, totalPages: 1 });
    const byId = Object.fromEntries(list.data.map((s: { id: string }) => [s.id, s]));
    expect(byId[nid]).toMatchObject({ traceId: tr.id, observationId: tr.genObs, name: 'accuracy', value: 0.75, dataType: 'NUMERIC', source: 'API', comment: 'close', metadata: { judge: 'me' } });
    expect(byId['bool-1']).toMatchObject({ dataType: 'BOOLEAN', value: 1, stringValue: 'True', observationId: null });
    expect(byId['cat-1']).toMatchObject({ dataType: 'CATEGORICAL', stringValue: 'polite', value: null });

    const names = async (qs: string) => ((await get(`/api/public/v2/scores?${qs}`)).json().data as { name: string }[]).map((s) => s.name).sort();
    expect(await names('name=tone')).toEqual(['tone']);
    expect(await names('dataType=BOOLEAN')).toEqual(['correct']);
    expect(await names(`traceId=${tr.id}&limit=2&page=2`)).toHaveLength(1);
    expect(await names(`toTimestamp=${encodeURIComponent(ago(60_000))}`)).toEqual([]);

    const trace = (await get(`/api/public/traces/${tr.id}`)).json();
    expect(trace.scores.map((s: { id: string }) => s.id).sort()).toEqual([nid, 'bool-1', 'cat-1'].sort());
    expect((await get('/api/public/traces')).json().data[0].scores).toHaveLength(3);
  });

  it('stores a score at the timestamp it was sent with, refuses one out of range, and writes without waiting for loads', async () => {
    const tr = langfuseTrace();
    await ingest(tr.items);
    const at = ago(3_600_000);
    const res = await t.app.inject({ method: 'POST', url: '/api/public/scores', payload: { id: 'timed', traceId: tr.id, name: 'q', value: 1, timestamp: at } });
    expect(res.statusCode, res.body).toBe(200);
    expect((await get('/api/public/scores')).json().data.find((s: { id: string }) => s.id === 'timed')).toMatchObject({ timestamp: at });
    const old = await t.app.inject({ method: 'POST', url: '/api/public/scores', payload: { traceId: tr.id, name: 'q', value: 1, timestamp: '1999-12-31T00:00:00Z' } });
    expect(old.statusCode).toBe(400);
    expect(old.json().error.message).toContain('timestamp: is before 2000-01-01');
    // While loads fail, reads are refused; writes are still taken.
    vi.spyOn(t.ctx.pipeline, 'caughtUp').mockRejectedValue(new LookoutError('store_unavailable', 'loads failing', { retryAfterSeconds: 1 }));
    expect((await get('/api/public/scores')).statusCode).toBe(503);
    const during = await t.app.inject({ method: 'POST', url: '/api/public/scores', payload: { traceId: tr.id, name: 'q', value: 1 } });
    expect(during.statusCode, during.body).toBe(200);
  });

  it('refuses a score it cannot store, naming the field', async () => {
    for (const [payload, message] of [
      [{ traceId: 't', name: 'x', value: 2, dataType: 'BOOLEAN' }, 'value: a BOOLEAN score'],
      [{ traceId: 't', name: 'x', value: 'high', dataType: 'NUMERIC' }, 'value: a NUMERIC score'],
      [{ traceId: 't', name: 'x', value: 3, dataType: 'CATEGORICAL' }, 'value: a CATEGORICAL score'],
      [{ sessionId: 's', name: 'x', value: 1 }, 'traceId: required'],
      [{ traceId: 't', name: '', value: 1 }, 'name: must not be empty'],
      [{ traceId: 't', name: 'x', value: [1] }, 'value:'],
      [{ traceId: 't', name: 'x', value: 1, dataType: 'TEXT' }, 'dataType:'],
    ] as const) {
      const res = await t.app.inject({ method: 'POST', url: '/api/public/scores', payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.message).toContain(message);
    }
  });
});

describe('Langfuse public API: bounds, keys and projects', () => {
  it('answers 400 naming the parameter', async () => {
    for (const [url, message] of [
      ['/api/public/traces?limit=101', 'limit: must be at most 100'],
      ['/api/public/traces?page=0', 'page: must be at least 1'],
      ['/api/public/traces?page=999&limit=100', 'page: pages reach at most 10000 rows back'],
      ['/api/public/traces?orderBy=name.asc', "orderBy: only 'timestamp.desc'"],
      ['/api/public/traces?tags=a&tags=b', 'tags: give one value'],
      ['/api/public/traces?fromTimestamp=yesterday', 'fromTimestamp'],
      ['/api/public/traces?fromTimestamp=2026-01-02T00:00:00Z&toTimestamp=2026-01-01T00:00:00Z', 'toTimestamp: must not be before fromTimestamp'],
      ['/api/public/traces?bookmarked=true', 'bookmarked: unknown parameter'],
      ['/api/public/observations?environment=a&environment=b', 'environment: give one value'],
      ['/api/public/observations?limit=x', 'limit: must be a whole number'],
      ['/api/public/scores?dataType=TEXT', 'dataType: must be one of'],
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.message, url).toContain(message);
    }
  });

  it("reads and writes only the key's project, with the scopes the native API asks for", async () => {
    const { key: acmeRead } = await t.ctx.store.createApiKey(projectId('acme'), 'read', null);
    const { key: acmeIngest } = await t.ctx.store.createApiKey(projectId('acme'), 'ingest', null);
    const mine = langfuseTrace();
    await ingest(mine.items);
    const theirs = langfuseTrace();
    await ingest(theirs.items, { authorization: `Bearer ${acmeIngest}` });

    const list = (await get('/api/public/traces', basic(acmeRead))).json();
    expect(list.data.map((d: { id: string }) => d.id)).toEqual([theirs.id]);
    expect((await get(`/api/public/traces/${mine.id}`, basic(acmeRead))).statusCode).toBe(404);
    expect((await get(`/api/public/observations/${mine.genObs}`, basic(acmeRead))).statusCode).toBe(404);
    expect((await get(`/api/public/observations?traceId=${mine.id}`, basic(acmeRead))).json().meta.totalItems).toBe(0);

    // An ingest key may create a score but not read.
    const created = await t.app.inject({ method: 'POST', url: '/api/public/scores', payload: { traceId: theirs.id, name: 'ok', value: 1 }, headers: basic(acmeIngest) });
    expect(created.statusCode, created.body).toBe(200);
    expect((await get('/api/public/scores', basic(acmeIngest))).statusCode).toBe(403);
    expect((await get('/api/public/scores', basic(acmeRead))).json().meta.totalItems).toBe(1);
    expect((await get('/api/public/scores')).json().meta.totalItems).toBe(0);
  });

  it('without required keys takes a placeholder Basic pair as no key, but still checks a Lookout key however it is sent', async () => {
    const placeholder = basic('sk-lf-anything');
    expect((await get('/api/public/scores', placeholder)).statusCode).toBe(200);
    const sent = await t.app.inject({ method: 'POST', url: '/api/public/ingestion', payload: { batch: [] }, headers: placeholder });
    expect(sent.statusCode).toBe(207);
    expect((await get('/api/public/scores', basic('lk_revoked'))).statusCode).toBe(401);
    expect((await get('/api/public/scores', { authorization: 'Bearer sk-lf-anything' })).statusCode).toBe(401);
    // Where keys are required the placeholder is no key: refused.
    await t.close();
    t = await makeTestApp({ host: '0.0.0.0' });
    expect((await get('/api/public/scores', placeholder)).statusCode).toBe(401);
  });
});
