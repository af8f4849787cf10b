import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyAttribution, unpricedCost, type SpanRecord } from '../domain/span.ts';
import { DuckDbStore } from '../store/duckdb/store.ts';
import { projectId, type Store } from '../store/store.ts';
import { JsonFile } from '../state/json-file.ts';
import { makeSpan } from '../testing/fixtures.ts';
import { BudgetBook } from './book.ts';
import { periodBounds, type BudgetStatus } from './policy.ts';
import { BudgetInputError } from './schema.ts';
import { HOUR_MS } from '../domain/time.ts';

const logger = pino({ level: 'silent' });
const P = projectId('default');
const Q = projectId('other');
const NOW = Date.UTC(2026, 2, 15, 12, 0); // 2026-03-15T12:00Z
const MIN = 60_000;

// A store that has nothing and counts what is asked of it.
function emptyStore(): Store & { calls: number } {
  const s = {
    calls: 0,
    async listProjects() {
      s.calls++;
      return [];
    },
    async spendByAttribution() {
      s.calls++;
      return { rows: [], truncated: false };
    },
  };
  return s as unknown as Store & { calls: number };
}

async function openBook(now = NOW, path: string | null = null, store: Store = emptyStore()): Promise<BudgetBook> {
  return BudgetBook.open(path === null ? null : new JsonFile(path), store, logger, { now: () => now });
}

function call(atMs: number, usd: number, attr: Partial<{ userId: string; team: string; department: string }> = {}, over: Partial<SpanRecord> = {}): SpanRecord {
  const nano = Math.round(usd * 1e9);
  return makeSpan({
    startUs: atMs * 1000,
    endUs: atMs * 1000 + 1_000_000,
    attribution: { ...emptyAttribution(), userId: attr.userId ?? null, team: attr.team ?? null, department: attr.department ?? null },
    cost: { status: 'priced', totalNanoUsd: nano, byBucketNanoUsd: {}, priceRowId: 'test', catalogVersion: 'test' },
    ...over,
  });
}

const one = (statuses: BudgetStatus[], id: string, subject?: string | null) => {
  const found = statuses.filter((s) => s.budget.id === id && (subject === undefined || s.subject === subject));
  expect(found).toHaveLength(1);
  return found[0];
};

describe('spend by period', () => {
  it('places spend in UTC days and months by start time, and ignores what is older than last month', async () => {
    const book = await openBook();
    await book.upsert(P, { id: 'day', scope: 'project', period: 'daily', limitUsd: 100 });
    await book.upsert(P, { id: 'month', scope: 'project', period: 'monthly', limitUsd: 1000 });
    book.onAccepted(
      [
        call(Date.UTC(2026, 2, 14, 23, 59, 59), 1),
        call(Date.UTC(2026, 2, 15, 0, 0, 1), 2),
        call(Date.UTC(2026, 1, 28, 23, 0), 4),
        call(Date.UTC(2026, 0, 31, 12, 0), 8), // January: before last month, ignored
      ],
      [],
    );
    const at = (nowMs: number) => book.statuses(P, nowMs);
    expect(one(at(NOW), 'day').spentUsd).toBe(2);
    expect(one(at(NOW), 'month').spentUsd).toBe(3);
    expect(one(at(Date.UTC(2026, 2, 14, 18)), 'day').spentUsd).toBe(1);
    expect(one(at(Date.UTC(2026, 1, 28, 23, 30)), 'month').spentUsd).toBe(4);
    expect(one(at(Date.UTC(2026, 1, 28, 23, 30)), 'day').spentUsd).toBe(4);
    const s = one(at(NOW), 'day');
    expect(s.periodStart).toBe('2026-03-15T00:00:00.000Z');
    expect(s.periodEnd).toBe('2026-03-16T00:00:00.000Z');
    expect(one(at(NOW), 'month').periodEnd).toBe('2026-04-01T00:00:00.000Z');
    expect(periodBounds('monthly', Date.UTC(2026, 11, 31, 23))).toEqual({ startMs: Date.UTC(2026, 11, 1), endMs: Date.UTC(2027, 0, 1) });
  });

  it('sums nano-dollars exactly', async () => {
    const book = await openBook();
    await book.upsert(P, { id: 'day', scope: 'project', period: 'daily', limitUsd: 1 });
    book.onAccepted(Array.from({ length: 10 }, () => call(NOW - HOUR_MS * 2, 0.1)), []);
    expect(one(book.statuses(P, NOW), 'day').spentUsd).toBe(1);
    expect(one(book.statuses(P, NOW), 'day').exceeded).toBe(true);
  });

  it('does not count unknown costs, calls without usage, or agent spans that repeat their children', async () => {
    const book = await openBook();
    await book.upsert(P, { id: 'day', scope: 'project', period: 'daily', limitUsd: 100 });
    book.onAccepted(
      [
        call(NOW - HOUR_MS, 1, {}, { cost: unpricedCost('unknown_model') }),
        call(NOW - HOUR_MS, 1, {}, { cost: unpricedCost('not_applicable') }),
        call(NOW - HOUR_MS, 5, {}, { kind: 'agent' }),
        call(NOW - HOUR_MS, 0.25, {}, { kind: 'embedding' }),
        call(NOW - HOUR_MS, 0.5, {}, { cost: { status: 'provider_reported', totalNanoUsd: 500_000_000, byBucketNanoUsd: {}, priceRowId: null, catalogVersion: null } }),
      ],
      [],
    );
    expect(one(book.statuses(P, NOW), 'day').spentUsd).toBe(0.75);
  });
});

describe('hierarchy', () => {
  it('reports the user, team, department and project budgets that apply, remembering the user’s team', async () => {
    const book = await openBook();
    await book.upsert(P, { id: 'u', scope: 'user', subject: 'alice', period: 'daily', limitUsd: 10 });
    await book.upsert(P, { id: 't', scope: 'team', subject: 'core', period: 'monthly', limitUsd: 100 });
    await book.upsert(P, { id: 'd', scope: 'department', subject: 'eng', period: 'daily', limitUsd: 50, enforce: 'hard' });
    await book.upsert(P, { id: 'p', scope: 'project', period: 'monthly', limitUsd: 1000 });
    await book.upsert(P, { id: 'other-team', scope: 'team', subject: 'search', period: 'daily', limitUsd: 1 });
    book.onAccepted([call(NOW - 2 * HOUR_MS, 3, { userId: 'alice', team: 'core', department: 'eng' }), call(NOW - 2 * HOUR_MS, 4, { userId: 'bob', team: 'core' })], []);

    const r = book.check(P, { user: 'alice' }, NOW);
    expect(r).toMatchObject({ allowed: true, user: 'alice', team: 'core', department: 'eng', blockedBy: null, warnings: [] });
    expect(r.budgets.map((s) => [s.budget.id, s.subject, s.spentUsd])).toEqual([
      ['u', 'alice', 3],
      ['t', 'core', 7],
      ['d', 'eng', 3],
      ['p', null, 7],
    ]);
    // The caller may name the team itself; an unknown user has only the shared budgets.
    expect(book.check(P, { user: 'zed', team: 'search' }, NOW).budgets.map((s) => s.budget.id)).toEqual(['other-team', 'p']);
    // Other projects see none of it.
    expect(book.check(Q, { user: 'alice' }, NOW)).toMatchObject({ allowed: true, budgets: [] });
    expect(book.statuses(Q, NOW)).toEqual([]);

    book.onAccepted([call(NOW - HOUR_MS, 48, { userId: 'carol', department: 'eng' })], []);
    const blocked = book.check(P, { user: 'alice' }, NOW);
    expect(blocked.allowed).toBe(false);
    expect(blocked.blockedBy?.budget.id).toBe('d');
    expect(blocked.warnings.join('\n')).toContain("department 'eng': 102% of the daily budget used ($51.00 of $50.00) — exceeded");
  });

  it('names the most specific hard budget that is spent', async () => {
    const book = await openBook();
    await book.upsert(P, { id: 'p', scope: 'project', period: 'daily', limitUsd: 1, enforce: 'hard' });
    await book.upsert(P, { id: 'u', scope: 'user', subject: 'alice', period: 'daily', limitUsd: 1, enforce: 'hard' });
    book.onAccepted([call(NOW - HOUR_MS, 2, { userId: 'alice' })], []);
    expect(book.check(P, { user: 'alice' }, NOW).blockedBy?.budget.id).toBe('u');
    expect(book.check(P, { user: 'bob' }, NOW).blockedBy?.budget.id).toBe('p');
  });

  it('gives calls the attribution of their trace root, whichever arrives first', async () => {
    const book = await openBook();
    await book.upsert(P, { id: 'u', scope: 'user', subject: 'alice', period: 'daily', limitUsd: 10 });
    await book.upsert(P, { id: 't', scope: 'team', subject: 'core', period: 'daily', limitUsd: 10 });
    const root = (traceId: string) => call(NOW - HOUR_MS, 0, { userId: 'alice', team: 'core' }, { traceId, kind: 'agent', cost: unpricedCost() });
    const child = (traceId: string, usd: number) => call(NOW - HOUR_MS, usd, {}, { traceId, parentSpanId: 'aaaaaaaaaaaaaaaa' });
    const a = 'a'.repeat(32);
    const b = 'b'.repeat(32);
    book.onAccepted([root(a)], []);
    book.onAccepted([child(a, 1)], []);
    book.onAccepted([child(b, 2)], []);
    expect(one(book.statuses(P, NOW), 'u').spentUsd).toBe(1);
    book.onAccepted([root(b)], []);
    expect(one(book.statuses(P, NOW), 'u').spentUsd).toBe(3);
    expect(one(book.statuses(P, NOW), 't').spentUsd).toBe(3);
  });
});

describe('tiers', () => {
  it('gives an assigned user the tier’s daily budget (seed 001: free $1, pro $50, enterprise $1000), enforced', async () => {
    const book = await openBook();
    expect(book.tiers(P).settings).toEqual({ limitsUsd: { free: 1, pro: 50, enterprise: 1000 }, defaultTier: null, enforce: 'hard', warnAtPercent: [50, 80, 100] });
    expect(await book.setTier(P, 'bob', 'free')).toBeNull();
    book.onAccepted([call(NOW - HOUR_MS, 0.6, { userId: 'bob' })], []);
    let r = book.check(P, { user: 'bob' }, NOW);
    expect(r.allowed).toBe(true);
    expect(r.budgets).toHaveLength(1);
    expect(r.budgets[0]).toMatchObject({ subject: 'bob', limitUsd: 1, spentUsd: 0.6, remainingUsd: 0.4, warningLevel: 50, budget: { id: 'tier:free', tier: 'free', period: 'daily', enforce: 'hard' } });
    expect(r.warnings).toEqual(["user 'bob': 60% of the free tier daily budget used ($0.60 of $1.00)"]);
    book.onAccepted([call(NOW - HOUR_MS, 0.4, { userId: 'bob' })], []);
    r = book.check(P, { user: 'bob' }, NOW);
    expect(r).toMatchObject({ allowed: false, blockedBy: { budget: { id: 'tier:free' }, exceeded: true, remainingUsd: 0 } });
    // The next day starts afresh.
    expect(book.check(P, { user: 'bob' }, NOW + 24 * HOUR_MS).allowed).toBe(true);

    expect(await book.setTier(P, 'bob', 'pro')).toBe('free');
    expect(book.check(P, { user: 'bob' }, NOW)).toMatchObject({ allowed: true, budgets: [{ limitUsd: 50, percent: 2 }] });
    expect(book.tierOfUser(P, 'bob')).toEqual({ tier: 'pro', assigned: true });
    expect(await book.setTier(P, 'bob', null)).toBe('pro');
    expect(book.check(P, { user: 'bob' }, NOW).budgets).toEqual([]);
  });

  it('limits nobody by default; a default tier covers users without an assignment or a user budget', async () => {
    const book = await openBook();
    book.onAccepted([call(NOW - HOUR_MS, 2, { userId: 'carol' }), call(NOW - HOUR_MS, 2, { userId: 'dave' })], []);
    await book.upsert(P, { id: 'dave', scope: 'user', subject: 'dave', period: 'daily', limitUsd: 100 });
    expect(book.check(P, { user: 'carol' }, NOW).budgets).toEqual([]);
    await book.setTierSettings(P, { defaultTier: 'free', limitsUsd: { free: 1.5 } });
    expect(book.check(P, { user: 'carol' }, NOW)).toMatchObject({ allowed: false, blockedBy: { budget: { id: 'tier:free' }, limitUsd: 1.5 } });
    expect(book.check(P, { user: 'dave' }, NOW).budgets.map((s) => s.budget.id)).toEqual(['dave']);
    expect(book.tierOfUser(P, 'carol')).toEqual({ tier: 'free', assigned: false });
    // statuses: one per spending user the default tier covers.
    expect(book.statuses(P, NOW, { budgetId: 'tier:free' }).map((s) => s.subject)).toEqual(['carol']);
    await book.setTierSettings(P, { enforce: 'soft' });
    expect(book.check(P, { user: 'carol' }, NOW).allowed).toBe(true);
  });
});

describe('warnings, burn rate and forecast', () => {
  it('reports the highest warning level crossed', async () => {
    const book = await openBook();
    await book.upsert(P, { id: 'a', scope: 'project', period: 'daily', limitUsd: 10 });
    await book.upsert(P, { id: 'b', scope: 'project', period: 'daily', limitUsd: 10, warnAtPercent: [90, 25, 25] });
    book.onAccepted([call(NOW - 2 * HOUR_MS, 8.5)], []);
    const [a, b] = book.statuses(P, NOW);
    expect(a).toMatchObject({ warningLevel: 80, percent: 85, exceeded: false, remainingUsd: 1.5 });
    expect(b.budget.warnAtPercent).toEqual([25, 90]);
    expect(b.warningLevel).toBe(25);
    book.onAccepted([call(NOW - 2 * HOUR_MS, 0.4)], []);
    expect(book.statuses(P, NOW, { budgetId: 'b' })[0].warningLevel).toBe(25);
    expect(book.statuses(P, NOW, { budgetId: 'a' })[0].warningLevel).toBe(80);
    book.onAccepted([call(NOW - 2 * HOUR_MS, 0.1)], []);
    expect(book.statuses(P, NOW, { budgetId: 'b' })[0].warningLevel).toBe(90);
    expect(book.statuses(P, NOW, { budgetId: 'a' })[0]).toMatchObject({ warningLevel: 80, percent: 90 });
  });

  it('burn rate over the last hour; forecast = spent + rate × hours left, monthly also by daily average', async () => {
    const book = await openBook();
    await book.upsert(P, { id: 'day', scope: 'project', period: 'daily', limitUsd: 20 });
    await book.upsert(P, { id: 'month', scope: 'project', period: 'monthly', limitUsd: 1000 });
    book.onAccepted([call(NOW - 30 * MIN, 1), call(NOW - 2 * HOUR_MS, 2)], []);
    const day = one(book.statuses(P, NOW), 'day');
    expect(day.burnRateUsdPerHour).toBe(1);
    expect(day.forecastUsd).toBe(3 + 12);
    expect(day.forecastExceeds).toBe(false);
    const month = one(book.statuses(P, NOW), 'month');
    // 16.5 days (396 h) left at $1/h beats the daily average (3 / 14.5 days × 31).
    expect(month.forecastUsd).toBe(3 + 396);

    // A quiet last hour: the daily average carries the monthly forecast.
    const later = NOW + 3 * HOUR_MS;
    const quiet = one(book.statuses(P, later), 'month');
    expect(quiet.burnRateUsdPerHour).toBe(0);
    expect(quiet.forecastUsd).toBeCloseTo((3 / (14 + 15 / 24)) * 31, 6);
    expect(one(book.statuses(P, later), 'day')).toMatchObject({ burnRateUsdPerHour: 0, forecastUsd: 3 });
  });

  it('measures a period younger than an hour since its start, over at least 15 minutes', async () => {
    const now = Date.UTC(2026, 2, 15, 0, 10);
    const book = await openBook(now);
    await book.upsert(P, { id: 'day', scope: 'project', period: 'daily', limitUsd: 20 });
    book.onAccepted([call(now - 5 * MIN, 0.5), call(now - 20 * MIN, 7)], []); // the second is yesterday's
    const s = one(book.statuses(P, now), 'day');
    expect(s.spentUsd).toBe(0.5);
    expect(s.burnRateUsdPerHour).toBe(2); // $0.5 over 15 minutes
    expect(s.forecastUsd).toBeCloseTo(0.5 + 2 * (23 + 50 / 60), 6);
    expect(s.forecastExceeds).toBe(true);
    const at40 = one(book.statuses(P, now + 30 * MIN), 'day');
    expect(at40.burnRateUsdPerHour).toBe(0.75); // $0.5 over the 40 minutes since midnight
  });
});

describe('each user', () => {
  it("a '*' user budget gives one status per user who spent, and applies to every user in check", async () => {
    const book = await openBook();
    await book.upsert(P, { id: 'each', scope: 'user', subject: '*', period: 'daily', limitUsd: 5, enforce: 'hard' });
    book.onAccepted([call(NOW - HOUR_MS, 6, { userId: 'alice' }), call(NOW - HOUR_MS, 1, { userId: 'bob' }), call(NOW - 30 * HOUR_MS, 1, { userId: 'old' }), call(NOW - HOUR_MS, 1)], []);
    const st = book.statuses(P, NOW);
    expect(st.map((s) => [s.subject, s.spentUsd, s.exceeded]).sort()).toEqual([
      ['alice', 6, true],
      ['bob', 1, false],
    ]);
    expect(book.statuses(P, NOW, { subject: 'bob' })).toHaveLength(1);
    expect(book.check(P, { user: 'alice' }, NOW)).toMatchObject({ allowed: false, blockedBy: { subject: 'alice' } });
    expect(book.check(P, { user: 'newcomer' }, NOW)).toMatchObject({ allowed: true, budgets: [{ subject: 'newcomer', spentUsd: 0, remainingUsd: 5 }] });
    // A '*' budget is a user budget for everyone: a default tier does not stack on it.
    await book.setTierSettings(P, { defaultTier: 'free' });
    expect(book.check(P, { user: 'bob' }, NOW).budgets.map((s) => s.budget.id)).toEqual(['each']);
    // filter by scope and period, as the rule engine does
    expect(book.statuses(P, NOW, { scope: 'user', period: 'monthly' })).toEqual([]);
    expect(book.statuses(P, NOW, { scope: 'user', period: 'daily' })).toHaveLength(2);
  });
});

describe('definitions', () => {
  it('validates input and names the field', async () => {
    const book = await openBook();
    const bad = async (input: unknown) => {
      try {
        await book.upsert(P, input);
      } catch (err) {
        expect(err).toBeInstanceOf(BudgetInputError);
        return (err as Error).message;
      }
      throw new Error('accepted');
    };
    expect(await bad({ scope: 'project', period: 'daily', limitUsd: -1 })).toBe('limitUsd: must be more than 0');
    expect(await bad({ scope: 'project', period: 'daily', limitUsd: '5' })).toBe('limitUsd: must be a number of US dollars');
    expect(await bad({ scope: 'team', period: 'daily', limitUsd: 5 })).toBe('subject: a team budget needs the team id as subject');
    expect(await bad({ scope: 'project', subject: 'x', period: 'daily', limitUsd: 5 })).toMatch(/^subject: a project budget has no subject/);
    expect(await bad({ scope: 'team', subject: '*', period: 'daily', limitUsd: 5 })).toBe("subject: '*' (each one) is only for user budgets");
    expect(await bad({ scope: 'org', period: 'daily', limitUsd: 5 })).toBe('scope: must be one of project, team, department, user');
    expect(await bad({ scope: 'project', period: 'weekly', limitUsd: 5 })).toBe('period: must be one of daily, monthly');
    expect(await bad({ scope: 'project', period: 'daily', limitUsd: 5, warnAtPercent: [50, -1] })).toBe('warnAtPercent[1]: must be more than 0');
    expect(await bad({ scope: 'project', period: 'daily', limitUsd: 5, colour: 'red' })).toBe('colour: unknown field');
    expect(await bad(null)).toMatch(/^body: /);
    expect(book.list(P)).toEqual([]);
  });

  it('creates, replaces and removes; definitions survive a reopen', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lookout-budgets-')), 'budgets.json');
    const book = await openBook(NOW, path);
    const { budget, created } = await book.upsert(P, { scope: 'team', subject: 'core', period: 'monthly', limitUsd: 250, name: 'core monthly' });
    expect(created).toBe(true);
    expect(budget).toMatchObject({ id: expect.stringMatching(/^b_[0-9a-f]{12}$/), projectId: 'default', scope: 'team', subject: 'core', warnAtPercent: [50, 80, 100], enforce: 'soft', createdAt: new Date(NOW).toISOString() });
    const replaced = await book.upsert(P, { id: budget.id, scope: 'team', subject: 'core', period: 'monthly', limitUsd: 300, enforce: 'hard' }, NOW + 1000);
    expect(replaced).toMatchObject({ created: false, budget: { limitUsd: 300, enforce: 'hard', createdAt: budget.createdAt, updatedAt: new Date(NOW + 1000).toISOString() } });
    await book.upsert(P, { id: 'gone', scope: 'project', period: 'daily', limitUsd: 1 });
    await book.upsert(Q, { id: 'q', scope: 'project', period: 'daily', limitUsd: 2 });
    expect(await book.remove(P, 'gone')).toBe(true);
    expect(await book.remove(P, 'gone')).toBe(false);
    expect(await book.remove(Q, budget.id)).toBe(false);
    await book.setTier(P, 'bob', 'enterprise');
    await book.setTierSettings(P, { limitsUsd: { pro: 75 }, defaultTier: 'pro' });
    expect(JSON.parse(readFileSync(path, 'utf8')).version).toBe(1);

    const again = await openBook(NOW, path);
    expect(again.list(P)).toEqual(book.list(P));
    expect(again.list(Q).map((b) => b.id)).toEqual(['q']);
    expect(again.tiers(P)).toEqual({ settings: { limitsUsd: { free: 1, pro: 75, enterprise: 1000 }, defaultTier: 'pro', enforce: 'hard', warnAtPercent: [50, 80, 100] }, assignments: [{ user: 'bob', tier: 'enterprise' }] });
    expect(again.check(P, { user: 'bob' }, NOW).budgets[0].limitUsd).toBe(1000);
  });
});

describe('answering from memory', () => {
  it('check and statuses never call the store after the book is open', async () => {
    const store = emptyStore();
    const book = await openBook(NOW, null, store);
    const calls = store.calls;
    await book.upsert(P, { scope: 'user', subject: '*', period: 'daily', limitUsd: 5 });
    book.onAccepted([call(NOW - HOUR_MS, 1, { userId: 'alice' })], []);
    for (let i = 0; i < 100; i++) book.check(P, { user: 'alice' }, NOW);
    book.statuses(P, NOW);
    expect(store.calls).toBe(calls);
  });
});

describe('rebuild from the store', () => {
  let store: DuckDbStore;
  const spans = [
    call(NOW - 10 * MIN, 1.25, { userId: 'alice', team: 'core', department: 'eng' }),
    call(NOW - 50 * MIN, 0.5, { userId: 'alice', team: 'core', department: 'eng' }),
    call(NOW - 5 * HOUR_MS, 2, { userId: 'bob', team: 'search' }),
    call(Date.UTC(2026, 2, 2, 9), 10, { userId: 'alice', team: 'core', department: 'eng' }),
    call(Date.UTC(2026, 1, 20, 9), 20, { userId: 'bob', team: 'core' }),
    call(Date.UTC(2025, 11, 20, 9), 40, { userId: 'bob' }), // too old
    call(NOW - HOUR_MS, 3, {}, { cost: unpricedCost('unknown_model') }),
    call(NOW - HOUR_MS, 0.125),
  ];
  // A call under a root that carries the user: the store attributes it when it loads the trace.
  const traceId = 'c'.repeat(32);
  const root = call(NOW - 2 * HOUR_MS, 0, { userId: 'carol', team: 'core' }, { traceId, spanId: 'd'.repeat(16), kind: 'agent', cost: unpricedCost() });
  const child = call(NOW - 2 * HOUR_MS, 0.75, {}, { traceId, parentSpanId: 'd'.repeat(16) });

  beforeAll(async () => {
    store = await DuckDbStore.open(null);
    await store.write({ spans: [...spans, child], scores: [], logs: [] });
    await store.write({ spans: [root], scores: [], logs: [] });
    await store.write({ spans: [call(NOW - HOUR_MS, 0.5, {}, { projectId: 'other' })], scores: [], logs: [] });
    await store.createProject(Q, 'other');
  });
  afterAll(async () => {
    await store?.close();
  });

  it('matches what the live feed would have counted', async () => {
    const define = async (book: BudgetBook) => {
      await book.upsert(P, { id: 'pd', scope: 'project', period: 'daily', limitUsd: 100 });
      await book.upsert(P, { id: 'pm', scope: 'project', period: 'monthly', limitUsd: 100 });
      await book.upsert(P, { id: 'each', scope: 'user', subject: '*', period: 'monthly', limitUsd: 100 });
      await book.upsert(P, { id: 'core', scope: 'team', subject: 'core', period: 'monthly', limitUsd: 100 });
      await book.upsert(P, { id: 'eng', scope: 'department', subject: 'eng', period: 'daily', limitUsd: 100 });
      await book.upsert(Q, { id: 'q', scope: 'project', period: 'daily', limitUsd: 100 });
    };
    const rebuilt = await openBook(NOW, null, store);
    await define(rebuilt);
    const live = await openBook(NOW);
    await define(live);
    live.onAccepted([...spans, child, root], []);
    live.onAccepted([call(NOW - HOUR_MS, 0.5, {}, { projectId: 'other' })], []);

    const view = (book: BudgetBook, project = P) =>
      book
        .statuses(project, NOW)
        .map((s) => ({ id: s.budget.id, subject: s.subject, spent: s.spentUsd, burn: s.burnRateUsdPerHour, forecast: s.forecastUsd }))
        .sort((a, b) => `${a.id}${a.subject}`.localeCompare(`${b.id}${b.subject}`));
    expect(view(rebuilt)).toEqual(view(live));
    expect(view(rebuilt, Q)).toEqual(view(live, Q));
    expect(view(rebuilt)).toContainEqual({ id: 'pd', subject: null, spent: 1.25 + 0.5 + 2 + 0.125 + 0.75, burn: 1.875, forecast: expect.any(Number) });
    expect(view(rebuilt)).toContainEqual({ id: 'each', subject: 'carol', spent: 0.75, burn: 0, forecast: expect.any(Number) });
    expect(view(rebuilt)).toContainEqual({ id: 'core', subject: 'core', spent: 1.25 + 0.5 + 10 + 0.75, burn: 1.75, forecast: expect.any(Number) });
    // The remembered team of a user comes from the rebuilt data too.
    expect(rebuilt.check(P, { user: 'alice' }, NOW)).toMatchObject({ team: 'core', department: 'eng' });
    expect(view(rebuilt, Q)).toEqual([{ id: 'q', subject: null, spent: 0.5, burn: 0.5, forecast: expect.any(Number) }]);
  });
});
