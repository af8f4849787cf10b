// B6: `lookout budgets list|set|remove|check|tier` — the budgets API of a running server.
import type { Body, Schemas } from '@lookout/client';
import { answer, apiClient, CliError, type ApiTarget } from './http.ts';
import { formatTable, type ReportColumn, type ReportRow } from './report.ts';

export interface BudgetsCliOptions extends ApiTarget {
  format: 'table' | 'json';
}

type BudgetInput = Body<'/api/v1/budgets'>;
type Budget = Schemas['Budget'];
type StatusView = Schemas['BudgetStatusEntry'];
type Tier = Body<'/api/v1/budgets/tiers/{user}', 'put'>['tier'];

export interface SetBudgetOptions {
  id?: string;
  name?: string;
  scope: BudgetInput['scope'];
  subject?: string;
  period: BudgetInput['period'];
  limit: string;
  warn?: string;
  enforce?: BudgetInput['enforce'];
}

type Write = (text: string) => void;

const STATUS_COLUMNS: ReportColumn[] = [
  { key: 'id', header: 'id', format: 'text' },
  { key: 'scope', header: 'scope', format: 'text' },
  { key: 'subject', header: 'subject', format: 'text' },
  { key: 'period', header: 'period', format: 'text' },
  { key: 'enforce', header: 'enforce', format: 'text' },
  { key: 'limitUsd', header: 'limit', format: 'usd' },
  { key: 'spentUsd', header: 'spent', format: 'usd' },
  { key: 'remainingUsd', header: 'remaining', format: 'usd' },
  { key: 'percent', header: 'used', format: 'percent' },
  { key: 'forecastUsd', header: 'forecast', format: 'usd' },
  { key: 'state', header: 'state', format: 'text' },
];

function state(s: Pick<StatusView, 'exceeded' | 'warningLevel' | 'forecastExceeds'>): string {
  if (s.exceeded) return 'EXCEEDED';
  if (s.warningLevel !== null) return `warn ${s.warningLevel}%`;
  return s.forecastExceeds ? 'on track to exceed' : 'ok';
}

function row(b: Budget, s: StatusView | null): ReportRow {
  return {
    id: b.id,
    scope: b.scope,
    subject: s?.subject ?? b.subject ?? '',
    period: b.period,
    enforce: b.enforce,
    limitUsd: b.limitUsd,
    spentUsd: s?.spentUsd ?? null,
    remainingUsd: s?.remainingUsd ?? null,
    percent: s?.percent ?? null,
    forecastUsd: s?.forecastUsd ?? null,
    state: s ? state(s) : 'no spend',
  };
}

export async function listBudgets(opts: BudgetsCliOptions, write: Write): Promise<void> {
  const res = await answer(apiClient(opts).GET('/api/v1/budgets'));
  if (opts.format === 'json') return write(`${JSON.stringify(res, null, 2)}\n`);
  const rows: ReportRow[] = [];
  for (const b of res.budgets) {
    if (b.statuses.length === 0) rows.push(row(b, null));
    for (const s of b.statuses) rows.push(row(b, s));
  }
  if (rows.length === 0) return write('no budgets in this project; add one with `lookout budgets set`\n');
  write(formatTable(STATUS_COLUMNS, rows));
}

export function budgetBody(o: SetBudgetOptions): BudgetInput {
  const limitUsd = Number(o.limit);
  if (!Number.isFinite(limitUsd)) throw new CliError(`--limit '${o.limit}': give US dollars, e.g. 50 or 12.5`);
  const body: BudgetInput = { scope: o.scope, period: o.period, limitUsd };
  if (o.subject !== undefined) body.subject = o.subject;
  if (o.name !== undefined) body.name = o.name;
  if (o.enforce !== undefined) body.enforce = o.enforce;
  if (o.warn !== undefined) {
    const levels = o.warn.split(',').map((v) => v.trim()).filter((v) => v !== '').map(Number);
    if (levels.some((n) => !Number.isFinite(n))) throw new CliError(`--warn '${o.warn}': give percentages separated by commas, e.g. 50,80,100`);
    body.warnAtPercent = levels;
  }
  return body;
}

// Creates a budget, or replaces the one named by --id when it exists.
export async function setBudget(target: ApiTarget, o: SetBudgetOptions, write: Write): Promise<Budget> {
  const body = budgetBody(o);
  const api = apiClient(target);
  let res: { budget: Budget };
  if (o.id !== undefined) {
    const id = o.id;
    const exists = await answer(api.GET('/api/v1/budgets/{id}', { params: { path: { id } } })).then(
      () => true,
      (err: unknown) => {
        if (err instanceof CliError && / 404: /.test(err.message)) return false;
        throw err;
      },
    );
    res = exists
      ? await answer(api.PUT('/api/v1/budgets/{id}', { params: { path: { id } }, body }))
      : await answer(api.POST('/api/v1/budgets', { body: { ...body, id } }));
  } else {
    res = await answer(api.POST('/api/v1/budgets', { body }));
  }
  write(`${JSON.stringify(res.budget)}\n`);
  return res.budget;
}

export async function removeBudget(target: ApiTarget, id: string, write: Write): Promise<void> {
  await answer(apiClient(target).DELETE('/api/v1/budgets/{id}', { params: { path: { id } } }));
  write(`deleted ${id}\n`);
}

// Prints the verdict and the budgets that apply; resolves to whether the call is allowed.
export async function checkBudget(opts: BudgetsCliOptions, who: { user?: string; team?: string; department?: string }, write: Write): Promise<boolean> {
  const query = Object.fromEntries(Object.entries(who).filter(([, v]) => v !== undefined));
  const r = await answer(apiClient(opts).GET('/api/v1/budgets/check', { params: { query } }));
  if (opts.format === 'json') {
    write(`${JSON.stringify(r, null, 2)}\n`);
    return r.allowed;
  }
  const who2 = [r.user && `user ${r.user}`, r.team && `team ${r.team}`, r.department && `department ${r.department}`].filter(Boolean).join(', ') || 'the project';
  write(r.allowed ? `allowed: ${who2}\n` : `BLOCKED: ${who2} — ${r.blockedBy?.budget.scope} ${r.blockedBy?.budget.period} budget ${r.blockedBy?.budget.id} is spent\n`);
  for (const w of r.warnings) write(`warning: ${w}\n`);
  if (r.budgets.length) write(formatTable(STATUS_COLUMNS, r.budgets.map((s) => row(s.budget, s))));
  else write('no budget applies\n');
  return r.allowed;
}

// `tier <user>` shows it, `tier <user> <free|pro|enterprise>` assigns it, `tier <user> none` removes it.
export async function userTier(target: ApiTarget, user: string, tier: Tier | 'none' | undefined, write: Write): Promise<void> {
  const api = apiClient(target);
  const params = { path: { user } };
  let res: unknown;
  if (tier === undefined) res = await answer(api.GET('/api/v1/budgets/tiers/{user}', { params }));
  else if (tier === 'none') res = await answer(api.DELETE('/api/v1/budgets/tiers/{user}', { params }));
  else res = await answer(api.PUT('/api/v1/budgets/tiers/{user}', { params, body: { tier } }));
  write(`${JSON.stringify(res)}\n`);
}
