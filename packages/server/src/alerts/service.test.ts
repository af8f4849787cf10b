import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.ts';
import type { AppContext } from '../server/context.ts';
import { createContext } from '../server/serve.ts';
import { openStore } from '../store/open.ts';
import { makeSpan } from '../testing/fixtures.ts';

// One process owns an embedded store: no lease, no shared documents; the alert and action state
// are the files alerts.json and actions.json in the state directory, as they always were.

let ctx: AppContext | undefined;
afterEach(async () => {
  await ctx?.alerting.stop();
  await ctx?.pipeline.drain();
  await ctx?.store.close();
  ctx = undefined;
});

describe('alerting on a store one process owns', () => {
  it('evaluates without a lease and keeps its state in files in the state directory', async () => {
    const config = loadConfig({
      env: {},
      flags: {
        dataDir: '/nonexistent-test-dir',
        logLevel: 'silent',
        'alerts.defaultPack': false,
        'alerts.actions': [{ id: 'cheaper', when: { alertname: 'AnySpend' }, do: { switchModel: { from: 'gpt-4o', to: 'gpt-4o-mini' } } }],
      },
    });
    const store = await openStore(config, { inMemory: true });
    const stateDir = mkdtempSync(join(tmpdir(), 'lookout-alerting-'));
    ctx = await createContext(config, pino({ level: 'silent' }), store, stateDir);
    expect(store.documents).toBeNull();
    expect(ctx.alerting.shared).toBeNull();

    const engine = ctx.alerting.engine;
    await engine.putRule('default', { name: 'AnySpend', kind: 'threshold', query: { measure: 'cost' }, window: '1h', threshold: 0, severity: 'warning', category: 'cost' });
    const silence = await engine.addSilence('default', { matchers: ['alertname="Other"'], duration: '1h' });
    const nowMs = Date.now();
    ctx.alerting.rollups.onAccepted([makeSpan({ startUs: (nowMs - 60_000) * 1000, endUs: (nowMs - 59_000) * 1000 })], []);
    await engine.evaluate(nowMs);
    await ctx.alerting.actions.flush();

    const read = (name: string) => JSON.parse(readFileSync(join(stateDir, name), 'utf8'));
    const alerts = read('alerts.json');
    expect(alerts).toMatchObject({ version: 1, silences: [{ id: silence.id }], apiRules: [{ projectId: 'default' }] });
    expect(alerts.alerts.map((a: { state: string }) => a.state)).toEqual(['firing']);
    expect(alerts.history).toHaveLength(2);
    expect(read('actions.json').activations.map((a: { actionId: string; state: string }) => [a.actionId, a.state])).toEqual([['cheaper', 'active']]);
    for (const shared of ['alerts-config.json', 'alerts-state.json', 'alerts-history.json', 'action-reverts.json']) expect(existsSync(join(stateDir, shared))).toBe(false);
  });
});
