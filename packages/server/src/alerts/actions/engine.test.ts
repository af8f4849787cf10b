import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { JsonFile } from '../../state/json-file.ts';
import type { Alert } from '../types.ts';
import { ActionEngine, ActivationConflictError, ActivationNotFoundError, type ActionStateDoc, type RequestFacts } from './engine.ts';
import { actionsSchema, type ActionConfigInput } from './schema.ts';

const T0 = Date.parse('2026-11-23T12:00:00Z');

function alert(over: Omit<Partial<Alert>, 'labels'> & { labels?: Record<string, string> } = {}): Alert {
  const { labels, ...rest } = over;
  return {
    fingerprint: 'fp-cost',
    projectId: 'default',
    ruleId: 'CostSpike',
    labels: { alertname: 'CostSpike', severity: 'critical', category: 'cost', project: 'default', ...labels },
    annotations: { summary: 'spend is up' },
    state: 'firing',
    value: 12.5,
    threshold: 10,
    activeSinceMs: T0,
    firedAtMs: T0,
    resolvedAtMs: null,
    lastEvaluatedMs: T0,
    silencedBy: [],
    inhibitedBy: [],
    ...rest,
  } as Alert;
}

const resolved = (a: Alert, atMs: number): Alert => ({ ...a, state: 'resolved', resolvedAtMs: atMs });

function engine(actions: ActionConfigInput[], options: { state?: JsonFile<ActionStateDoc>; registry?: Registry; now?: () => number } = {}): ActionEngine {
  return new ActionEngine(actionsSchema.parse(actions), { state: options.state ?? null, registry: options.registry, now: options.now ?? (() => T0) });
}

const req = (over: Partial<RequestFacts> = {}): RequestFacts => ({ provider: 'openai', model: 'gpt-4o', user: 'alice', feature: 'chat', team: 'core', path: '/chat/completions', ...over });

const cheaper: ActionConfigInput = { id: 'cheaper', when: { alertname: 'CostSpike' }, do: { switchModel: { from: 'gpt-4o', to: 'gpt-4o-mini' } } };

describe('action config', () => {
  it('refuses bad actions with the field named', () => {
    const bad = (a: unknown) => {
      const r = actionsSchema.safeParse([a]);
      expect(r.success).toBe(false);
      return r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    };
    expect(bad({ id: 'x', when: {}, do: { block: { scope: { user: 'a' } } } })).toMatch(/when: give alertname or at least one matcher/);
    expect(bad({ id: 'x', when: { matchers: ['9lives="x"'] }, do: { block: { scope: { user: 'a' } } } })).toMatch(/not a matcher/);
    expect(bad({ id: 'x', when: { alertname: 'A' }, do: {} })).toMatch(/exactly one of/);
    expect(bad({ id: 'x', when: { alertname: 'A' }, do: { block: { scope: {} } } })).toMatch(/blocking every request is refused/);
    expect(bad({ id: 'x', when: { alertname: 'A' }, do: { rateLimit: { requestsPerMinute: 5, scope: {} } } })).toMatch(/scope.user is required/);
    expect(bad({ id: 'x', when: { alertname: 'A' }, do: { responseCache: { ttl: 'soon' } } })).toMatch(/ttl: must be a duration/);
    expect(bad({ id: 'x', when: { alertname: 'A' }, do: { fallback: { provider: 'openai', baseUrl: 'ftp://x' } } })).toMatch(/baseUrl: must be an http/);
    const twice = actionsSchema.safeParse([cheaper, cheaper]);
    expect(twice.error!.issues[0].message).toMatch(/used twice/);
  });
});

describe('ActionEngine lifecycle', () => {
  it('changes nothing without a firing alert', () => {
    const e = engine([cheaper]);
    expect(e.decide('default', req(), T0)).toEqual({ applied: [] });
    e.update([alert({ state: 'pending', firedAtMs: null })], T0);
    expect(e.decide('default', req(), T0)).toEqual({ applied: [] });
    e.update([resolved(alert(), T0)], T0);
    expect(e.decide('default', req(), T0)).toEqual({ applied: [] });
    expect(e.list('default').history).toEqual([]);
  });

  it('activates once per firing alert and reverts when it resolves', () => {
    const registry = new Registry();
    const e = engine([cheaper], { registry });
    const a = alert();
    e.update([a], T0);
    e.update([a], T0 + 30_000);
    const { active } = e.list('default');
    expect(active).toHaveLength(1);
    expect(active[0]).toMatchObject({
      actionId: 'cheaper',
      kind: 'switchModel',
      params: { from: 'gpt-4o', to: 'gpt-4o-mini' },
      triggeredBy: { fingerprint: 'fp-cost', alertname: 'CostSpike', value: 12.5, summary: 'spend is up' },
      activatedAtMs: T0,
      dryRun: false,
      state: 'active',
    });
    expect(e.decide('default', req(), T0).model).toBe('gpt-4o-mini');
    // other projects are untouched
    expect(e.decide('other', req(), T0)).toEqual({ applied: [] });

    e.update([resolved(a, T0 + 60_000)], T0 + 60_000);
    expect(e.list('default').active).toEqual([]);
    expect(e.list('default').history[0]).toMatchObject({ state: 'reverted', revertedBy: 'resolve', revertedAtMs: T0 + 60_000 });
    expect(e.decide('default', req(), T0 + 60_000)).toEqual({ applied: [] });

    // fires again: a new activation
    e.update([a], T0 + 120_000);
    expect(e.list('default').active).toHaveLength(1);
    expect(e.list('default').history).toHaveLength(2);
  });

  it('reverts when the alert is gone from the update entirely', () => {
    const e = engine([cheaper]);
    e.update([alert()], T0);
    e.update([], T0 + 1000);
    expect(e.list('default').history[0].revertedBy).toBe('resolve');
  });

  it('keeps an activation with revertOnResolve false until reverted by API, without doubling it', async () => {
    const e = engine([{ ...cheaper, revertOnResolve: false }]);
    const a = alert();
    e.update([a], T0);
    e.update([resolved(a, T0 + 1000)], T0 + 1000);
    e.update([a], T0 + 2000);
    const { active } = e.list('default');
    expect(active).toHaveLength(1);
    await e.revert('default', active[0].id);
    e.update([a], T0 + 3000);
    expect(e.list('default').active).toHaveLength(0);
  });

  it('matches on alertname and matchers and fills in labels', () => {
    const e = engine([
      { id: 'block-user', when: { alertname: 'UserBudgetExceeded', matchers: ['severity=~"warning|critical"'] }, do: { block: { scope: { user: '{{ $labels.user }}' } } } },
      { id: 'only-critical', when: { matchers: ['alertname="UserBudgetExceeded"', 'severity="critical"'] }, do: { rateLimit: { requestsPerMinute: 1, scope: { user: '*' } } } },
    ]);
    const budget = alert({ fingerprint: 'fp-bob', ruleId: 'UserBudgetExceeded', labels: { alertname: 'UserBudgetExceeded', severity: 'warning', category: 'cost', user: 'bob', budget_id: 'b1' } });
    e.update([budget, alert()], T0);
    const { active } = e.list('default');
    expect(active.map((a) => a.actionId)).toEqual(['block-user']);
    expect(active[0].params).toEqual({ scope: { user: 'bob' } });
    expect(active[0].triggeredBy.labels.user).toBe('bob');

    const blocked = e.decide('default', req({ user: 'bob' }), T0);
    expect(blocked.block).toEqual({ reason: expect.stringMatching(/action 'block-user' while alert UserBudgetExceeded fires/), activationId: active[0].id });
    expect(blocked.applied).toEqual([{ activationId: active[0].id, actionId: 'block-user', kind: 'block', dryRun: false }]);
    expect(e.decide('default', req({ user: 'alice' }), T0)).toEqual({ applied: [] });
    expect(e.decide('default', req({ user: null }), T0)).toEqual({ applied: [] });
  });

  it('does not activate when a template gives nothing or a wildcard', () => {
    const e = engine([{ id: 'block-user', when: { alertname: 'UserBudgetExceeded' }, do: { block: { scope: { user: '{{ $labels.user }}' } } } }]);
    e.update(
      [
        alert({ fingerprint: 'a', labels: { alertname: 'UserBudgetExceeded' } }),
        alert({ fingerprint: 'b', labels: { alertname: 'UserBudgetExceeded', user: '*' } }),
      ],
      T0,
    );
    expect(e.list('default').history).toEqual([]);
    expect(e.decide('default', req({ user: '*' }), T0)).toEqual({ applied: [] });
  });

  it('records dry runs and reports them without applying them', () => {
    const registry = new Registry();
    const e = engine([{ ...cheaper, dryRun: true }, { id: 'dry-block', dryRun: true, when: { alertname: 'CostSpike' }, do: { block: { scope: { user: 'alice' } } } }], { registry });
    e.update([alert()], T0);
    const { active } = e.list('default');
    expect(active.map((a) => [a.actionId, a.dryRun])).toEqual([
      ['dry-block', true],
      ['cheaper', true],
    ]);
    const d = e.decide('default', req(), T0);
    expect(d.model).toBeUndefined();
    expect(d.block).toBeUndefined();
    expect(d.applied.map((x) => [x.kind, x.dryRun])).toEqual([
      ['block', true],
      ['switchModel', true],
    ]);
  });

  it('reverts by API; it stays reverted until its alert resolves and fires again', async () => {
    const e = engine([cheaper]);
    const a = alert();
    e.update([a], T0);
    const id = e.list('default').active[0].id;
    await expect(e.revert('other', id)).rejects.toBeInstanceOf(ActivationNotFoundError);
    const reverted = await e.revert('default', id, { keyId: 'key-1' });
    expect(reverted).toMatchObject({ state: 'reverted', revertedBy: 'api', revertedByKey: 'key-1' });
    await expect(e.revert('default', id)).rejects.toBeInstanceOf(ActivationConflictError);
    expect(e.decide('default', req(), T0)).toEqual({ applied: [] });
    e.update([a], T0 + 30_000);
    e.update([a], T0 + 60_000);
    expect(e.list('default').active).toEqual([]);
    e.update([resolved(a, T0 + 90_000)], T0 + 90_000);
    expect(e.list('default').history[0].revertedBy).toBe('api');
    e.update([a], T0 + 120_000);
    expect(e.list('default').active).toHaveLength(1);
    expect(e.decide('default', req(), T0 + 120_000).model).toBe('gpt-4o-mini');
  });

  it('survives a restart; a changed action is reverted at start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lookout-actions-'));
    const file = () => new JsonFile<ActionStateDoc>(join(dir, 'actions.json'));
    const first = engine([cheaper, { id: 'limit', when: { alertname: 'CostSpike' }, do: { rateLimit: { requestsPerMinute: 5, scope: { user: '*' } } } }], { state: file() });
    await first.open();
    first.update([alert()], T0);
    await first.flush();
    expect(JSON.parse(readFileSync(join(dir, 'actions.json'), 'utf8')).activations).toHaveLength(2);

    const second = engine([cheaper, { id: 'limit', when: { alertname: 'CostSpike' }, do: { rateLimit: { requestsPerMinute: 50, scope: { user: '*' } } } }], { state: file() });
    await second.open();
    expect(second.decide('default', req(), T0).model).toBe('gpt-4o-mini');
    const history = second.list('default').history;
    expect(history.find((a) => a.actionId === 'limit')).toMatchObject({ state: 'reverted', revertedBy: 'config' });
    second.update([alert()], T0 + 1000);
    expect(second.list('default').active.map((a) => a.actionId).sort()).toEqual(['cheaper', 'limit']);
    expect(second.list('default').active.find((a) => a.actionId === 'cheaper')!.activatedAtMs).toBe(T0);
    await second.flush();

    // an API revert survives a restart too: the alert still firing does not re-activate it
    const id = second.list('default').active.find((a) => a.actionId === 'cheaper')!.id;
    await second.revert('default', id);
    const third = engine([cheaper, { id: 'limit', when: { alertname: 'CostSpike' }, do: { rateLimit: { requestsPerMinute: 50, scope: { user: '*' } } } }], { state: file() });
    await third.open();
    third.update([alert()], T0 + 2000);
    expect(third.list('default').active.map((a) => a.actionId)).toEqual(['limit']);
  });

  it('counts activations and active actions on the registry', async () => {
    const registry = new Registry();
    const e = engine([cheaper, { id: 'dry', dryRun: true, when: { alertname: 'CostSpike' }, do: { responseCache: { ttl: '10m' } } }], { registry });
    e.update([alert()], T0);
    const text = await registry.metrics();
    expect(text).toContain('lookout_action_activations_total{kind="switchModel",dry_run="false"} 1');
    expect(text).toContain('lookout_action_activations_total{kind="responseCache",dry_run="true"} 1');
    expect(text).toContain('lookout_actions_active{kind="switchModel"} 1');
    expect(text).toContain('lookout_actions_active{kind="responseCache"} 0');
    e.decide('default', req(), T0);
    expect(await registry.metrics()).toContain('lookout_action_enforcements_total{kind="switchModel"} 1');
  });
});

describe('decide()', () => {
  it('switches the model only in scope and for the model named', () => {
    const e = engine([
      { id: 'cheaper-chat', when: { alertname: 'CostSpike' }, do: { switchModel: { from: 'gpt-4o', to: 'gpt-4o-mini', provider: 'openai', scope: { feature: 'chat' } } } },
      { id: 'cheaper-claude', when: { alertname: 'CostSpike' }, do: { switchModel: { from: 'claude-sonnet-4*', to: 'claude-haiku-4-5' } } },
    ]);
    e.update([alert()], T0);
    expect(e.decide('default', req(), T0).model).toBe('gpt-4o-mini');
    expect(e.decide('default', req({ feature: 'search' }), T0).model).toBeUndefined();
    expect(e.decide('default', req({ feature: null }), T0).model).toBeUndefined();
    expect(e.decide('default', req({ model: 'gpt-4o-mini' }), T0)).toEqual({ applied: [] });
    expect(e.decide('default', req({ provider: 'anthropic' }), T0).model).toBeUndefined();
    expect(e.decide('default', req({ provider: 'anthropic', model: 'claude-sonnet-4-5' }), T0).model).toBe('claude-haiku-4-5');
  });

  it('turns on the response cache with its TTL, per user when asked', () => {
    const e = engine([
      { id: 'cache', when: { alertname: 'CostSpike' }, do: { responseCache: { ttl: '10m', scope: { feature: 'faq' } } } },
      { id: 'cache-user', when: { alertname: 'CostSpike' }, do: { responseCache: { ttl: '1m', perUser: true } } },
    ]);
    e.update([alert()], T0);
    const active = e.list('default').active;
    const shared = active.find((a) => a.actionId === 'cache')!;
    const perUser = active.find((a) => a.actionId === 'cache-user')!;
    expect(e.decide('default', req({ feature: 'faq' }), T0).cache).toEqual({ ttlMs: 600_000, keyScope: '', activationId: shared.id });
    expect(e.decide('default', req({ feature: 'chat' }), T0).cache).toEqual({ ttlMs: 60_000, keyScope: 'user:alice', activationId: perUser.id });
    expect(e.decide('default', req({ feature: 'chat', user: null }), T0).cache).toBeUndefined();
  });

  it('rate-limits each user to the configured pace', () => {
    const e = engine([{ id: 'limit', when: { alertname: 'CostSpike' }, do: { rateLimit: { requestsPerMinute: 10, scope: { user: '*' } } } }]);
    e.update([alert()], T0);
    for (let i = 0; i < 10; i++) expect(e.decide('default', req(), T0 + i).rateLimited).toBeUndefined();
    const limited = e.decide('default', req(), T0 + 10);
    expect(limited.rateLimited).toMatchObject({ retryAfterS: 6, activationId: e.list('default').active[0].id });
    expect(limited.rateLimited!.reason).toMatch(/10 requests per minute/);
    // another user has a budget of their own; requests without a user are not limited
    expect(e.decide('default', req({ user: 'bob' }), T0 + 10).rateLimited).toBeUndefined();
    expect(e.decide('default', req({ user: null }), T0 + 10)).toEqual({ applied: [] });
    // one request back every 6 s
    expect(e.decide('default', req(), T0 + 6_010).rateLimited).toBeUndefined();
    expect(e.decide('default', req(), T0 + 6_020).rateLimited).toBeDefined();
    expect(e.decide('default', req(), T0 + 60_000).rateLimited).toBeUndefined();
  });

  it('blocks, and a block wins over everything else', () => {
    const e = engine([cheaper, { id: 'block-team', when: { alertname: 'CostSpike' }, do: { block: { scope: { team: 'core' } } } }]);
    e.update([alert()], T0);
    const d = e.decide('default', req(), T0);
    expect(d.block?.reason).toMatch(/block-team/);
    expect(d.model).toBeUndefined();
    expect(d.applied.map((a) => a.kind)).toEqual(['block']);
    expect(e.decide('default', req({ team: 'other' }), T0).model).toBe('gpt-4o-mini');
  });

  it('names a fallback upstream for its provider only', () => {
    const e = engine([{ id: 'fallback', when: { alertname: 'HighErrorRate' }, do: { fallback: { provider: 'openai', baseUrl: 'https://backup.example.com/v1' } } }]);
    e.update([alert({ fingerprint: 'fp-err', labels: { alertname: 'HighErrorRate', provider: 'openai' } })], T0);
    const id = e.list('default').active[0].id;
    expect(e.decide('default', req(), T0).fallback).toEqual({ provider: 'openai', baseUrl: 'https://backup.example.com/v1', onStatus: [429, 500, 502, 503, 504], activationId: id });
    expect(e.decide('default', req({ provider: 'anthropic' }), T0)).toEqual({ applied: [] });
  });
});
