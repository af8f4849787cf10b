import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogRecord } from '../domain/score.ts';
import { COMPACT_PENDING_FILE, DATABASE_FILE } from '../store/duckdb/compact.ts';
import { DuckDbStore } from '../store/duckdb/store.ts';
import { projectId } from '../store/store.ts';
import { generation, makeTestApp, type TestApp } from '../testing/app.ts';
import { hex, makeSpan } from '../testing/fixtures.ts';
import { ContentPolicy, contentPurgeSpec } from './content-policy.ts';

const MARK = 'zq-purge-marker-5521';
const OTHER_MARK = 'zq-other-project-8830';
const P = projectId('alpha');
const OTHER = projectId('beta');

function log(over: Partial<LogRecord>): LogRecord {
  return { projectId: P, id: hex(8), traceId: hex(16), spanId: hex(8), timestampUs: Date.now() * 1000, severity: 'info', body: '', attributes: {}, ...over };
}

// The hash key exists from here on: every row these tests write is ingested after it.
const policy = new ContentPolicy(undefined, new Date(Date.now() - 60_000));
const purgeSpec = (hashes: boolean, chunkRows: number) => contentPurgeSpec(hashes ? 'off' : 'metadata', policy, chunkRows);

describe('purging stored content (#6)', () => {
  let store: DuckDbStore | null = null;
  afterEach(async () => {
    await store?.close();
    store = null;
  });

  it('removes text, content metadata, GenAI event bodies and (for off) the hashes, in chunks, from one project only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lookout-purge-'));
    store = await DuckDbStore.open(dir, { hourRollups: 'manual' });
    const withContent = (projectIdValue: string, mark = MARK) =>
      makeSpan({
        projectId: projectIdValue,
        content: { input: `${mark} in`, output: `${mark} out` },
        promptHash: 'a'.repeat(32),
        responseHash: 'b'.repeat(32),
        metadata: { 'input.value': `${mark} leaked`, 'gen_ai.prompt.0.content': `${mark} leaked`, 'retrieval.query_hash': 'c'.repeat(32), team: 'search' },
      });
    // Spans stored from OTLP before unknown attributes were withheld, and failed calls whose
    // message quotes the prompt.
    const fromOtlp = makeSpan({
      projectId: P,
      status: 'error',
      errorClass: 'invalid_request',
      errorMessage: `ValueError: prompt '${MARK} quoted' is too long`,
      metadata: {
        'lookout.conventions': 'openllmetry,otel',
        'otel.scope.name': 'opentelemetry.instrumentation.chromadb',
        'db.system': 'chroma',
        'db.chroma.query.query_texts': `["${MARK} chroma"]`,
        'db.chroma.query.n_results': '3',
        'mlflow.spanInputs': `{"q":"${MARK} mlflow"}`,
        'gcp.vertex.agent.llm_request': `${MARK} vertex`,
        'app.scores': '[0.5,1]',
        'app.flag': 'true',
        'app.bytes': '<12 bytes>',
      },
    });
    const typedError = makeSpan({ projectId: P, status: 'error', errorClass: 'rate_limit', errorMessage: 'openai.RateLimitError' });
    const spans = [...Array.from({ length: 7 }, () => withContent(P)), makeSpan({ projectId: P }), withContent(OTHER, OTHER_MARK), fromOtlp, typedError];
    const logs = [
      log({ attributes: { 'event.name': 'gen_ai.user.message' }, body: JSON.stringify({ content: `${MARK} event` }) }),
      log({ attributes: { 'event.name': 'gen_ai.client.inference.operation.details', 'gen_ai.input.messages': `${MARK} details`, 'gen_ai.request.model': 'gpt-4o' } }),
      log({ attributes: { 'event.name': 'app.start' }, body: 'application started' }),
      log({ attributes: { 'event.name': 'app.query', 'mlflow.spanInputs': `${MARK} mlflow`, 'app.retries': '2' }, body: 'query done' }),
    ];
    await store.write({ spans, scores: [], logs });

    // metadata: the text goes, the hashes stay. Chunks of 3 rows: 7 spans take three transactions.
    const first = await store.purgeContent(P, purgeSpec(false, 3));
    expect(first).toEqual({ spans: 8, logs: 3, compactsOnStop: true });
    const page = await store.listSpans(P, {}, { limit: 100, offset: 0 });
    expect(JSON.stringify(page.spans)).not.toContain(MARK);
    // The OTLP span keeps what holds no text and the names declared free of it; the message goes,
    // a bare type name stays.
    const otlp = page.spans.find((s) => s.spanId === fromOtlp.spanId)!;
    expect(otlp.metadata).toEqual({
      'lookout.conventions': 'openllmetry,otel',
      'otel.scope.name': 'opentelemetry.instrumentation.chromadb',
      'db.system': 'chroma',
      'db.chroma.query.n_results': '3',
      'app.scores': '[0.5,1]',
      'app.flag': 'true',
      'app.bytes': '<12 bytes>',
    });
    expect(otlp).toMatchObject({ status: 'error', errorClass: 'invalid_request', errorMessage: null });
    expect(page.spans.find((s) => s.spanId === typedError.spanId)!.errorMessage).toBe('openai.RateLimitError');
    const purged = page.spans.find((s) => s.promptHash !== null)!;
    expect(purged.content).toBeNull();
    expect(purged.metadata).toEqual({ 'retrieval.query_hash': 'c'.repeat(32), team: 'search' });
    expect(purged.responseHash).toBe('b'.repeat(32));
    const storedLogs = await store.listLogs(P, {}, { limit: 100, offset: 0 });
    expect(JSON.stringify(storedLogs)).not.toContain(MARK);
    expect(storedLogs.find((l) => l.attributes['event.name'] === 'app.start')!.body).toBe('application started');
    expect(storedLogs.find((l) => l.attributes['event.name'] === 'app.query')!.attributes).toEqual({ 'event.name': 'app.query', 'app.retries': '2' });
    expect(storedLogs.find((l) => l.attributes['event.name'] === 'gen_ai.client.inference.operation.details')!.attributes['gen_ai.request.model']).toBe('gpt-4o');

    // Nothing left to change under metadata; off then takes the hashes.
    expect(await store.purgeContent(P, purgeSpec(false, 3))).toEqual({ spans: 0, logs: 0, compactsOnStop: true });
    expect(await store.purgeContent(P, purgeSpec(true, 3))).toEqual({ spans: 7, logs: 0, compactsOnStop: true });
    const after = (await store.listSpans(P, {}, { limit: 100, offset: 0 })).spans;
    expect(after.every((s) => s.promptHash === null && s.responseHash === null && s.metadata['retrieval.query_hash'] === undefined)).toBe(true);
    expect(after.filter((s) => s.metadata.team === 'search')).toHaveLength(7);

    // The other project keeps its content.
    const other = (await store.listSpans(OTHER, {}, { limit: 10, offset: 0 })).spans;
    expect(other[0].content?.input).toBe(`${OTHER_MARK} in`);
    expect(other[0].metadata['input.value']).toBe(`${OTHER_MARK} leaked`);

    // Staging files do not outlive their load.
    expect(readdirSync(join(dir, 'staging'))).toEqual([]);

    // The old row versions sit in the file's free blocks until it is rewritten, which closing does.
    expect(existsSync(join(dir, COMPACT_PENDING_FILE))).toBe(true);
    await store.close();
    store = null;
    expect(existsSync(join(dir, COMPACT_PENDING_FILE))).toBe(false);
    expect(readFileSync(join(dir, DATABASE_FILE)).includes(Buffer.from(MARK))).toBe(false);
    store = await DuckDbStore.open(dir, { hourRollups: 'manual' });
    expect((await store.listSpans(P, {}, { limit: 100, offset: 0 })).spans).toHaveLength(10);
    expect((await store.listSpans(OTHER, {}, { limit: 10, offset: 0 })).spans[0].content?.input).toBe(`${OTHER_MARK} in`);
  });
  it('in metadata mode drops the hashes stored before the hash key existed (plain SHA-256) and keeps the keyed ones', async () => {
    store = await DuckDbStore.open(null, { hourRollups: 'manual' });
    const hashed = () => makeSpan({ projectId: P, promptHash: 'a'.repeat(32), responseHash: 'b'.repeat(32), metadata: { 'retrieval.query_hash': 'c'.repeat(32), team: 'search' } });
    const before = [hashed(), hashed()];
    await store.write({ spans: before, scores: [], logs: [] });
    await new Promise((r) => setTimeout(r, 5));
    // The upgrade: the key file is created now.
    const upgraded = new ContentPolicy();
    await new Promise((r) => setTimeout(r, 5));
    const after = hashed();
    await store.write({ spans: [after], scores: [], logs: [] });

    const res = await store.purgeContent(P, contentPurgeSpec('metadata', upgraded));
    expect(res).toMatchObject({ spans: 2, logs: 0 });
    const stored = (await store.listSpans(P, {}, { limit: 10, offset: 0 })).spans;
    for (const s of stored.filter((x) => x.spanId !== after.spanId)) {
      expect(s).toMatchObject({ promptHash: null, responseHash: null, metadata: { team: 'search' } });
      expect(s.metadata['retrieval.query_hash']).toBeUndefined();
    }
    expect(stored.find((x) => x.spanId === after.spanId)).toMatchObject({ promptHash: 'a'.repeat(32), responseHash: 'b'.repeat(32), metadata: { 'retrieval.query_hash': 'c'.repeat(32) } });
    // An in-memory store has no file to rewrite.
    expect(res.compactsOnStop).toBe(false);
  });
});

describe('PATCH /api/v1/project with purge', () => {
  let t: TestApp;
  afterEach(async () => {
    await t.close();
  });

  it('turns capture off and purges what was stored under full, and says how many rows changed', async () => {
    t = await makeTestApp();
    const spanId = hex(8);
    const batch = [
      generation({ spanId, traceId: hex(16), input: `${MARK} prompt`, output: `${MARK} answer`, metadata: { 'traceloop.entity.input': `${MARK} meta` } }),
      generation({ spanId: hex(8), traceId: hex(16), input: 'another prompt' }),
    ];
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch } })).statusCode).toBe(200);
    expect(JSON.stringify((await t.app.inject('/api/v1/spans?limit=10')).json())).toContain(MARK);

    const res = await t.app.inject({ method: 'PATCH', url: '/api/v1/project', payload: { contentCapture: 'off', purge: true } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ project: { contentCapture: 'off' }, purged: { spans: 2, logs: 0 } });
    const spans = (await t.app.inject('/api/v1/spans?limit=10')).json().spans as { promptHash: string | null; content: unknown }[];
    expect(JSON.stringify(spans)).not.toContain(MARK);
    expect(spans.every((s) => s.promptHash === null && s.content === null)).toBe(true);
  });

  it("lowering capture to metadata purges the prompt's stored variables and keeps its name, version and variant", async () => {
    t = await makeTestApp();
    const spanId = hex(8);
    const batch = [generation({ spanId, traceId: hex(16), prompt: { name: 'support', version: 5, variant: 'B', variables: { customer: `${MARK} customer` } } })];
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch } })).statusCode).toBe(200);
    const before = (await t.app.inject(`/api/v1/spans/${spanId}`)).json();
    expect(before.metadata['lookout.prompt.variables']).toBe(`{"customer":"${MARK} customer"}`);

    const res = await t.app.inject({ method: 'PATCH', url: '/api/v1/project', payload: { contentCapture: 'metadata', purge: true } });
    expect(res.statusCode, res.body).toBe(200);
    const after = (await t.app.inject(`/api/v1/spans/${spanId}`)).json();
    expect(JSON.stringify(after)).not.toContain(MARK);
    expect(after.metadata['lookout.prompt.variables']).toBeUndefined();
    expect(after.metadata).toMatchObject({ 'lookout.prompt.name': 'support', 'lookout.prompt.version': '5', 'lookout.prompt.variant': 'B' });
  });

  it('refuses purge with full capture', async () => {
    t = await makeTestApp();
    const res = await t.app.inject({ method: 'PATCH', url: '/api/v1/project', payload: { contentCapture: 'full', purge: true } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain("'metadata' or 'off'");
  });
});
