import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS } from '../domain/time.ts';
import { ContentPolicy } from '../ingest/content-policy.ts';
import type { AnalyticsQuery } from '../query/contract.ts';
import { JsonFile } from '../state/json-file.ts';
import { DuckDbStore } from '../store/duckdb/store.ts';
import { projectId } from '../store/store.ts';
import { makeSpan } from '../testing/fixtures.ts';
import { LifecycleLock } from './lock.ts';
import { RetentionJob } from './retention.ts';
import { RetentionPolicy, type RetentionDocument } from './retention-policy.ts';

// The job on the real DuckDB store with a fake clock: content leaves after the hot window, spans
// after the warm one while the hourly totals still answer the same sums, and the totals leave
// after the cold one.

const P = projectId('default');
const START_MS = Date.UTC(2026, 2, 1, 12, 30); // "now" at the first run
const AGES_DAYS = [2, 10, 40, 55]; // one group of calls this many days before START_MS

let store: DuckDbStore;
let nowMs: number;
let job: RetentionJob;
let registry: Registry;

beforeEach(async () => {
  store = await DuckDbStore.open(null, { hourRollups: 'manual' });
  nowMs = START_MS;
  registry = new Registry();
  const policy = await RetentionPolicy.load({ contentDays: 7, spansDays: 30, rollupsDays: 400 }, new JsonFile<RetentionDocument>(join(mkdtempSync(join(tmpdir(), 'lookout-retention-')), 'retention.json')));
  job = new RetentionJob({ store, lock: new LifecycleLock(), policy, content: new ContentPolicy(), logger: pino({ level: 'silent' }), registry, archive: null, intervalMs: HOUR_MS, now: () => nowMs, chunkRows: 7 });
  // Three calls per group, minutes apart, each with its text; two models so grouping has something to split.
  const spans = AGES_DAYS.flatMap((age) =>
    [0, 1, 2].map((i) => {
      const startUs = (START_MS - age * DAY_MS + i * 7 * 60_000) * 1000;
      return makeSpan({
        spanId: `${age.toString(16).padStart(4, '0')}00000000000${i}`,
        startUs,
        endUs: startUs + (i + 1) * 1_000_000,
        requestModel: i === 2 ? 'gpt-4o-mini' : 'gpt-4o',
        content: { input: `prompt aged ${age} #${i}`, output: `answer aged ${age} #${i}` },
        promptHash: 'a'.repeat(32),
        cost: { status: 'priced', totalNanoUsd: 1_000_000 * (age + i), byBucketNanoUsd: {}, priceRowId: 'p', catalogVersion: 'v' },
      });
    }),
  );
  await store.write({ spans, scores: [], logs: [] });
  await store.refreshHourRollups(nowMs);
});
afterEach(async () => {
  await store.close();
});

const spanOf = (age: number, i = 0) => store.getSpan(P, `${age.toString(16).padStart(4, '0')}00000000000${i}`);
const wholeRange = () => ({ fromMs: START_MS - 60 * DAY_MS, toMs: nowMs, retention: job.policy.horizonOf(P) });
const byModel: Omit<AnalyticsQuery, 'fromMs' | 'toMs'> = { measures: ['cost', 'requests', 'total_tokens'], groupBy: ['model'], filters: [] };

describe('retention job', () => {
  it('strips content after the hot window, deletes spans after the warm one, and the hourly totals still answer', async () => {
    const before = await store.analytics.query(P, { ...byModel, ...wholeRange() });
    const dailyBefore = await store.analytics.dailyTrend(P, wholeRange());
    expect(before.retention).toBeUndefined();

    const [run] = await job.runAll('schedule');
    expect(run.error).toBeNull();
    // Content goes first, from every call older than 7 days, then the spans older than 30 days.
    expect(run.contentStripped.spans).toBe(9);
    expect(run.deleted.spans).toBe(6);
    expect(run.cutoffs.spansBefore).toBe(new Date(Math.floor((START_MS - 30 * DAY_MS) / HOUR_MS) * HOUR_MS).toISOString());

    // Hot: as sent. Warm: no text, the hash stays. Cold: gone.
    expect((await spanOf(2))?.content).toEqual({ input: 'prompt aged 2 #0', output: 'answer aged 2 #0' });
    const warm = await spanOf(10);
    expect(warm?.content ?? null).toBeNull();
    expect(warm?.promptHash).toBe('a'.repeat(32));
    expect(await spanOf(40)).toBeNull();
    expect(await spanOf(55, 2)).toBeNull();

    // The same sums, now partly from the hourly totals, and the answer says so.
    const after = await store.analytics.query(P, { ...byModel, ...wholeRange() });
    expect(after.rows).toEqual(before.rows);
    expect(after.retention).toEqual({ spansFrom: run.cutoffs.spansBefore, rollupsFrom: run.cutoffs.rollupsBefore, answeredFromRollups: true, partial: false });
    expect(await store.analytics.dailyTrend(P, wholeRange())).toEqual(dailyBefore);
    // A question the totals cannot answer (a percentile) says it is partial rather than pretending.
    const p95 = await store.analytics.query(P, { measures: ['latency_p95'], groupBy: [], filters: [], ...wholeRange() });
    expect(p95.retention).toMatchObject({ answeredFromRollups: false, partial: true });

    expect(job.policy.lastRunOf(P)).toMatchObject({ trigger: 'schedule', deleted: { spans: 6 }, contentStripped: { spans: 9 }, error: null });
    const metrics = await registry.getSingleMetricAsString('lookout_retention_deleted_rows_total');
    expect(metrics).toContain('lookout_retention_deleted_rows_total{tier="spans"} 6');
    expect(metrics).toContain('lookout_retention_deleted_rows_total{tier="content"} 9');

    // A second run at the same time finds nothing left to do.
    const [again] = await job.runAll('schedule');
    expect(again).toMatchObject({ contentStripped: { spans: 0 }, deleted: { spans: 0, rollupHours: 0 } });
    expect((await store.analytics.query(P, { ...byModel, ...wholeRange() })).rows).toEqual(before.rows);
  });

  it('hands the days before the spans\' cutoff to the archive while their spans are still stored', async () => {
    const calls: { before: string; oldSpanStored: boolean }[] = [];
    const archived = new RetentionJob({
      store,
      lock: new LifecycleLock(),
      policy: job.policy,
      content: new ContentPolicy(),
      logger: pino({ level: 'silent' }),
      registry: new Registry(),
      archive: { archiveBefore: async (_project, before) => (calls.push({ before: before.toISOString(), oldSpanStored: (await spanOf(40)) !== null }), { days: 2 }) },
      intervalMs: HOUR_MS,
      now: () => nowMs,
    });
    const [run] = await archived.runAll('manual');
    expect(calls).toEqual([{ before: run.cutoffs.spansBefore, oldSpanStored: true }]);
    expect(run).toMatchObject({ archivedDays: 2, deleted: { spans: 6 }, error: null });
    expect(await spanOf(40)).toBeNull();

    // An archive that fails stops the run before anything is deleted; the run says why.
    const failing = new RetentionJob({ store, lock: new LifecycleLock(), policy: job.policy, content: new ContentPolicy(), logger: pino({ level: 'silent' }), registry: new Registry(), archive: { archiveBefore: async () => Promise.reject(new Error('disk full')) }, intervalMs: HOUR_MS, now: () => nowMs + 20 * DAY_MS });
    const [failed] = await failing.runAll('schedule');
    expect(failed.error).toBe('disk full');
    expect(await spanOf(10)).not.toBeNull();
    expect(job.policy.lastRunOf(P)?.error).toBe('disk full');
  });

  it('gives a store that can expire rows itself the longest tiers of any project before the runs', async () => {
    await store.createProject(projectId('long'), 'long');
    await job.policy.setTiers('long', { spansDays: 90, contentDays: 1 });
    const backstops: unknown[] = [];
    const retention = { enforceRetention: store.retention!.enforceRetention.bind(store.retention), applyBackstop: async (longest: unknown) => void backstops.push(longest) };
    const withTtl = Object.assign(Object.create(store) as DuckDbStore, { retention });
    const ttlJob = new RetentionJob({ store: withTtl, lock: new LifecycleLock(), policy: job.policy, content: new ContentPolicy(), logger: pino({ level: 'silent' }), registry: new Registry(), archive: null, intervalMs: HOUR_MS, now: () => nowMs });
    const runs = await ttlJob.runAll('schedule');
    expect(runs.map((r) => r.error)).toEqual([null, null]);
    expect(backstops).toEqual([{ contentDays: 7, spansDays: 90, rollupsDays: 400 }]);
  });

  it('deletes the hourly totals after the cold window, and the answer says the range is partial', async () => {
    await job.runAll('schedule');
    // 385 days on: the 40- and 55-day-old hours are past 400 days, the 2- and 10-day-old not yet.
    nowMs = START_MS + 385 * DAY_MS;
    await store.refreshHourRollups(nowMs);
    const [run] = await job.runAll('schedule');
    expect(run.error).toBeNull();
    expect(run.deleted.spans).toBe(6); // the rest of the spans: past 30 days now
    expect(run.deleted.rollupHours).toBe(2); // one hour for each of the two oldest groups

    const range = { fromMs: START_MS - 60 * DAY_MS, toMs: nowMs, retention: job.policy.horizonOf(P) };
    const res = await store.analytics.query(P, { measures: ['cost', 'requests'], groupBy: [], filters: [], ...range });
    // Only the 2- and 10-day-old calls are still counted: 3 + 3 calls.
    expect(res.rows).toEqual([{ cost: (2 + 3 + 4 + 10 + 11 + 12) / 1000, requests: 6 }]);
    expect(res.retention).toMatchObject({ answeredFromRollups: true, partial: true });
  });

  it('shares a run asked for while another of the project waits, so a project has at most one waiting', async () => {
    const lock = new LifecycleLock();
    const shared = new RetentionJob({ store, lock, policy: job.policy, content: new ContentPolicy(), logger: pino({ level: 'silent' }), registry: new Registry(), archive: null, intervalMs: HOUR_MS, now: () => nowMs });
    let release!: () => void;
    const held = lock.run(() => new Promise<void>((r) => (release = r)));
    const asked = Array.from({ length: 50 }, () => shared.runProject(P, 'manual'));
    await new Promise((r) => setImmediate(r));
    release();
    await held;
    const records = await Promise.all(asked);
    // One run served all fifty: the same record, and the content stripped once.
    expect(new Set(records).size).toBe(1);
    expect(records[0].contentStripped.spans).toBe(9);
    // Asked again once it is done: a new run, with nothing left to strip.
    expect((await shared.runProject(P, 'manual')).contentStripped.spans).toBe(0);
  });
});
