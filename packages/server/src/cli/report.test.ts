import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyAttribution } from '../domain/span.ts';
import { EVALUATION_FEATURE } from '../domain/quality.ts';
import { makeTestApp, type TestApp } from '../testing/app.ts';
import { makeScore, makeSpan } from '../testing/fixtures.ts';
import { CliError } from './http.ts';
import { MAX_SCORE_NAMES } from './report-quality.ts';
import { chargebackBills, chargebackColumns, formatCsv, formatTable, formatValue, runReport, type ReportColumn, type ReportOptions } from './report.ts';

const COLUMNS: ReportColumn[] = [
  { key: 'team', header: 'team', format: 'text' },
  { key: 'cost', header: 'cost', format: 'usd' },
  { key: 'requests', header: 'requests', format: 'count' },
  { key: 'p95', header: 'latency_p95', format: 'ms' },
  { key: 'err', header: 'error_rate', format: 'fraction' },
];

const ROWS = [
  { team: 'core', cost: 12.345678901, requests: 1234567, p95: 812.25, err: 0.0125 },
  { team: 'search, "beta"', cost: 0.00004, requests: 3, p95: null, err: 0 },
  { team: null, cost: 0, requests: 0, p95: 5, err: null },
];

describe('formatting', () => {
  it('formats values by unit', () => {
    expect(formatValue(12.345678901, 'usd')).toBe('$12.3457');
    expect(formatValue(0.00004, 'usd')).toBe('$0.0000');
    expect(formatValue(-1.5, 'usd')).toBe('-$1.5000');
    expect(formatValue(1234567, 'count')).toBe('1,234,567');
    expect(formatValue('98765', 'tokens')).toBe('98,765');
    expect(formatValue(812.25, 'ms')).toBe('812.3 ms');
    expect(formatValue(0.0125, 'fraction')).toBe('1.25%');
    expect(formatValue(91.67, 'percent')).toBe('91.67%');
    expect(formatValue(null, 'usd')).toBe('-');
    expect(formatValue(null, 'text')).toBe('(none)');
  });

  it('prints an aligned table: text left, numbers right, with a totals footer', () => {
    const table = formatTable(COLUMNS, ROWS, [{ team: 'TOTAL', cost: 12.345718901, requests: 1234570, p95: null, err: null }]);
    expect(table).toBe(
      [
        'team                cost   requests  latency_p95  error_rate',
        '--------------  --------  ---------  -----------  ----------',
        'core            $12.3457  1,234,567     812.3 ms       1.25%',
        'search, "beta"   $0.0000          3            -       0.00%',
        '(none)           $0.0000          0       5.0 ms           -',
        '--------------  --------  ---------  -----------  ----------',
        'TOTAL           $12.3457  1,234,570            -           -',
        '',
      ].join('\n'),
    );
    const widths = table.split('\n').slice(0, 5).map((l) => l.length);
    expect(new Set(widths).size).toBe(1);
  });

  it('says so when there are no rows', () => {
    expect(formatTable(COLUMNS, [])).toContain('(no data in this range)');
  });

  it('writes RFC 4180 CSV with raw values', () => {
    expect(formatCsv(COLUMNS, ROWS)).toBe(
      'team,cost,requests,latency_p95,error_rate\r\n' +
        'core,12.345678901,1234567,812.25,0.0125\r\n' +
        '"search, ""beta""",0.00004,3,,0\r\n' +
        ',0,0,5,\r\n',
    );
  });

  it('chargeback columns follow the grouping', () => {
    expect(chargebackColumns({ by: ['department', 'team'] }).map((c) => c.header)).toEqual([
      'department',
      'team',
      'requests',
      'input_tokens',
      'output_tokens',
      'total_tokens',
      'cost_usd',
      'share',
      'unknown_cost',
    ]);
  });

  it('chargeback shows markup, other costs and the bill only where the project bills them', () => {
    expect(chargebackBills([{ tiers: [], otherCosts: [] }])).toBe(false);
    expect(chargebackBills([{ tiers: [], otherCosts: [] }, { tiers: ['premium'], otherCosts: [] }])).toBe(true);
    expect(chargebackBills([{ tiers: [], otherCosts: [{ id: 'oc_1' }] }])).toBe(true);
    expect(chargebackColumns({ by: ['team'] }, true).map((c) => c.header).slice(-4)).toEqual(['unknown_cost', 'markup_usd', 'other_cost_usd', 'billed_usd']);
    expect(formatTable(chargebackColumns({ by: ['team'] }, true), [{ team: 'web', requests: 1, inputTokens: 1, outputTokens: 1, totalTokens: 2, costUsd: 10, sharePct: 100, unknownCostRequests: 0, markupUsd: 2, otherCostUsd: 300, billedUsd: 312 }])).toMatch(
      /\nweb\s+1\s+1\s+1\s+2\s+\$10\.0+\s+100\.00%\s+0\s+\$2\.0+\s+\$300\.0+\s+\$312\.0+/,
    );
  });
});

describe('runReport against a running server', () => {
  let t: TestApp;
  let url: string;

  beforeAll(async () => {
    t = await makeTestApp();
    const now = Date.now();
    const span = (team: string | null, costNano: number, durationMs: number) => {
      const startUs = (now - 3_600_000) * 1000;
      return makeSpan({
        startUs,
        endUs: startUs + durationMs * 1000,
        attribution: { ...emptyAttribution(), team, department: team === null ? null : 'eng' },
        cost: { status: 'priced', totalNanoUsd: costNano, byBucketNanoUsd: {}, priceRowId: 'test', catalogVersion: 'test' },
      });
    };
    // Lookout's own judge call: in none of the figures, named below the cost table.
    const judge = span('core', 7_000_000_000, 100);
    judge.attribution = { ...judge.attribution, feature: EVALUATION_FEATURE, application: 'lookout' };
    await t.ctx.store.write({ spans: [span('core', 1_500_000_000, 100), span('core', 500_000_000, 300), span('search', 250_000_000, 200), span(null, 10_000, 50), judge], scores: [], logs: [] });
    url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await t?.close();
  });

  async function report(kind: 'cost' | 'latency' | 'chargeback', over: Partial<ReportOptions> = {}): Promise<string> {
    let text = '';
    const out = new Writable({
      write(chunk, _enc, done) {
        text += String(chunk);
        done();
      },
    });
    await runReport(kind, { url, since: '7d', by: 'team', format: 'table', ...over }, out);
    return text;
  }

  it('cost as a table, largest first, with the total', async () => {
    const text = await report('cost');
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^Cost by team, \d{4}-\d\d-\d\dT.* to /);
    expect(lines[1]).toMatch(/^team\s+cost\s+requests\s+total_tokens\s+cost_per_request\s+usd_per_mtok\s+unknown_cost_requests$/);
    expect(lines[3]).toMatch(/^core\s+\$2\.0000\s+2\s+2,400\s+\$1\.0000\s+\$833\.3333\s+0$/);
    expect(lines[4]).toMatch(/^search\s+\$0\.2500\s+1 /);
    expect(lines[5]).toMatch(/^\(none\)\s+\$0\.0000\s+1 /);
    expect(lines[7]).toMatch(/^TOTAL\s+\$2\.2500\s+4\s+4,800 /);
    expect(lines[8]).toBe("Lookout's own judge spend (feature lookout.evaluation), not in the figures above: $7.0000 in 1 call");
  });

  it('cost as CSV and JSON', async () => {
    const csv = await report('cost', { format: 'csv' });
    expect(csv.split('\r\n')[0]).toBe('team,cost,requests,total_tokens,cost_per_request,usd_per_mtok,unknown_cost_requests');
    expect(csv.split('\r\n')[1]).toBe('core,2,2,2400,1,833.333333333,0');
    expect(csv.split('\r\n')[3]).toBe(',0.00001,1,1200,0.00001,0.008333333,0');
    const json = JSON.parse(await report('cost', { format: 'json' }));
    expect(json.rows[0]).toEqual({ team: 'core', cost: 2, requests: 2, total_tokens: 2400, cost_per_request: 1, usd_per_mtok: 833.333333333, unknown_cost_requests: 0 });
  });

  it('latency percentiles by team', async () => {
    const text = await report('latency', { by: 'team' });
    expect(text).toMatch(/\ncore\s+2\s+200\.0 ms\s+200\.0 ms\s+290\.0 ms\s+298\.0 ms\s+-\s+0\.00%\n/);
  });

  it('chargeback as CSV (from the server) and as a table', async () => {
    const month = new Date().toISOString().slice(0, 7);
    const csv = await report('chargeback', { format: 'csv', by: 'department,team' });
    expect(csv.split('\r\n').slice(0, 2)).toEqual([
      'month,department,team,requests,input_tokens,output_tokens,total_tokens,cost_usd,share_pct,unknown_cost_requests',
      `${month},eng,core,2,2000,400,2400,2.000000000,88.89,0`,
    ]);
    const table = await report('chargeback', { by: 'team', month });
    expect(table).toContain(`Chargeback ${month} by team (USD)`);
    expect(table).toMatch(/\n\(unattributed\)\s+1\s+1,000\s+200\s+1,200\s+\$0\.0000\s+0\.00%\s+0\n/);
    expect(table).toMatch(/\nTOTAL\s+4\s+4,000\s+800\s+4,800\s+\$2\.2500\s+100\.00%\s+0\n/);
  });

  it('--since takes the time grammar: a compound duration, epoch seconds; a date-time needs an offset', async () => {
    const json = (text: string) => JSON.parse(text).rows.reduce((n: number, r: { requests: number }) => n + r.requests, 0);
    // The route took one unit only ('24h', not '1h30m').
    expect(json(await report('cost', { since: '2d12h', format: 'json' }))).toBe(4);
    expect(json(await report('cost', { since: String(Math.floor((Date.now() - 7 * 86_400_000) / 1000)), format: 'json' }))).toBe(4);
    const local = await report('cost', { since: '2026-11-01T10:00:00' }).catch((e: unknown) => e);
    expect((local as Error).message).toContain("from: '2026-11-01T10:00:00' has no offset: add Z for UTC");
  });

  it('a bad parameter comes back as a CLI error naming it', async () => {
    const err = await report('cost', { by: 'colour' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as Error).message).toContain("groupBy: 'colour' is not a dimension");
    const month = await report('chargeback', { month: '2026-13' }).catch((e: unknown) => e);
    expect((month as Error).message).toContain('month:');
  });
});

describe('report quality against a running server', () => {
  let t: TestApp;
  let url: string;

  // chat (model gpt-a): two calls, one failed; helpfulness 0.5 and 1, correct true and false.
  // search (model gpt-b): two calls; helpfulness 0.25 on one, a categorical score (no mean), and
  // a month-old score outside the range.
  beforeAll(async () => {
    t = await makeTestApp();
    const now = Date.now();
    const startUs = (now - 3_600_000) * 1000;
    const call = (traceId: string, feature: string, model: string, failed = false) =>
      makeSpan({
        traceId,
        startUs,
        requestModel: model,
        attribution: { ...emptyAttribution(), feature },
        ...(failed ? { status: 'error' as const, errorClass: 'server' as const } : {}),
      });
    // Scored an hour ago, like the calls, so a 10-minute range has neither.
    const score = (traceId: string, name: string, value: number | boolean | string, hoursAgo = 1) =>
      makeScore({
        traceId,
        name,
        dataType: typeof value === 'number' ? 'numeric' : typeof value === 'boolean' ? 'boolean' : 'categorical',
        numericValue: typeof value === 'number' ? value : typeof value === 'boolean' ? Number(value) : null,
        stringValue: typeof value === 'number' ? null : String(value),
        timestampUs: (now - hoursAgo * 3_600_000) * 1000,
      });
    await t.ctx.store.write({
      spans: [call('t1', 'chat', 'gpt-a'), call('t2', 'chat', 'gpt-a', true), call('t3', 'search', 'gpt-b'), call('t4', 'search', 'gpt-b')],
      scores: [
        score('t1', 'helpfulness', 0.5),
        score('t1', 'correct', true),
        score('t2', 'helpfulness', 1),
        score('t2', 'correct', false),
        score('t3', 'helpfulness', 0.25),
        score('t3', 'tone', 'friendly'),
        score('t4', 'stale', 0.1, 30 * 24),
      ],
      logs: [],
    });
    url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await t?.close();
  });

  async function quality(over: Partial<ReportOptions> = {}, target = url): Promise<string> {
    let text = '';
    const out = new Writable({
      write(chunk, _enc, done) {
        text += String(chunk);
        done();
      },
    });
    await runReport('quality', { url: target, since: '7d', by: 'feature', format: 'table', ...over }, out);
    return text;
  }

  it('by feature: calls, error rate and each score mean and count, the most frequent score first', async () => {
    const lines = (await quality()).split('\n');
    expect(lines[0]).toMatch(/^Quality by feature, \d{4}-\d\d-\d\dT.* to /);
    expect(lines[1]).toMatch(/^feature\s+calls\s+error_rate\s+helpfulness\s+helpfulness_n\s+correct\s+correct_n$/);
    // chat: helpfulness (0.5 + 1) / 2 over 2, correct (1 + 0) / 2 over 2; search: 0.25 over 1, no correct score.
    expect(lines[3]).toMatch(/^chat\s+2\s+50\.00%\s+0\.750\s+2\s+0\.500\s+2$/);
    expect(lines[4]).toMatch(/^search\s+2\s+0\.00%\s+0\.250\s+1\s+-\s+0$/);
    expect(lines[5]).toBe('scores in range: helpfulness 3, correct 2');
  });

  it('by model as CSV and JSON', async () => {
    const csv = (await quality({ by: 'model', format: 'csv' })).split('\r\n');
    expect(csv.slice(0, 3)).toEqual(['model,calls,error_rate,helpfulness,helpfulness_n,correct,correct_n', 'gpt-a,2,0.5,0.75,2,0.5,2', 'gpt-b,2,0,0.25,1,,0']);
    const json = JSON.parse(await quality({ by: 'model', format: 'json' }));
    expect(json.scores).toEqual([
      { name: 'helpfulness', count: 3 },
      { name: 'correct', count: 2 },
    ]);
    expect(json.rows[0]).toEqual({ group: 'gpt-a', calls: 2, error_rate: 0.5, 'score:helpfulness': 0.75, 'count:helpfulness': 2, 'score:correct': 0.5, 'count:correct': 2 });
    expect(json.rows[1]).toMatchObject({ group: 'gpt-b', 'score:correct': null, 'count:correct': 0 });
  });

  it('--score narrows the report to one score name', async () => {
    const lines = (await quality({ score: 'correct' })).split('\n');
    expect(lines[1]).toMatch(/^feature\s+calls\s+error_rate\s+correct\s+correct_n$/);
    expect(lines[3]).toMatch(/^chat\s+2\s+50\.00%\s+0\.500\s+2$/);
    expect(lines[5]).toBe('scores in range: correct 2');
  });

  it('says so when the range has no scores, with where to learn to send them', async () => {
    expect(await quality({ since: '10m' })).toMatch(/^no numeric or boolean scores from .* to .*\. Send scores with the SDK or the ingest API: docs\/sdk\.md#scores/);
    expect(await quality({ score: 'tone' })).toMatch(/^no numeric or boolean scores named 'tone' from /);
    expect(JSON.parse(await quality({ since: '10m', format: 'json' })).rows).toEqual([]);
  });

  it('reports at most MAX_SCORE_NAMES score names, the most frequent, and says how many more exist', async () => {
    const other = await makeTestApp();
    try {
      const span = makeSpan({ traceId: 'many', attribution: { ...emptyAttribution(), feature: 'chat' } });
      // 'common' twice, then 22 names once each: 23 names, so 3 are left out.
      const names = Array.from({ length: 22 }, (_, i) => `n${String(i).padStart(2, '0')}`);
      const scores = ['common', 'common', ...names].map((name) => makeScore({ traceId: 'many', name, numericValue: 1 }));
      await other.ctx.store.write({ spans: [span], scores, logs: [] });
      const lines = (await quality({}, await other.app.listen({ port: 0, host: '127.0.0.1' }))).split('\n');
      const headers = lines[1].split(/\s+/).slice(3).filter((h) => !h.endsWith('_n'));
      expect(headers).toHaveLength(MAX_SCORE_NAMES);
      expect(headers.slice(0, 2)).toEqual(['common', 'n00']);
      expect(lines).toContain(`(3 more score names not shown: at most ${MAX_SCORE_NAMES}, the most frequent first; pick one with --score)`);
    } finally {
      await other.close();
    }
  });

  it('a bad --by is a CLI error naming it', async () => {
    const err = await quality({ by: 'colour' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as Error).message).toContain("groupBy: 'colour' is not a dimension");
    const two = await quality({ by: 'feature,model' }).catch((e: unknown) => e);
    expect((two as Error).message).toContain("--by 'feature,model': the quality report groups by one dimension");
  });
});
