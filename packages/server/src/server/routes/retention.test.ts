import { afterEach, describe, expect, it } from 'vitest';
import { generation, makeTestApp, type TestApp } from '../../testing/app.ts';
import { projectId } from '../../store/store.ts';

let t: TestApp;
afterEach(async () => {
  await t?.close();
});

type Headers = Record<string, string>;
async function keyFor(project: string, scope: 'ingest' | 'read' | 'admin'): Promise<Headers> {
  const { key } = await t.ctx.store.createApiKey(projectId(project), scope, null);
  return { authorization: `Bearer ${key}` };
}
const get = (headers: Headers = {}) => t.app.inject({ url: '/api/v1/project/retention', headers });
const put = (payload: unknown, headers: Headers = {}) => t.app.inject({ method: 'PUT', url: '/api/v1/project/retention', payload: payload as object, headers });

describe('retention API', () => {
  it('answers the configured defaults, then the project’s own tiers, and null goes back to the default', async () => {
    t = await makeTestApp({ retention: { contentDays: 3, spansDays: 20, rollupsDays: 300 } });
    const first = (await get()).json();
    expect(first).toMatchObject({
      contentDays: 3,
      spansDays: 20,
      rollupsDays: 300,
      isDefault: { contentDays: true, spansDays: true, rollupsDays: true },
      defaults: { contentDays: 3, spansDays: 20, rollupsDays: 300 },
      archive: { enabled: false },
      spansFrom: null,
      lastRun: null,
    });
    // The cutoffs fall on whole hours, spansDays back.
    const spansBefore = Date.parse(first.cutoffs.spansBefore);
    expect(spansBefore % 3_600_000).toBe(0);
    expect(Date.now() - spansBefore).toBeGreaterThanOrEqual(20 * 86_400_000);
    expect(Date.now() - spansBefore).toBeLessThan(20 * 86_400_000 + 3_600_000);

    const set = await put({ spansDays: 60 });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({ contentDays: 3, spansDays: 60, rollupsDays: 300, isDefault: { contentDays: true, spansDays: false, rollupsDays: true } });
    expect((await get()).json()).toMatchObject({ spansDays: 60, isDefault: { spansDays: false } });

    const back = (await put({ spansDays: null })).json();
    expect(back).toMatchObject({ spansDays: 20, isDefault: { spansDays: true } });
  });

  it('refuses bad tiers with a 400 that names them', async () => {
    t = await makeTestApp();
    for (const [body, pattern] of [
      [{ contentDays: 0 }, /contentDays: must be at least 1 day/],
      [{ spansDays: 2.5 }, /spansDays: must be a whole number of days/],
      [{ rollupsDays: '30' }, /rollupsDays: must be a whole number of days/],
      [{ rollupsDays: 100_000 }, /rollupsDays: must be at most 3660 days/],
      [{ hotDays: 3 }, /hotDays/],
      [{}, /name at least one of contentDays, spansDays, rollupsDays/],
      // Against the default rollups (400) and content (7) days.
      [{ spansDays: 500 }, /spansDays: must not exceed rollupsDays \(400\)/],
      [{ contentDays: 10, spansDays: 5 }, /contentDays: must not exceed spansDays \(5\)/],
    ] as const) {
      const res = await put(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.message, JSON.stringify(body)).toMatch(pattern);
    }
    // Nothing of the refused changes was kept.
    expect((await get()).json()).toMatchObject({ contentDays: 7, spansDays: 30, rollupsDays: 400, isDefault: { contentDays: true, spansDays: true, rollupsDays: true } });
  });

  it('lets read keys look, and only admin keys change tiers or run the job; each project keeps its own', async () => {
    t = await makeTestApp({ requireApiKeys: 'always' });
    const read = await keyFor('default', 'read');
    const admin = await keyFor('default', 'admin');
    const other = await keyFor('other', 'admin');
    expect((await get(read)).statusCode).toBe(200);
    expect((await put({ contentDays: 2 }, read)).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/project/retention/run', headers: read })).statusCode).toBe(403);
    expect((await put({ contentDays: 2 }, admin)).statusCode).toBe(200);
    expect((await get(other)).json().contentDays).toBe(7);
    expect((await get(read)).json().contentDays).toBe(2);
  });

  it('runs now and answers the counts; reports over a range past the spans\' cutoff say how they were answered', async () => {
    t = await makeTestApp();
    const DAY_MS = 86_400_000;
    const batch = [2, 45].map((age) => generation({ startTime: new Date(Date.now() - age * DAY_MS).toISOString(), input: `prompt ${age}`, output: 'answer' }));
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch } })).statusCode).toBe(200);
    const range = `from=${new Date(Date.now() - 60 * DAY_MS).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}`;
    const dailyBefore = (await t.app.inject(`/api/v1/analytics/daily?${range}`)).json();
    expect(dailyBefore.retention).toBeNull();

    const run = await t.app.inject({ method: 'POST', url: '/api/v1/project/retention/run' });
    expect(run.statusCode).toBe(200);
    expect(run.json()).toMatchObject({ trigger: 'manual', error: null, deleted: { spans: 1 }, contentStripped: { spans: 1 } });
    const after = (await get()).json();
    expect(after.lastRun).toMatchObject({ trigger: 'manual', deleted: { spans: 1 } });
    expect(after.spansFrom).toBe(after.lastRun.cutoffs.spansBefore);

    const daily = (await t.app.inject(`/api/v1/analytics/daily?${range}`)).json();
    expect(daily.days).toEqual(dailyBefore.days);
    expect(daily.retention).toEqual({ spansFrom: after.spansFrom, rollupsFrom: after.rollupsFrom, answeredFromRollups: true, partial: false });
    expect((await t.app.inject(`/api/v1/analytics/top-spenders?by=model&${range}`)).json().retention).toMatchObject({ answeredFromRollups: true, partial: false });
    expect((await t.app.inject(`/api/v1/analytics/top-spenders?by=user&${range}`)).json().retention).toMatchObject({ answeredFromRollups: false, partial: true });
    expect((await t.app.inject(`/api/v1/analytics/latency-distribution?${range}`)).json().retention).toMatchObject({ answeredFromRollups: false, partial: true });
    expect((await t.app.inject('/api/v1/analytics/forecast?lookbackDays=60')).json().retention).toMatchObject({ answeredFromRollups: true });
    // Within the spans' window: no note.
    expect((await t.app.inject('/api/v1/analytics/daily?from=7d')).json().retention).toBeNull();
  });
});
