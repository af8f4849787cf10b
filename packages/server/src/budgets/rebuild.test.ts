import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyAttribution, type SpanRecord } from '../domain/span.ts';
import { DuckDbStore } from '../store/duckdb/store.ts';
import { projectId, type SpendQuery, type SpendResult, type Store } from '../store/store.ts';
import { makeSpan } from '../testing/fixtures.ts';
import { BudgetBook } from './book.ts';
import { dayIndex, monthIndex, ProjectLedger, type SpendSeries } from './ledger.ts';
import { readProjectSpend, rebuildSpend } from './rebuild.ts';
import { Spend } from './spend.ts';
import { HOUR_MS } from '../domain/time.ts';

const logger = pino({ level: 'silent' });
const P = projectId('default');
const NOW = Date.UTC(2026, 2, 15, 12, 0); // 2026-03-15T12:00Z
const MIN = 60_000;
const OPTIONS = { maxSeriesPerProject: 1000, maxTraces: 1000 };

// A large batch job's cost: $1,234,567.123456789. Seven of them in one day sum to
// $8,641,969.864197523, and eight plus a 7-nano call to $9,876,536.987654319, past 2^53
// nano-dollars: as a float either sum is off by a nano-dollar once it is scaled back to nanos.
const BIG_NANO = 1_234_567_123_456_789;
const TINY_NANO = 7; // $0.000000007, a tiny embedding call

function call(atMs: number, nano: number, user: string, over: Partial<SpanRecord> = {}): SpanRecord {
  return makeSpan({
    startUs: atMs * 1000,
    endUs: atMs * 1000 + 1_000_000,
    attribution: { ...emptyAttribution(), userId: user, team: 'core', department: 'eng' },
    cost: { status: 'priced', totalNanoUsd: nano, byBucketNanoUsd: {}, priceRowId: 'test', catalogVersion: 'test' },
    ...over,
  });
}

const repeat = (n: number, make: (i: number) => SpanRecord): SpanRecord[] => Array.from({ length: n }, (_, i) => make(i));

const spans: SpanRecord[] = [
  // Today, hours ago: day and month cells.
  ...repeat(7, (i) => call(NOW - 3 * HOUR_MS + i * MIN, BIG_NANO, 'alice')),
  // Today, the last hour, all in one minute: the burn-rate cells too.
  ...repeat(7, (i) => call(NOW - 10 * MIN + i * 1000, BIG_NANO, 'carol')),
  // Last month, one day past 2^53 nano-dollars.
  ...repeat(8, (i) => call(Date.UTC(2026, 1, 20, 9) + i * MIN, BIG_NANO, 'bob')),
  call(Date.UTC(2026, 1, 20, 10), TINY_NANO, 'bob'),
  // Many tiny calls.
  ...repeat(200, (i) => call(NOW - 5 * HOUR_MS + i * 1000, TINY_NANO, 'dave')),
];

// The money in a ledger, cell by cell, as exact integers.
function cells(ledger: ProjectLedger | undefined) {
  const of = (s: SpendSeries | undefined) => (s ? { days: Object.fromEntries(s.days), months: Object.fromEntries(s.months), minutes: Object.fromEntries(s.minutes) } : null);
  return {
    total: of(ledger?.total),
    users: Object.fromEntries(['alice', 'bob', 'carol', 'dave'].map((u) => [u, of(ledger?.get('user', u))])),
    team: of(ledger?.get('team', 'core')),
    department: of(ledger?.get('department', 'eng')),
  };
}

describe('rebuild from a DuckDB store', () => {
  let store: DuckDbStore;

  beforeAll(async () => {
    store = await DuckDbStore.open(null);
    await store.write({ spans, scores: [], logs: [] });
  });
  afterAll(async () => {
    await store?.close();
  });

  it('carries nano-dollars exactly: the rebuilt ledger equals the live one cell by cell, past 2^53', async () => {
    const live = new Spend(OPTIONS);
    live.record(spans, NOW);
    const rebuilt = new Spend(OPTIONS);
    await rebuildSpend(rebuilt, store, [], NOW, logger);

    expect(cells(rebuilt.find(P))).toEqual(cells(live.find(P)));
    // The figures themselves, worked out by hand.
    const ledger = rebuilt.find(P)!;
    const today = dayIndex(NOW);
    const feb20 = dayIndex(Date.UTC(2026, 1, 20));
    expect(ledger.get('user', 'alice')!.dayNano(today)).toBe(8_641_969_864_197_523n);
    expect(ledger.get('user', 'carol')!.recentNano(NOW - HOUR_MS, NOW)).toBe(8_641_969_864_197_523n);
    expect(ledger.get('user', 'bob')!.dayNano(feb20)).toBe(9_876_536_987_654_319n);
    expect(ledger.get('user', 'dave')!.dayNano(today)).toBe(1_400n);
    expect(ledger.total.dayNano(today)).toBe(2n * 8_641_969_864_197_523n + 1_400n);
    expect(ledger.total.monthNano(monthIndex(Date.UTC(2026, 1, 1)))).toBe(9_876_536_987_654_319n);
  });

  it('reads the first groups by bucket, then cost, largest first, and says when more matched', async () => {
    const q = { bucket: 'day' as const, fromMs: Date.UTC(2026, 1, 1), toMs: Date.UTC(2026, 2, 17), limit: 2 };
    const first = await store.spendByAttribution(P, q);
    expect(first).toEqual({
      truncated: true,
      rows: [
        { bucketStartMs: Date.UTC(2026, 1, 20), user: 'bob', team: 'core', department: 'eng', costNanoUsd: 9_876_536_987_654_319n },
        { bucketStartMs: Date.UTC(2026, 2, 15), user: 'alice', team: 'core', department: 'eng', costNanoUsd: 8_641_969_864_197_523n },
      ],
    });
    const all = await store.spendByAttribution(P, { ...q, limit: 10 });
    expect(all.truncated).toBe(false);
    expect(all.rows.map((r) => r.user)).toEqual(['bob', 'alice', 'carol', 'dave']);
    expect(all.rows[3].costNanoUsd).toBe(1_400n);
  });

  it('gives the same statuses as the live feed for budgets over that spend', async () => {
    const define = async (book: BudgetBook) => {
      await book.upsert(P, { id: 'pd', scope: 'project', period: 'daily', limitUsd: 100_000_000 });
      await book.upsert(P, { id: 'each', scope: 'user', subject: '*', period: 'daily', limitUsd: 10_000_000 });
    };
    const rebuilt = await BudgetBook.open(null, store, logger, { now: () => NOW });
    await define(rebuilt);
    const live = await BudgetBook.open(null, { listProjects: async () => [], spendByAttribution: async () => ({ rows: [], truncated: false }) } as never, logger, { now: () => NOW });
    await define(live);
    live.onAccepted(spans, []);
    const view = (book: BudgetBook) => book.statuses(P, NOW).sort((a, b) => `${a.budget.id}${a.subject}`.localeCompare(`${b.budget.id}${b.subject}`));
    expect(view(rebuilt)).toEqual(view(live));
    expect(view(rebuilt).map((s) => s.subject)).toEqual(['alice', 'carol', 'dave', null]);
  });
});

describe('rebuild of a range with more groups than one read returns', () => {
  it('feeds each read into the ledger before the next read, never holding the range whole', async () => {
    const DAY_MS = 24 * HOUR_MS;
    const ledger = new ProjectLedger(1000);
    const fed = () => [...ledger.total.days.values()].reduce((a, b) => a + b, 0n);
    // The spend the ledger held as each one-day read started.
    const heldAtRead: bigint[] = [];
    const store = {
      spendByAttribution: async (_project: unknown, q: SpendQuery): Promise<SpendResult> => {
        if (q.bucket === 'minute') return { rows: [], truncated: false };
        // Any range longer than a day has more groups than one read returns: it is read in halves.
        if (q.toMs - q.fromMs > DAY_MS) return { rows: [], truncated: true };
        heldAtRead.push(fed());
        return { rows: [{ bucketStartMs: q.fromMs, user: 'u', team: null, department: null, costNanoUsd: 1n }], truncated: false };
      },
    } as unknown as Store;
    const rows = await readProjectSpend(ledger, store, 'default', NOW, logger);
    // 2026-02-01 to 2026-03-17 (ingest accepts a day ahead): 44 days, one read each.
    expect(rows).toBe(44);
    expect(fed()).toBe(44n);
    expect(heldAtRead).toEqual(Array.from({ length: 44 }, (_, i) => BigInt(i)));
  });
});
