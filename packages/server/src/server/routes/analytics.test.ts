import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyAttribution } from '../../domain/span.ts';
import { projectId } from '../../store/store.ts';
import { makeTestApp, type TestApp } from '../../testing/app.ts';
import { makeSpan } from '../../testing/fixtures.ts';
import { OPENAPI_PATH } from '../openapi.ts';

const T0 = Date.UTC(2026, 10, 10, 12);
const RANGE = 'from=2026-11-10T00:00:00Z&to=2026-11-11T00:00:00Z';

function span(team: string | null, model: string, costNano: number, durationMs: number, project = 'default') {
  const startUs = T0 * 1000;
  return makeSpan({
    projectId: project,
    startUs,
    endUs: startUs + durationMs * 1000,
    requestModel: model,
    attribution: { ...emptyAttribution(), team, department: team ? 'eng' : null, userId: team ? `${team}-user` : null },
    tags: team === 'core' ? ['beta'] : [],
    metadata: { tenant: team ?? 'none' },
    cost: { status: 'priced', totalNanoUsd: costNano, byBucketNanoUsd: {}, priceRowId: 'test', catalogVersion: 'test' },
  });
}

let t: TestApp;

beforeAll(async () => {
  t = await makeTestApp({ host: '0.0.0.0' });
  await t.ctx.store.write({
    spans: [
      span('core', 'gpt-4o', 1_000_000_000, 100),
      span('core', 'gpt-4o-mini', 2_000_000_000, 200),
      span('search', 'gpt-4o', 500_000_000, 300),
      span(null, 'gpt-4o', 100_000_000, 400),
      span('core', 'gpt-4o', 900_000_000_000, 5, 'acme'),
    ],
    scores: [],
    logs: [],
  });
});

afterAll(async () => {
  await t?.close();
});

async function get(url: string, project = 'default', scope: 'read' | 'ingest' = 'read') {
  const { key } = await t.ctx.store.createApiKey(projectId(project), scope, null);
  return t.app.inject({ url, headers: { authorization: `Bearer ${key}` } });
}

describe('GET /api/v1/analytics/*', () => {
  it('query: group, filter (repeated and in-list), order', async () => {
    const res = await get(`/api/v1/analytics/query?measures=cost,requests,latency_p50&groupBy=team&${RANGE}&filter=model:gpt-4o,gpt-4o-mini&filter=tag:beta`);
    expect(res.statusCode).toBe(200);
    expect(res.json().rows).toEqual([{ team: 'core', cost: 3, requests: 2, latency_p50: 150 }]);
    const all = await get(`/api/v1/analytics/query?measures=cost&groupBy=metadata.tenant&${RANGE}&orderBy=cost:asc`);
    expect(all.json().rows.map((r: Record<string, unknown>) => r['metadata.tenant'])).toEqual(['none', 'search', 'core']);
  });

  it('query: another project sees only its own data', async () => {
    const res = await get(`/api/v1/analytics/query?measures=cost,requests&${RANGE}`, 'acme');
    expect(res.json().rows).toEqual([{ cost: 900, requests: 1 }]);
  });

  it('query: time buckets', async () => {
    const res = await get(`/api/v1/analytics/query?measures=requests&bucket=day&from=2026-11-09&to=2026-11-11`);
    expect(res.json().rows).toEqual([
      { bucket: '2026-11-09T00:00:00.000Z', requests: 0 },
      { bucket: '2026-11-10T00:00:00.000Z', requests: 4 },
    ]);
  });

  it('bad parameters are 400 invalid_parameter naming the parameter', async () => {
    const cases: [string, string][] = [
      ['/api/v1/analytics/query?measures=bogus', 'measures: '],
      ['/api/v1/analytics/query', 'measures: '],
      ['/api/v1/analytics/query?measures=cost&groupBy=team%3B%20DROP%20TABLE%20spans', 'groupBy: '],
      ['/api/v1/analytics/query?measures=cost&filter=nocolon', 'filter: '],
      ['/api/v1/analytics/query?measures=cost&from=last-tuesday', 'from: '],
      ['/api/v1/analytics/query?measures=cost&from=2026-11-02&to=2026-11-01', 'from: '],
      ['/api/v1/analytics/query?measures=cost&bucket=fortnight', 'bucket: '],
      ['/api/v1/analytics/query?measures=cost&limit=0', 'limit: '],
      ['/api/v1/analytics/query?measures=cost&colour=red', 'colour: unknown parameter'],
      ['/api/v1/analytics/top-spenders?by=shoe', 'by: '],
      ['/api/v1/analytics/forecast?lookbackDays=0', 'lookbackDays: '],
      ['/api/v1/reports/chargeback?month=2026-13', 'month: '],
      ['/api/v1/reports/chargeback?by=user', 'by: '],
      ['/api/v1/reports/chargeback?format=xml', 'format: '],
    ];
    for (const [url, prefix] of cases) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.code, url).toBe('invalid_parameter');
      expect(res.json().error.message.startsWith(prefix), `${url}: ${res.json().error.message}`).toBe(true);
    }
  });

  it('an ingest-only key cannot read analytics', async () => {
    const res = await get(`/api/v1/analytics/query?measures=cost`, 'default', 'ingest');
    expect(res.statusCode).toBe(403);
  });

  it('daily, top spenders, model efficiency, forecast', async () => {
    const daily = await get('/api/v1/analytics/daily?from=2026-11-09&to=2026-11-11');
    expect(daily.json().days).toEqual([
      { date: '2026-11-09', costUsd: 0, requests: 0, totalTokens: 0, unknownCostRequests: 0 },
      { date: '2026-11-10', costUsd: 3.6, requests: 4, totalTokens: 4800, unknownCostRequests: 0 },
    ]);
    const top = await get(`/api/v1/analytics/top-spenders?by=user&limit=1&${RANGE}`);
    expect(top.json()).toMatchObject({ by: 'user', rows: [{ key: 'core-user', costUsd: 3, requests: 2, sharePct: 83.33 }] });
    const eff = await get(`/api/v1/analytics/model-efficiency?${RANGE}`);
    expect(eff.json().models.map((m: { model: string; usdPerMtok: number }) => [m.model, m.usdPerMtok])).toEqual([
      ['gpt-4o', 444.444444444],
      ['gpt-4o-mini', 1666.666666667],
    ]);
    const fc = await get('/api/v1/analytics/forecast?lookbackDays=7&now=2026-11-11T12:00:00Z');
    expect(fc.statusCode).toBe(200);
    expect(fc.json()).toMatchObject({ lookbackDays: 7, daysWithData: 1, monthToDateUsd: 3.6, movingAverage7dUsd: 3.6, confidence: 'low' });
  });

  it('latency distribution: model calls counted in duration bands, edges inclusive below', async () => {
    const res = await get(`/api/v1/analytics/latency-distribution?${RANGE}`);
    expect(res.statusCode).toBe(200);
    const bands = res.json().bands as { fromMs: number; toMs: number | null; requests: number }[];
    // The project's calls took 100, 200, 300 and 400 ms (another project's 5 ms call is not here).
    expect(bands.filter((b) => b.requests > 0)).toEqual([
      { fromMs: 100, toMs: 250, requests: 2 },
      { fromMs: 250, toMs: 500, requests: 2 },
    ]);
    expect(bands[0]).toEqual({ fromMs: 0, toMs: 100, requests: 0 });
    expect(bands.at(-1)).toEqual({ fromMs: 60_000, toMs: null, requests: 0 });
    expect((await get('/api/v1/analytics/latency-distribution?from=2026-11-11&to=2026-11-10')).json().error.message).toMatch(/^from: must be before to/);
  });

  it('chargeback as JSON and as a CSV download', async () => {
    const json = await get('/api/v1/reports/chargeback?month=2026-11&by=department,team');
    expect(json.statusCode).toBe(200);
    expect(json.json().rows.map((r: { department: string; team: string; sharePct: number }) => [r.department, r.team, r.sharePct])).toEqual([
      ['eng', 'core', 83.33],
      ['eng', 'search', 13.89],
      ['(unattributed)', '(unattributed)', 2.78],
    ]);
    const csv = await get('/api/v1/reports/chargeback?month=2026-11&by=team&format=csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="lookout-chargeback-2026-11-team.csv"');
    expect(csv.body).toBe(
      'month,team,requests,input_tokens,output_tokens,total_tokens,cost_usd,share_pct,unknown_cost_requests\r\n' +
        '2026-11,core,2,2000,400,2400,3.000000000,83.33,0\r\n' +
        '2026-11,search,1,1000,200,1200,0.500000000,13.89,0\r\n' +
        '2026-11,(unattributed),1,1000,200,1200,0.100000000,2.78,0\r\n',
    );
  });

  it('the API reference documents the chargeback as JSON and as a CSV download, and every analytics parameter', async () => {
    const doc = (await t.app.inject({ url: OPENAPI_PATH })).json();
    const chargeback = doc.paths['/api/v1/reports/chargeback'].get;
    expect(Object.keys(chargeback.responses['200'].content).sort()).toEqual(['application/json', 'text/csv']);
    expect(chargeback.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ChargebackReport' });
    const names = (path: string) => doc.paths[path].get.parameters.map((p: { name: string }) => p.name).sort();
    expect(names('/api/v1/analytics/query')).toEqual(['bucket', 'filter', 'from', 'groupBy', 'limit', 'measures', 'orderBy', 'scoreName', 'to']);
    expect(names('/api/v1/reports/chargeback')).toEqual(['by', 'format', 'month']);
  });
});
