import { UNATTRIBUTED, type ChargebackReport } from './contract.ts';

// CSV (RFC 4180): CRLF line ends; a field with a comma, quote, CR or LF is quoted and its quotes
// doubled. A text field that a spreadsheet would run as a formula (= + - @ at the start) gets a
// leading apostrophe, so that a team named "=HYPERLINK(...)" stays text.

export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLines(header: string[], rows: unknown[][]): string {
  let out = header.map(csvField).join(',') + '\r\n';
  for (const r of rows) out += r.map(csvField).join(',') + '\r\n';
  return out;
}

// The chargeback report as a spreadsheet: one row per group, the exact decimal cost, groups
// without the attribute named as in the JSON report. A project that bills markups or other costs
// gets their columns too; one that bills at cost keeps the columns it always had.
export function chargebackToCsv(report: ChargebackReport): string {
  const billing = report.rows.some((r) => r.tiers.length > 0 || r.otherCosts.length > 0);
  const header = ['month', ...report.by, 'requests', 'input_tokens', 'output_tokens', 'total_tokens', 'cost_usd', 'share_pct', 'unknown_cost_requests'];
  if (billing) header.push('tiers', 'markup_usd', 'other_cost_usd', 'billed_usd');
  const rows = report.rows.map((r) => [
    report.month,
    ...report.by.map((d) => r[d] ?? UNATTRIBUTED),
    r.requests,
    r.inputTokens,
    r.outputTokens,
    r.totalTokens,
    r.costUsdDecimal,
    r.sharePct.toFixed(2),
    r.unknownCostRequests,
    ...(billing ? [r.tiers.join(';'), r.markupUsdDecimal, r.otherCostUsdDecimal, r.billedUsdDecimal] : []),
  ]);
  return csvLines(header, rows);
}
