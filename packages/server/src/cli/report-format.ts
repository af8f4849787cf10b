// How reports print: aligned tables for people, RFC 4180 CSV for spreadsheets.
import { csvLines } from '../query/formats.ts';

export type ValueFormat = 'text' | 'usd' | 'count' | 'tokens' | 'ms' | 'fraction' | 'percent' | 'ratio' | 'score';

export interface ReportColumn {
  key: string;
  header: string;
  format: ValueFormat;
}

export type ReportRow = Record<string, unknown>;

function thousands(n: number): string {
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.abs(Math.round(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

// One cell of a table. Money is $0.0000: four decimals show sub-cent calls without the noise
// of all nine stored ones (CSV and JSON carry every digit).
export function formatValue(value: unknown, format: ValueFormat): string {
  if (value === null || value === undefined) return format === 'text' ? '(none)' : '-';
  if (value === '') return '';
  if (format === 'text') return String(value);
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) return String(value);
  switch (format) {
    case 'usd':
      return `${n < 0 ? '-' : ''}$${Math.abs(n).toFixed(4)}`;
    case 'count':
    case 'tokens':
      return thousands(n);
    case 'ms':
      return `${n.toFixed(1)} ms`;
    case 'fraction':
      return `${(n * 100).toFixed(2)}%`;
    case 'percent':
      return `${n.toFixed(2)}%`;
    case 'ratio':
      return n.toFixed(2);
    case 'score':
      return n.toFixed(3);
  }
}

// Aligned columns, text to the left and numbers to the right, two spaces apart; a rule under the
// header, and another above `footer` rows (totals) when there are any.
export function formatTable(columns: ReportColumn[], rows: ReportRow[], footer: ReportRow[] = []): string {
  const cells = (r: ReportRow) => columns.map((c) => formatValue(r[c.key], c.format));
  const body = rows.map(cells);
  const foot = footer.map(cells);
  const widths = columns.map((c, i) => Math.max(c.header.length, ...body.map((r) => r[i].length), ...foot.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((cell, i) => (columns[i].format === 'text' ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const out = [line(columns.map((c) => c.header)), rule, ...body.map(line)];
  if (foot.length) out.push(rule, ...foot.map(line));
  if (rows.length === 0) out.push('(no data in this range)');
  return `${out.join('\n')}\n`;
}

// RFC 4180, values unformatted (full precision, no currency signs), empty for null.
export function formatCsv(columns: ReportColumn[], rows: ReportRow[]): string {
  return csvLines(
    columns.map((c) => c.header),
    rows.map((r) => columns.map((c) => r[c.key] ?? null)),
  );
}
