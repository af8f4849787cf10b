import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.ts';
import type { IngestPipeline } from '../ingest/pipeline.ts';
import { DuckDbStore } from '../store/duckdb/store.ts';
import type { DocumentStore, Store } from '../store/store.ts';
import { makeSpan } from '../testing/fixtures.ts';
import { createAlerting, type Alerting } from './service.ts';
import { EVALUATOR_LEASE } from './shared-evaluator.ts';

// The shared-state logic on an embedded store dressed as a shared one (documents and leases in
// memory, on a clock the test moves): the same code the ClickHouse tests run, without a server.

class MemoryDocuments implements DocumentStore {
  readonly docs = new Map<string, string>();
  readonly leases = new Map<string, { holder: string; expiresMs: number }>();
  nowMs = Date.now();

  async read(name: string): Promise<string | null> {
    return this.docs.get(name) ?? null;
  }

  async write(name: string, text: string): Promise<void> {
    this.docs.set(name, text);
  }

  async lease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const current = this.leases.get(name);
    if (current && current.holder !== holder && current.expiresMs > this.nowMs) return false;
    this.leases.set(name, { holder, expiresMs: this.nowMs + ttlMs });
    return true;
  }
}

const INTERVAL_MS = 30_000;
const request = { provider: 'openai', model: 'gpt-4o', user: 'alice', feature: null, team: null, path: '/chat/completions' };
const spendRule = { name: 'AnySpend', kind: 'threshold', query: { measure: 'cost', groupBy: ['model'] }, window: '1h', threshold: 0, severity: 'warning', category: 'cost' };

describe('alerting on a shared store', () => {
  let db: DuckDbStore;
  let documents: MemoryDocuments;
  let store: Store;
  const nodes: Alerting[] = [];

  beforeEach(async () => {
    db = await DuckDbStore.open(null);
    documents = new MemoryDocuments();
    // The embedded store's data, with shared documents: as ClickHouse looks to each node.
    store = Object.assign(Object.create(db) as Store, { documents, sharedWriters: true });
  });
  afterEach(async () => {
    for (const n of nodes.splice(0)) await n.stop();
    await db.close();
  });

  async function node(nodeId: string): Promise<Alerting> {
    const config = loadConfig({
      env: {},
      flags: {
        dataDir: '/nonexistent-test-dir',
        logLevel: 'silent',
        'alerts.defaultPack': false,
        'alerts.actions': [{ id: 'cheaper', when: { alertname: 'AnySpend' }, do: { switchModel: { from: 'gpt-4o', to: 'gpt-4o-mini' } } }],
      },
    });
    const pipeline = { observe: () => undefined, queueDepth: 0 } as unknown as IngestPipeline;
    const alerting = await createAlerting({
      config,
      store,
      pipeline,
      logger: pino({ level: 'silent' }),
      registry: new Registry(),
      stateDir: mkdtempSync(join(tmpdir(), 'lookout-shared-')),
      nodeId,
    });
    nodes.push(alerting);
    return alerting;
  }

  // Calls any node loaded into the store.
  async function traffic(model: string): Promise<void> {
    const atMs = Date.now() - 60_000;
    await db.write({ spans: [makeSpan({ spanId: `s-${model}-${atMs}`, requestModel: model, startUs: atMs * 1000, endUs: (atMs + 500) * 1000 })], scores: [], logs: [] });
  }

  it('one node evaluates with every node’s traffic; the other lists what it wrote', async () => {
    const a = await node('a');
    const b = await node('b');
    expect(await a.shared!.tick()).toBe(true);
    expect(await b.shared!.tick()).toBe(false);
    await b.engine.putRule('default', spendRule);
    await traffic('gpt-4o');
    expect(await a.shared!.tick()).toBe(true);
    expect(await b.shared!.tick()).toBe(false);
    const view = (n: Alerting) => n.engine.list('default').map((x) => [x.labels.model, x.state, x.fingerprint]);
    expect(view(a).map((x) => x.slice(0, 2))).toEqual([['gpt-4o', 'firing']]);
    expect(view(b)).toEqual(view(a));
    expect(b.engine.history('default')).toEqual(a.engine.history('default'));
    expect(b.engine.rules('default').find((v) => v.rule.id === 'AnySpend')!.health).toEqual(a.engine.rules('default').find((v) => v.rule.id === 'AnySpend')!.health);
  });

  it('API changes on either node survive the evaluator’s writes; a rule deleted elsewhere resolves', async () => {
    const a = await node('a');
    const b = await node('b');
    await a.shared!.tick();
    await b.shared!.tick();
    await a.engine.putRule('default', spendRule);
    await traffic('gpt-4o');
    await a.shared!.tick();
    await b.shared!.tick();
    const [activation] = b.actions.list('default').active;
    expect(b.actions.decide('default', request, Date.now()).model).toBe('gpt-4o-mini');
    // Made on the node that does not evaluate, after the evaluator last read the configuration.
    const silence = await b.engine.addSilence('default', { matchers: ['model="gpt-4o"'], duration: '1h' });
    await b.actions.revert('default', activation.id);
    await a.shared!.tick();
    await a.shared!.tick();
    await b.shared!.tick();
    for (const n of [a, b]) {
      expect(n.engine.silences('default').map((s) => s.id)).toEqual([silence.id]);
      expect(n.engine.list('default').map((x) => x.silencedBy)).toEqual([[silence.id]]);
      expect(n.actions.get('default', activation.id)).toMatchObject({ state: 'reverted', revertedBy: 'api' });
      expect(n.actions.decide('default', request, Date.now()).model).toBeUndefined();
    }
    // Changes through both nodes one after the other: neither replaces the other.
    await a.engine.putRule('default', { ...spendRule, name: 'Other' });
    await b.engine.setEnabled('default', 'Other', false);
    await b.engine.deleteRule('default', 'AnySpend');
    await a.shared!.tick();
    await b.shared!.tick();
    for (const n of [a, b]) {
      expect(n.engine.rules('default').map((v) => [v.rule.id, v.enabled])).toEqual([['Other', false]]);
      expect(n.engine.list('default', { states: ['firing', 'resolved'] }).map((x) => [x.ruleId, x.state])).toEqual([['AnySpend', 'resolved']]);
    }
  });

  it('the lease moves after three intervals without renewal, and a clean stop gives it up at once', async () => {
    const a = await node('a');
    const b = await node('b');
    expect(await a.shared!.tick()).toBe(true);
    documents.nowMs += 3 * INTERVAL_MS - 1;
    expect(await b.shared!.tick()).toBe(false);
    documents.nowMs += 1;
    expect(await b.shared!.tick()).toBe(true);
    expect(await a.shared!.tick()).toBe(false);
    expect(documents.leases.get(EVALUATOR_LEASE)!.holder).toBe('b');
    await b.stop();
    documents.nowMs += 1;
    expect(await a.shared!.tick()).toBe(true);
  });
});
