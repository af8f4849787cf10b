// `lookout report compare`: groups of a feature's calls (prompt versions, variants, models) side by
// side, from GET /api/v1/experiments/compare of a running server — a table with each figure's 95%
// interval and, under it, the difference from the baseline with its Holm-adjusted p-value and
// verdict; CSV (one row per group and metric); or the API's JSON.
import type { Schemas } from '@lookout/client';
import { answer, CliError, type apiClient } from './http.ts';
import { formatCsv, formatTable, type ReportColumn } from './report-format.ts';

type Api = ReturnType<typeof apiClient>;
type Comparison = Schemas['Comparison'];
type Spec = Comparison['metrics'][number];
type Cell = Comparison['groups'][number]['metrics'][number];

export interface CompareOptions {
  url: string;
  since: string;
  to?: string;
  by: string;
  feature?: string;
  prompt?: string;
  values?: string;
  baseline?: string;
  limit?: string;
  lowerIsBetter?: string;
  higherIsBetter?: string;
  format: 'table' | 'csv' | 'json';
}

const VERDICT_TEXT: Record<string, string> = {
  better: 'better',
  worse: 'worse',
  higher: 'higher',
  lower: 'lower',
  no_significant_difference: 'no significant difference',
  insufficient_data: 'too few values to test',
};

const CHOSEN_BY_TEXT: Record<Comparison['baseline']['chosenBy'], string> = {
  baseline_parameter: 'as asked',
  first_value: 'the first value',
  earliest_first_call: 'the group whose first call came first',
};

// A figure in its metric's unit: per-call costs need more digits than a bill.
export function formatFigure(value: number | null | undefined, unit: Spec['unit']): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  switch (unit) {
    case 'usd':
      return `$${value.toFixed(6)}`;
    case 'tokens':
      return value.toFixed(1);
    case 'ms':
      return `${value.toFixed(0)} ms`;
    case 'ratio':
      return `${(value * 100).toFixed(2)}%`;
    case 'score':
      return value.toFixed(3);
  }
}

function valueText(cell: Cell, spec: Spec): string {
  const v = formatFigure(cell.value, spec.unit);
  if (!cell.interval) return v;
  return `${v} [${formatFigure(cell.interval.low, spec.unit)}, ${formatFigure(cell.interval.high, spec.unit)}]${cell.lowSample ? ' !' : ''}`;
}

export function formatP(p: number): string {
  return p < 0.001 ? 'p<0.001' : `p=${p.toFixed(3)}`;
}

function comparisonText(cell: Cell): string {
  const c = cell.comparison;
  if (!c) return '';
  if (c.verdict === 'insufficient_data') return VERDICT_TEXT.insufficient_data;
  const change = c.relativeDifference === null ? '' : `${c.relativeDifference >= 0 ? '+' : ''}${(c.relativeDifference * 100).toFixed(1)}% `;
  return `${change}${formatP(c.adjustedPValue)} ${VERDICT_TEXT[c.verdict]}`;
}

export const COMPARE_CSV_COLUMNS: ReportColumn[] = [
  { key: 'group', header: 'group', format: 'text' },
  { key: 'baseline', header: 'baseline', format: 'text' },
  { key: 'metric', header: 'metric', format: 'text' },
  { key: 'n', header: 'n', format: 'text' },
  { key: 'value', header: 'value', format: 'text' },
  { key: 'low', header: 'ci_low', format: 'text' },
  { key: 'high', header: 'ci_high', format: 'text' },
  { key: 'test', header: 'test', format: 'text' },
  { key: 'pValue', header: 'p_value', format: 'text' },
  { key: 'adjustedPValue', header: 'adjusted_p_value', format: 'text' },
  { key: 'difference', header: 'difference', format: 'text' },
  { key: 'relativeDifference', header: 'relative_difference', format: 'text' },
  { key: 'verdict', header: 'verdict', format: 'text' },
  { key: 'warning', header: 'warning', format: 'text' },
];

// Numbers stay numbers: a CSV field that is text starting with '-' is guarded as a formula.
const raw = (v: number | null | undefined) => (v === null || v === undefined ? null : v);

export async function runCompareReport(api: Api, opts: CompareOptions, out: NodeJS.WritableStream): Promise<void> {
  const query: Record<string, string> = {
    by: opts.by,
    from: opts.since,
    ...(opts.to ? { to: opts.to } : {}),
    ...(opts.feature ? { feature: opts.feature } : {}),
    ...(opts.prompt ? { prompt: opts.prompt } : {}),
    ...(opts.values ? { values: opts.values } : {}),
    ...(opts.baseline ? { baseline: opts.baseline } : {}),
    ...(opts.limit ? { limit: opts.limit } : {}),
    ...(opts.lowerIsBetter ? { lowerIsBetter: opts.lowerIsBetter } : {}),
    ...(opts.higherIsBetter ? { higherIsBetter: opts.higherIsBetter } : {}),
  };
  // The answer's fields added since the client was generated are read as optional.
  const body = (await answer(api.GET('/api/v1/experiments/compare', { params: { query: query as { by: string } } }))) as Comparison & { prompt?: string | null; warnings?: string[] };
  if (opts.format === 'json') {
    out.write(`${JSON.stringify(body, null, 2)}\n`);
    return;
  }
  if (opts.format === 'csv') {
    const rows = body.groups.flatMap((g) =>
      g.metrics.map((cell, i) => ({
        group: g.value,
        baseline: g.baseline ? 'yes' : '',
        metric: body.metrics[i].metric,
        n: cell.n,
        value: raw(cell.value),
        low: raw(cell.interval?.low),
        high: raw(cell.interval?.high),
        test: cell.comparison?.test ?? '',
        pValue: raw(cell.comparison?.pValue),
        adjustedPValue: raw(cell.comparison?.adjustedPValue),
        difference: raw(cell.comparison?.difference),
        relativeDifference: raw(cell.comparison?.relativeDifference),
        verdict: cell.comparison?.verdict ?? '',
        warning: cell.warning ?? '',
      })),
    );
    out.write(formatCsv(COMPARE_CSV_COLUMNS, rows));
    return;
  }

  const from = new Date(body.fromMs).toISOString().replace('.000Z', 'Z');
  const to = new Date(body.toMs).toISOString().replace('.000Z', 'Z');
  const scope = `${body.feature === null ? 'every feature' : `feature ${body.feature}`}${body.prompt ? `, prompt ${body.prompt}` : ''}`;
  out.write(`Compare ${body.by} for ${scope}, ${from} to ${to}\n`);
  for (const w of body.warnings ?? []) out.write(`Warning: ${w}\n`);
  if (body.groups.length === 0) {
    out.write('No calls with a value of this dimension in this range.\n');
    return;
  }
  if (body.groups.length === 1) {
    throw new CliError(`only '${body.groups[0].value}' has calls in this range: nothing to compare it with`);
  }
  const baselineText =
    body.baseline.value === null
      ? `No baseline: the baseline asked for has no calls in this range, so nothing is tested.`
      : `Baseline ${body.baseline.value} (${CHOSEN_BY_TEXT[body.baseline.chosenBy]}).`;
  out.write(
    `${baselineText} ${body.confidenceLevel * 100}% intervals in brackets; ` +
      `under each figure its change from the baseline, the p-value adjusted over the whole table (Holm), and the verdict at ${body.significanceLevel} ` +
      `(higher or lower for a score whose better direction is not known: name it in --lower-is-better or --higher-is-better). ! marks a figure on too few calls.\n`,
  );
  const baseline = body.groups.find((g) => g.baseline)?.value ?? '';
  const columns: ReportColumn[] = [
    { key: 'metric', header: 'metric', format: 'text' },
    ...body.groups.map((g, i) => ({ key: `g${i}`, header: g.baseline ? `${g.value} (baseline)` : g.value, format: 'text' as const })),
  ];
  const rows: Record<string, string>[] = [{ metric: 'calls', ...Object.fromEntries(body.groups.map((g, i) => [`g${i}`, String(g.calls)])) }];
  body.metrics.forEach((spec, m) => {
    rows.push({ metric: spec.label, ...Object.fromEntries(body.groups.map((g, i) => [`g${i}`, valueText(g.metrics[m], spec)])) });
    if (body.baseline.value !== null) rows.push({ metric: `  vs ${baseline}`, ...Object.fromEntries(body.groups.map((g, i) => [`g${i}`, comparisonText(g.metrics[m])])) });
  });
  out.write(formatTable(columns, rows));
  const warnings = body.groups.flatMap((g) => g.warnings);
  if (warnings.length) out.write(`\nToo few calls:\n${warnings.map((w) => `  ${w}`).join('\n')}\n`);
  out.write('\nThe calls behind each group:\n');
  for (const g of body.groups) out.write(`  ${g.value}: ${opts.url}/traces?${new URLSearchParams(g.traces)}\n`);
}
