import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyAttribution, type SpanRecord } from '../../domain/span.ts';
import { makeScore, makeSpan } from '../../testing/fixtures.ts';
import { projectId } from '../store.ts';
import { compactPending } from './compact.ts';
import { DuckDbStore } from './store.ts';

// What an erasure promises of the files: once the store has closed (and compacted), no file under
// the data directory holds any of the erased content, and the other user's is still there.

const P = projectId('default');
const HOUR_MS = 3_600_000;
const T0 = Date.UTC(2026, 6, 1, 9);
const ERASED = 'erased-marker-3d9c51a0b7';
const KEPT = 'kept-marker-8e21f4c6d2';

function spansOf(user: string, marker: string, count: number): SpanRecord[] {
  return Array.from({ length: count }, (_, i) =>
    makeSpan({
      projectId: P,
      startUs: (T0 + (i % 30) * HOUR_MS + i) * 1000,
      attribution: { ...emptyAttribution(), userId: user },
      // Random text around it, which does not compress: the marker stays visible in the file.
      content: { input: `${randomBytes(48).toString('base64')} ${marker} ${randomBytes(48).toString('base64')}`, output: `${marker} ${randomBytes(96).toString('base64')}` },
    }),
  );
}

// Occurrences of `text` in every file under `dir`.
function hits(dir: string, text: string): string[] {
  const found: string[] = [];
  const needle = Buffer.from(text);
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const path = join(dir, entry);
    if (statSync(path).isFile() && readFileSync(path).includes(needle)) found.push(entry);
  }
  return found;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lookout-erasure-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('erasure on a database file', () => {
  it('leaves none of the erased content in any file once the store has closed', async () => {
    let store = await DuckDbStore.open(dir, { hourRollups: 'manual' });
    const erased = spansOf('u1', ERASED, 300);
    await store.write({
      spans: [...erased, ...spansOf('u2', KEPT, 300)],
      scores: [makeScore({ projectId: P, traceId: erased[0].traceId, comment: `${ERASED} comment` })],
      logs: [{ projectId: P, id: 'l1', traceId: erased[1].traceId, spanId: null, timestampUs: erased[1].startUs, severity: 'info', body: `${ERASED} log`, attributes: {} }],
    });
    await store.refreshHourRollups(T0 + 40 * HOUR_MS);
    await store.close();
    // The check can see text where the database keeps it.
    expect(hits(dir, ERASED)).toEqual(['lookout.duckdb']);

    store = await DuckDbStore.open(dir, { hourRollups: 'manual' });
    // More of the user's calls, in the write-ahead log only.
    await store.write({ spans: spansOf('u1', ERASED, 20), scores: [], logs: [] });
    expect(hits(dir, ERASED).sort()).toEqual(['lookout.duckdb', 'lookout.duckdb.wal']);
    const result = await store.erasure.eraseRecords(P, { kind: 'user', id: 'u1' }, { chunkRows: 64 });
    expect(result).toEqual({ counts: { spans: 320, scores: 1, logs: 1, metricPoints: 0, rollupHours: 30 }, compactsOnStop: true });
    expect(compactPending(dir)).toBe(true);
    // Checkpointed: the write-ahead log holds none of it.
    expect(hits(dir, ERASED).filter((f) => f.endsWith('.wal'))).toEqual([]);
    // Summed again: long ranges read the hourly totals, which agree with the spans.
    const range = { fromMs: T0 - HOUR_MS, toMs: T0 + 39 * HOUR_MS };
    expect(store['hours'].wholeHours(range.fromMs * 1000, range.toMs * 1000, P)).not.toBeNull();
    expect((await store.analytics.query(P, { measures: ['requests', 'cost'], groupBy: [], filters: [], ...range })).rows).toEqual([{ requests: 300, cost: 1.35 }]);
    await store.close();

    expect(hits(dir, ERASED)).toEqual([]);
    expect(hits(dir, KEPT)).toEqual(['lookout.duckdb']);
    expect(compactPending(dir)).toBe(false);

    store = await DuckDbStore.open(dir, { hourRollups: 'manual' });
    const spans = await store.exportSpans(null, 1000);
    expect(spans).toHaveLength(300);
    expect(spans.every((s) => s.attribution.userId === 'u2' && s.content?.input?.includes(KEPT))).toBe(true);
    expect(JSON.stringify([await store.exportScores(null, 100), await store.exportLogs(null, 100)])).not.toContain(ERASED);
    await store.close();
  });
});
