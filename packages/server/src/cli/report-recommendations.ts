// `lookout report recommendations`: what to change to spend less, from GET /api/v1/recommendations
// of a running server — a table largest saving first with each one's formula, CSV, or the API's JSON.
import { answer, type apiClient } from './http.ts';
import { formatCsv, formatTable, type ReportColumn } from './report-format.ts';

type Api = ReturnType<typeof apiClient>;

export interface RecommendationsOptions {
  since: string;
  format: 'table' | 'csv' | 'json';
}

export const RECOMMENDATION_COLUMNS: ReportColumn[] = [
  { key: 'monthlySavingsUsd', header: 'monthly_usd', format: 'usd' },
  { key: 'weeklySavingsUsd', header: 'weekly_usd', format: 'usd' },
  { key: 'annualSavingsUsd', header: 'annual_usd', format: 'usd' },
  { key: 'confidence', header: 'confidence', format: 'text' },
  { key: 'kind', header: 'kind', format: 'text' },
  { key: 'title', header: 'recommendation', format: 'text' },
];

export async function runRecommendationsReport(api: Api, opts: RecommendationsOptions, out: NodeJS.WritableStream): Promise<void> {
  const body = await answer(api.GET('/api/v1/recommendations', { params: { query: { from: opts.since } } }));
  if (opts.format === 'json') {
    out.write(`${JSON.stringify(body, null, 2)}\n`);
    return;
  }
  if (opts.format === 'csv') {
    out.write(formatCsv(RECOMMENDATION_COLUMNS, body.recommendations));
    return;
  }
  const from = new Date(body.fromMs).toISOString().replace('.000Z', 'Z');
  const to = new Date(body.toMs).toISOString().replace('.000Z', 'Z');
  out.write(`Recommendations, ${from} to ${to} (USD; weekly = monthly × 7/30, annual = monthly × 365/30)\n`);
  if (body.recommendations.length === 0) {
    out.write('Nothing to recommend in this range.\n');
    return;
  }
  const totals = { ...body.totals, confidence: '', kind: '', title: 'TOTAL (kinds may overlap)' };
  out.write(formatTable(RECOMMENDATION_COLUMNS, body.recommendations, [totals]));
  out.write('\n');
  body.recommendations.forEach((r, i) => {
    out.write(`${i + 1}. ${r.title}\n   ${r.formula}\n   confidence ${r.confidence}: ${r.confidenceReason}\n`);
    if (r.applied) out.write(`   applied since ${r.applied.since.slice(0, 10)}: realised $${r.applied.realisedMonthlySavingsUsdDecimal}/month against $${r.applied.estimatedMonthlySavingsUsdDecimal} estimated\n`);
    if (r.evidence.sampleTraceIds.length) out.write(`   traces: ${r.evidence.sampleTraceIds.slice(0, 3).join(', ')}\n`);
  });
}
