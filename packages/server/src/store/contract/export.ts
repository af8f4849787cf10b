import { describe, expect, it } from 'vitest';
import type { MetricPointRecord } from '../../domain/metric.ts';
import type { LogRecord, ScoreRecord } from '../../domain/score.ts';
import type { SpanRecord } from '../../domain/span.ts';
import { makeScore, makeSpan } from '../../testing/fixtures.ts';
import { hashApiKey } from '../api-keys.ts';
import { projectId } from '../store.ts';
import { freshStore, type OpenStore } from './fixtures.ts';

// Reading a whole store out (store/export.ts): every record of every project once, oldest first,
// page after page; and API keys moved with their hashes.

const A = projectId('export-a');
const B = projectId('export-b');
// Two months apart at the ends, so the records lie in more than one partition where a backend has them.
const T_US = Date.UTC(2026, 3, 30, 23, 0) * 1000;
const MIN_US = 60_000_000;

// Pages through `read` `limit` records at a time, the cursor being the last record of a page.
async function drain<T>(read: (after: T | null, limit: number) => Promise<T[]>, limit: number): Promise<T[]> {
  const out: T[] = [];
  let after: T | null = null;
  for (;;) {
    const page = await read(after, limit);
    expect(page.length).toBeLessThanOrEqual(limit);
    out.push(...page);
    if (page.length < limit) return out;
    after = page[page.length - 1];
  }
}

const byTime = <T extends { projectId: string }>(time: (t: T) => number, ...rest: ((t: T) => string)[]) =>
  (a: T, b: T): number => {
    if (time(a) !== time(b)) return time(a) - time(b);
    for (const key of [(t: T) => t.projectId, ...rest]) {
      if (key(a) !== key(b)) return key(a) < key(b) ? -1 : 1;
    }
    return 0;
  };

// Spans of two projects, several starting at the same instant (ties ordered by identity).
function spans(): SpanRecord[] {
  const at = [0, 0, 0, MIN_US, MIN_US, 2 * MIN_US, 45 * 24 * 60 * MIN_US, 45 * 24 * 60 * MIN_US + 1];
  return at.flatMap((offset, i) => [
    makeSpan({ projectId: A, traceId: `t${i % 3}`, spanId: `s${i}`, startUs: T_US + offset, content: { input: `q${i}`, output: null }, tags: [`n${i}`] }),
    makeSpan({ projectId: B, traceId: `t${i % 2}`, spanId: `s${i}`, startUs: T_US + offset, metadata: { i: String(i) } }),
  ]);
}

function log(over: Partial<LogRecord> & Pick<LogRecord, 'id' | 'timestampUs'>): LogRecord {
  return { projectId: A, traceId: null, spanId: null, severity: 'info', body: 'line', attributes: { k: 'v' }, ...over };
}

function point(over: Partial<MetricPointRecord> & Pick<MetricPointRecord, 'id' | 'timeUs'>): MetricPointRecord {
  return {
    projectId: A, name: 'gen_ai.client.token.usage', unit: '{token}', kind: 'histogram', temporality: 'delta',
    attributes: { 'gen_ai.token.type': 'input' }, service: 'svc', startUs: null,
    value: null, count: 2, sum: 30, min: 10, max: 20, bucketCounts: [0, 2, 0], bounds: [5, 50],
    ...over,
  };
}

export function exportContract(name: string, open: OpenStore): void {
  describe(`store contract (export): ${name}`, () => {
    const store = freshStore(open);
    const other = freshStore(open);

    it('reads every span of every project once, oldest first, page by page', async () => {
      expect(await store().exportSpans(null, 5)).toEqual([]);
      const written = spans();
      await store().write({ spans: written, scores: [], logs: [] });
      const expected = [...written].sort(byTime((s) => s.startUs, (s) => s.traceId, (s) => s.spanId));
      expect(await drain<SpanRecord>((after, limit) => store().exportSpans(after, limit), 3)).toEqual(expected);
      expect(await drain<SpanRecord>((after, limit) => store().exportSpans(after, limit), expected.length)).toEqual(expected);
    });

    it('reads a changed span as it is now, once', async () => {
      const written = spans();
      await store().write({ spans: written, scores: [], logs: [] });
      const cost: SpanRecord['cost'] = { status: 'priced', totalNanoUsd: 7, byBucketNanoUsd: { input: 7 }, priceRowId: 'override:x', catalogVersion: 'v2' };
      await store().reprice(() => cost, { onlyUnknown: false, models: null });
      const out = await drain<SpanRecord>((after, limit) => store().exportSpans(after, limit), 4);
      expect(out).toHaveLength(written.length);
      expect(out.every((s) => s.cost.totalNanoUsd === 7 && s.cost.priceRowId === 'override:x')).toBe(true);
    });

    it('reads every score and log once, oldest first, ties by identity', async () => {
      const scores = [0, 0, MIN_US, 3 * MIN_US, 45 * 24 * 60 * MIN_US].flatMap((offset, i) => [
        makeScore({ projectId: A, id: `sc${i}`, timestampUs: T_US + offset, comment: `c${i}` }),
        makeScore({ projectId: B, id: `sc${i}`, timestampUs: T_US + offset }),
      ]);
      const logs = [0, 0, MIN_US, 45 * 24 * 60 * MIN_US].flatMap((offset, i) => [
        log({ id: `l${i}`, timestampUs: T_US + offset, traceId: 't1', body: `body ${i}` }),
        log({ projectId: B, id: `l${i}`, timestampUs: T_US + offset, severity: 'error' }),
      ]);
      await store().write({ spans: [], scores, logs });
      const scoreOrder = byTime<(typeof scores)[number]>((s) => s.timestampUs, (s) => s.id);
      expect(await drain<ScoreRecord>((after, limit) => store().exportScores(after, limit), 3)).toEqual([...scores].sort(scoreOrder));
      const logOrder = byTime<LogRecord>((l) => l.timestampUs, (l) => l.id);
      expect(await drain<LogRecord>((after, limit) => store().exportLogs(after, limit), 3)).toEqual([...logs].sort(logOrder));
    });

    it('reads every metric point once, oldest first, ties by identity', async () => {
      const points = [
        point({ id: 'p0', timeUs: T_US }),
        point({ id: 'p1', timeUs: T_US }),
        point({ id: 'p0', projectId: B, timeUs: T_US }),
        point({ id: 'p2', timeUs: T_US + MIN_US, startUs: T_US, kind: 'gauge', value: 1.5, count: null, sum: null, min: null, max: null, bucketCounts: [], bounds: [] }),
        point({ id: 'p3', timeUs: T_US + 45 * 24 * 60 * MIN_US }),
      ];
      await store().writeMetricPoints(points);
      const order = byTime<MetricPointRecord>((p) => p.timeUs, (p) => p.id);
      expect(await drain<MetricPointRecord>((after, limit) => store().exportMetricPoints(after, limit), 2)).toEqual([...points].sort(order));
    });

    it('moves API keys with their hashes: they authenticate, a revoked one stays revoked, importing again changes nothing', async () => {
      const live = await store().createApiKey(A, 'ingest', 'ci');
      const admin = await store().createApiKey(B, 'admin', null);
      const revoked = await store().createApiKey(A, 'read', 'old');
      await store().revokeApiKey(A, revoked.info.id);

      const exported = await store().exportApiKeys();
      expect(exported.map((k) => k.id).sort()).toEqual([live.info.id, admin.info.id, revoked.info.id].sort());
      for (const { key, info } of [live, admin, revoked]) expect(exported.find((k) => k.id === info.id)?.hash).toBe(hashApiKey(key));

      await other().createProject(A, 'A');
      await other().createProject(B, 'B');
      expect(await other().importApiKeys(exported)).toEqual({ imported: 3, skipped: 0 });
      expect(await other().resolveApiKey(live.key)).toEqual(await store().resolveApiKey(live.key));
      expect((await other().resolveApiKey(admin.key))?.scope).toBe('admin');
      expect(await other().resolveApiKey(revoked.key)).toBeNull();
      // Sorted: a key's time is kept to the second, so keys created within one may list in another order.
      const sorted = <T extends { id: string }>(keys: T[]) => [...keys].sort((x, y) => (x.id < y.id ? -1 : 1));
      expect(sorted(await other().listApiKeys(A))).toEqual(sorted(await store().listApiKeys(A)));
      expect(await other().importApiKeys(exported)).toEqual({ imported: 0, skipped: 3 });

      // A key revoked at the source after a first import is revoked by the next one.
      await store().revokeApiKey(A, live.info.id);
      expect(await other().importApiKeys(await store().exportApiKeys())).toEqual({ imported: 1, skipped: 2 });
      expect(await other().resolveApiKey(live.key)).toBeNull();
      expect(await other().resolveApiKey(admin.key)).not.toBeNull();
      expect(sorted(await other().exportApiKeys())).toEqual(sorted(await store().exportApiKeys()));
    });
  });
}
