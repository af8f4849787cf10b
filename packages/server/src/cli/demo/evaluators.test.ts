import { afterEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../testing/app.ts';
import { ingestTarget } from './client.ts';
import { DEMO_EVALUATORS, ensureDemoEvaluators } from './evaluators.ts';

describe("the demo's evaluators", () => {
  let t: TestApp | null = null;
  afterEach(async () => {
    await t?.close();
    t = null;
  });

  it('are created through the evaluators API once; a second run, or a name the project has, is left alone', async () => {
    t = await makeTestApp();
    const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const target = ingestTarget(url);
    // The project already has its own helpfulness judge under the demo's name.
    const own = await target.api.POST('/api/v1/evaluators', { body: { name: 'judge.helpfulness', kind: 'llm_judge', criterion: 'helpfulness', sampleRate: 0.5 } });
    expect(own.response.status).toBe(201);

    const first = await ensureDemoEvaluators(target);
    const names = DEMO_EVALUATORS.map((e) => e.name);
    expect(first).toEqual({ status: 'configured', created: names.filter((n) => n !== 'judge.helpfulness'), existing: ['judge.helpfulness'], detail: null });
    const listed = (await target.api.GET('/api/v1/evaluators')).data!.evaluators;
    expect(listed.map((e) => e.name).sort()).toEqual([...names].sort());
    // Left as the project made it.
    expect(listed.find((e) => e.name === 'judge.helpfulness')).toMatchObject({ sampleRate: 0.5, judge: { apiKeySet: false } });
    expect(listed.find((e) => e.name === 'judge.faithfulness')).toMatchObject({ criterion: 'faithfulness', filter: { feature: 'doc-search' }, judge: { baseUrl: 'lookout-demo://judge' } });
    expect(listed.filter((e) => e.kind === 'heuristic').map((e) => e.criterion).sort()).toEqual(['empty_output', 'invalid_json', 'latency_slo', 'refusal']);

    const again = await ensureDemoEvaluators(target);
    expect(again).toEqual({ status: 'configured', created: [], existing: names, detail: null });
    expect((await target.api.GET('/api/v1/evaluators')).data!.evaluators).toHaveLength(names.length);
  });

  it('reports a server without the evaluators API instead of failing', async () => {
    t = await makeTestApp();
    const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    // A path prefix the server does not serve stands for an older server.
    const result = await ensureDemoEvaluators(ingestTarget(`${url}/older`));
    expect(result).toMatchObject({ status: 'unsupported', created: [] });
  });
});
