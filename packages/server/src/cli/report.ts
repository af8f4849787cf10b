// G3: `lookout report cost|latency|chargeback|quality` — reads the analytics API of a running server and
// prints an aligned table, CSV (RFC 4180) or the API's JSON.
import type { Query, Schemas } from '@lookout/client';
import { formatCsv, formatTable, formatValue, type ReportColumn, type ReportRow, type ValueFormat } from './report-format.ts';
import { EVALUATION_FEATURE } from '../domain/quality.ts';
import { answer, apiClient, type ApiTarget } from './http.ts';
import { runQualityReport } from './report-quality.ts';
import { runRecommendationsReport } from './report-recommendations.ts';
import { runCompareReport } from './report-compare.ts';

export { formatCsv, formatTable, formatValue, type ReportColumn, type ReportRow, type ValueFormat } from './report-format.ts';

export type ReportKind = 'cost' | 'latency' | 'chargeback' | 'quality' | 'recommendations' | 'compare';
export type ReportFormat = 'table' | 'csv' | 'json';

export interface ReportOptions {
  url: string;
  key?: string;
  since: string;
  by: string;
  format: ReportFormat;
  month?: string;
  score?: string; // quality: only this score name
  feature?: string; // compare: only this feature's calls
  values?: string; // compare: the groups, comma-separated, the baseline first
  baseline?: string; // compare: the group the others are tested against
  prompt?: string; // compare: only this prompt's calls
  to?: string; // compare: the range's end (default now)
  limit?: string; // compare: without values, how many groups
  lowerIsBetter?: string; // compare: score names whose lower values are better
  higherIsBetter?: string; // compare: score names whose higher values are better
}

const COST_MEASURES = ['cost', 'requests', 'total_tokens', 'cost_per_request', 'usd_per_mtok', 'unknown_cost_requests'];
const LATENCY_MEASURES = ['requests', 'latency_avg', 'latency_p50', 'latency_p95', 'latency_p99', 'ttft_p50', 'error_rate'];

type AnalyticsResult = Schemas['AnalyticsResult'];
type AnalyticsQuery = Query<'/api/v1/analytics/query'>;

const FORMAT_OF_UNIT: Record<NonNullable<Schemas['AnalyticsColumn']['unit']>, ValueFormat> = {
  usd: 'usd',
  usd_per_mtok: 'usd',
  count: 'count',
  tokens: 'tokens',
  tokens_per_usd: 'tokens',
  tokens_per_second: 'ratio',
  ms: 'ms',
  fraction: 'fraction',
  ratio: 'ratio',
  score: 'score',
};

export function analyticsColumns(result: AnalyticsResult): ReportColumn[] {
  return result.columns.map((c) => ({
    key: c.name,
    header: c.name,
    format: c.kind === 'measure' && c.unit ? FORMAT_OF_UNIT[c.unit] : 'text',
  }));
}

// A project that bills markups or other costs gets their columns; one that bills at cost keeps
// the table it always had (as the CSV does).
export function chargebackBills(rows: readonly object[]): boolean {
  const listed = (r: object, k: 'tiers' | 'otherCosts') => k in r && Array.isArray((r as Record<string, unknown>)[k]) && ((r as Record<string, unknown[]>)[k]).length > 0;
  return rows.some((r) => listed(r, 'tiers') || listed(r, 'otherCosts'));
}

export function chargebackColumns(report: Pick<Schemas['ChargebackReport'], 'by'>, bills = false): ReportColumn[] {
  return [
    ...report.by.map((d) => ({ key: d, header: d, format: 'text' as const })),
    { key: 'requests', header: 'requests', format: 'count' },
    { key: 'inputTokens', header: 'input_tokens', format: 'tokens' },
    { key: 'outputTokens', header: 'output_tokens', format: 'tokens' },
    { key: 'totalTokens', header: 'total_tokens', format: 'tokens' },
    { key: 'costUsd', header: 'cost_usd', format: 'usd' },
    { key: 'sharePct', header: 'share', format: 'percent' },
    { key: 'unknownCostRequests', header: 'unknown_cost', format: 'count' },
    ...(bills
      ? ([
          { key: 'markupUsd', header: 'markup_usd', format: 'usd' },
          { key: 'otherCostUsd', header: 'other_cost_usd', format: 'usd' },
          { key: 'billedUsd', header: 'billed_usd', format: 'usd' },
        ] as const)
      : []),
  ];
}

function analyticsQuery(measures: string[], opts: ReportOptions, orderBy: string, grouped: boolean): AnalyticsQuery {
  const query: AnalyticsQuery = { measures: measures.join(','), from: opts.since };
  return grouped ? { ...query, groupBy: opts.by, orderBy } : query;
}

export async function runReport(kind: ReportKind, opts: ReportOptions, out: NodeJS.WritableStream): Promise<void> {
  const target: ApiTarget = { url: opts.url, key: opts.key };
  const api = apiClient(target);
  if (kind === 'quality') {
    await runQualityReport(api, opts, out);
    return;
  }
  if (kind === 'recommendations') {
    await runRecommendationsReport(api, opts, out);
    return;
  }
  if (kind === 'compare') {
    await runCompareReport(api, opts, out);
    return;
  }
  if (kind === 'chargeback') {
    const query = { by: opts.by, format: opts.format === 'csv' ? ('csv' as const) : ('json' as const), ...(opts.month ? { month: opts.month } : {}) };
    if (opts.format === 'csv') {
      out.write(await answer(api.GET('/api/v1/reports/chargeback', { params: { query }, headers: { accept: 'text/csv' }, parseAs: 'text' })));
      return;
    }
    // Asked for format=json: the answer is the JSON report, not the CSV form the route also has.
    const report = (await answer(api.GET('/api/v1/reports/chargeback', { params: { query } }))) as Schemas['ChargebackReport'];
    if (opts.format === 'json') {
      out.write(`${JSON.stringify(report, null, 2)}\n`);
      return;
    }
    const totals: ReportRow = { ...report.totals, sharePct: report.rows.length ? 100 : 0 };
    if (report.by.length) totals[report.by[0]] = 'TOTAL';
    for (const d of report.by.slice(1)) totals[d] = '';
    out.write(`Chargeback ${report.month} by ${report.by.join(', ')} (USD)\n`);
    out.write(formatTable(chargebackColumns(report, chargebackBills(report.rows)), report.rows, [totals]));
    return;
  }

  const measures = kind === 'cost' ? COST_MEASURES : LATENCY_MEASURES;
  const orderBy = kind === 'cost' ? 'cost:desc' : 'requests:desc';
  const result = await answer(api.GET('/api/v1/analytics/query', { params: { query: analyticsQuery(measures, opts, orderBy, true) } }));
  if (opts.format === 'json') {
    out.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const columns = analyticsColumns(result);
  if (opts.format === 'csv') {
    out.write(formatCsv(columns, result.rows));
    return;
  }
  // The total comes from the server (one ungrouped query), not from adding rounded rows here;
  // grouped by tag, rows overlap and would not add up anyway.
  const total = await answer(api.GET('/api/v1/analytics/query', { params: { query: analyticsQuery(measures, opts, orderBy, false) } }));
  const footer = total.rows.map((r) => {
    const row: ReportRow = { ...r };
    columns.forEach((c, i) => {
      if (c.format === 'text') row[c.key] = i === 0 ? 'TOTAL' : '';
    });
    return row;
  });
  const from = new Date(result.fromMs).toISOString().replace('.000Z', 'Z');
  const to = new Date(result.toMs).toISOString().replace('.000Z', 'Z');
  out.write(`${kind === 'cost' ? 'Cost' : 'Latency'} by ${opts.by}, ${from} to ${to}\n`);
  out.write(formatTable(columns, result.rows, footer));
  if (result.truncated) out.write(`(only the first ${result.rows.length} rows are shown)\n`);
  if (kind === 'cost') await writeJudgeSpend(api, opts, out);
}

// Lookout's own judge calls are never in the application's figures; the table says what they cost.
async function writeJudgeSpend(api: ReturnType<typeof apiClient>, opts: ReportOptions, out: NodeJS.WritableStream): Promise<void> {
  const query: AnalyticsQuery = { measures: 'cost,requests', from: opts.since, filter: `feature:${EVALUATION_FEATURE}` };
  const [row] = (await answer(api.GET('/api/v1/analytics/query', { params: { query } }))).rows;
  if (!row || !Number(row.requests)) return;
  out.write(`Lookout's own judge spend (feature ${EVALUATION_FEATURE}), not in the figures above: ${formatValue(row.cost, 'usd')} in ${formatValue(row.requests, 'count')} ${Number(row.requests) === 1 ? 'call' : 'calls'}\n`);
}
