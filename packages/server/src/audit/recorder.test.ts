import pino from 'pino';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.ts';
import { openStore } from '../store/open.ts';
import type { AuditEntry, AuditLog, Store } from '../store/store.ts';
import { AUDIT_APPEND_FAILURES_METRIC, AuditRecorder, auditEntry } from './recorder.ts';
import { MAX_DETAILS_CHARS, REDACTED, redactDetails } from './redact.ts';
import { AuditRetention, DAY_MS } from './retention.ts';

const local = { kind: 'local' as const, id: null, email: null };

describe('redaction', () => {
  it('replaces secrets under secret-naming keys and webhook/receiver URLs, keeps the rest', () => {
    const d = redactDetails({
      name: 'team hook',
      limitUsd: 5,
      inputTokens: 1000,
      apiKeySet: true,
      apiKey: null,
      webhook: { url: 'https://hooks.example.com/T1/B2/SECRETPATH', secret: 'sig-secret-123456', headers: { 'x-api-key': 'hdr' } },
      slack: { url: 'https://hooks.slack.com/services/T/B/X' },
      pagerduty: { routingKey: 'pd-routing-secret' },
      judge: { baseUrl: 'https://judge.example.com/v1', model: 'gpt-4o-mini', api_key: 'sk-1' },
      Authorization: 'Bearer lk_abc',
      nested: [{ password: 'pw', token: 't', cookie: 'c', sessionId: 's' }],
      link: 'https://user:pw@example.com/x',
      note: 'see https://docs.example.com',
    })!;
    const text = JSON.stringify(d);
    for (const secret of ['SECRETPATH', 'sig-secret', 'hdr', 'hooks.slack.com', 'pd-routing-secret', 'judge.example.com', 'sk-1', 'lk_abc', '"pw"', 'user:pw']) expect(text).not.toContain(secret);
    expect(d).toMatchObject({ name: 'team hook', limitUsd: 5, inputTokens: 1000, apiKeySet: true, apiKey: null, note: 'see https://docs.example.com' });
    expect((d.webhook as Record<string, unknown>).url).toBe(REDACTED);
    expect((d.judge as Record<string, unknown>).model).toBe('gpt-4o-mini');
    expect(d.nested).toEqual([{ password: REDACTED, token: REDACTED, cookie: REDACTED, sessionId: REDACTED }]);
  });

  it('bounds depth, sizes and the whole entry, marking what was cut', () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 20; i++) deep = { down: deep };
    const d = redactDetails({ deep, long: 'x'.repeat(5000), many: Array.from({ length: 500 }, (_, i) => i) })!;
    expect(JSON.stringify(d)).toContain('[truncated]');
    expect((d.long as string).length).toBeLessThan(2100);
    expect((d.many as unknown[]).length).toBe(101);
    const huge = redactDetails({ rows: Array.from({ length: 100 }, () => ({ text: 'y'.repeat(1900) })) })!;
    expect(huge.truncated).toBe(true);
    expect(JSON.stringify(huge).length).toBeLessThanOrEqual(MAX_DETAILS_CHARS);
  });

  it('bounds the fields of an entry', () => {
    const e = auditEntry({ action: 'a.update', actor: local, userAgent: 'u'.repeat(5000), path: '/p'.repeat(2000) });
    expect(e.userAgent!.length).toBe(512);
    expect(e.path!.length).toBe(1024);
    expect(e.projectId).toBe('default');
  });
});

describe('AuditRecorder', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openStore(loadConfig({ env: {}, flags: { dataDir: '/nonexistent-test-dir', logLevel: 'silent' } }), { inMemory: true });
  });
  afterEach(async () => {
    await store.close();
  });

  const all = () => store.audit.list({ projectId: null, fromMs: 0, toMs: Date.now() + DAY_MS, limit: 1000 });

  it('writes off the request path: queued, then flushed on the timer and on close', async () => {
    const registry = new Registry();
    const r = new AuditRecorder({ log: store.audit, logger: pino({ level: 'silent' }), registry, flushIntervalMs: 50 });
    r.record({ action: 'a.create', actor: local });
    expect(r.queued).toBe(1);
    expect(await all()).toHaveLength(0);
    await new Promise((res) => setTimeout(res, 150));
    expect(r.queued).toBe(0);
    expect((await all()).map((e) => e.action)).toEqual(['a.create']);
    r.record({ action: 'b.create', actor: local });
    await r.close();
    expect((await all()).map((e) => e.action).sort()).toEqual(['a.create', 'b.create']);
  });

  it('counts a failed append on /metrics and tries the entries again', async () => {
    const registry = new Registry();
    let failuresLeft = 2;
    const flaky: AuditLog = {
      append: async (entries: AuditEntry[]) => {
        if (failuresLeft-- > 0) throw new Error('store unavailable');
        await store.audit.append(entries);
      },
      list: (q) => store.audit.list(q),
      purgeBefore: (c) => store.audit.purgeBefore(c),
    };
    const r = new AuditRecorder({ log: flaky, logger: pino({ level: 'silent' }), registry, flushIntervalMs: 20 });
    r.record({ action: 'a.update', actor: local });
    await r.flush();
    expect(r.queued).toBe(1);
    expect(await registry.getSingleMetricAsString(AUDIT_APPEND_FAILURES_METRIC)).toContain(`${AUDIT_APPEND_FAILURES_METRIC} 1`);
    await new Promise((res) => setTimeout(res, 150));
    expect(await registry.getSingleMetricAsString(AUDIT_APPEND_FAILURES_METRIC)).toContain(`${AUDIT_APPEND_FAILURES_METRIC} 2`);
    expect((await all()).map((e) => e.action)).toEqual(['a.update']);
    expect(r.queued).toBe(0);
    await r.close();
  });

  it('keeps at most maxQueued entries while the store refuses them', async () => {
    const failing: AuditLog = { append: async () => { throw new Error('down'); }, list: async () => [], purgeBefore: async () => 0 };
    const r = new AuditRecorder({ log: failing, logger: pino({ level: 'silent' }), registry: new Registry(), maxQueued: 5, flushIntervalMs: 10_000 });
    for (let i = 0; i < 12; i++) r.record({ action: `n${i}.update`, actor: local });
    expect(r.queued).toBe(5);
    await r.flush();
    expect(r.queued).toBe(5);
  });
});

describe('AuditRecorder with a flood of refusals', () => {
  const failing = (): AuditLog & { appended: AuditEntry[]; down: boolean } => {
    const log = {
      appended: [] as AuditEntry[],
      down: true,
      append: async (entries: AuditEntry[]) => {
        if (log.down) throw new Error('down');
        log.appended.push(...entries);
      },
      list: async () => [],
      purgeBefore: async () => 0,
    };
    return log;
  };
  const refusal = (i: number) => ({ action: 'keys.create.denied', actor: { kind: 'key' as const, id: `k${i}`, email: null }, ip: `10.0.0.${i % 250}`, status: 403 });

  it('never drops a change for refusals: refusals have their own share of the queue and go first', async () => {
    const log = failing();
    const r = new AuditRecorder({ log, logger: pino({ level: 'silent' }), registry: new Registry(), maxQueued: 50, maxQueuedRefusals: 10, flushIntervalMs: 10_000 });
    for (let i = 0; i < 20; i++) r.record({ action: `change${i}.update`, actor: local });
    // Refusals from 500 different callers: at most 10 are queued.
    for (let i = 0; i < 500; i++) r.recordRefusal(refusal(i));
    expect(r.queued).toBe(30);
    // Changes past the bound push the refusals out before any change.
    for (let i = 20; i < 50; i++) r.record({ action: `change${i}.update`, actor: local });
    expect(r.queued).toBe(50);
    log.down = false;
    await r.close();
    const changes = log.appended.filter((e) => e.action.startsWith('change'));
    expect(changes).toHaveLength(50);
    // What was not recorded is said, once.
    expect(log.appended.filter((e) => e.action === 'audit.refusals_not_recorded')).toHaveLength(1);
  });

  it('merges one source\'s refusals of an action per window, and bounds the sources tracked', async () => {
    const log = failing();
    log.down = false;
    const r = new AuditRecorder({ log, logger: pino({ level: 'silent' }), registry: new Registry(), refusalWindowMs: 100, maxRefusalSources: 3, flushIntervalMs: 10 });
    for (let i = 0; i < 100; i++) r.recordRefusal(refusal(1));
    for (let i = 0; i < 5; i++) r.recordRefusal(refusal(i + 2));
    await new Promise((res) => setTimeout(res, 250));
    const of1 = log.appended.filter((e) => e.actor.id === 'k1');
    expect(of1.map((e) => e.details?.repeated ?? 0)).toEqual([0, 99]);
    // k2 and k3 fill the three sources; k4..k6 are only counted.
    expect(log.appended.filter((e) => e.action === 'keys.create.denied').map((e) => e.actor.id).sort()).toEqual(['k1', 'k1', 'k2', 'k3']);
    expect(log.appended.find((e) => e.action === 'audit.refusals_not_recorded')?.details).toMatchObject({ refusals: 3 });
    // A new window starts afresh.
    r.recordRefusal(refusal(1));
    await r.close();
    expect(log.appended.filter((e) => e.actor.id === 'k1')).toHaveLength(3);
  });
});

describe('AuditRetention', () => {
  it('deletes entries older than retentionDays at start, keeps newer ones', async () => {
    const store = await openStore(loadConfig({ env: {}, flags: { dataDir: '/nonexistent-test-dir', logLevel: 'silent' } }), { inMemory: true });
    try {
      const now = Date.now();
      await store.audit.append([
        auditEntry({ action: 'old.update', actor: local, at: new Date(now - 11 * DAY_MS) }),
        auditEntry({ action: 'edge.update', actor: local, at: new Date(now - 9 * DAY_MS) }),
        auditEntry({ action: 'new.update', actor: local, at: new Date(now - 1000) }),
      ]);
      const job = new AuditRetention({ log: store.audit, retentionDays: 10, logger: pino({ level: 'silent' }), now: () => now });
      job.start();
      await job.stop();
      const left = await store.audit.list({ projectId: null, fromMs: 0, toMs: now + 1, limit: 10 });
      expect(left.map((e) => e.action)).toEqual(['new.update', 'edge.update']);
    } finally {
      await store.close();
    }
  });
});
