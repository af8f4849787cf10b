import type { Logger } from 'pino';
import { QUERY_LIMITS } from '../query/contract.ts';
import { projectId as toProjectId, type ProjectId, type SpendQuery, type SpendRow, type Store } from '../store/store.ts';
import { DAY_MS, dayIndex, HOUR_MS, MINUTE_MS, minuteIndex, monthIndex, monthStartMs, type Attribution3, type ProjectLedger, type SpendSeries } from './ledger.ts';
import type { Spend } from './spend.ts';

// Fills the spend from the store when the server starts (and, on a store several nodes share, at
// every refresh: shared-spend.ts): the known cost of model calls since the start of last month,
// per UTC day and (for the last hour) per minute, by user × team × department, for every
// project. The store sums the DECIMAL costs and hands over integer nano-dollars, so the rebuilt
// ledger equals what the live feed would have counted, to the nano.

// One store read: more groups than this in a range split the range in two.
const MAX_ROWS_PER_READ = QUERY_LIMITS.maxLimit;

export async function rebuildSpend(spend: Spend, store: Store, definedProjects: readonly string[], nowMs: number, logger: Logger): Promise<void> {
  const started = performance.now();
  spend.reset(nowMs);
  const projects = await projectsToRead(store, definedProjects);
  let rows = 0;
  for (const project of projects) rows += await readProjectSpend(spend.ledger(project), store, project, nowMs, logger);
  logger.info({ event: 'budgets_rebuilt', projects: projects.size, rows, ms: Math.round(performance.now() - started) }, 'budget spend rebuilt from the store');
}

// Every project the store knows and every project with budgets defined.
export async function projectsToRead(store: Store, definedProjects: Iterable<string>): Promise<Set<string>> {
  return new Set([...(await store.listProjects()).map((p) => p.id), ...definedProjects]);
}

// Fills an empty ledger with one project's spend in the store; returns the rows read.
export async function readProjectSpend(ledger: ProjectLedger, store: Store, project: string, nowMs: number, logger: Logger): Promise<number> {
  const fromMs = monthStartMs(monthIndex(nowMs) - 1);
  // Ingest accepts start times up to a day ahead.
  const toMs = (dayIndex(nowMs) + 2) * DAY_MS;
  const recentFromMs = minuteIndex(nowMs - HOUR_MS) * MINUTE_MS;
  // Day rows fill the day and month figures; minute rows the burn-rate window only.
  const days = await each(store, toProjectId(project), { bucket: 'day', fromMs, toMs, limit: MAX_ROWS_PER_READ }, logger, (rows) => {
    for (const r of rows) {
      if (r.costNanoUsd === null || r.costNanoUsd <= 0n) continue;
      const attr: Attribution3 = { user: r.user, team: r.team, department: r.department };
      for (const s of targets(ledger, attr)) s.addDay(r.bucketStartMs, r.costNanoUsd);
      if (attr.user !== null) ledger.rememberUser(attr.user, attr, r.bucketStartMs);
    }
  });
  const minutes = await each(store, toProjectId(project), { bucket: 'minute', fromMs: recentFromMs, toMs: nowMs + MINUTE_MS, limit: MAX_ROWS_PER_READ }, logger, (rows) => {
    for (const r of rows) {
      if (r.costNanoUsd === null || r.costNanoUsd <= 0n) continue;
      for (const s of targets(ledger, { user: r.user, team: r.team, department: r.department })) s.addMinute(r.bucketStartMs, r.costNanoUsd);
    }
  });
  return days + minutes;
}

// The project total and the series of the row's user, team and department (those within bounds).
function targets(ledger: ProjectLedger, attr: Attribution3): SpendSeries[] {
  const out: SpendSeries[] = [ledger.total];
  for (const dimension of ['team', 'department', 'user'] as const) {
    const id = attr[dimension];
    if (id === null) continue;
    const s = ledger.getOrCreate(dimension, id);
    if (s) out.push(s);
  }
  return out;
}

// Every row of the range, handed to `visit` one read at a time, oldest first: a range with more
// groups than one read returns is read in halves. Each read's rows are dropped once visited, so
// the rebuild holds at most one read (`q.limit` rows), not the whole range.
async function each(store: Store, project: ProjectId, q: SpendQuery, logger: Logger, visit: (rows: SpendRow[]) => void): Promise<number> {
  const result = await store.spendByAttribution(project, q);
  if (!result.truncated) {
    visit(result.rows);
    return result.rows.length;
  }
  const unitMs = q.bucket === 'day' ? DAY_MS : MINUTE_MS;
  const units = Math.floor((q.toMs - q.fromMs) / unitMs);
  if (units < 2) {
    logger.warn(
      { event: 'budgets_rebuild_truncated', project, bucket: q.bucket, fromMs: q.fromMs },
      `more than ${q.limit} user/team/department groups in one ${q.bucket}; budget spend of the rest is missing until it is ingested again`,
    );
    visit(result.rows);
    return result.rows.length;
  }
  const mid = q.fromMs + Math.floor(units / 2) * unitMs;
  // The halves are read again rather than split from this result, which is dropped first.
  const first = await each(store, project, { ...q, toMs: mid }, logger, visit);
  return first + (await each(store, project, { ...q, fromMs: mid }, logger, visit));
}
