import { describe, expect, it } from 'vitest';
import type { GatewayCall, GatewayActionOutcome } from '../../ingest/gateway/actions.ts';
import type { Alert } from '../types.ts';
import { ActionEngine } from './engine.ts';
import { gatewayActionsFrom } from './gateway.ts';
import { actionsSchema, type ActionConfigInput } from './schema.ts';

// The gateway seam served by the action engine, call by call.

const T0 = Date.parse('2026-11-23T12:00:00Z');

const firing = (alertname: string, labels: Record<string, string> = {}): Alert =>
  ({
    fingerprint: `fp-${alertname}`,
    projectId: 'default',
    ruleId: alertname,
    labels: { alertname, severity: 'critical', category: 'cost', project: 'default', ...labels },
    annotations: {},
    state: 'firing',
    value: 1,
    threshold: 0,
    activeSinceMs: T0,
    firedAtMs: T0,
    resolvedAtMs: null,
    lastEvaluatedMs: T0,
    silencedBy: [],
    inhibitedBy: [],
  }) as Alert;

function setup(actions: ActionConfigInput[], alerts: Alert[]) {
  let now = T0;
  const engine = new ActionEngine(actionsSchema.parse(actions), { state: null, now: () => now });
  engine.update(alerts, T0);
  const apply = gatewayActionsFrom(engine, () => now);
  return { engine, apply: (c: Partial<GatewayCall> = {}) => apply(call(c)) as GatewayActionOutcome | null, advance: (ms: number) => void (now += ms) };
}

function call(over: Partial<GatewayCall> = {}): GatewayCall {
  return {
    provider: 'openai',
    projectId: 'default',
    method: 'POST',
    path: 'chat/completions',
    headers: {},
    body: Buffer.from(JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })),
    attribution: { userId: 'alice', sessionId: null, feature: 'chat', team: null, tags: [], metadata: {} },
    ...over,
  };
}

describe('gatewayActionsFrom', () => {
  it('does nothing without an active activation', () => {
    const { apply } = setup([{ id: 'cheaper', when: { alertname: 'CostSpike' }, do: { switchModel: { from: 'gpt-4o', to: 'gpt-4o-mini' } } }], []);
    expect(apply()).toBeNull();
  });

  it('rewrites the model and notes it on the call', () => {
    const { apply } = setup([{ id: 'cheaper', when: { alertname: 'CostSpike' }, do: { switchModel: { from: 'gpt-4o', to: 'gpt-4o-mini' } } }], [firing('CostSpike')]);
    const out = apply()!;
    expect(JSON.parse(out.body!.toString())).toEqual({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(out.metadata).toEqual({ 'gateway.action': 'switchModel:cheaper' });
    expect(apply({ body: Buffer.from('{not json') })).toBeNull();
  });

  it('refuses blocked and rate-limited calls in the provider error format', () => {
    const { apply } = setup(
      [
        { id: 'block-bob', when: { alertname: 'UserBudgetExceeded' }, do: { block: { scope: { user: '{{ $labels.user }}' } } } },
        { id: 'limit', when: { alertname: 'CostSpike' }, do: { rateLimit: { requestsPerMinute: 1, scope: { user: '*' } } } },
      ],
      [firing('UserBudgetExceeded', { user: 'bob' }), firing('CostSpike')],
    );
    const blocked = apply({ provider: 'anthropic', attribution: { userId: 'bob', sessionId: null, feature: null, team: null, tags: [], metadata: {} } })!;
    expect(blocked.respond!.status).toBe(403);
    expect(JSON.parse(blocked.respond!.body.toString())).toMatchObject({ type: 'error', error: { lookout_code: 'blocked_by_action' } });
    expect(apply()).toBeNull(); // the first call of the minute goes through
    const limited = apply()!;
    expect(limited.respond!.status).toBe(429);
    expect(limited.respond!.headers['retry-after']).toBe('60');
    expect(JSON.parse(limited.respond!.body.toString()).error.code).toBe('rate_limited_by_action');
  });

  it('answers repeated requests from the cache until the TTL passes; streams are not cached', () => {
    const { apply, advance } = setup([{ id: 'cache', when: { alertname: 'HighLatency' }, do: { responseCache: { ttl: '1m' } } }], [firing('HighLatency')]);
    const first = apply()!;
    expect(first.metadata).toEqual({ 'gateway.action': 'responseCache:cache', 'gateway.cache': 'miss' });
    first.onResponse!({ status: 200, headers: { 'content-type': 'application/json', 'x-request-id': 'r1' }, body: Buffer.from('{"answer":1}') });
    const same = Buffer.from('{ "messages": [{"content": "hi", "role": "user"}], "model": "gpt-4o" }');
    const hit = apply({ body: same })!;
    expect(hit.respond).toEqual({ status: 200, headers: { 'content-type': 'application/json', 'x-lookout-cache': 'hit' }, body: Buffer.from('{"answer":1}') });
    expect(hit.metadata!['gateway.cache']).toBe('hit');
    expect(apply({ body: Buffer.from(JSON.stringify({ model: 'gpt-4o', stream: true, messages: [] })) })!.onResponse).toBeUndefined();
    advance(60_000);
    expect(apply()!.metadata!['gateway.cache']).toBe('miss');
  });

  it('never serves an answer made with one provider key to a caller with another key or none', () => {
    const { apply } = setup([{ id: 'cache', when: { alertname: 'HighLatency' }, do: { responseCache: { ttl: '1m' } } }], [firing('HighLatency')]);
    const withKey = (headers: GatewayCall['headers']) => apply({ headers });
    const a = withKey({ authorization: 'Bearer sk-key-a' })!;
    expect(a.metadata!['gateway.cache']).toBe('miss');
    a.onResponse!({ status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from('{"answer":"for A"}') });
    expect(withKey({ authorization: 'Bearer sk-key-a' })!.respond?.body.toString()).toBe('{"answer":"for A"}');
    for (const other of [{ authorization: 'Bearer sk-key-b' }, {}, { 'x-api-key': 'sk-key-a' }, { authorization: 'Bearer sk-key-a', 'api-key': 'azure' }]) {
      const out = withKey(other)!;
      expect(out.respond, JSON.stringify(other)).toBeUndefined();
      expect(out.metadata!['gateway.cache']).toBe('miss');
    }
    // Anthropic's header is a credential as well.
    const anthropic = (key: string) => apply({ provider: 'anthropic', path: 'messages', headers: { 'x-api-key': key } })!;
    anthropic('sk-ant-1').onResponse!({ status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from('{"answer":"ant"}') });
    expect(anthropic('sk-ant-1').respond).toBeDefined();
    expect(anthropic('sk-ant-2').respond).toBeUndefined();
  });

  it('binds a per-user entry to the Lookout key as well as the user header', () => {
    const { apply } = setup([{ id: 'cache', when: { alertname: 'HighLatency' }, do: { responseCache: { ttl: '1m', perUser: true } } }], [firing('HighLatency')]);
    const headers = { authorization: 'Bearer sk-shared' };
    apply({ headers, lookoutKeyId: 'key-1' })!.onResponse!({ status: 200, headers: {}, body: Buffer.from('{"answer":"alice"}') });
    expect(apply({ headers, lookoutKeyId: 'key-1' })!.respond).toBeDefined();
    // Another Lookout key that claims to be alice does not get her answer.
    expect(apply({ headers, lookoutKeyId: 'key-2' })!.respond).toBeUndefined();
  });

  it('keeps the content encoding of a cached body', () => {
    const { apply } = setup([{ id: 'cache', when: { alertname: 'HighLatency' }, do: { responseCache: { ttl: '1m' } } }], [firing('HighLatency')]);
    apply()!.onResponse!({ status: 200, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: Buffer.from([0x1f, 0x8b]) });
    expect(apply()!.respond!.headers).toEqual({ 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-lookout-cache': 'hit' });
  });

  it('names the fallback upstream, and dry runs only note what they would do', () => {
    const { apply } = setup(
      [
        { id: 'fallback', when: { alertname: 'HighErrorRate' }, do: { fallback: { provider: 'openai', baseUrl: 'https://backup.example.com/v1', onStatus: [503] } } },
        { id: 'dry', dryRun: true, when: { alertname: 'HighErrorRate' }, do: { switchModel: { from: 'gpt-4o', to: 'gpt-4o-mini' } } },
      ],
      [firing('HighErrorRate')],
    );
    const out = apply()!;
    expect(out.fallback).toEqual({ baseUrl: 'https://backup.example.com/v1', onStatus: [503] });
    expect(out.body).toBeUndefined();
    expect(out.metadata).toEqual({ 'gateway.action': 'fallback:fallback', 'gateway.action_dry_run': 'switchModel:dry' });
  });
});
