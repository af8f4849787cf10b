import { afterEach, describe, expect, it } from 'vitest';
import { generation, makeTestApp, type TestApp } from '../../testing/app.ts';
import { hex } from '../../testing/fixtures.ts';
import { MAX_EVALUATORS_PER_PROJECT } from '../../quality/evaluators/schema.ts';
import { projectId } from '../../store/store.ts';
import type { EvaluationTrial, Evaluator } from '../../domain/quality.ts';
import type { Judge } from '../../quality/judge/judge.ts';

let t: TestApp;
afterEach(async () => {
  await t.close();
});

type Headers = Record<string, string>;
const post = (url: string, payload: unknown, headers: Headers = {}) => t.app.inject({ method: 'POST', url, payload: payload as object, headers });
const put = (url: string, payload: unknown, headers: Headers = {}) => t.app.inject({ method: 'PUT', url, payload: payload as object, headers });

async function keyFor(project: string, scope: 'ingest' | 'read' | 'admin'): Promise<Headers> {
  const { key } = await t.ctx.store.createApiKey(projectId(project), scope, null);
  return { authorization: `Bearer ${key}` };
}

const notEmpty = { name: 'not-empty', kind: 'heuristic', criterion: 'empty_output' };

describe('evaluator definitions through the API', () => {
  it('creates, lists, reads, replaces, disables and deletes an evaluator', async () => {
    t = await makeTestApp();
    const created = await post('/api/v1/evaluators', { ...notEmpty, filter: { feature: 'support' } });
    expect(created.statusCode).toBe(201);
    const ev = created.json();
    expect(ev).toMatchObject({ name: 'not-empty', kind: 'heuristic', criterion: 'empty_output', sampleRate: 1, enabled: true, filter: { feature: 'support' }, judge: null, origin: 'api' });
    expect(ev.id).toMatch(/^ev_[0-9a-f]{16}$/);
    expect(t.ctx.evaluators.evaluatorsOf('default').map((e) => e.id)).toEqual([ev.id]);

    expect((await t.app.inject('/api/v1/evaluators')).json()).toEqual({ evaluators: [ev], maxEvaluators: MAX_EVALUATORS_PER_PROJECT });
    expect((await t.app.inject(`/api/v1/evaluators/${ev.id}`)).json()).toEqual(ev);

    const replaced = await put(`/api/v1/evaluators/${ev.id}`, { ...notEmpty, criterion: 'length', params: { maxChars: 500 }, enabled: false });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).toMatchObject({ id: ev.id, criterion: 'length', params: { maxChars: 500 }, filter: {}, enabled: false, createdAt: ev.createdAt });
    // Disabled: listed, but not run by ingest.
    expect(t.ctx.evaluators.evaluatorsOf('default')).toEqual([]);

    const deleted = await t.app.inject({ method: 'DELETE', url: `/api/v1/evaluators/${ev.id}` });
    expect(deleted.statusCode).toBe(200);
    expect((await t.app.inject('/api/v1/evaluators')).json().evaluators).toEqual([]);
    expect((await t.app.inject(`/api/v1/evaluators/${ev.id}`)).statusCode).toBe(404);
  });

  it('answers every bad definition with a 400 naming the problem', async () => {
    t = await makeTestApp();
    const cases: [unknown, string][] = [
      [{ ...notEmpty, criterion: 'helpfulness' }, "criterion: 'helpfulness' is not a criterion of kind heuristic; use one of empty_output, refusal, invalid_json, json_schema, length, regex, language, latency_slo, cost_slo"],
      [{ name: 'judge', kind: 'llm_judge', criterion: 'length' }, "criterion: 'length' is not a criterion of kind llm_judge"],
      [{ ...notEmpty, criterion: 'regex', params: { pattern: '(?<=a)b' } }, 'params.pattern: is not a valid RE2 expression'],
      [{ ...notEmpty, criterion: 'json_schema', params: { schema: { type: 12 } } }, 'params.schema: is not a valid JSON Schema'],
      [{ ...notEmpty, sampleRate: 2 }, 'sampleRate: must be from 0 to 1'],
      [{ ...notEmpty, sampleRate: '0.5' }, 'sampleRate: must be a number from 0 to 1'],
      [{ ...notEmpty, kind: 'magic' }, 'kind: must be one of heuristic, llm_judge'],
      [{ ...notEmpty, name: '' }, 'name: must not be empty'],
      [{ kind: 'heuristic', criterion: 'refusal' }, 'name: must be a name'],
      [{ ...notEmpty, colour: 'red' }, 'colour: unknown field'],
      [{ name: 'c', kind: 'llm_judge', criterion: 'custom' }, 'judge.template: is required for criterion custom'],
      [{ name: 'j', kind: 'llm_judge', criterion: 'safety', judge: { baseUrl: 'ftp://judge' } }, 'judge.baseUrl: must be an http(s) URL'],
      [[1], 'body: send a JSON object'],
    ];
    for (const [body, message] of cases) {
      const res = await post('/api/v1/evaluators', body);
      expect({ body, status: res.statusCode }).toEqual({ body, status: 400 });
      expect(res.json().error.code).toBe('invalid_request');
      expect(res.json().error.message).toContain(message);
    }
    // The same checks on PUT, and on trying a definition not saved.
    const ev = (await post('/api/v1/evaluators', notEmpty)).json();
    expect((await put(`/api/v1/evaluators/${ev.id}`, { ...notEmpty, sampleRate: -1 })).json().error.message).toBe('sampleRate: must be from 0 to 1');
    const tried = await post('/api/v1/evaluators/try', { evaluator: { ...notEmpty, criterion: 'regex', params: { pattern: '[' } }, traceId: hex(16) });
    expect(tried.statusCode).toBe(400);
    expect(tried.json().error.message).toMatch(/^evaluator\.params\.pattern: is not a valid RE2 expression/);
    expect((await post(`/api/v1/evaluators/${ev.id}/try`, { traceId: 'abc' })).json().error.message).toBe('traceId: must be a trace id: 32 hex characters');
  });

  it(`refuses a taken name and more than ${MAX_EVALUATORS_PER_PROJECT} evaluators with 409`, async () => {
    t = await makeTestApp();
    const taken = await post('/api/v1/evaluators', notEmpty);
    expect(taken.statusCode).toBe(201);
    const again = await post('/api/v1/evaluators', notEmpty);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toMatch(/already has an evaluator named 'not-empty'/);
    for (let i = 1; i < MAX_EVALUATORS_PER_PROJECT; i++) expect((await post('/api/v1/evaluators', { ...notEmpty, name: `e${i}` })).statusCode).toBe(201);
    const over = await post('/api/v1/evaluators', { ...notEmpty, name: 'one-too-many' });
    expect(over.statusCode).toBe(409);
    expect(over.json().error.message).toBe(`a project may have at most ${MAX_EVALUATORS_PER_PROJECT} evaluators; delete one first`);
  });

  it("never returns the judge's API key, and keeps it when a change does not name it", async () => {
    t = await makeTestApp();
    const judge = { name: 'helpful', kind: 'llm_judge', criterion: 'helpfulness', judge: { model: 'gpt-4o-mini', apiKey: 'sk-very-secret' } };
    const created = await post('/api/v1/evaluators', judge);
    expect(created.statusCode).toBe(201);
    expect(created.body).not.toContain('sk-very-secret');
    expect(created.json()).toMatchObject({ sampleRate: 0.01, judge: { model: 'gpt-4o-mini', apiKeySet: true } });
    const id = created.json().id;
    const listed = await t.app.inject('/api/v1/evaluators');
    expect(listed.body).not.toContain('sk-very-secret');

    const changed = await put(`/api/v1/evaluators/${id}`, { ...judge, judge: { model: 'gpt-4o' } });
    expect(changed.json().judge).toEqual({ model: 'gpt-4o', apiKeySet: true });
    expect(t.ctx.evaluators.get('default', id).evaluator.judge?.apiKey).toBe('sk-very-secret');
    const cleared = await put(`/api/v1/evaluators/${id}`, { ...judge, judge: { apiKey: null } });
    expect(cleared.json().judge).toEqual({ apiKeySet: false });
  });

  it("keeps each project's evaluators and traces to itself", async () => {
    t = await makeTestApp({ requireApiKeys: 'always' });
    const alpha = await keyFor('default', 'admin');
    const beta = await keyFor('beta', 'admin');
    const betaRead = await keyFor('beta', 'read');
    const ev = (await post('/api/v1/evaluators', notEmpty, alpha)).json();

    expect((await t.app.inject({ url: '/api/v1/evaluators', headers: beta })).json().evaluators).toEqual([]);
    for (const res of [
      await t.app.inject({ url: `/api/v1/evaluators/${ev.id}`, headers: beta }),
      await put(`/api/v1/evaluators/${ev.id}`, notEmpty, beta),
      await t.app.inject({ method: 'DELETE', url: `/api/v1/evaluators/${ev.id}`, headers: beta }),
      await post(`/api/v1/evaluators/${ev.id}/try`, { traceId: hex(16) }, beta),
    ]) {
      expect(res.statusCode).toBe(404);
      expect(res.json().error.message).toBe(`no evaluator ${ev.id} in project beta`);
    }
    // The same name is free in another project.
    expect((await post('/api/v1/evaluators', notEmpty, beta)).statusCode).toBe(201);
    // A read key reads but does not change or try.
    expect((await t.app.inject({ url: '/api/v1/evaluators', headers: betaRead })).statusCode).toBe(200);
    expect((await post('/api/v1/evaluators', { ...notEmpty, name: 'x' }, betaRead)).statusCode).toBe(403);

    // A trace of project alpha cannot be tried from beta.
    const traceId = hex(16);
    await post('/api/v1/ingest', { batch: [generation({ traceId, output: '' })] }, alpha);
    expect((await post('/api/v1/evaluators/try', { evaluator: notEmpty, traceId }, alpha)).statusCode).toBe(200);
    const elsewhere = await post('/api/v1/evaluators/try', { evaluator: notEmpty, traceId }, beta);
    expect(elsewhere.statusCode).toBe(404);
    expect(elsewhere.json().error.message).toBe(`no trace ${traceId} in project beta`);
  });
});

describe('evaluators of the config file', () => {
  it('are listed read-only, for their project or every one', async () => {
    t = await makeTestApp({
      evaluators: [
        { name: 'everywhere', kind: 'heuristic', criterion: 'refusal' },
        { project: 'beta', name: 'beta-only', kind: 'heuristic', criterion: 'empty_output' },
      ],
    } as never);
    const listed = (await t.app.inject('/api/v1/evaluators')).json().evaluators;
    expect(listed.map((e: { id: string; origin: string }) => [e.id, e.origin])).toEqual([['config.everywhere', 'config']]);
    const changed = await put('/api/v1/evaluators/config.everywhere', notEmpty);
    expect(changed.statusCode).toBe(409);
    expect(changed.json().error.message).toBe('evaluator config.everywhere comes from the configuration file; change or remove it there');
    expect((await t.app.inject({ method: 'DELETE', url: '/api/v1/evaluators/config.everywhere' })).statusCode).toBe(409);
    expect(t.ctx.evaluators.evaluatorsOf('beta').map((e) => e.id)).toEqual(['config.everywhere', 'config.beta-only']);
  });
});

describe('try on this trace', () => {
  it('runs a heuristic on each generation call of the trace, saved or not, recording nothing', async () => {
    t = await makeTestApp();
    const traceId = hex(16);
    const [empty, answered, other, tool] = [hex(8), hex(8), hex(8), hex(8)];
    await post('/api/v1/ingest', {
      batch: [
        generation({ traceId, spanId: empty, feature: 'support', output: '' }),
        generation({ traceId, spanId: answered, feature: 'support', output: 'Here is your refund.' }),
        generation({ traceId, spanId: other, feature: 'search', output: '' }),
        { ...generation({ traceId, spanId: tool }), type: 'span', kind: 'tool' },
      ],
    });
    const ev = (await post('/api/v1/evaluators', { ...notEmpty, filter: { feature: 'support' } })).json();
    const res = await post(`/api/v1/evaluators/${ev.id}/try`, { traceId: traceId.toUpperCase() });
    expect(res.statusCode).toBe(200);
    const { trials, truncated } = res.json();
    expect(truncated).toBe(false);
    const bySpan = new Map(trials.map((tr: { spanId: string }) => [tr.spanId, tr]));
    expect(bySpan.size).toBe(3); // the tool span is not a generation
    expect(bySpan.get(empty)).toMatchObject({ evaluatorId: ev.id, traceId, outcome: 'scored', value: 0, costUsd: null });
    expect(bySpan.get(answered)).toMatchObject({ outcome: 'scored', value: 1 });
    expect(bySpan.get(other)).toMatchObject({ outcome: 'not_applicable', value: null, reasoning: "the filter selects feature 'support'; this call's is 'search'" });

    const unsaved = await post('/api/v1/evaluators/try', { evaluator: { ...notEmpty, criterion: 'regex', params: { pattern: 'refund', mustMatch: false } }, traceId });
    expect(unsaved.statusCode).toBe(200);
    const regex = new Map(unsaved.json().trials.map((tr: { spanId: string; value: number | null }) => [tr.spanId, tr.value]));
    expect(regex.get(answered)).toBe(0);
    expect(regex.get(other)).toBe(1);

    // Nothing was stored: the trace has no scores.
    expect((await t.app.inject(`/api/v1/traces/${traceId}`)).json().scores).toEqual([]);
    expect((await post(`/api/v1/evaluators/${ev.id}/try`, { traceId: hex(16) })).statusCode).toBe(404);
  });

  it("asks the judge about the caller's trace with the evaluator as saved, its key included, and answers what it says", async () => {
    t = await makeTestApp();
    const traceId = hex(16);
    await post('/api/v1/ingest', { batch: [generation({ traceId, output: 'hi' })] });
    const asked: unknown[] = [];
    t.ctx.judge = {
      trial: async (project: string, evaluator: Evaluator, id: string): Promise<EvaluationTrial> => {
        asked.push([project, evaluator.id, evaluator.judge?.apiKey, id]);
        return { evaluatorId: evaluator.id, traceId: id, spanId: null, outcome: 'scored', value: 0.75, reasoning: 'mostly relevant', costUsd: 0.0002, error: null };
      },
    } as unknown as Judge;
    const ev = (await post('/api/v1/evaluators', { name: 'rel', kind: 'llm_judge', criterion: 'relevance', judge: { apiKey: 'sk-own' } })).json();
    const res = await post(`/api/v1/evaluators/${ev.id}/try`, { traceId });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ traceId, truncated: false, trials: [{ evaluatorId: ev.id, traceId, spanId: null, outcome: 'scored', value: 0.75, reasoning: 'mostly relevant', costUsd: 0.0002, error: null }] });
    expect(asked).toEqual([['default', ev.id, 'sk-own', traceId]]);
    // A trace the project does not have is not sent to the judge.
    expect((await post(`/api/v1/evaluators/${ev.id}/try`, { traceId: hex(16) })).statusCode).toBe(404);
    expect(asked).toHaveLength(1);
  });

  it('answers 409 naming LOOKOUT_JUDGE_BASE_URL when no judge is configured', async () => {
    t = await makeTestApp();
    const traceId = hex(16);
    await post('/api/v1/ingest', { batch: [generation({ traceId, output: 'hi' })] });
    const res = await post('/api/v1/evaluators/try', { evaluator: { name: 'j', kind: 'llm_judge', criterion: 'relevance' }, traceId });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toMatch(/LOOKOUT_JUDGE_BASE_URL/);
  });
});
