import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { generation, makeTestApp, type TestApp } from '../testing/app.ts';
import { hex } from '../testing/fixtures.ts';
import { JsonFile } from '../state/json-file.ts';
import { projectId } from '../store/store.ts';
import { ProjectDeletions, type ProjectDeletionsDocument } from './project-deletion.ts';
import { projectStateHolders } from './project-state.ts';

// Deleting a project on the real app and DuckDB store: its records, keys and everything held for
// it are gone, another project keeps all of its own, and a new project with the same id starts
// empty.

let t: TestApp;
afterEach(async () => {
  await t?.close();
});

type Headers = Record<string, string>;
async function keyFor(project: string, scope: 'ingest' | 'read' | 'admin'): Promise<Headers> {
  const { key } = await t.ctx.store.createApiKey(projectId(project), scope, null);
  return { authorization: `Bearer ${key}` };
}
const send = (method: 'POST' | 'PUT' | 'PATCH', url: string, payload: unknown, headers: Headers) => t.app.inject({ method, url, payload: payload as object, headers });

const rule = { name: 'AnySpend', kind: 'threshold', query: { measure: 'cost' }, window: '1h', threshold: 0, severity: 'warning', category: 'cost' };
const traceId = hex(16);
const spanIds = [hex(8), hex(8)];

// A project with records, a budget, a rule, a silence, an evaluator, its own privacy, retention
// and capture settings, and an alert firing from its spend.
async function populate(project: string, admin: Headers): Promise<void> {
  const batch = spanIds.map((spanId, i) => generation({ traceId, spanId, parentSpanId: i ? spanIds[0] : undefined, userId: 'alice', input: `prompt of ${project}`, output: 'answer' }));
  const ingested = await send('POST', '/api/v1/ingest', { batch: [...batch, { type: 'score', id: 'sc-1', traceId, name: 'helpful', value: 1 }] }, admin);
  expect(ingested.statusCode, ingested.body).toBe(200);
  for (const [method, url, body] of [
    ['POST', '/api/v1/budgets', { scope: 'project', period: 'daily', limitUsd: 1 }],
    ['POST', '/api/v1/alerts/rules', rule],
    ['POST', '/api/v1/alerts/silences', { matchers: ['model="other"'], duration: '1h' }],
    ['POST', '/api/v1/evaluators', { name: 'not-empty', kind: 'heuristic', criterion: 'empty_output' }],
    ['PUT', '/api/v1/privacy', { gatewayInjection: 'block' }],
    ['PUT', '/api/v1/project/retention', { spansDays: 60 }],
  ] as const) {
    const res = await send(method, url, body, admin);
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
  }
}

function held(project: string) {
  const p = projectId(project);
  const { ctx } = t;
  return {
    budgets: ctx.budgets.list(p).length,
    spend: ctx.budgets.statuses(p).reduce((sum, s) => sum + s.spentUsd, 0),
    apiRules: ctx.alerting.engine.rules(project).filter((r) => r.source === 'api').length,
    silences: ctx.alerting.engine.silences(project).length,
    alerts: ctx.alerting.engine.list(project).length,
    evaluators: ctx.evaluators.list(project).length,
    privacy: ctx.privacy.isCustomised(project),
    retention: ctx.retention.policy.tiersOf(project).isDefault.spansDays,
    rollups: ctx.alerting.rollups.projectIds().includes(project),
  };
}

async function stored(project: string) {
  const p = projectId(project);
  const spans = await t.ctx.store.listSpans(p, {}, { limit: 100, offset: 0 });
  return { spans: spans.spans.length, scores: (await t.ctx.store.listScores(p, {}, { limit: 100, offset: 0 })).length, keys: (await t.ctx.store.listApiKeys(p)).length };
}

describe('deleting a project', () => {
  it('removes its records, keys, budgets, rules, evaluators and settings, and leaves another project untouched', async () => {
    t = await makeTestApp({ requireApiKeys: 'always' });
    const operator = await keyFor('default', 'admin');
    const acme = await keyFor('acme', 'admin');
    const keep = await keyFor('keep', 'admin');
    await populate('acme', acme);
    await populate('keep', keep);
    expect((await send('PATCH', '/api/v1/project', { contentCapture: 'metadata' }, acme)).statusCode).toBe(200);
    await t.ctx.alerting.engine.evaluate();
    const before = held('keep');
    expect(before).toEqual({ budgets: 1, spend: expect.any(Number), apiRules: 1, silences: 1, alerts: 1, evaluators: 1, privacy: true, retention: false, rollups: true });
    expect(before.spend).toBeGreaterThan(0);
    expect(held('acme')).toEqual(before);
    const keepStored = await stored('keep');
    expect(keepStored).toEqual({ spans: 2, scores: 1, keys: 1 });

    const res = await t.app.inject({ method: 'DELETE', url: '/api/v1/projects/acme?wait=30', headers: operator });
    expect(res.statusCode).toBe(200);
    expect(res.json().deletion).toMatchObject({ status: 'done', counts: { spans: 2, scores: 1 } });

    expect(await stored('acme')).toEqual({ spans: 0, scores: 0, keys: 0 });
    expect(held('acme')).toEqual({ budgets: 0, spend: 0, apiRules: 0, silences: 0, alerts: 0, evaluators: 0, privacy: false, retention: true, rollups: false });
    expect((await t.ctx.store.listProjects()).map((p) => p.id)).toEqual(['default', 'keep']);
    expect((await send('POST', '/api/v1/ingest', { batch: [generation()] }, acme)).statusCode).toBe(401);
    await t.ctx.alerting.engine.evaluate();
    expect(t.ctx.alerting.engine.history('acme')).toEqual([]);

    // The other project has all of its own.
    expect(await stored('keep')).toEqual(keepStored);
    expect(held('keep')).toEqual(before);
    expect((await t.app.inject({ url: '/api/v1/spans', headers: keep })).json().spans).toHaveLength(2);
  });

  it('lets a new project with the same id start empty: the same spans are new to it', async () => {
    t = await makeTestApp({ requireApiKeys: 'always' });
    const acme = await keyFor('acme', 'admin');
    await populate('acme', acme);
    expect((await send('PATCH', '/api/v1/project', { contentCapture: 'off' }, acme)).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'DELETE', url: '/api/v1/projects/acme?wait=30', headers: acme })).statusCode).toBe(200);

    const again = await keyFor('acme', 'admin');
    const project = (await t.app.inject({ url: '/api/v1/project', headers: again })).json().project;
    expect(project.contentCapture).toBe('full');
    // The same span ids are accepted, not taken for duplicates of the deleted ones; the child,
    // sent first, is not given the deleted root's user from a remembered trace root.
    for (const span of [generation({ traceId, spanId: spanIds[1], parentSpanId: spanIds[0] }), generation({ traceId, spanId: spanIds[0] })]) {
      expect((await send('POST', '/api/v1/ingest', { batch: [span] }, again)).json().results.map((r: { status: string }) => r.status)).toEqual(['accepted']);
    }
    const spans = (await t.app.inject({ url: '/api/v1/spans', headers: again })).json().spans;
    expect(spans).toHaveLength(2);
    expect(spans.map((s: { attribution: { userId: string | null } }) => s.attribution.userId)).toEqual([null, null]);
    expect((await t.app.inject({ url: '/api/v1/budgets', headers: again })).json().budgets).toEqual([]);
    expect((await t.app.inject({ url: '/api/v1/evaluators', headers: again })).json().evaluators.filter((e: { origin: string }) => e.origin === 'api')).toEqual([]);
  });

  it('runs again at start a deletion the last run left part way: keys and row gone, records and settings still there', async () => {
    t = await makeTestApp({ requireApiKeys: 'always' });
    const acme = await keyFor('acme', 'admin');
    await populate('acme', acme);
    const { ctx } = t;
    // The last run was killed after the control plane step.
    await ctx.store.deleteProject(projectId('acme'));
    const document = new JsonFile<ProjectDeletionsDocument>(join(mkdtempSync(join(tmpdir(), 'lookout-deletions-')), 'project-deletions.json'));
    await document.write({
      version: 1,
      deletions: [{ id: 'd-1', project: 'acme', requestedBy: 'operator', requestedAt: new Date().toISOString(), status: 'running', erasureId: null, counts: null, finishedAt: null, error: null, compactsOnStop: false }],
    });
    const deletions = new ProjectDeletions({
      store: ctx.store,
      document,
      lock: ctx.lifecycleLock,
      gate: ctx.pipeline.gate,
      settled: () => ctx.pipeline.settled(),
      erasures: ctx.erasures,
      holders: projectStateHolders({ ...ctx, retention: ctx.retention.policy }),
      logger: pino({ level: 'silent' }),
    });
    expect(await deletions.resumePending()).toBe(1);
    expect(await deletions.waitFor('d-1')).toMatchObject({ id: 'd-1', status: 'done', counts: { spans: 2, scores: 1 } });
    expect(await stored('acme')).toEqual({ spans: 0, scores: 0, keys: 0 });
    expect(held('acme')).toMatchObject({ budgets: 0, apiRules: 0, silences: 0, evaluators: 0, privacy: false, retention: true });
    expect((await document.read({ version: 1, deletions: [] })).deletions).toMatchObject([{ id: 'd-1', status: 'done' }]);
  });

  it('records a deletion that failed part way, and runs it again when asked again', async () => {
    t = await makeTestApp();
    const { ctx } = t;
    await ctx.store.createProject(projectId('acme'), 'Acme');
    let failures = 1;
    const flaky = { name: 'a flaky holder', forgetProject: () => {
      if (failures-- > 0) throw new Error('disk full');
    } };
    const deletions = new ProjectDeletions({
      store: ctx.store,
      document: new JsonFile<ProjectDeletionsDocument>(join(mkdtempSync(join(tmpdir(), 'lookout-deletions-')), 'project-deletions.json')),
      lock: ctx.lifecycleLock,
      gate: ctx.pipeline.gate,
      settled: () => ctx.pipeline.settled(),
      erasures: ctx.erasures,
      holders: [flaky],
      logger: pino({ level: 'silent' }),
    });
    const first = await deletions.start('acme', 'operator');
    expect(await deletions.waitFor(first.id)).toMatchObject({ status: 'failed', error: "the project's records are erased, but a flaky holder could not forget it: disk full" });
    // Its row is gone already; asked again, it runs again.
    expect((await ctx.store.listProjects()).map((p) => p.id)).not.toContain('acme');
    const second = await deletions.start('acme', 'operator');
    expect(second.id).not.toBe(first.id);
    expect(await deletions.waitFor(second.id)).toMatchObject({ status: 'done' });
    expect((await deletions.list()).map((d) => [d.id, d.status])).toEqual([[second.id, 'done'], [first.id, 'failed']]);
    await expect(deletions.start('acme', 'operator')).rejects.toMatchObject({ code: 'not_found' });
  });
});
