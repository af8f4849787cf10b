// Budgets on several nodes sharing one ClickHouse database: definitions made through one node
// apply on the others after a refresh, spend loaded by one node counts on the others, and a
// node's own calls count once however its loads and refreshes interleave.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRequireE2e } from '../../../../test/e2e/require-e2e.ts';
import { loadConfig } from '../config/config.ts';
import { nanoToUsd } from '../domain/money.ts';
import { emptyAttribution, type SpanRecord } from '../domain/span.ts';
import { buildApp } from '../server/app.ts';
import type { AppContext } from '../server/context.ts';
import { createContext } from '../server/serve.ts';
import { openStore } from '../store/open.ts';
import { projectId, type Store } from '../store/store.ts';
import { clickHouseAvailable, clickHouseInstallHint, startClickHouse, type ClickHouseHarness } from '../testing/clickhouse.ts';
import { makeSpan } from '../testing/fixtures.ts';

const available = clickHouseAvailable();
if (!available && parseRequireE2e(process.env.REQUIRE_E2E)) throw new Error(`REQUIRE_E2E=1 but ${clickHouseInstallHint}`);

const P = projectId('default');

interface Node {
  app: FastifyInstance;
  ctx: AppContext;
  store: Store;
  close(): Promise<void>;
}

// A call of `nano` nano-dollars for `user`, a few seconds ago.
function call(nano: number, user = 'alice'): SpanRecord {
  const startUs = (Date.now() - 5_000) * 1000;
  return makeSpan({
    startUs,
    endUs: startUs + 1_000_000,
    attribution: { ...emptyAttribution(), userId: user, team: 'core' },
    // Reported by the caller, so the pipeline keeps it as it is.
    cost: { status: 'provider_reported', totalNanoUsd: nano, byBucketNanoUsd: {}, priceRowId: null, catalogVersion: null },
  });
}

async function ingest(node: Node, ...spans: SpanRecord[]): Promise<void> {
  const result = await node.ctx.pipeline.submit({ spans, scores: [], logs: [] }, 'test');
  expect(result.spans).toEqual(spans.map(() => 'accepted'));
}

// Until every acknowledged row of the node is loaded (loads that failed are retried every second).
async function loaded(node: Node): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (node.ctx.pipeline.loadHealth.journaledRows > 0) {
    if (Date.now() > deadline) throw new Error('the journal was not loaded in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

// What the node's book holds against the project budget today, as dollars from exact nano-dollars.
const spent = (node: Node, budgetId: string): number => node.ctx.budgets.statuses(P).find((s) => s.budget.id === budgetId)!.spentUsd;
const usd = (nano: number): number => nanoToUsd(BigInt(nano));

describe.skipIf(!available)('budgets on several nodes sharing a ClickHouse cluster', () => {
  let harness: ClickHouseHarness | undefined;
  beforeAll(async () => {
    harness = await startClickHouse({ shards: 2 });
  }, 120_000);
  afterAll(async () => {
    await harness?.stop();
  });

  async function openNode(database: string): Promise<Node> {
    const h = harness!;
    const config = loadConfig({
      env: {},
      flags: {
        dataDir: '/nonexistent-test-dir',
        logLevel: 'silent',
        storage: { backend: 'clickhouse', clickhouse: { url: h.urls, cluster: h.cluster, database } },
        // The tests refresh by hand.
        budgets: { refreshInterval: '1h' },
      },
    });
    const store = await openStore(config);
    const ctx = await createContext(config, pino({ level: 'silent' }), store, mkdtempSync(join(tmpdir(), 'lookout-node-')));
    const app = await buildApp(ctx);
    await app.ready();
    return {
      app,
      ctx,
      store,
      async close() {
        await app.close();
        await ctx.budgets.stop();
        ctx.content.stopFollowing();
        await ctx.pipeline.drain();
        await store.close();
      },
    };
  }

  async function twoNodes(test: (a: Node, b: Node) => Promise<void>): Promise<void> {
    const database = `lk_${randomBytes(6).toString('hex')}`;
    const a = await openNode(database);
    const b = await openNode(database);
    try {
      await test(a, b);
    } finally {
      await a.close();
      await b.close();
    }
  }

  it('enforces on one node a budget made through another, after a refresh; changes through any node keep the others', async () => {
    await twoNodes(async (a, b) => {
      const made = await b.app.inject({ method: 'POST', url: '/api/v1/budgets', payload: { scope: 'user', subject: 'alice', period: 'daily', limitUsd: 0.5, enforce: 'hard' } });
      expect(made.statusCode).toBe(201);
      const id = made.json().budget.id as string;
      await ingest(a, call(600_000_001));
      // A holds alice's spend but not B's budget yet.
      expect(a.ctx.budgets.check(P, { user: 'alice' }).allowed).toBe(true);
      await a.ctx.budgets.refresh();
      const check = await a.app.inject({ method: 'GET', url: '/api/v1/budgets/check?user=alice' });
      expect(check.json()).toMatchObject({ allowed: false, blockedBy: { budget: { id }, spentUsd: usd(600_000_001) } });

      // A change through A reads the document first: B's budget is kept, and A may replace it
      // before A's next refresh.
      const other = await b.app.inject({ method: 'POST', url: '/api/v1/budgets', payload: { id: 'team-core', scope: 'team', subject: 'core', period: 'monthly', limitUsd: 100 } });
      expect(other.statusCode).toBe(201);
      const replaced = await a.app.inject({ method: 'PUT', url: '/api/v1/budgets/team-core', payload: { scope: 'team', subject: 'core', period: 'monthly', limitUsd: 200 } });
      expect(replaced.statusCode).toBe(200);
      const again = await a.app.inject({ method: 'POST', url: '/api/v1/budgets', payload: { id: 'team-core', scope: 'team', subject: 'core', period: 'monthly', limitUsd: 300 } });
      expect(again.statusCode).toBe(409);
      expect((await a.app.inject({ method: 'DELETE', url: `/api/v1/budgets/${id}` })).statusCode).toBe(200);
      // A budget B makes is kept when A next changes something else.
      expect((await b.app.inject({ method: 'POST', url: '/api/v1/budgets', payload: { id: 'dept-eng', scope: 'department', subject: 'eng', period: 'daily', limitUsd: 50 } })).statusCode).toBe(201);
      expect((await a.app.inject({ method: 'PUT', url: '/api/v1/budgets/tiers', payload: { defaultTier: 'pro' } })).statusCode).toBe(200);
      await b.ctx.budgets.refresh();
      expect(b.ctx.budgets.list(P).map((x) => [x.id, x.limitUsd])).toEqual([
        ['team-core', 200],
        ['dept-eng', 50],
      ]);
      expect(b.ctx.budgets.tiers(P).settings.defaultTier).toBe('pro');
      expect(b.ctx.budgets.check(P, { user: 'alice' }).allowed).toBe(true);
    });
  });

  it("counts spend loaded by another node after this node refreshes, and this node's own calls exactly once", async () => {
    await twoNodes(async (a, b) => {
      const { budget } = await a.ctx.budgets.upsert(P, { id: 'all', scope: 'project', period: 'daily', limitUsd: 1000 });
      await b.ctx.budgets.refresh();
      let total = 0;

      // B's calls: in B's book at once, in A's once B has loaded them and A has refreshed.
      await ingest(b, call(1_000_000_001, 'bob'), call(7, 'bob'));
      total += 1_000_000_008;
      expect(spent(b, budget.id)).toBe(usd(total));
      await loaded(b);
      expect(spent(a, budget.id)).toBe(0);
      await a.ctx.budgets.refresh();
      expect(spent(a, budget.id)).toBe(usd(total));

      // A's own call, acknowledged while A cannot load: a refresh keeps it (the store lacks it)...
      const realLoad = a.store.load.bind(a.store);
      let refuse = true;
      a.store.load = async (...args) => {
        if (refuse) throw new Error('loads refused by the test');
        return realLoad(...args);
      };
      await ingest(a, call(2_000_000_003));
      total += 2_000_000_003;
      expect(spent(a, budget.id)).toBe(usd(total));
      await a.ctx.budgets.refresh();
      expect(spent(a, budget.id)).toBe(usd(total));
      // ...and once it is loaded, a refresh takes it from the store instead, not as well.
      refuse = false;
      await loaded(a);
      await a.ctx.budgets.refresh();
      expect(spent(a, budget.id)).toBe(usd(total));
      await b.ctx.budgets.refresh();
      expect(spent(b, budget.id)).toBe(usd(total));

      // A call A acknowledges while a refresh is reading the store counts once.
      const realRead = a.store.spendByAttribution.bind(a.store);
      let during: Promise<void> | null = null;
      a.store.spendByAttribution = async (...args) => {
        during ??= ingest(a, call(30_000_000_005));
        await during;
        return realRead(...args);
      };
      await a.ctx.budgets.refresh();
      a.store.spendByAttribution = realRead;
      total += 30_000_000_005;
      expect(spent(a, budget.id)).toBe(usd(total));
      await loaded(a);
      await a.ctx.budgets.refresh();
      expect(spent(a, budget.id)).toBe(usd(total));

      // A load in flight when a refresh starts (its rows stored, not yet marked loaded): the
      // refresh waits for it rather than count its rows from the store and from memory.
      let finishLoad!: () => void;
      const loadStored = new Promise<void>((resolve) => {
        a.store.load = async (...args) => {
          await realLoad(...args);
          resolve();
          await new Promise<void>((r) => (finishLoad = r));
        };
      });
      await ingest(a, call(400_000_000_009));
      total += 400_000_000_009;
      await loadStored;
      const refreshed = a.ctx.budgets.refresh();
      await new Promise((r) => setTimeout(r, 300));
      a.store.load = realLoad;
      finishLoad();
      await refreshed;
      expect(spent(a, budget.id)).toBe(usd(total));
      await loaded(a);
      await a.ctx.budgets.refresh();
      await b.ctx.budgets.refresh();
      expect(spent(a, budget.id)).toBe(usd(total));
      expect(spent(b, budget.id)).toBe(usd(total));
    });
  });
});
