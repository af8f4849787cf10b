import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeScore, makeSpan } from '../../testing/fixtures.ts';
import { projectId, type Store } from '../store.ts';
import type { ContractOptions } from './fixtures.ts';

// The core of the store contract: events, reads and the control plane. A backend that keeps its
// data on disk also passes `reopen`, which opens again the place a store (already closed) kept
// its data in.
export function coreContract(name: string, open: () => Promise<Store>, options: ContractOptions = {}): void {
  describe(`store contract (core): ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    const A = projectId('alpha');
    const B = projectId('beta');

    it('writes spans and reads them back unchanged', async () => {
      const span = makeSpan({
        projectId: A,
        attribution: { userId: 'u1', sessionId: 's1', feature: 'chat', team: 'core', department: 'eng', application: 'app', environment: 'prod' },
        tags: ['a', 'b'],
        metadata: { tier: 'pro', region: 'eu' },
        content: { input: 'hello', output: 'world' },
        usage: { input: 10, output: 20, cacheRead: 30, cacheWrite: 40, reasoning: 5, audio: 1 },
        cost: { status: 'priced', totalNanoUsd: 123_456_789, byBucketNanoUsd: { input: 23_456_789, output: 100_000_000 }, priceRowId: 'catalog:openai/gpt-4o', catalogVersion: 'v1' },
        ttftMs: 123.5,
        requestId: 'req-1',
        promptHash: 'ph',
        responseHash: 'rh',
      });
      const result = await store.write({ spans: [span], scores: [], logs: [] });
      expect(result.spans).toEqual(['accepted']);
      const back = await store.getSpan(A, span.spanId);
      expect(back).toEqual(span);
    });

    it('knows the latest span start stored', async () => {
      expect(await store.latestSpanStartUs()).toBeNull();
      const a = makeSpan({ projectId: A, startUs: 1_800_000_000_000_000 });
      await store.write({ spans: [a, makeSpan({ projectId: B, startUs: 1_700_000_000_000_000 })], scores: [], logs: [] });
      expect(await store.latestSpanStartUs()).toBe(a.startUs);
    });

    it('keeps an unknown cost unknown, not zero', async () => {
      const span = makeSpan({ projectId: A, requestModel: 'mystery-1', cost: { status: 'unknown_model', totalNanoUsd: null, byBucketNanoUsd: {}, priceRowId: null, catalogVersion: null } });
      await store.write({ spans: [span], scores: [], logs: [] });
      const back = await store.getSpan(A, span.spanId);
      expect(back?.cost.totalNanoUsd).toBeNull();
      expect(back?.cost.status).toBe('unknown_model');
      const unknown = await store.listUnknownModels(A);
      expect(unknown).toMatchObject([{ model: 'mystery-1', calls: 1 }]);
    });

    it('drops duplicates within a batch and across batches', async () => {
      const s1 = makeSpan({ projectId: A });
      const s2 = makeSpan({ projectId: A });
      const first = await store.write({ spans: [s1, s2, { ...s1 }], scores: [], logs: [] });
      expect(first.spans).toEqual(['accepted', 'accepted', 'duplicate']);
      const again = await store.write({ spans: [s2, s1], scores: [], logs: [] });
      expect(again.spans).toEqual(['duplicate', 'duplicate']);
      const page = await store.listSpans(A, {}, { limit: 10, offset: 0 });
      expect(page.total).toBe(2);
    });

    it('treats the same span ids in another project as a different span', async () => {
      const s = makeSpan({ projectId: A });
      await store.write({ spans: [s], scores: [], logs: [] });
      const other = await store.write({ spans: [{ ...s, projectId: B }], scores: [], logs: [] });
      expect(other.spans).toEqual(['accepted']);
    });

    it('is idempotent on score and log event ids', async () => {
      const score = makeScore({ projectId: A });
      const log = { projectId: A, id: 'log-1', traceId: score.traceId, spanId: null, timestampUs: Date.now() * 1000, severity: 'info' as const, body: 'hi', attributes: { k: 'v' } };
      const r1 = await store.write({ spans: [], scores: [score], logs: [log] });
      expect(r1).toMatchObject({ scores: ['accepted'], logs: ['accepted'] });
      const r2 = await store.write({ spans: [], scores: [score, score], logs: [log] });
      expect(r2).toMatchObject({ scores: ['duplicate', 'duplicate'], logs: ['duplicate'] });
      const trace = await store.getTrace(A, score.traceId);
      expect(trace.scores).toEqual([score]);
      expect(trace.logs).toEqual([log]);
    });

    it('never shows one project the data of another', async () => {
      const sa = makeSpan({ projectId: A, requestModel: 'model-a', cost: { status: 'unknown_model', totalNanoUsd: null, byBucketNanoUsd: {}, priceRowId: null, catalogVersion: null } });
      const sb = makeSpan({ projectId: B, traceId: sa.traceId });
      const score = makeScore({ projectId: A, traceId: sa.traceId });
      await store.write({ spans: [sa, sb], scores: [score], logs: [] });
      expect((await store.listSpans(B, {}, { limit: 10, offset: 0 })).spans.map((s) => s.spanId)).toEqual([sb.spanId]);
      expect(await store.getSpan(B, sa.spanId)).toBeNull();
      const traceB = await store.getTrace(B, sa.traceId);
      expect(traceB.spans.map((s) => s.spanId)).toEqual([sb.spanId]);
      expect(traceB.scores).toEqual([]);
      expect(await store.listUnknownModels(B)).toEqual([]);
      expect(await store.listScores(B, {}, { limit: 10, offset: 0 })).toEqual([]);
    });

    it('filters and pages spans', async () => {
      const base = Date.UTC(2026, 0, 10) * 1000;
      const spans = Array.from({ length: 25 }, (_, i) =>
        makeSpan({ projectId: A, startUs: base + i * 60_000_000, endUs: base + i * 60_000_000 + 1000, attribution: { ...makeSpan().attribution, userId: i % 2 ? 'odd' : 'even' } }),
      );
      await store.write({ spans, scores: [], logs: [] });
      const odd = await store.listSpans(A, { userId: 'odd' }, { limit: 5, offset: 0 });
      expect(odd.total).toBe(12);
      expect(odd.spans).toHaveLength(5);
      expect(odd.spans[0].startUs).toBe(spans[23].startUs);
      const window = await store.listSpans(A, { fromMs: (base + 10 * 60_000_000) / 1000, toMs: (base + 20 * 60_000_000) / 1000 }, { limit: 100, offset: 0 });
      expect(window.total).toBe(10);
    });

    it('lists traces with their summary, filtered by any span of the trace', async () => {
      const base = Date.UTC(2026, 0, 10) * 1000;
      const t1 = makeSpan().traceId;
      const t2 = makeSpan().traceId;
      const root = makeSpan({ projectId: A, traceId: t1, kind: 'agent', name: 'answer', startUs: base, endUs: base + 3_000_000, requestModel: null, usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0, audio: 0 }, cost: { status: 'not_applicable', totalNanoUsd: null, byBucketNanoUsd: {}, priceRowId: null, catalogVersion: null } });
      const call = makeSpan({ projectId: A, traceId: t1, parentSpanId: root.spanId, startUs: base + 1000, endUs: base + 2_000_000, requestModel: 'gpt-4o', attribution: { ...makeSpan().attribution, userId: 'ann' } });
      const failed = makeSpan({ projectId: A, traceId: t2, startUs: base + 60_000_000, endUs: base + 61_000_000, requestModel: 'claude', status: 'error', errorClass: 'timeout' });
      await store.write({ spans: [root, call, failed, makeSpan({ projectId: B, traceId: t1 })], scores: [], logs: [] });
      const all = await store.listTraces(A, {}, { limit: 10, offset: 0 });
      expect(all.total).toBe(2);
      expect(all.traces[0].traceId).toBe(t2);
      expect(all.traces[1]).toMatchObject({ traceId: t1, name: 'answer', spans: 2, calls: 1, tokens: 1200, hasError: false, userId: 'ann', models: ['gpt-4o'], durationMs: 3000 });
      expect(all.traces[1].costUsd).toBeCloseTo(0.0045, 9);
      expect((await store.listTraces(A, { userId: 'ann' }, { limit: 10, offset: 0 })).traces.map((t) => t.traceId)).toEqual([t1]);
      expect((await store.listTraces(A, { status: 'error' }, { limit: 10, offset: 0 })).traces.map((t) => t.traceId)).toEqual([t2]);
      expect((await store.listTraces(A, { model: 'gpt-4o', status: 'error' }, { limit: 10, offset: 0 })).total).toBe(0);
      expect((await store.listTraces(B, {}, { limit: 10, offset: 0 })).traces.map((t) => t.spans)).toEqual([1]);
    });

    it('finds spans and traces by tag, by id text, by cost and duration range, and sorts by duration or cost', async () => {
      const base = Date.UTC(2026, 0, 10) * 1000;
      const cost = (nano: number) => ({ status: 'priced' as const, totalNanoUsd: nano, byBucketNanoUsd: { input: nano }, priceRowId: 'p', catalogVersion: 'v' });
      const quick = makeSpan({ projectId: A, startUs: base, endUs: base + 100_000, tags: ['beta'], cost: cost(1_000_000), requestId: 'req-quick' });
      const slow = makeSpan({ projectId: A, startUs: base + 1_000_000, endUs: base + 9_000_000, tags: ['beta', 'eu'], cost: cost(50_000_000) });
      const mid = makeSpan({ projectId: A, startUs: base + 2_000_000, endUs: base + 3_000_000, tags: [], cost: cost(5_000_000), attribution: { ...makeSpan().attribution, sessionId: 'sess-9' } });
      await store.write({ spans: [quick, slow, mid], scores: [], logs: [] });
      const ids = (page: { spans: { spanId: string }[] }) => page.spans.map((s) => s.spanId);
      const all = { limit: 10, offset: 0 };
      expect(ids(await store.listSpans(A, { tag: 'beta' }, all)).sort()).toEqual([quick.spanId, slow.spanId].sort());
      expect(ids(await store.listSpans(A, { tag: 'eu' }, all))).toEqual([slow.spanId]);
      expect(ids(await store.listSpans(A, { orderBy: 'duration' }, all))).toEqual([slow.spanId, mid.spanId, quick.spanId]);
      expect(ids(await store.listSpans(A, { orderBy: 'cost' }, all))).toEqual([slow.spanId, mid.spanId, quick.spanId]);
      expect(ids(await store.listSpans(A, { minDurationMs: 500, maxDurationMs: 2000 }, all))).toEqual([mid.spanId]);
      expect(ids(await store.listSpans(A, { minCostUsd: 0.004 }, all)).sort()).toEqual([slow.spanId, mid.spanId].sort());
      // Free text: a request id, a session, a whole span id, or the first characters of a trace id (any case).
      expect(ids(await store.listSpans(A, { q: 'req-quick' }, all))).toEqual([quick.spanId]);
      expect(ids(await store.listSpans(A, { q: 'sess-9' }, all))).toEqual([mid.spanId]);
      expect(ids(await store.listSpans(A, { q: slow.spanId.toUpperCase() }, all))).toEqual([slow.spanId]);
      expect(ids(await store.listSpans(A, { q: mid.traceId.slice(0, 12) }, all))).toEqual([mid.spanId]);
      // Traces: ranges are over the trace's total cost and duration.
      const traces = async (f: Parameters<Store['listTraces']>[1]) => (await store.listTraces(A, f, all)).traces.map((t) => t.traceId);
      expect(await traces({ orderBy: 'cost' })).toEqual([slow.traceId, mid.traceId, quick.traceId]);
      expect(await traces({ minCostUsd: 0.01 })).toEqual([slow.traceId]);
      expect(await traces({ maxDurationMs: 200 })).toEqual([quick.traceId]);
      expect(await traces({ tag: 'eu' })).toEqual([slow.traceId]);
      expect(await traces({ q: 'req-quick' })).toEqual([quick.traceId]);
    });

    it('finds spans by name, root name, parent and metadata entries, and scores by trace, name, type and time', async () => {
      const base = Date.UTC(2026, 0, 10) * 1000;
      const root = makeSpan({ projectId: A, startUs: base, endUs: base + 1_000, name: 'turn', parentSpanId: null, metadata: { kind: 'trace' } });
      const child = makeSpan({ projectId: A, traceId: root.traceId, parentSpanId: root.spanId, startUs: base + 10, endUs: base + 20, name: 'turn', metadata: { kind: 'step', level: 'warn' } });
      const other = makeSpan({ projectId: A, startUs: base + 30, endUs: base + 40, name: 'other', parentSpanId: null });
      await store.write({ spans: [root, child, other], scores: [], logs: [] });
      const all = { limit: 10, offset: 0 };
      const spans = async (f: Parameters<Store['listSpans']>[1]) => (await store.listSpans(A, f, all)).spans.map((s) => s.spanId).sort();
      expect(await spans({ name: 'turn' })).toEqual([root.spanId, child.spanId].sort());
      expect(await spans({ rootName: 'turn' })).toEqual([root.spanId]);
      expect(await spans({ parentSpanId: root.spanId })).toEqual([child.spanId]);
      expect(await spans({ metadata: { kind: 'step', level: 'warn' } })).toEqual([child.spanId]);
      // A span without the key is not excluded by a value it does not carry.
      expect(await spans({ metadataNot: { kind: 'trace' } })).toEqual([child.spanId, other.spanId].sort());
      const traces = async (f: Parameters<Store['listTraces']>[1]) => (await store.listTraces(A, f, all)).traces.map((t) => t.traceId);
      expect(await traces({ rootName: 'turn' })).toEqual([root.traceId]);
      expect(await traces({ rootName: 'other' })).toEqual([other.traceId]);

      const t1 = base / 1000;
      const scores = [
        makeScore({ projectId: A, traceId: root.traceId, name: 'tone', dataType: 'categorical', numericValue: null, stringValue: 'kind', timestampUs: base }),
        makeScore({ projectId: A, traceId: root.traceId, name: 'accuracy', timestampUs: base + 1_000_000 }),
        makeScore({ projectId: A, traceId: other.traceId, name: 'accuracy', timestampUs: base + 2_000_000 }),
        makeScore({ projectId: B, traceId: root.traceId, name: 'accuracy', timestampUs: base }),
      ];
      await store.write({ spans: [], scores, logs: [] });
      const ids = async (f: Parameters<Store['listScores']>[1]) => (await store.listScores(A, f, all)).map((s) => s.id);
      expect(await ids({ traceId: root.traceId })).toEqual([scores[1].id, scores[0].id]);
      expect(await ids({ name: 'accuracy' })).toEqual([scores[2].id, scores[1].id]);
      expect(await ids({ dataType: 'categorical' })).toEqual([scores[0].id]);
      expect(await ids({ fromMs: t1 + 1_000, toMs: t1 + 2_000 })).toEqual([scores[1].id]);
      expect(await store.countScores(A, { name: 'accuracy' })).toBe(2);
      expect(await store.countScores(A, {})).toBe(3);
      expect(await store.countScores(B, { traceId: other.traceId })).toBe(0);
    });

    it('pages the newest traces exactly across hours, with traces that span several spans and no stored root', async () => {
      const base = Date.UTC(2026, 0, 10) * 1000;
      const MIN = 60_000_000;
      // 30 traces ten minutes apart (five hours); each has a root and a call 20 minutes later, so
      // every trace crosses a ten-minute boundary, and every third trace lost its root.
      const spans = [];
      for (let i = 0; i < 30; i++) {
        const traceId = makeSpan().traceId;
        const root = makeSpan({ projectId: A, traceId, startUs: base + i * 10 * MIN, endUs: base + i * 10 * MIN + 25 * MIN, kind: 'agent', name: `t${i}` });
        const call = makeSpan({ projectId: A, traceId, parentSpanId: root.spanId, startUs: base + i * 10 * MIN + 20 * MIN, endUs: base + i * 10 * MIN + 21 * MIN });
        spans.push(...(i % 3 === 0 ? [call] : [root, call]));
      }
      await store.write({ spans, scores: [], logs: [] });
      const full = (await store.listTraces(A, {}, { limit: 30, offset: 0 })).traces;
      expect(full).toHaveLength(30);
      for (const [offset, limit] of [[0, 4], [0, 10], [10, 10], [25, 10]]) {
        const page = await store.listTraces(A, {}, { limit, offset }, { total: false });
        expect(page.total).toBeNull();
        expect(page.traces).toEqual(full.slice(offset, offset + limit));
      }
      // Start order, and each summary over all its spans.
      expect(full.map((t) => t.startUs)).toEqual([...full.map((t) => t.startUs)].sort((a, b) => b - a));
      expect(full.filter((t) => t.spans === 2).every((t) => t.durationMs === 25 * 60_000)).toBe(true);
    });

    it("gives a trace's spans the attribution set on its root, whichever arrives first", async () => {
      const attr = (over: Partial<ReturnType<typeof makeSpan>['attribution']>) => ({ ...makeSpan().attribution, ...over });
      for (const rootFirst of [true, false]) {
        const traceId = makeSpan().traceId;
        const root = makeSpan({ projectId: A, traceId, kind: 'agent', attribution: attr({ userId: 'ann', feature: 'search', team: 'core' }) });
        const llm = makeSpan({ projectId: A, traceId, parentSpanId: root.spanId, attribution: attr({ environment: 'prod' }) });
        const own = makeSpan({ projectId: A, traceId, parentSpanId: root.spanId, attribution: attr({ userId: 'bob' }) });
        const other = makeSpan({ projectId: B, traceId });
        const [first, second] = rootFirst ? [[root], [llm, own, other]] : [[llm, own, other], [root]];
        await store.write({ spans: first, scores: [], logs: [] });
        await store.write({ spans: second, scores: [], logs: [] });
        expect((await store.getSpan(A, llm.spanId))?.attribution, `root first: ${rootFirst}`).toMatchObject({ userId: 'ann', feature: 'search', team: 'core', environment: 'prod' });
        expect((await store.getSpan(A, own.spanId))?.attribution).toMatchObject({ userId: 'bob', feature: 'search' });
        expect((await store.getSpan(B, other.spanId))?.attribution.userId).toBeNull();
      }
    });

    it('creates, resolves and revokes hashed api keys scoped to one project', async () => {
      const { key, info } = await store.createApiKey(A, 'ingest', 'ci');
      expect(key).toMatch(/^lk_/);
      expect(info.projectId).toBe(A);
      expect((await store.resolveApiKey(key))?.scope).toBe('ingest');
      expect(await store.resolveApiKey(key + 'x')).toBeNull();
      expect(await store.listApiKeys(B)).toEqual([]);
      expect(await store.revokeApiKey(B, info.id)).toBe(false);
      expect(await store.revokeApiKey(A, info.id)).toBe(true);
      expect(await store.resolveApiKey(key)).toBeNull();
    });

    it("deletes a project's row and every key of it, and no other project's; the id can be used again", async () => {
      const live = await store.createApiKey(A, 'admin', null);
      const revoked = await store.createApiKey(A, 'ingest', null);
      await store.revokeApiKey(A, revoked.info.id);
      const other = await store.createApiKey(B, 'ingest', null);
      expect(await store.deleteProject(A)).toBe(true);
      expect((await store.listProjects()).map((p) => p.id)).not.toContain(A);
      expect(await store.resolveApiKey(live.key)).toBeNull();
      expect(await store.listApiKeys(A)).toEqual([]);
      expect((await store.resolveApiKey(other.key))?.projectId).toBe(B);
      expect((await store.listProjects()).map((p) => p.id)).toContain(B);
      expect(await store.deleteProject(A)).toBe(false);
      const again = await store.createApiKey(A, 'read', null);
      expect((await store.listApiKeys(A)).map((k) => k.id)).toEqual([again.info.id]);
      expect((await store.listProjects()).find((p) => p.id === A)?.contentCapture).toBe('full');
    });

    it('re-costs unknown-model spans and leaves the others alone', async () => {
      const unknown = makeSpan({ projectId: A, requestModel: 'mystery-2', cost: { status: 'unknown_model', totalNanoUsd: null, byBucketNanoUsd: {}, priceRowId: null, catalogVersion: null } });
      const known = makeSpan({ projectId: B });
      await store.write({ spans: [unknown, known], scores: [], logs: [] });
      const progress: number[] = [];
      const { updated } = await store.reprice(
        (s) => (s.requestModel === 'mystery-2' ? { status: 'priced', totalNanoUsd: 42, byBucketNanoUsd: { input: 42 }, priceRowId: 'override:x', catalogVersion: 'overrides' } : s.cost),
        { onlyUnknown: true, models: null, onProgress: (p) => progress.push(p.done) },
      );
      expect(updated).toBe(1);
      expect(progress.at(-1)).toBe(1);
      expect((await store.getSpan(A, unknown.spanId))?.cost).toMatchObject({ status: 'priced', totalNanoUsd: 42, priceRowId: 'override:x' });
      expect((await store.getSpan(B, known.spanId))?.cost).toEqual(known.cost);
      expect(await store.listUnknownModels(A)).toEqual([]);
    });

    it('bulk-loads encoded files, and loading the same files again changes nothing', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'lookout-load-'));
      const spans = [makeSpan({ projectId: A }), makeSpan({ projectId: A })];
      const score = makeScore({ projectId: A });
      const log = { projectId: A, id: 'log-x', traceId: null, spanId: null, timestampUs: Date.now() * 1000, severity: 'warn' as const, body: 'b', attributes: {} };
      const batch = { spans, scores: [score], logs: [log] };
      expect(await store.findStored(batch)).toEqual({ spans: [false, false], scores: [false], logs: [false] });
      const encoded = store.encode(batch, Date.now() * 1000);
      const files = { spans: [join(dir, 's.ndjson')], scores: [join(dir, 'c.ndjson')], logs: [join(dir, 'l.ndjson')] };
      writeFileSync(files.spans[0], encoded.spans);
      writeFileSync(files.scores[0], encoded.scores);
      writeFileSync(files.logs[0], encoded.logs);
      await store.load(files, encoded.spanWindowUs);
      await store.load(files, null, { replay: true }); // a replay after a crash: window worked out from the files
      // Replayed files that repeat rows among themselves still store each row once.
      const again = store.encode({ spans: [spans[0], makeSpan({ projectId: A, spanId: spans[1].spanId, traceId: spans[1].traceId })], scores: [score], logs: [] }, Date.now() * 1000);
      const dup = join(dir, 'dup.ndjson');
      writeFileSync(dup, again.spans + again.spans);
      await store.load({ spans: [dup], scores: files.scores, logs: [] }, null, { replay: true });
      expect((await store.listSpans(A, {}, { limit: 10, offset: 0 })).total).toBe(2);
      expect(await store.getSpan(A, spans[0].spanId)).toEqual(spans[0]);
      expect(await store.listScores(A, {}, { limit: 10, offset: 0 })).toEqual([score]);
      expect(await store.listLogs(A, {}, { limit: 10, offset: 0 })).toEqual([log]);
      expect(await store.findStored({ spans: [...spans, makeSpan({ projectId: A })], scores: [score, { ...score, projectId: B }], logs: [log] })).toEqual({
        spans: [true, true, false],
        scores: [true, false],
        logs: [true],
      });
    });

    it('stores metric points once, per project', async () => {
      const point = {
        projectId: A, id: 'p1', name: 'gen_ai.client.token.usage', unit: '{token}', kind: 'histogram' as const, temporality: 'delta' as const,
        attributes: { 'gen_ai.token.type': 'input' }, service: 'svc', startUs: 1_000, timeUs: Date.now() * 1000,
        value: null, count: 2, sum: 30, min: 10, max: 20, bucketCounts: [0, 2, 0], bounds: [5, 50],
      };
      expect(await store.writeMetricPoints([point, point])).toEqual({ accepted: 1, duplicates: 1 });
      expect(await store.writeMetricPoints([point, { ...point, projectId: B }])).toEqual({ accepted: 1, duplicates: 1 });
      const range = { fromMs: Date.now() - 60_000, toMs: Date.now() + 60_000 };
      expect(await store.metricPoints(A, point.name, range, 10)).toEqual([point]);
      expect((await store.listMetricNames(B, range)).map((m) => m.points)).toEqual([1]);
    });

    const reopen = options.reopen;
    if (reopen) it('reads everything back unchanged after closing and opening again', async () => {
      const span = makeSpan({ projectId: A, content: { input: 'question', output: 'answer' }, tags: ['kept'], metadata: { k: 'v' } });
      const unknown = makeSpan({ projectId: B, requestModel: 'mystery-3', cost: { status: 'unknown_model', totalNanoUsd: null, byBucketNanoUsd: {}, priceRowId: null, catalogVersion: null } });
      // Its trace's model, as the store fills it from the span (store/score-context.ts).
      const score = makeScore({ projectId: A, traceId: span.traceId, model: 'gpt-4o', metadata: { 'lookout.evaluator.id': 'ev-1' } });
      const log = { projectId: A, id: 'log-reopen', traceId: span.traceId, spanId: span.spanId, timestampUs: span.startUs, severity: 'error' as const, body: 'kept', attributes: { a: 'b' } };
      const point = {
        projectId: A, id: 'p-reopen', name: 'gen_ai.client.token.usage', unit: '{token}', kind: 'sum' as const, temporality: 'cumulative' as const,
        attributes: { 'gen_ai.token.type': 'output' }, service: 'svc', startUs: 1_000, timeUs: Date.now() * 1000,
        value: 7, count: null, sum: null, min: null, max: null, bucketCounts: [], bounds: [],
      };
      await store.write({ spans: [span, unknown], scores: [score], logs: [log] });
      expect(await store.writeMetricPoints([point])).toEqual({ accepted: 1, duplicates: 0 });
      await store.createProject(projectId('gamma'), 'Gamma');
      await store.setContentCapture(projectId('gamma'), 'metadata');
      const kept = await store.createApiKey(A, 'ingest', 'kept');
      const revoked = await store.createApiKey(B, 'read', 'revoked');
      await store.revokeApiKey(B, revoked.info.id);
      await store.upsertPriceOverride({ id: 'o-reopen', provider: 'openai', model: 'mystery-*', effectiveFrom: '2026-01-01T00:00:00.000Z', effectiveTo: null, inputPerMtokUsd: 1.5, outputPerMtokUsd: 6, source: 'api' });

      const all = { limit: 100, offset: 0 };
      const range = { fromMs: Date.now() - 3_600_000, toMs: Date.now() + 3_600_000 };
      const readAll = async (s: Store) => ({
        spansA: await s.listSpans(A, {}, all),
        spansB: await s.listSpans(B, {}, all),
        span: await s.getSpan(A, span.spanId),
        trace: await s.getTrace(A, span.traceId),
        traces: await s.listTraces(A, {}, all),
        scores: await s.listScores(A, {}, all),
        logs: await s.listLogs(A, {}, all),
        points: await s.metricPoints(A, point.name, range, 10),
        unknown: await s.listUnknownModels(B),
        latest: await s.latestSpanStartUs(),
        projects: await s.listProjects(),
        keysA: await s.listApiKeys(A),
        keysB: await s.listApiKeys(B),
        keyCount: await s.countApiKeys(),
        kept: await s.resolveApiKey(kept.key),
        revoked: await s.resolveApiKey(revoked.key),
        overrides: await s.listPriceOverrides(),
      });
      const before = await readAll(store);
      // The reads see what was written, so the comparison after reopening is not between two empty stores.
      expect(before.span).toEqual(span);
      expect(before.trace.scores).toEqual([score]);
      expect(before.logs).toEqual([log]);
      expect(before.points).toEqual([point]);
      expect(before.projects.map((p) => p.id)).toContain('gamma');
      expect(before.kept?.projectId).toBe(A);
      expect(before.revoked).toBeNull();
      expect(before.overrides).toHaveLength(1);

      await store.close();
      store = await reopen(store);
      expect(await readAll(store)).toEqual(before);
      // Ids written before the restart are still known, so a replay stores nothing twice.
      expect(await store.write({ spans: [span], scores: [score], logs: [log] })).toEqual({ spans: ['duplicate'], scores: ['duplicate'], logs: ['duplicate'] });
      expect(await store.writeMetricPoints([point])).toEqual({ accepted: 0, duplicates: 1 });
    });

    it('stores price overrides', async () => {
      await store.upsertPriceOverride({ id: 'o1', provider: null, model: 'mystery-*', effectiveFrom: '2026-01-01T00:00:00.000Z', effectiveTo: null, inputPerMtokUsd: 1, outputPerMtokUsd: 2, source: 'api' });
      const list = await store.listPriceOverrides();
      expect(list).toMatchObject([{ id: 'o1', model: 'mystery-*', effectiveFrom: '2026-01-01T00:00:00.000Z', inputPerMtokUsd: 1, outputPerMtokUsd: 2 }]);
      expect(await store.deletePriceOverride('o1')).toBe(true);
      expect(await store.listPriceOverrides()).toEqual([]);
    });
  });
}
