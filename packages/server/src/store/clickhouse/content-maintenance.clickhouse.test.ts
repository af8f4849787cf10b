// Purging stored content on ClickHouse (one server and two shards): the same rows as the DuckDB
// backend leaves, step by step, and the old versions gone from disk once their parts merge.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseRequireE2e } from '../../../../../test/e2e/require-e2e.ts';
import type { LogRecord } from '../../domain/score.ts';
import type { SpanRecord } from '../../domain/span.ts';
import { ContentPolicy, contentPurgeSpec } from '../../ingest/content-policy.ts';
import { clickHouseAvailable, clickHouseInstallHint, startClickHouse, type ClickHouseHarness } from '../../testing/clickhouse.ts';
import { hex, makeSpan } from '../../testing/fixtures.ts';
import { DuckDbStore } from '../duckdb/store.ts';
import { projectId, type ContentPurge, type Store, type WriteBatch } from '../store.ts';
import { LOG_COLUMNS, rowToLog, rowToSpan, SPAN_COLUMNS } from './rows.ts';
import { ClickHouseStore } from './store.ts';

const available = clickHouseAvailable();
if (!available && parseRequireE2e(process.env.REQUIRE_E2E)) throw new Error(`REQUIRE_E2E=1 but ${clickHouseInstallHint}`);

const MARK = 'zq-purge-marker-5521';
const OTHER_MARK = 'zq-other-project-8830';
const P = projectId('alpha');
const OTHER = projectId('beta');

function log(over: Partial<LogRecord>): LogRecord {
  return { projectId: P, id: hex(8), traceId: hex(16), spanId: hex(8), timestampUs: Date.now() * 1000, severity: 'info', body: '', attributes: {}, ...over };
}

// What the DuckDB purge test stores: spans with content, content metadata and hashes; a span
// mapped from OTLP with unknown attributes and an error message quoting the prompt; a bare error
// type name; GenAI event logs and application logs; another project's content.
function fixture(): WriteBatch {
  const withContent = (project: string, mark = MARK) =>
    makeSpan({
      projectId: project,
      content: { input: `${mark} in`, output: `${mark} out` },
      promptHash: 'a'.repeat(32),
      responseHash: 'b'.repeat(32),
      metadata: { 'input.value': `${mark} leaked`, 'gen_ai.prompt.0.content': `${mark} leaked`, 'retrieval.query_hash': 'c'.repeat(32), team: 'search' },
    });
  const fromOtlp = makeSpan({
    projectId: P,
    status: 'error',
    errorClass: 'invalid_request',
    errorMessage: `ValueError: prompt '${MARK} quoted'\nis too long`,
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
      'app.multiline': 'true\ntrue',
      'app.bytes': '<12 bytes>',
    },
  });
  const typedError = makeSpan({ projectId: P, status: 'error', errorClass: 'rate_limit', errorMessage: 'openai.RateLimitError' });
  const typedThenText = makeSpan({ projectId: P, status: 'error', errorClass: 'rate_limit', errorMessage: `openai.RateLimitError\n${MARK}` });
  return {
    spans: [...Array.from({ length: 7 }, () => withContent(P)), makeSpan({ projectId: P }), withContent(OTHER, OTHER_MARK), fromOtlp, typedError, typedThenText],
    scores: [],
    logs: [
      log({ attributes: { 'event.name': 'gen_ai.user.message' }, body: JSON.stringify({ content: `${MARK} event` }) }),
      log({ attributes: { 'event.name': 'gen_ai.client.inference.operation.details', 'gen_ai.input.messages': `${MARK} details`, 'gen_ai.request.model': 'gpt-4o' } }),
      log({ attributes: { 'event.name': 'app.start' }, body: 'application started' }),
      log({ attributes: { 'event.name': 'app.query', 'mlflow.spanInputs': `${MARK} mlflow`, 'app.retries': '2' }, body: 'query done' }),
    ],
  };
}

// Every stored span and log of a project, in a fixed order, read from the tables themselves.
async function storedCh(store: ClickHouseStore, project: string): Promise<{ spans: SpanRecord[]; logs: LogRecord[] }> {
  const db = store.ch.database;
  const spans = await store.ch.query(`SELECT ${SPAN_COLUMNS} FROM ${db}.spans FINAL WHERE project_id = {p:String} ORDER BY span_id`, { p: project });
  const logs = await store.ch.query(`SELECT ${LOG_COLUMNS} FROM ${db}.logs FINAL WHERE project_id = {p:String} ORDER BY id`, { p: project });
  return { spans: spans.map(rowToSpan), logs: logs.map(rowToLog) };
}

async function storedDuck(store: Store, project: typeof P): Promise<{ spans: SpanRecord[]; logs: LogRecord[] }> {
  const all = { limit: 1000, offset: 0 };
  const byId = <T>(key: (t: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : 1);
  return {
    spans: (await store.listSpans(project, {}, all)).spans.sort(byId((s) => s.spanId)),
    logs: (await store.listLogs(project, {}, all)).sort(byId((l) => l.id)),
  };
}

describe.skipIf(!available)('purging stored content on ClickHouse', () => {
  for (const shards of [1, 2]) {
    describe(`${shards} shard(s)`, () => {
      let harness: ClickHouseHarness | undefined;
      let ch: ClickHouseStore | undefined;
      let duck: DuckDbStore | undefined;
      beforeAll(async () => {
        harness = await startClickHouse({ shards });
      }, 120_000);
      afterAll(async () => {
        await harness?.stop();
      });
      afterEach(async () => {
        await ch?.close();
        await duck?.close();
        ch = duck = undefined;
      });
      const open = () =>
        ClickHouseStore.open(
          { url: harness!.urls, cluster: shards > 1 ? harness!.cluster : null, database: `lk_${randomBytes(6).toString('hex')}`, user: 'default', password: '', caFile: null, onCluster: false },
          { queryTimeoutMs: 30_000 },
        );

      it('leaves the same rows as DuckDB, chunk by chunk, from one project only', async () => {
        ch = await open();
        duck = await DuckDbStore.open(null, { hourRollups: 'manual' });
        const batch = fixture();
        await ch.write(batch);
        await duck.write(batch);
        // Merges wait until the end, so the old versions can be seen before they go.
        const db = ch.ch.database;
        const local = (t: string) => (shards > 1 ? `${db}.${t}_local` : `${db}.${t}`);
        for (const t of ['spans', 'logs']) await ch.ch.everyShard(`SYSTEM STOP MERGES ${local(t)}`);
        // The hash key exists from before the rows: metadata keeps the hashes, off takes them.
        const policy = new ContentPolicy(undefined, new Date(Date.now() - 60_000));
        const steps: ContentPurge[] = [contentPurgeSpec('metadata', policy, 3), contentPurgeSpec('metadata', policy, 3), contentPurgeSpec('off', policy, 3)];
        const counts = [];
        for (const spec of steps) {
          const [onCh, onDuck] = [await ch.purgeContent(P, spec), await duck.purgeContent(P, spec)];
          expect(onCh).toEqual({ ...onDuck, compactsOnStop: false });
          counts.push([onCh.spans, onCh.logs]);
          expect(await storedCh(ch, P)).toEqual(await storedDuck(duck, P));
          expect(await storedCh(ch, OTHER)).toEqual(await storedDuck(duck, OTHER));
        }
        // 9 spans and 3 logs lose content, then nothing is left to change, then 7 lose their hashes.
        expect(counts).toEqual([[9, 3], [0, 0], [7, 0]]);
        const after = await storedCh(ch, P);
        expect(JSON.stringify(after)).not.toContain(MARK);
        expect(after.spans.filter((s) => s.errorMessage === 'openai.RateLimitError')).toHaveLength(1);
        expect(after.spans.find((s) => s.metadata['lookout.conventions'])?.metadata).toEqual({
          'lookout.conventions': 'openllmetry,otel',
          'otel.scope.name': 'opentelemetry.instrumentation.chromadb',
          'db.system': 'chroma',
          'db.chroma.query.n_results': '3',
          'app.scores': '[0.5,1]',
          'app.flag': 'true',
          'app.bytes': '<12 bytes>',
        });
        expect(after.spans.filter((s) => s.metadata.team === 'search' && s.promptHash === null)).toHaveLength(7);
        expect(after.logs.find((l) => l.attributes['event.name'] === 'app.start')?.body).toBe('application started');
        expect((await storedCh(ch, OTHER)).spans[0].content?.input).toBe(`${OTHER_MARK} in`);

        // The old versions, content and all, go when their parts merge.
        const raw = async () =>
          (await ch!.ch.query(`SELECT count() AS n FROM ${db}.spans WHERE project_id = {p:String} AND positionUTF8(toJSONString(tuple(*)), {m:String}) > 0`, { p: P, m: MARK }))[0].n;
        expect(Number(await raw())).toBeGreaterThan(0);
        for (const t of ['spans', 'logs']) {
          await ch.ch.everyShard(`SYSTEM START MERGES ${local(t)}`);
          await ch.ch.everyShard(`OPTIMIZE TABLE ${local(t)} FINAL`);
        }
        expect(Number(await raw())).toBe(0);
      });

      it('in metadata mode drops only the hashes stored before the hash key existed', async () => {
        ch = await open();
        const hashed = () => makeSpan({ projectId: P, promptHash: 'a'.repeat(32), responseHash: 'b'.repeat(32), metadata: { 'retrieval.query_hash': 'c'.repeat(32), team: 'search' } });
        const before = [hashed(), hashed()];
        await ch.write({ spans: before, scores: [], logs: [] });
        await new Promise((r) => setTimeout(r, 5));
        const upgraded = new ContentPolicy();
        await new Promise((r) => setTimeout(r, 5));
        const later = hashed();
        await ch.write({ spans: [later], scores: [], logs: [] });

        expect(await ch.purgeContent(P, contentPurgeSpec('metadata', upgraded))).toEqual({ spans: 2, logs: 0, compactsOnStop: false });
        const stored = (await storedCh(ch, P)).spans;
        for (const s of stored.filter((x) => x.spanId !== later.spanId)) expect(s).toMatchObject({ promptHash: null, responseHash: null, metadata: { team: 'search' } });
        expect(stored.find((x) => x.spanId === later.spanId)).toEqual(later);
      });
    });
  }
});
