// Alerting with two Lookout nodes on one ClickHouse database: one evaluates at a time (a lease in
// the store), both answer the same, changes made through either survive the other's writes, and
// the lease moves when its holder stops renewing it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseRequireE2e } from '../../../../test/e2e/require-e2e.ts';
import { loadConfig } from '../config/config.ts';
import { buildApp } from '../server/app.ts';
import type { AppContext } from '../server/context.ts';
import { createContext } from '../server/serve.ts';
import { openStore } from '../store/open.ts';
import { clickHouseAvailable, clickHouseInstallHint, startClickHouse, type ClickHouseHarness } from '../testing/clickhouse.ts';
import { generation } from '../testing/app.ts';
import type { Activation } from './actions/engine.ts';
import type { Alert } from './types.ts';

const available = clickHouseAvailable();
if (!available && parseRequireE2e(process.env.REQUIRE_E2E)) throw new Error(`REQUIRE_E2E=1 but ${clickHouseInstallHint}`);

const INTERVAL_MS = 1_000; // the lease lasts three of these
const spendRule = { name: 'AnySpend', kind: 'threshold', query: { measure: 'cost', groupBy: ['model'] }, window: '1h', threshold: 0, severity: 'warning', category: 'cost' };
const request = { provider: 'openai', model: 'gpt-4o', user: 'alice', feature: null, team: null, path: '/chat/completions' };

interface Node {
  app: FastifyInstance;
  ctx: AppContext;
  tick(): Promise<boolean>;
  alerts(): Promise<Alert[]>;
  close(): Promise<void>;
}

describe.skipIf(!available).each([1, 2])('alerting on several nodes sharing one ClickHouse of %i shard(s)', (shards) => {
  let harness: ClickHouseHarness | undefined;
  const open: Node[] = [];
  beforeAll(async () => {
    harness = await startClickHouse({ shards });
  }, 120_000);
  afterEach(async () => {
    for (const n of open.splice(0)) await n.close();
  });
  afterAll(async () => {
    await harness?.stop();
  });

  async function node(database: string): Promise<Node> {
    const config = loadConfig({
      env: {},
      flags: {
        dataDir: '/nonexistent-test-dir',
        logLevel: 'silent',
        storage: { backend: 'clickhouse', clickhouse: { url: harness!.urls, cluster: shards > 1 ? harness!.cluster : null, database } },
        'alerts.defaultPack': false,
        'alerts.evaluationInterval': `${INTERVAL_MS / 1000}s`,
        'alerts.actions': [{ id: 'cheaper', when: { alertname: 'AnySpend' }, do: { switchModel: { from: 'gpt-4o', to: 'gpt-4o-mini' } } }],
      },
    });
    const store = await openStore(config);
    const ctx = await createContext(config, pino({ level: 'silent' }), store, mkdtempSync(join(tmpdir(), 'lookout-node-')));
    const app = await buildApp(ctx);
    await app.ready();
    let closed = false;
    const n: Node = {
      app,
      ctx,
      tick: () => ctx.alerting.shared!.tick(),
      async alerts() {
        const res = await app.inject({ method: 'GET', url: '/api/v1/alerts' });
        expect(res.statusCode).toBe(200);
        return res.json().alerts as Alert[];
      },
      async close() {
        if (closed) return;
        closed = true;
        await app.close();
        await ctx.alerting.stop();
        await ctx.budgets.stop();
        ctx.content.stopFollowing();
        await ctx.pipeline.drain();
        await store.close();
      },
    };
    open.push(n);
    return n;
  }

  // Two nodes on a fresh database; `a` holds the evaluator lease.
  async function twoNodes(): Promise<{ a: Node; b: Node }> {
    const database = `lk_${randomBytes(6).toString('hex')}`;
    const a = await node(database);
    const b = await node(database);
    expect(await a.tick()).toBe(true);
    expect(await b.tick()).toBe(false);
    return { a, b };
  }

  async function ingest(n: Node, items: Record<string, unknown>[]): Promise<void> {
    const res = await n.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch: items } });
    expect(res.statusCode).toBe(200);
    await n.ctx.pipeline.settled();
  }

  const summary = (alerts: Alert[]) => alerts.map((a) => ({ fingerprint: a.fingerprint, state: a.state, model: a.labels.model, value: a.value, silencedBy: a.silencedBy })).sort((x, y) => x.model.localeCompare(y.model));

  it('one node evaluates; traffic sent to the other fires there, and both list the same alerts', async () => {
    const { a, b } = await twoNodes();
    // A rule made through the node that does not evaluate, traffic through it only.
    expect((await b.app.inject({ method: 'POST', url: '/api/v1/alerts/rules', payload: spendRule })).statusCode).toBe(201);
    await ingest(b, [generation({ model: 'gpt-4o' }), generation({ model: 'gpt-4o-mini' })]);

    expect(await a.tick()).toBe(true);
    expect(await b.tick()).toBe(false);
    const listedByA = summary(await a.alerts());
    expect(listedByA.map((x) => [x.model, x.state])).toEqual([
      ['gpt-4o', 'firing'],
      ['gpt-4o-mini', 'firing'],
    ]);
    expect(summary(await b.alerts())).toEqual(listedByA);
    const history = async (n: Node) => (await n.app.inject({ method: 'GET', url: '/api/v1/alerts/history?rule=AnySpend' })).json().events as unknown[];
    expect(await history(b)).toEqual(await history(a));
    expect(await history(a)).toHaveLength(4);
    // Only the holder ran evaluations.
    const evaluations = async (n: Node) => /lookout_alert_evaluations_total (\d+)/.exec(await n.ctx.metrics.registry.metrics())?.[1];
    expect(await evaluations(a)).toBe('2'); // its start and this one
    expect(await evaluations(b)).toBe('0');
    // The firing alert's automated response applies on both gateways.
    expect(a.ctx.alerting.actions.decide('default', request, Date.now()).model).toBe('gpt-4o-mini');
    expect(b.ctx.alerting.actions.decide('default', request, Date.now()).model).toBe('gpt-4o-mini');
  });

  it("a silence and a revert made through the other node are applied by the evaluator and survive its writes", async () => {
    const { a, b } = await twoNodes();
    expect((await a.app.inject({ method: 'POST', url: '/api/v1/alerts/rules', payload: spendRule })).statusCode).toBe(201);
    await ingest(a, [generation({ model: 'gpt-4o' })]);
    expect(await a.tick()).toBe(true);
    expect(await b.tick()).toBe(false);
    const [fired] = await b.alerts();
    expect(fired).toMatchObject({ state: 'firing', silencedBy: [] });

    const made = await b.app.inject({ method: 'POST', url: '/api/v1/alerts/silences', payload: { matchers: ['alertname="AnySpend"'], duration: '1h', comment: 'known' } });
    expect(made.statusCode).toBe(201);
    const silence = made.json().silence as { id: string };
    const { active } = (await b.app.inject({ method: 'GET', url: '/api/v1/actions' })).json() as { active: Activation[] };
    expect(active).toHaveLength(1);
    expect((await b.app.inject({ method: 'POST', url: `/api/v1/actions/${active[0].id}/revert` })).statusCode).toBe(200);

    // The evaluator writes its state twice; the other node then reads it back.
    for (let i = 0; i < 2; i++) expect(await a.tick()).toBe(true);
    expect(await b.tick()).toBe(false);
    for (const n of [a, b]) {
      const [alert] = await n.alerts();
      expect(alert).toMatchObject({ fingerprint: fired.fingerprint, state: 'firing', silencedBy: [silence.id] });
      const silences = (await n.app.inject({ method: 'GET', url: '/api/v1/alerts/silences' })).json().silences as { id: string }[];
      expect(silences.map((s) => s.id)).toEqual([silence.id]);
      const actions = (await n.app.inject({ method: 'GET', url: '/api/v1/actions' })).json() as { active: Activation[]; history: Activation[] };
      expect(actions.active).toEqual([]);
      expect(actions.history.find((x) => x.id === active[0].id)).toMatchObject({ state: 'reverted', revertedBy: 'api' });
      expect(n.ctx.alerting.actions.decide('default', request, Date.now()).model).toBeUndefined();
    }
  });

  it('the lease moves to the other node when its holder stops renewing it, and the state carries on', async () => {
    const { a, b } = await twoNodes();
    expect((await a.app.inject({ method: 'POST', url: '/api/v1/alerts/rules', payload: spendRule })).statusCode).toBe(201);
    await ingest(a, [generation({ model: 'gpt-4o' })]);
    expect(await a.tick()).toBe(true);
    const [fired] = await a.alerts();
    expect(fired.state).toBe('firing');

    // `a` no longer renews (as if it hung or crashed): `b` waits out the lease, then evaluates.
    const stoppedAt = Date.now();
    expect(await b.tick()).toBe(false);
    let took = false;
    while (!took && Date.now() - stoppedAt < 3 * INTERVAL_MS + 2_000) {
      await new Promise((r) => setTimeout(r, INTERVAL_MS / 4));
      took = await b.tick();
    }
    expect(took).toBe(true);
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(3 * INTERVAL_MS - 500);
    expect(await a.tick()).toBe(false);
    // The same alert, firing since the same time: no new pending or firing events.
    const [carried] = await b.alerts();
    expect(carried).toMatchObject({ fingerprint: fired.fingerprint, state: 'firing', firedAtMs: fired.firedAtMs });
    const events = (await b.app.inject({ method: 'GET', url: '/api/v1/alerts/history?rule=AnySpend' })).json().events as { to: string }[];
    expect(events.map((e) => e.to)).toEqual(['firing', 'pending']);

    // A holder that stops cleanly gives the lease up at once.
    await b.close();
    expect(await a.tick()).toBe(true);
  });
});
