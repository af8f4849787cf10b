import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogRecord, ScoreRecord } from '../domain/score.ts';
import { EVALUATION_FEATURE, JUDGE_SUBJECT_METADATA_KEY, SCORE_METADATA } from '../domain/quality.ts';
import { emptyAttribution, type SpanRecord } from '../domain/span.ts';
import { makeScore, makeSpan } from '../testing/fixtures.ts';
import { DuckDbStore } from '../store/duckdb/store.ts';
import { projectId } from '../store/store.ts';
import { ParquetArchive } from './archive.ts';
import { eraseFromFiles } from './archive-erase.ts';
import { archiveFile, MANIFEST_FILE, manifestFile, readManifest, type ArchiveManifest } from './archive-manifest.ts';

// The archive on the real DuckDB store: closed days before a cutoff as zstd Parquet in a hive
// layout, a manifest that describes each file exactly, idempotent runs, and erasure carried into
// the files.

const P = projectId('arch');
const OTHER = projectId('arch-other');
const at = (iso: string) => Date.parse(iso) * 1000;
const NOW_MS = Date.parse('2026-11-05T12:00:00Z');
// T1 is u1's trace and crosses midnight: its child span (no user id) is archived on the next day.
const T1 = '1'.repeat(32);
const T2 = '2'.repeat(32);
const T3 = '3'.repeat(32);
// A score of u1's on a trace without spans: the user's own, nobody else's trace.
const T4 = '4'.repeat(32);

const span = (over: Partial<SpanRecord>, user: string | null = null, session: string | null = null): SpanRecord =>
  makeSpan({ projectId: P, attribution: { ...emptyAttribution(), userId: user, sessionId: session }, content: { input: 'prompt text', output: 'answer' }, ...over });
const log = (over: Partial<LogRecord> & Pick<LogRecord, 'id' | 'timestampUs'>): LogRecord =>
  ({ projectId: P, traceId: null, spanId: null, severity: 'info', body: 'line', attributes: {}, ...over });

function fixture(): { spans: SpanRecord[]; scores: ScoreRecord[]; logs: LogRecord[] } {
  const spans = [
    span({ traceId: T1, spanId: 'a1', startUs: at('2026-11-01T23:59:00Z'), cost: { ...makeSpan().cost, totalNanoUsd: 1 } }, 'u1', 's1'),
    span({ traceId: T1, spanId: 'a2', parentSpanId: 'a1', startUs: at('2026-11-02T00:01:00Z'), cost: { ...makeSpan().cost, totalNanoUsd: 20 } }),
    span({ traceId: T2, spanId: 'b1', startUs: at('2026-11-01T10:00:00Z'), cost: { ...makeSpan().cost, totalNanoUsd: 300 } }, 'u2'),
    span({ traceId: T3, spanId: 'c1', startUs: at('2026-11-02T10:00:00Z'), cost: { ...makeSpan().cost, totalNanoUsd: 4_000 } }, 'u2', 's1'),
    span({ traceId: T3, spanId: 'c2', startUs: at('2026-11-03T10:00:00Z'), cost: { ...makeSpan().cost, totalNanoUsd: 50_000 } }, 'u2'),
    span({ traceId: T3, spanId: 'c3', startUs: at('2026-11-04T10:00:00Z'), cost: { ...makeSpan().cost, totalNanoUsd: 600_000 } }, 'u2'),
    // The judge's own call: listings leave it out, the archive keeps it.
    span({ traceId: T2, spanId: 'j1', startUs: at('2026-11-02T11:00:00Z'), attribution: { ...emptyAttribution(), feature: EVALUATION_FEATURE }, cost: { ...makeSpan().cost, totalNanoUsd: 7_000_000 } }),
    // Today: never archived while it is not over.
    span({ traceId: T3, spanId: 'c4', startUs: at('2026-11-05T10:00:00Z') }, 'u2'),
    makeSpan({ projectId: OTHER, traceId: T2, spanId: 'o1', startUs: at('2026-11-01T10:00:00Z') }),
  ];
  const scores = [
    makeScore({ projectId: P, id: 'sc1', traceId: T1, timestampUs: at('2026-11-02T08:00:00Z') }),
    makeScore({ projectId: P, id: 'sc2', traceId: T4, timestampUs: at('2026-11-02T08:00:00Z'), userId: 'u1' }),
    makeScore({ projectId: P, id: 'sc3', traceId: T2, timestampUs: at('2026-11-02T09:00:00Z') }),
  ];
  const logs = [log({ id: 'l1', traceId: T1, timestampUs: at('2026-11-01T23:59:30Z') }), log({ id: 'l2', traceId: T2, timestampUs: at('2026-11-01T10:00:01Z') })];
  return { spans, scores, logs };
}

// The judge's calls: J1 judged u1's T1 (started on the 1st) on the 3rd, its prompt quoting the
// user's words; J2 judged u2's T2. Each judgement is a score on the judged trace naming the call.
const MARKER = 'marker-7f3a-u1-private-words';
const J1 = '5'.repeat(32);
const J2 = '6'.repeat(32);
function judgeCalls(): { spans: SpanRecord[]; scores: ScoreRecord[]; logs: LogRecord[] } {
  const judge = (traceId: string, subject: string, startUs: number, input: string): SpanRecord =>
    span({
      traceId, spanId: `judge-${traceId.slice(0, 4)}`, startUs,
      attribution: { ...emptyAttribution(), feature: EVALUATION_FEATURE },
      metadata: { [JUDGE_SUBJECT_METADATA_KEY]: subject },
      content: { input, output: '{"score": 1}' },
    });
  return {
    spans: [
      judge(J1, T1, at('2026-11-03T09:00:00Z'), `Rate this answer to: ${MARKER}`),
      judge(J2, T2, at('2026-11-03T09:30:00Z'), 'Rate this answer to: hello'),
      // An application's span under the same trace id as J1: not the judge's, it stays.
      span({ traceId: J1, spanId: 'shares-j1', startUs: at('2026-11-04T08:00:00Z') }, 'u2'),
    ],
    scores: [
      makeScore({ projectId: P, id: 'judged-1', traceId: T1, timestampUs: at('2026-11-03T09:00:05Z'), metadata: { [SCORE_METADATA.judgeTraceId]: J1 } }),
      makeScore({ projectId: P, id: 'judged-2', traceId: T2, timestampUs: at('2026-11-03T09:30:05Z'), metadata: { [SCORE_METADATA.judgeTraceId]: J2 } }),
      // A score on the judge's own call (a reviewer's), archived with it.
      makeScore({ projectId: P, id: 'on-judge-1', traceId: J1, timestampUs: at('2026-11-03T10:00:00Z') }),
    ],
    logs: [log({ id: 'judge-log-1', traceId: J1, timestampUs: at('2026-11-03T09:00:01Z'), body: MARKER })],
  };
}

async function localQuery(sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  try {
    return (await c.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

const manifestOf = async (dir: string) => JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as ArchiveManifest;
const sha256 = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');
const spansGlob = (dir: string) => `read_parquet('${dir}/project=*/date=*/spans.parquet', hive_partitioning = true)`;

describe('the Parquet archive (DuckDB store)', () => {
  let dir: string;
  let store: DuckDbStore;
  let archive: ParquetArchive;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lookout-archive-'));
    store = await DuckDbStore.open(null, { hourRollups: 'manual' });
    await store.createProject(P, 'archived');
    await store.createProject(OTHER, 'other');
    await store.write(fixture());
    archive = new ParquetArchive({ dir: join(dir, 'archive'), store, now: () => NOW_MS });
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes each closed day before the cutoff once, zstd, in a hive layout, with an exact manifest', async () => {
    const root = join(dir, 'archive');
    const run = await archive.archiveBefore(P, new Date('2026-11-03T12:00:00Z'));
    expect(run.files.map((f) => `${f.date}/${f.kind}:${f.rows}`).sort()).toEqual([
      '2026-11-01/logs:2', '2026-11-01/spans:2', '2026-11-02/scores:3', '2026-11-02/spans:3',
    ]);
    expect(run.until).toBe('2026-11-03');
    expect(existsSync(join(root, 'project=arch', 'date=2026-11-01', 'spans.parquet'))).toBe(true);
    expect(existsSync(join(root, 'project=arch-other'))).toBe(false);

    const manifest = await manifestOf(root);
    expect(manifest.archivedThrough).toEqual({ arch: '2026-11-03' });
    expect(manifest.files).toHaveLength(4);
    for (const entry of manifest.files) {
      const path = archiveFile(root, entry);
      expect(entry.bytes).toBe((await stat(path)).size);
      expect(entry.sha256).toBe(await sha256(path));
      const codecs = await localQuery(`SELECT DISTINCT compression FROM parquet_metadata('${path}')`);
      expect(codecs).toEqual([{ compression: 'ZSTD' }]);
    }

    // Rows and cost as the store holds them for those days, to the nano-dollar.
    const stored = (await store.exportSpans(null, 100)).filter((s) => s.projectId === P && s.startUs < at('2026-11-03T00:00:00Z'));
    const [back] = await localQuery(
      `SELECT count(*) AS n, CAST(sum(cost_usd) * 1000000000 AS BIGINT) AS nano, count(DISTINCT date) AS days, min(project) AS project FROM ${spansGlob(root)}`,
    );
    expect(back).toEqual({ n: String(stored.length), nano: String(stored.reduce((t, s) => t + (s.cost.totalNanoUsd ?? 0), 0)), days: '2', project: 'arch' });
    // The project keeps full content: the archive has it as stored.
    const [content] = await localQuery(`SELECT count(input_content) AS n FROM ${spansGlob(root)}`);
    expect(content.n).toBe(String(stored.length));

    // Idempotent: nothing new before the same cutoff, and the manifest is not rewritten.
    const before = await readFile(join(root, MANIFEST_FILE), 'utf8');
    expect((await archive.archiveBefore(P, new Date('2026-11-03T12:00:00Z'))).files).toEqual([]);
    expect(await readFile(join(root, MANIFEST_FILE), 'utf8')).toBe(before);

    // A later cutoff past now stops at the last closed day: today is never written.
    const later = await archive.archiveBefore(P, new Date('2026-11-09T00:00:00Z'));
    expect(later.files.map((f) => `${f.date}/${f.kind}`).sort()).toEqual(['2026-11-03/spans', '2026-11-04/spans']);
    expect((await manifestOf(root)).archivedThrough).toEqual({ arch: '2026-11-05' });
  });

  it('resumes a run cut short without writing its files twice', async () => {
    const root = join(dir, 'archive');
    let failLogs = true;
    const flaky = new ParquetArchive({
      dir: root,
      now: () => NOW_MS,
      store: {
        backend: store.backend,
        listProjects: () => store.listProjects(),
        projectExport: {
          exportToFile: (project, request, path) =>
            failLogs && request.kind === 'logs' ? Promise.reject(new Error('disk full')) : store.projectExport.exportToFile(project, request, path),
        },
      },
    });
    const cutoff = new Date('2026-11-03T00:00:00Z');
    await expect(flaky.archiveBefore(P, cutoff)).rejects.toThrow('disk full');
    const cut = await manifestOf(root);
    expect(cut.archivedThrough).toEqual({});
    expect(cut.files.map((e) => `${e.date}/${e.kind}`).sort()).toEqual(['2026-11-01/spans', '2026-11-02/scores', '2026-11-02/spans']);
    expect(existsSync(join(root, '.staging'))).toBe(false);

    failLogs = false;
    const resumed = await flaky.archiveBefore(P, cutoff);
    expect(resumed.files.map((e) => `${e.date}/${e.kind}`)).toEqual(['2026-11-01/logs']);
    const after = await manifestOf(root);
    expect(after.files.slice(0, 3)).toEqual(cut.files);
    expect(after.archivedThrough).toEqual({ arch: '2026-11-03' });
  });

  it('refuses a project id that would leave the archive directory', async () => {
    await expect(archive.archiveBefore(projectId('../etc'), new Date('2026-11-03T00:00:00Z'))).rejects.toThrow('cannot name an archive directory');
    await expect(archive.eraseFromArchive(projectId('..'), { kind: 'project' })).rejects.toThrow('cannot name an archive directory');
    expect(existsSync(join(dir, 'archive', MANIFEST_FILE))).toBe(false);
  });

  it('writes no content once the project no longer captures it', async () => {
    await store.setContentCapture(P, 'metadata');
    await archive.archiveBefore(P, new Date('2026-11-02T00:00:00Z'));
    const [row] = await localQuery(`SELECT count(*) AS n, count(input_content) AS inputs, count(output_content) AS outputs FROM ${spansGlob(join(dir, 'archive'))}`);
    expect(row).toEqual({ n: '2', inputs: '0', outputs: '0' });
  });

  it("erases a user's traces whole across days, and their scores, rewriting the files and the manifest", async () => {
    const root = join(dir, 'archive');
    await archive.archiveBefore(P, new Date('2026-11-05T00:00:00Z'));
    const counts = await archive.eraseFromArchive(P, { kind: 'user', id: 'u1' });
    // T1's two spans (one each side of midnight), its log, its score and u1's own score.
    expect(counts).toEqual({ files: 4, spans: 2, scores: 2, logs: 1 });

    const spans = await localQuery(`SELECT span_id FROM ${spansGlob(root)} ORDER BY span_id`);
    expect(spans.map((r) => r.span_id)).toEqual(['b1', 'c1', 'c2', 'c3', 'j1']);
    const scores = await localQuery(`SELECT id FROM read_parquet('${root}/project=*/date=*/scores.parquet')`);
    expect(scores.map((r) => r.id)).toEqual(['sc3']);
    const logs = await localQuery(`SELECT id FROM read_parquet('${root}/project=*/date=*/logs.parquet')`);
    expect(logs.map((r) => r.id)).toEqual(['l2']);

    const manifest = await manifestOf(root);
    for (const entry of manifest.files) {
      const path = archiveFile(root, entry);
      expect(entry.sha256).toBe(await sha256(path));
      expect(entry.bytes).toBe((await stat(path)).size);
      const [{ n }] = await localQuery(`SELECT count(*) AS n FROM read_parquet('${path}')`);
      expect(entry.rows).toBe(Number(n));
      expect(await localQuery(`SELECT DISTINCT compression FROM parquet_metadata('${path}')`)).toEqual([{ compression: 'ZSTD' }]);
    }
    // Nothing of the user in any byte of any file left.
    for (const entry of manifest.files) {
      const row = `CAST(t AS VARCHAR)`;
      expect(await localQuery(`SELECT * FROM read_parquet('${archiveFile(root, entry)}') AS t WHERE ${row} LIKE '%u1%' OR ${row} LIKE '%${T1}%'`)).toEqual([]);
    }
    // Again: nothing left to erase.
    expect(await archive.eraseFromArchive(P, { kind: 'user', id: 'u1' })).toEqual({ files: 0, spans: 0, scores: 0, logs: 0 });
  });

  it("erases the judge's calls about the user's traces, on any day, and keeps the judge's calls about others'", async () => {
    const root = join(dir, 'archive');
    await store.write(judgeCalls());
    await archive.archiveBefore(P, new Date('2026-11-05T00:00:00Z'));
    // The judge's prompt is archived with the user's words in it.
    expect(await localQuery(`SELECT span_id FROM ${spansGlob(root)} WHERE input_content LIKE '%${MARKER}%'`)).toEqual([{ span_id: 'judge-5555' }]);

    const counts = await archive.eraseFromArchive(P, { kind: 'user', id: 'u1' });
    // T1's two spans, J1's span; T1's score, u1's own score, J1's judgement of T1 and the score on J1; T1's log and J1's.
    expect(counts).toEqual({ files: 7, spans: 3, scores: 4, logs: 2 });
    const spans = await localQuery(`SELECT span_id FROM ${spansGlob(root)} ORDER BY span_id`);
    expect(spans.map((r) => r.span_id)).toEqual(['b1', 'c1', 'c2', 'c3', 'j1', 'judge-6666', 'shares-j1']);
    const scores = await localQuery(`SELECT id FROM read_parquet('${root}/project=*/date=*/scores.parquet') ORDER BY id`);
    expect(scores.map((r) => r.id)).toEqual(['judged-2', 'sc3']);
    const logs = await localQuery(`SELECT id FROM read_parquet('${root}/project=*/date=*/logs.parquet')`);
    expect(logs.map((r) => r.id)).toEqual(['l2']);
    const manifest = await manifestOf(root);
    for (const entry of manifest.files) {
      const path = archiveFile(root, entry);
      expect(entry.sha256).toBe(await sha256(path));
      expect(entry.bytes).toBe((await stat(path)).size);
      const [{ n }] = await localQuery(`SELECT count(*) AS n FROM read_parquet('${path}')`);
      expect(entry.rows).toBe(Number(n));
      // Every row read back (the bytes are compressed): neither the user's words nor their trace is left.
      const row = 'CAST(t AS VARCHAR)';
      expect(await localQuery(`SELECT * FROM read_parquet('${path}') AS t WHERE ${row} LIKE '%${MARKER}%' OR ${row} LIKE '%${T1}%'`)).toEqual([]);
    }
  });

  it("finishes after a crash at any file: the judge's calls are found again while the user's rows remain", async () => {
    await store.write(judgeCalls());
    const archived = join(dir, 'archive');
    await archive.archiveBefore(P, new Date('2026-11-05T00:00:00Z'));
    for (let crashAt = 1; ; crashAt++) {
      const root = join(dir, `archive-${crashAt}`);
      await cp(archived, root, { recursive: true });
      const manifest = await readManifest(root);
      let saves = 0;
      const crashed = await eraseFromFiles(root, manifest, P, { kind: 'user', id: 'u1' }, async () => {
        await manifestFile(root).write(manifest);
        if (++saves === crashAt) throw new Error('killed');
      }).then(() => false, () => true);
      await new ParquetArchive({ dir: root, store, now: () => NOW_MS }).eraseFromArchive(P, { kind: 'user', id: 'u1' });
      const spans = await localQuery(`SELECT span_id FROM ${spansGlob(root)} ORDER BY span_id`);
      expect(spans.map((r) => r.span_id), `crash after file ${crashAt}`).toEqual(['b1', 'c1', 'c2', 'c3', 'j1', 'judge-6666', 'shares-j1']);
      const scores = await localQuery(`SELECT id FROM read_parquet('${root}/project=*/date=*/scores.parquet') ORDER BY id`);
      expect(scores.map((r) => r.id), `crash after file ${crashAt}`).toEqual(['judged-2', 'sc3']);
      if (!crashed) break;
    }
  }, 60_000);

  it('erases a session and a trace, and a whole project', async () => {
    const root = join(dir, 'archive');
    await archive.archiveBefore(P, new Date('2026-11-05T00:00:00Z'));
    // s1's traces T1 and T3, all their spans on four days, T1's score and log.
    expect(await archive.eraseFromArchive(P, { kind: 'session', id: 's1' })).toEqual({ files: 6, spans: 5, scores: 1, logs: 1 });
    expect(await localQuery(`SELECT span_id FROM ${spansGlob(root)} ORDER BY span_id`)).toEqual([{ span_id: 'b1' }, { span_id: 'j1' }]);
    expect(await archive.eraseFromArchive(P, { kind: 'trace', id: T2 })).toEqual({ files: 4, spans: 2, scores: 1, logs: 1 });
    // Every file emptied is gone, with its entry; u1's own score (no trace of s1 or T2) stays.
    expect((await manifestOf(root)).files.map((e) => `${e.date}/${e.kind}:${e.rows}`)).toEqual(['2026-11-02/scores:1']);
    expect(existsSync(join(root, 'project=arch', 'date=2026-11-01'))).toBe(true);

    await archive.archiveBefore(OTHER, new Date('2026-11-05T00:00:00Z'));
    expect(await archive.eraseFromArchive(OTHER, { kind: 'project' })).toEqual({ files: 1, spans: 1, scores: 0, logs: 0 });
    expect(existsSync(join(root, 'project=arch-other'))).toBe(false);
    const left = await manifestOf(root);
    expect(left.archivedThrough).toEqual({ arch: '2026-11-05' });
    expect(left.files.map((e) => e.project)).toEqual(['arch']);
  });
});
