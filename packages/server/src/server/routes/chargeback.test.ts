import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyAttribution } from '../../domain/span.ts';
import { projectId } from '../../store/store.ts';
import { makeTestApp, type TestApp } from '../../testing/app.ts';
import { makeSpan } from '../../testing/fixtures.ts';

const T0 = Date.UTC(2026, 10, 10, 12);

function span(department: string | null, team: string | null, costNano: number, project = 'default', feature: string | null = null) {
  const startUs = T0 * 1000;
  return makeSpan({
    projectId: project,
    startUs,
    endUs: startUs + 100_000,
    requestModel: 'gpt-4o',
    attribution: { ...emptyAttribution(), team, department, feature },
    cost: { status: 'priced', totalNanoUsd: costNano, byBucketNanoUsd: {}, priceRowId: 'test', catalogVersion: 'test' },
  });
}

let t: TestApp;
let admin: string;
let reader: string;

beforeAll(async () => {
  t = await makeTestApp({ host: '0.0.0.0' });
  await t.ctx.store.write({
    spans: [span('eng', 'web', 3_000_000_000), span('eng', 'core', 1_000_000_001), span('sales', 'crm', 500_000_000, 'default', 'search'), span('eng', 'web', 9_000_000_000, 'acme')],
    scores: [],
    logs: [],
  });
  admin = (await t.ctx.store.createApiKey(projectId('default'), 'admin', null)).key;
  reader = (await t.ctx.store.createApiKey(projectId('default'), 'read', null)).key;
});

afterAll(async () => {
  await t?.close();
});

async function call(method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, body?: unknown, key = admin) {
  return t.app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(body === undefined ? {} : { payload: body as object }) });
}

const MARKUP = {
  tiers: [
    { name: 'internal', markupPct: 0 },
    { name: 'premium', markupPct: 20 },
  ],
  assignments: [
    { dimension: 'department', value: 'eng', tier: 'premium' },
    { dimension: 'team', value: 'core', tier: 'internal' },
  ],
  defaultTier: null,
};

const VECTORS = {
  name: 'Vector database',
  category: 'vector_db',
  assignTo: { dimension: 'department', value: 'eng' },
  pricing: { type: 'per_unit', unit: 'per_1k_requests', unitPriceUsd: '0.40', quantity: 250_000 },
  fromMonth: '2026-11',
};

describe('chargeback markup and other costs', () => {
  it('refuses markups out of range or inconsistent, naming the field', async () => {
    const bad = async (body: unknown) => {
      const res = await call('PUT', '/api/v1/chargeback/markup', body);
      expect(res.statusCode).toBe(400);
      return res.json().error.message as string;
    };
    expect(await bad({ ...MARKUP, tiers: [{ name: 'premium', markupPct: 1000.01 }] })).toBe('tiers[0].markupPct: must be at most 1000');
    expect(await bad({ ...MARKUP, tiers: [{ name: 'premium', markupPct: -100.5 }] })).toBe('tiers[0].markupPct: must be at least -100');
    expect(await bad({ ...MARKUP, tiers: [{ name: 'premium', markupPct: 12.345 }] })).toBe('tiers[0].markupPct: must have at most two decimals');
    expect(await bad({ ...MARKUP, tiers: [{ name: 'internal', markupPct: 0 }] })).toBe("assignments[0].tier: no tier is named 'premium'");
    expect(await bad({ ...MARKUP, tiers: [...MARKUP.tiers, { name: 'premium', markupPct: 5 }] })).toBe("tiers[2].name: the tier 'premium' is named twice");
    expect(await bad({ ...MARKUP, assignments: [...MARKUP.assignments, { dimension: 'team', value: 'core', tier: 'premium' }] })).toBe("assignments[2]: the team 'core' is assigned twice");
    expect(await bad({ ...MARKUP, assignments: [{ dimension: 'user', value: 'u', tier: 'premium' }] })).toMatch(/^assignments\[0\]\.dimension: must be one of department, team, application, feature/);
    expect(await bad({ ...MARKUP, defaultTier: 'gold' })).toBe("defaultTier: no tier is named 'gold'");
    // A read key may look, not change.
    expect((await call('PUT', '/api/v1/chargeback/markup', MARKUP, reader)).statusCode).toBe(403);
    expect((await call('GET', '/api/v1/chargeback/markup', undefined, reader)).json()).toEqual({ tiers: [], assignments: [], defaultTier: null });
  });

  it('refuses other costs that are not valid, and answers 404 for one that is not there', async () => {
    const bad = async (change: Record<string, unknown>) => {
      const res = await call('POST', '/api/v1/chargeback/costs', { ...VECTORS, ...change });
      expect(res.statusCode).toBe(400);
      return res.json().error.message as string;
    };
    expect(await bad({ pricing: { type: 'fixed', monthlyUsd: 12 } })).toMatch(/^pricing\.monthlyUsd: must be a decimal amount of US dollars as text/);
    expect(await bad({ pricing: { type: 'fixed', monthlyUsd: '-5' } })).toMatch(/^pricing\.monthlyUsd: must be a decimal amount of US dollars as text/);
    expect(await bad({ pricing: { type: 'per_unit', unit: 'per_gb_month', unitPriceUsd: '1', quantity: -1 } })).toBe('pricing.quantity: must not be negative');
    expect(await bad({ pricing: { type: 'per_unit', unit: 'per_gb_month', unitPriceUsd: '1000000', quantity: 1001 } })).toMatch(/^pricing: the unit price times the quantity must be at most 1,000,000,000/);
    expect(await bad({ category: 'coffee' })).toMatch(/^category: must be one of embedding_storage, vector_db, compute, other/);
    expect(await bad({ fromMonth: '2026-13' })).toBe('fromMonth: must be a month as YYYY-MM');
    expect(await bad({ toMonth: '2026-10' })).toBe('toMonth: must not be before fromMonth (2026-11)');
    expect((await call('PUT', '/api/v1/chargeback/costs/oc_none', VECTORS)).statusCode).toBe(404);
    expect((await call('DELETE', '/api/v1/chargeback/costs/oc_none')).statusCode).toBe(404);
    expect((await call('GET', '/api/v1/chargeback/costs')).json()).toEqual({ costs: [] });
  });

  it('bills markup and other costs beside the calls, as JSON and CSV, to the nano-dollar', async () => {
    expect((await call('PUT', '/api/v1/chargeback/markup', MARKUP)).json()).toEqual(MARKUP);
    const created = await call('POST', '/api/v1/chargeback/costs', VECTORS);
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    const storage = await call('POST', '/api/v1/chargeback/costs', {
      ...VECTORS,
      name: 'Embedding storage',
      category: 'embedding_storage',
      assignTo: { dimension: 'team', value: 'crm' },
      pricing: { type: 'fixed', monthlyUsd: '12.5' },
    });
    expect(storage.statusCode).toBe(201);
    expect((await call('GET', '/api/v1/chargeback/costs', undefined, reader)).json().costs.map((c: { name: string }) => c.name)).toEqual(['Vector database', 'Embedding storage']);

    // eng: web $3 at premium (+$0.60), core $1.000000001 internal; 250,000 requests at $0.40/1k = $100,
    // split 3 : 1.000000001 by the calls' cost. sales: crm $0.50 at cost, plus $12.50 of storage.
    const res = await call('GET', '/api/v1/reports/chargeback?month=2026-11&by=department', undefined, reader);
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report.rows.map((r: Record<string, unknown>) => [r.department, r.costUsdDecimal, r.tiers, r.markupUsdDecimal, r.otherCostUsdDecimal, r.billedUsdDecimal])).toEqual([
      ['eng', '4.000000001', ['internal', 'premium'], '0.600000000', '100.000000000', '104.600000001'],
      ['sales', '0.500000000', [], '0.000000000', '12.500000000', '13.000000000'],
    ]);
    expect(report.rows[0].otherCosts).toEqual([{ id, name: 'Vector database', category: 'vector_db', costUsd: 100, costUsdDecimal: '100.000000000' }]);
    expect(report.totals).toMatchObject({ costUsdDecimal: '4.500000001', markupUsdDecimal: '0.600000000', otherCostUsdDecimal: '112.500000000', billedUsdDecimal: '117.600000001' });

    const byTeam = (await call('GET', '/api/v1/reports/chargeback?month=2026-11&by=team', undefined, reader)).json();
    // $100 × 3 / 4.000000001 = 74.999999981…; the other part is the rest, so the two add up to $100.
    expect(byTeam.rows.map((r: Record<string, unknown>) => [r.team, r.otherCostUsdDecimal, r.billedUsdDecimal])).toEqual([
      ['web', '74.999999981', '78.599999981'],
      ['core', '25.000000019', '26.000000020'],
      ['crm', '12.500000000', '13.000000000'],
    ]);

    // By feature: crm's calls are the feature search, so its storage goes there too.
    const byFeature = (await call('GET', '/api/v1/reports/chargeback?month=2026-11&by=feature', undefined, reader)).json();
    expect(byFeature.rows.map((r: Record<string, unknown>) => [r.feature, r.costUsdDecimal, r.billedUsdDecimal])).toEqual([
      ['(unattributed)', '4.000000001', '104.600000001'],
      ['search', '0.500000000', '13.000000000'],
    ]);

    const csv = await call('GET', '/api/v1/reports/chargeback?month=2026-11&by=department&format=csv', undefined, reader);
    expect(csv.body.split('\r\n')).toEqual([
      'month,department,requests,input_tokens,output_tokens,total_tokens,cost_usd,share_pct,unknown_cost_requests,tiers,markup_usd,other_cost_usd,billed_usd',
      '2026-11,eng,2,2000,400,2400,4.000000001,88.89,0,internal;premium,0.600000000,100.000000000,104.600000001',
      '2026-11,sales,1,1000,200,1200,0.500000000,11.11,0,,0.000000000,12.500000000,13.000000000',
      '',
    ]);

    // Another project's bill is its own.
    const { key } = await t.ctx.store.createApiKey(projectId('acme'), 'read', null);
    const acme = (await t.app.inject({ url: '/api/v1/reports/chargeback?month=2026-11&by=department', headers: { authorization: `Bearer ${key}` } })).json();
    expect(acme.totals).toMatchObject({ costUsdDecimal: '9.000000000', billedUsdDecimal: '9.000000000' });

    // A replaced cost bills its new amount; a deleted one nothing. The month before fromMonth bills none.
    expect((await call('PUT', `/api/v1/chargeback/costs/${id}`, { ...VECTORS, pricing: { type: 'fixed', monthlyUsd: '8' } })).json()).toMatchObject({ id, pricing: { type: 'fixed', monthlyUsd: '8' } });
    const replaced = (await call('GET', '/api/v1/reports/chargeback?month=2026-11&by=department', undefined, reader)).json();
    // eng now bills $12.600000001, under sales' $13: the rows are ordered by the bill.
    expect(replaced.rows.map((r: Record<string, unknown>) => [r.department, r.otherCostUsdDecimal, r.billedUsdDecimal])).toEqual([
      ['sales', '12.500000000', '13.000000000'],
      ['eng', '8.000000000', '12.600000001'],
    ]);
    expect((await call('DELETE', `/api/v1/chargeback/costs/${id}`)).json()).toEqual({ deleted: id });
    const after = (await call('GET', '/api/v1/reports/chargeback?month=2026-11&by=department', undefined, reader)).json();
    expect(after.totals.otherCostUsdDecimal).toBe('12.500000000');
    const october = (await call('GET', '/api/v1/reports/chargeback?month=2026-10&by=department', undefined, reader)).json();
    expect(october.totals.billedUsdDecimal).toBe('0.000000000');
  });
});
