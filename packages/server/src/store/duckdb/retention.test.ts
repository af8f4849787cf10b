import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeSpan } from '../../testing/fixtures.ts';
import type { SpanRecord } from '../../domain/span.ts';
import { projectId, type ContentPurge, type RetentionCutoffs } from '../store.ts';
import { DATABASE_FILE } from './compact.ts';
import { DuckDbStore } from './store.ts';

// Retention's hourly totals on DuckDB: hours whose spans retention deleted keep their totals
// through late spans, other projects' dirty hours, re-pricing and a second run.

const A = projectId('ret-a');
const B = projectId('ret-b');
const HOUR_MS = 3_600_000;
const H0 = Date.UTC(2026, 2, 2);
const NOW_MS = H0 + 50 * HOUR_MS;
const at = (hours: number) => H0 + hours * HOUR_MS;
const priced = (nano: number): SpanRecord['cost'] => ({ status: 'priced', totalNanoUsd: nano, byBucketNanoUsd: {}, priceRowId: 'p', catalogVersion: 'v' });
const span = (project: string, hours: number, nano: number, over: Partial<SpanRecord> = {}) =>
  makeSpan({ projectId: project, startUs: at(hours) * 1000, cost: priced(nano), ...over });

const PURGE: ContentPurge = {
  hashes: 'all', names: [], prefixes: [], patterns: [], errorMessageKept: '.*',
  otlpMetadata: { marker: 'otlp.marker', names: [], prefixes: [], valuePattern: '' }, chunkRows: 10,
};
const cutoffs = (over: Partial<RetentionCutoffs>): RetentionCutoffs => ({ contentBefore: null, spansBefore: null, rollupsBefore: null, ...over });

let store: DuckDbStore;
const dirs: string[] = [];
afterEach(async () => {
  await store.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const cost = async (project: string, fromH: number, toH: number) =>
  (await store.analytics.query(projectId(project), { measures: ['cost'], groupBy: [], filters: [], fromMs: at(fromH), toMs: at(toH) })).rows[0].cost;

describe('retention on DuckDB', () => {
  it('keeps the totals of retained hours through late spans, dirty hours, re-pricing and another run', async () => {
    store = await DuckDbStore.open(null, { hourRollups: 'manual' });
    await store.write({ spans: [span(A, 1, 1), span(A, 2, 2), span(A, 30, 4), span(B, 1, 8)], scores: [], logs: [] });
    await store.refreshHourRollups(NOW_MS);
    const run = { cutoffs: cutoffs({ spansBefore: new Date(at(10)) }), content: PURGE, chunkRows: 1 };
    expect((await store.retention.enforceRetention(A, run)).deleted).toMatchObject({ spans: 2 });
    expect(await cost(A, 0, 48)).toBe(0.000000007);
    // A range shorter than the hourly totals otherwise take is answered from them too: the spans are gone.
    expect(await cost(A, 0, 3)).toBe(0.000000003);

    // A late span for a retained hour counts at once, from the spans.
    await store.write({ spans: [span(A, 1.5, 16)], scores: [], logs: [] });
    expect(await cost(A, 0, 3)).toBe(0.000000019);
    // Another project's late span makes the hour dirty; summing it again leaves A's totals.
    await store.write({ spans: [span(B, 2, 32)], scores: [], logs: [] });
    await store.refreshHourRollups(NOW_MS);
    expect(await cost(A, 0, 3)).toBe(0.000000019);
    expect(await cost(B, 0, 48)).toBe(0.00000004);

    // The next run moves the late span into the totals.
    expect((await store.retention.enforceRetention(A, run)).deleted).toMatchObject({ spans: 1 });
    expect(await cost(A, 0, 48)).toBe(0.000000023);

    // Re-pricing sums the hours again from the spans, but the retained ones, whose spans are gone.
    await store.reprice(() => priced(1_000), { onlyUnknown: false, models: null });
    expect(await cost(A, 0, 48)).toBe(0.000001019);
    await store.refreshHourRollups(NOW_MS);
    expect(await cost(A, 0, 48)).toBe(0.000001019);
    expect(await cost(A, 0, 10)).toBe(0.000000019);
    expect(await cost(B, 0, 48)).toBe(0.000002);

  });

  it('strips content before the cutoff from the database file, keeping the hashes, and keeps the retention mark', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lookout-retention-'));
    dirs.push(dir);
    store = await DuckDbStore.open(dir, { hourRollups: 'manual' });
    const marker = `retained-marker-${randomBytes(8).toString('hex')}`;
    const text = () => `${randomBytes(48).toString('base64')} ${marker} ${randomBytes(48).toString('base64')}`;
    const old = span(A, 1, 1, { content: { input: text(), output: text() }, promptHash: 'h-old' });
    const recent = span(A, 40, 1, { content: { input: 'recent', output: null }, promptHash: 'h-new' });
    await store.write({ spans: [old, recent], scores: [], logs: [] });
    const result = await store.retention.enforceRetention(A, { cutoffs: cutoffs({ contentBefore: new Date(at(24)), spansBefore: new Date(at(0)) }), content: PURGE, chunkRows: 10 });
    expect(result).toEqual({ contentStripped: { spans: 1, logs: 0 }, deleted: { spans: 0, scores: 0, logs: 0, metricPoints: 0, rollupHours: 0 }, compactsOnStop: true });
    await store.close();
    expect(readFileSync(join(dir, DATABASE_FILE)).includes(Buffer.from(marker))).toBe(false);
    store = await DuckDbStore.open(dir, { hourRollups: 'manual' });
    expect(await store.getSpan(A, old.spanId)).toMatchObject({ content: null, promptHash: 'h-old' });
    expect(await store.getSpan(A, recent.spanId)).toMatchObject({ content: { input: 'recent', output: null }, promptHash: 'h-new' });
    // The retained hours are known after a restart.
    expect(store['hours'].retainedUntilOf(A)).toBe(at(0) * 1000);
  });

  it('also strips and deletes rows that arrive during the run for times before the work it found', async () => {
    store = await DuckDbStore.open(null, { hourRollups: 'manual' });
    const withText = (hours: number) => span(A, hours, 1, { content: { input: 'text', output: null } });
    const [kept, late] = [withText(30), withText(1)];
    await store.write({ spans: [withText(5), kept], scores: [], logs: [] });
    // Once the run has counted its work (content to strip, then spans to delete), a span comes in
    // for an hour before all of it.
    const arriving = [
      { when: (sql: string) => sql.includes('input_content'), span: late },
      { when: (sql: string) => !sql.includes('input_content'), span: withText(2) },
    ];
    const db = store['db'];
    const all = db.all.bind(db);
    db.all = async (sql, params) => {
      const rows = await all(sql, params);
      const next = arriving[0];
      if (next && sql.includes('FROM spans') && sql.includes('start_us') && next.when(sql)) {
        arriving.shift();
        await store.write({ spans: [next.span], scores: [], logs: [] });
      }
      return rows;
    };
    const run = { cutoffs: cutoffs({ contentBefore: new Date(at(40)), spansBefore: new Date(at(10)) }), content: PURGE, chunkRows: 10 };
    const result = await store.retention.enforceRetention(A, run);
    expect(arriving).toEqual([]);
    expect(result).toMatchObject({ contentStripped: { spans: 3 }, deleted: { spans: 3 } });
    expect((await store.exportSpans(null, 10)).map((s) => [s.spanId, s.content])).toEqual([[kept.spanId, null]]);
    expect(await cost(A, 0, 48)).toBe(0.000000004);
  });
});
