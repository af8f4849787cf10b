import { MODEL_CALL_KINDS } from '../../query/contract.ts';
import type { ProjectId, SpendQuery, SpendResult } from '../store.ts';
import type { DuckDb } from './db.ts';
import { APPLICATION_SPANS_SQL } from '../evaluation-scope.ts';
import { NANO_PER_USD } from '../../domain/money.ts';

// The budgets' start-up source: the known cost of one project's model calls per time bucket and
// (user, team, department). The sum stays DECIMAL(38, 9) in DuckDB and is scaled to integer
// nano-dollars there, so it reaches JavaScript as the exact digits of a bigint, never as a float.
// The judge's calls are not the application's spend (evaluation-scope.ts): left out.

const MODEL_CALLS_SQL = `kind IN (${MODEL_CALL_KINDS.map((k) => `'${k}'`).join(', ')})`;

export async function spendByAttribution(db: DuckDb, project: ProjectId, q: SpendQuery): Promise<SpendResult> {
  // Literal bounds rather than parameters, so that the planner prunes row groups by start_time.
  const fromUs = Math.trunc(q.fromMs) * 1000;
  const toUs = Math.trunc(q.toMs) * 1000;
  if (!Number.isSafeInteger(fromUs) || !Number.isSafeInteger(toUs)) throw new RangeError('spend range is not a valid time');
  if (!Number.isSafeInteger(q.limit) || q.limit < 1) throw new RangeError('spend limit must be a positive integer');
  const rows = await db.all(
    `SELECT epoch_ms(date_trunc('${q.bucket}', start_time)) AS b, user_id, team, department,
            CAST(CAST(sum(cost_usd) * ${NANO_PER_USD} AS HUGEINT) AS VARCHAR) AS cost_nano
       FROM spans
      WHERE project_id = $project AND start_time >= make_timestamp(${fromUs}) AND start_time < make_timestamp(${toUs}) AND ${MODEL_CALLS_SQL} AND ${APPLICATION_SPANS_SQL}
      GROUP BY ALL
      ORDER BY b ASC, sum(cost_usd) DESC NULLS LAST, user_id ASC NULLS LAST, team ASC NULLS LAST, department ASC NULLS LAST
      LIMIT ${q.limit + 1}`,
    { project },
  );
  const truncated = rows.length > q.limit;
  return {
    truncated,
    rows: (truncated ? rows.slice(0, q.limit) : rows).map((r) => ({
      bucketStartMs: Number(r.b),
      user: (r.user_id as string | null) ?? null,
      team: (r.team as string | null) ?? null,
      department: (r.department as string | null) ?? null,
      costNanoUsd: r.cost_nano === null || r.cost_nano === undefined ? null : BigInt(String(r.cost_nano)),
    })),
  };
}
