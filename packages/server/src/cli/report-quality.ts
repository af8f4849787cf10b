// `lookout report quality`: calls, error rate and the mean and count of each score per group,
// composed from the scores list (which names exist, how many of each) and the analytics API
// (score_avg and score_count per name, joined to the spans of each score's trace so that it
// groups by feature or model).
import type { Schemas } from '@lookout/client';
import { answer, CliError, type apiClient } from './http.ts';
import { formatCsv, formatTable, type ReportColumn, type ReportRow } from './report-format.ts';

type Api = ReturnType<typeof apiClient>;
type AnalyticsResult = Schemas['AnalyticsResult'];

// Score names reported at most, the most frequent first: each costs one analytics query.
export const MAX_SCORE_NAMES = 20;
// Scores read to learn which names the range has: pages of the newest-first list, bounded so a
// busy project costs a fixed number of requests. Past it, names are ranked on the newest ones.
export const SCORE_PAGE_SIZE = 1_000;
export const MAX_SCORES_SCANNED = 10_000;

// Groups a score mean is read for: the API's largest page, so that every group of the calls
// query (1,000 by default) finds its mean.
const MAX_GROUPS = 10_000;

export const SEND_SCORES_DOCS = 'docs/sdk.md#scores, or "score" items to POST /api/v1/ingest (docs/api.md)';

export interface QualityOptions {
  since: string;
  by: string;
  format: 'table' | 'csv' | 'json';
  score?: string;
}

export interface ScoreNameCount {
  name: string;
  count: number;
}

export interface ScoreScan {
  names: ScoreNameCount[]; // numeric and boolean scores only, the most frequent first
  scanned: number;
  complete: boolean; // false when the scan stopped at MAX_SCORES_SCANNED before the range's start
}

// Numeric and boolean scores (booleans carry 0/1) timestamped at or after `fromMs`, counted by
// name. Categorical scores have no mean and are left out.
export async function scanScoreNames(api: Api, fromMs: number): Promise<ScoreScan> {
  const counts = new Map<string, number>();
  let scanned = 0;
  for (let offset = 0; offset < MAX_SCORES_SCANNED; offset += SCORE_PAGE_SIZE) {
    const { scores } = await answer(api.GET('/api/v1/scores', { params: { query: { limit: SCORE_PAGE_SIZE, offset } } }));
    for (const s of scores) {
      if (s.timestampUs / 1000 < fromMs) return { names: ranked(counts), scanned, complete: true };
      scanned++;
      if (s.numericValue !== null) counts.set(s.name, (counts.get(s.name) ?? 0) + 1);
    }
    if (scores.length < SCORE_PAGE_SIZE) return { names: ranked(counts), scanned, complete: true };
  }
  return { names: ranked(counts), scanned, complete: false };
}

function ranked(counts: Map<string, number>): ScoreNameCount[] {
  return [...counts].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}

const groupKey = (v: unknown) => JSON.stringify(v ?? null);

export async function runQualityReport(api: Api, opts: QualityOptions, out: NodeJS.WritableStream): Promise<void> {
  // Each row is one group of one dimension; the score means are matched to it by that value.
  if (opts.by.includes(',')) throw new CliError(`--by '${opts.by}': the quality report groups by one dimension, e.g. feature, model, application or team`);
  const base = await answer(
    api.GET('/api/v1/analytics/query', { params: { query: { measures: 'requests,error_rate', groupBy: opts.by, orderBy: 'requests:desc', from: opts.since } } }),
  );
  const scan = await scanScoreNames(api, base.fromMs);
  const present = opts.score === undefined ? scan.names : scan.names.filter((n) => n.name === opts.score);
  const names = present.slice(0, MAX_SCORE_NAMES);

  const from = new Date(base.fromMs).toISOString().replace('.000Z', 'Z');
  const to = new Date(base.toMs).toISOString().replace('.000Z', 'Z');
  if (names.length === 0) {
    const what = opts.score === undefined ? 'no numeric or boolean scores' : `no numeric or boolean scores named '${opts.score}'`;
    const hint = `Send scores with the SDK or the ingest API: ${SEND_SCORES_DOCS}.`;
    if (opts.format === 'json') out.write(`${JSON.stringify({ fromMs: base.fromMs, toMs: base.toMs, by: opts.by, scores: [], rows: [], message: `${what} in this range` }, null, 2)}\n`);
    else out.write(`${what} from ${from} to ${to}. ${hint}\n`);
    return;
  }

  // One query per name: score_avg narrows to one name at a time. Each reads the calls query's
  // exact range, not `since` resolved again a moment later.
  const range = { from: new Date(base.fromMs).toISOString(), to: new Date(base.toMs).toISOString() };
  const perGroup = new Map<string, Map<string, { mean: number | null; count: number }>>();
  for (const { name } of names) {
    const result: AnalyticsResult = await answer(
      api.GET('/api/v1/analytics/query', { params: { query: { measures: 'score_avg,score_count', groupBy: opts.by, scoreName: name, ...range, limit: String(MAX_GROUPS) } } }),
    );
    perGroup.set(
      name,
      new Map(result.rows.map((r) => [groupKey(r[opts.by]), { mean: r.score_avg === null ? null : Number(r.score_avg), count: Number(r.score_count ?? 0) }])),
    );
  }

  const rows: ReportRow[] = base.rows.map((r) => {
    const row: ReportRow = { group: r[opts.by], calls: r.requests, error_rate: r.error_rate };
    for (const { name } of names) {
      const g = perGroup.get(name)?.get(groupKey(r[opts.by]));
      row[`score:${name}`] = g?.mean ?? null;
      row[`count:${name}`] = g?.count ?? 0;
    }
    return row;
  });
  const omitted = present.length - names.length;

  if (opts.format === 'json') {
    const report = { fromMs: base.fromMs, toMs: base.toMs, by: opts.by, scores: names, omittedScoreNames: omitted, scanComplete: scan.complete, rows, truncated: base.truncated };
    out.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const columns: ReportColumn[] = [
    { key: 'group', header: opts.by, format: 'text' },
    { key: 'calls', header: 'calls', format: 'count' },
    { key: 'error_rate', header: 'error_rate', format: 'fraction' },
    ...names.flatMap(({ name }) => [
      { key: `score:${name}`, header: name, format: 'score' as const },
      { key: `count:${name}`, header: `${name}_n`, format: 'count' as const },
    ]),
  ];
  if (opts.format === 'csv') {
    out.write(formatCsv(columns, rows));
    return;
  }
  out.write(`Quality by ${opts.by}, ${from} to ${to} (mean score per group and the number of scores it is over; booleans count as 0/1)\n`);
  out.write(formatTable(columns, rows));
  out.write(`scores in range: ${names.map((n) => `${n.name} ${n.count}`).join(', ')}\n`);
  if (omitted > 0) out.write(`(${omitted} more score names not shown: at most ${MAX_SCORE_NAMES}, the most frequent first; pick one with --score)\n`);
  if (!scan.complete) out.write(`(score names ranked on the newest ${scan.scanned} scores of the range)\n`);
  if (base.truncated) out.write(`(only the first ${base.rows.length} groups are shown)\n`);
}
