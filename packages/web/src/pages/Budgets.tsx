import { Fragment, useMemo, useRef, useState } from 'react';
import { api, ApiError, type Budget, type BudgetScope, type BudgetStatus, type TierName } from '../api.ts';
import type { PageProps } from '../App.tsx';
import { Empty, Section } from '../components/States.tsx';
import { Table } from '../components/Table.tsx';
import { usd } from '../format.ts';
import { useAsync } from '../hooks.ts';
import { useTimeRange } from '../time.ts';
import './Budgets.css';

// Budgets (docs/budgets.md): limits per UTC day or month for a project, team, department or user,
// with what is spent, what remains and a forecast; tiers give users a daily budget; the check
// answers "may this user make another call?". Budgets measure the current period, not the page's
// time range.

interface TierSettings {
  limitsUsd: Record<TierName, number>;
  defaultTier: TierName | null;
  enforce: 'soft' | 'hard';
  warnAtPercent: number[];
}

interface CheckResult {
  allowed: boolean;
  user: string | null;
  team: string | null;
  department: string | null;
  budgets: (BudgetStatus & { budget: Budget })[];
  blockedBy: (BudgetStatus & { budget: Budget }) | null;
  warnings: string[];
}

const SCOPES: BudgetScope[] = ['project', 'team', 'department', 'user'];
const TIERS: TierName[] = ['free', 'pro', 'enterprise'];
const READ_ONLY = 'This key has read scope: creating, changing and deleting budgets needs an admin key.';
const CLI_EXAMPLE = `npx lookout budgets set --scope team --subject core --period monthly --limit 500 --enforce hard --warn 50,80,100
npx lookout budgets set --scope user --subject '*' --period daily --limit 5     # each user
npx lookout budgets tier alice pro                                               # free | pro | enterprise
npx lookout budgets list`;

function errorText(err: unknown): string {
  return err instanceof ApiError || err instanceof Error ? err.message : String(err);
}

export type BudgetTone = 'ok' | 'warning' | 'over' | 'forecast-over';

// The one word for a status: spent beats a warning level, which beats a forecast.
export function budgetTone(s: BudgetStatus): BudgetTone {
  if (s.exceeded) return 'over';
  if (s.warningLevel !== null) return 'warning';
  if (s.forecastExceeds) return 'forecast-over';
  return 'ok';
}

const TONE_CLASS: Record<BudgetTone, string> = { ok: 'good', warning: 'warn', over: 'bad', 'forecast-over': 'warn' };

export function StatusPill(props: { status: BudgetStatus | null }) {
  if (!props.status) return <span className="pill" title="No spend in this period yet">no spend</span>;
  const t = budgetTone(props.status);
  const title =
    t === 'over'
      ? `Spent ${props.status.percent.toFixed(0)}% of the limit`
      : t === 'warning'
        ? `Passed the ${props.status.warningLevel}% warning level`
        : t === 'forecast-over'
          ? `On track to spend ${usd(props.status.forecastUsd)} by the end of the period`
          : 'Within the limit';
  return (
    <span className={`pill ${TONE_CLASS[t]}`} title={title} data-testid="budget-status" data-status={t}>
      {t}
    </span>
  );
}

export function SpendBar(props: { status: BudgetStatus | null; warnAt?: number[] }) {
  const s = props.status;
  const percent = s ? s.percent : 0;
  const forecastPct = s && s.limitUsd > 0 ? (s.forecastUsd / s.limitUsd) * 100 : 0;
  const tone = s ? budgetTone(s) : 'ok';
  return (
    <div className="budgets-bar" title={s ? `${percent.toFixed(1)}% spent, forecast ${forecastPct.toFixed(0)}%` : 'nothing spent'}>
      <div className="budgets-track">
        {s && forecastPct > percent && <div className="budgets-forecast" style={{ width: `${Math.min(100, forecastPct)}%` }} />}
        <div className={`budgets-fill budgets-${tone}`} style={{ width: `${Math.min(100, Math.max(0, percent))}%` }} />
        {(props.warnAt ?? [])
          .filter((w) => w < 100)
          .map((w) => (
            <div key={w} className="budgets-tick" style={{ left: `${w}%` }} />
          ))}
      </div>
      <span className="budgets-pct">{percent >= 1000 ? `${Math.round(percent / 100)}×` : `${percent.toFixed(percent < 10 ? 1 : 0)}%`}</span>
    </div>
  );
}

function subjectLabel(b: Pick<Budget, 'scope' | 'subject'>, statusSubject?: string | null): string {
  if (b.scope === 'project') return 'whole project';
  if (b.subject === '*') return statusSubject ? statusSubject : 'each user';
  return b.subject ?? '—';
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const day = (d: Date) => `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;

// The current period in UTC: "Dec 3" for a day, "Dec 1 – Dec 31" for a month.
function periodRange(s: BudgetStatus | null, period: string): string {
  const start = s ? new Date(s.periodStart) : new Date();
  if (period === 'daily') return day(start);
  const end = s ? new Date(Date.parse(s.periodEnd) - 1) : new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 0));
  return `${day(start)} – ${day(end)}`;
}

// ---- page ---------------------------------------------------------------------------------

type BudgetWithStatuses = Budget & { statuses: BudgetStatus[] };

export function Budgets(props: PageProps) {
  const admin = props.project.scope === 'admin';
  const range = useTimeRange();
  const budgets = useAsync(() => api<{ budgets: BudgetWithStatuses[]; tiers: TierSettings }>('/api/v1/budgets'), [range.tick]);
  const [editing, setEditing] = useState<Budget | null>(null);
  const [formKey, setFormKey] = useState(0);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const formRef = useRef<HTMLDivElement>(null);

  const remove = async (b: Budget) => {
    const hard = b.enforce === 'hard' ? ' The gateway stops refusing the calls it blocks.' : '';
    if (!window.confirm(`Delete the ${b.period} ${b.scope} budget ${b.name ? `"${b.name}" ` : ''}(${subjectLabel(b)}, ${usd(b.limitUsd)})?${hard}`)) return;
    setOutcome(null);
    try {
      await api(`/api/v1/budgets/${encodeURIComponent(b.id)}`, { method: 'DELETE' });
      setOutcome({ ok: true, text: `Budget ${b.id} deleted.` });
      if (editing?.id === b.id) {
        setEditing(null);
        setFormKey((k) => k + 1);
      }
    } catch (err) {
      setOutcome({ ok: false, text: errorText(err) });
    }
    budgets.reload();
  };

  return (
    <div className="page budgets-page">
      {!admin && (
        <div className="notice" data-testid="budgets-read-only">
          {READ_ONLY}
        </div>
      )}
      <div className="muted small budgets-intro">Spend in the current UTC day or month, known cost only; the time range above does not apply here.</div>
      <Section
        title="Budgets"
        state={budgets}
        testId="budgets-table"
        empty={(d) => d.budgets.length === 0}
        emptyText={<BudgetsEmpty />}
        actions={<span className="small muted">{budgets.data ? `${budgets.data.budgets.length} budget${budgets.data.budgets.length === 1 ? '' : 's'}` : ''}</span>}
      >
        {(d) => (
          <>
            {outcome && (
              <div className={`notice${outcome.ok ? '' : ' bad'}`} role={outcome.ok ? 'status' : 'alert'} data-testid="budget-outcome">
                {outcome.text}
              </div>
            )}
            <BudgetTable
              rows={d.budgets}
              admin={admin}
              onEdit={(b) => {
                setEditing(b);
                setFormKey((k) => k + 1);
                requestAnimationFrame(() => formRef.current?.scrollIntoView({ behavior: 'smooth', block: 'start' }));
              }}
              onDelete={(b) => void remove(b)}
            />
          </>
        )}
      </Section>
      {budgets.data && budgets.data.budgets.length === 0 && outcome && (
        <div className={`notice${outcome.ok ? '' : ' bad'}`}>{outcome.text}</div>
      )}
      <div className="budgets-columns">
        <div ref={formRef}>
          <BudgetForm
            key={formKey}
            admin={admin}
            editing={editing}
            onCancel={() => {
              setEditing(null);
              setFormKey((k) => k + 1);
            }}
            onSaved={(b, created) => {
              setOutcome({ ok: true, text: created ? `Budget ${b.id} created.` : `Budget ${b.id} saved.` });
              setEditing(null);
              setFormKey((k) => k + 1);
              budgets.reload();
            }}
          />
        </div>
        <CheckBox />
      </div>
      <Tiers admin={admin} tick={range.tick} />
    </div>
  );
}

function BudgetsEmpty() {
  return (
    <div className="budgets-empty" data-testid="budgets-empty">
      <p>
        <strong>No budgets yet.</strong> A budget limits what the project, a team, a department or a user may spend per UTC day or month. Each one shows what is spent, what
        remains and a forecast for the end of the period. <em>Soft</em> budgets warn at the percentages you choose (alerts <code>BudgetWarning</code>,{' '}
        <code>BudgetExceeded</code>); <em>hard</em> budgets also make the gateway refuse calls (429) once they are spent.
      </p>
      <p>Create one with the form below, or from the command line:</p>
      <pre className="budgets-cli">{CLI_EXAMPLE}</pre>
    </div>
  );
}

function BudgetTable(props: { rows: BudgetWithStatuses[]; admin: boolean; onEdit: (b: Budget) => void; onDelete: (b: Budget) => void }) {
  const [open, setOpen] = useState<Set<string>>(new Set());
  const order: Record<BudgetTone, number> = { over: 0, warning: 1, 'forecast-over': 2, ok: 3 };
  // The most spent status of a budget stands for it (for '*' budgets: the user closest to the limit).
  const rows = useMemo(
    () =>
      props.rows
        .map((b) => ({ b, top: [...b.statuses].sort((x, y) => y.percent - x.percent)[0] ?? null }))
        .sort((x, y) => (x.top ? order[budgetTone(x.top)] : 4) - (y.top ? order[budgetTone(y.top)] : 4) || (y.top?.percent ?? 0) - (x.top?.percent ?? 0)),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [props.rows],
  );
  return (
    <div className="table-wrap">
      <table className="budgets-table">
        <thead>
          <tr>
            <th>Scope</th>
            <th>Period</th>
            <th className="num">Limit</th>
            <th className="num">Spent</th>
            <th className="budgets-bar-col">Used</th>
            <th className="num">Remaining</th>
            <th className="num">Forecast</th>
            <th>Warn at</th>
            <th>Mode</th>
            <th>Status</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map(({ b, top }) => {
            const each = b.subject === '*';
            const expanded = open.has(b.id);
            return (
              <Fragment key={b.id}>
                <tr data-testid="budget-row" data-budget-id={b.id}>
                  <td>
                    <div className="budgets-nowrap">
                      <span className="pill">{b.scope}</span> <strong>{subjectLabel(b)}</strong>
                    </div>
                    {b.name && <div className="small">{b.name}</div>}
                    <div className="small muted">
                      <code>{b.id}</code>
                    </div>
                    {each && b.statuses.length > 0 && (
                      <button
                        className="link"
                        onClick={() =>
                          setOpen((s) => {
                            const n = new Set(s);
                            if (n.has(b.id)) n.delete(b.id);
                            else n.add(b.id);
                            return n;
                          })
                        }
                        aria-expanded={expanded}
                      >
                        {expanded ? 'Hide users' : `Show ${b.statuses.length} user${b.statuses.length === 1 ? '' : 's'}`}
                      </button>
                    )}
                  </td>
                  <td>
                    {b.period}
                    <div className="small muted budgets-nowrap">{periodRange(top, b.period)}</div>
                  </td>
                  <td className="num">{usd(b.limitUsd, 2)}</td>
                  <td className="num">
                    {top ? usd(top.spentUsd) : usd(0)}
                    {each && top && <div className="small muted">top: {top.subject}</div>}
                  </td>
                  <td className="budgets-bar-col">
                    <SpendBar status={top} warnAt={b.warnAtPercent} />
                  </td>
                  <td className="num">{usd(top ? top.remainingUsd : b.limitUsd)}</td>
                  <td className="num">
                    {top ? usd(top.forecastUsd) : usd(0)}
                    {top && top.burnRateUsdPerHour > 0 && <div className="small muted">{usd(top.burnRateUsdPerHour)}/h</div>}
                  </td>
                  <td className="small budgets-nowrap">
                    {b.warnAtPercent.map((w, i) => (
                      <span key={w} className={top && top.percent >= w ? 'budgets-reached' : undefined} title={top && top.percent >= w ? 'reached' : undefined}>
                        {i > 0 ? ' · ' : ''}
                        {w}
                      </span>
                    ))}
                    {b.warnAtPercent.length > 0 ? '%' : '—'}
                  </td>
                  <td>
                    <span className={`pill ${b.enforce === 'hard' ? 'bad' : ''}`} title={b.enforce === 'hard' ? 'The gateway refuses calls (429) once spent' : 'Warns only'}>
                      {b.enforce}
                    </span>
                  </td>
                  <td>
                    <StatusPill status={top} />
                    {top && top.forecastExceeds && !top.exceeded && budgetTone(top) !== 'forecast-over' && (
                      <div>
                        <span className="pill warn budgets-sub-pill">forecast over</span>
                      </div>
                    )}
                  </td>
                  <td className="budgets-actions">
                    <button onClick={() => props.onEdit(b)} disabled={!props.admin} title={props.admin ? 'Change this budget' : READ_ONLY} data-testid="budget-edit">
                      Edit
                    </button>
                    <button className="danger" onClick={() => props.onDelete(b)} disabled={!props.admin} title={props.admin ? 'Delete this budget' : READ_ONLY} data-testid="budget-delete">
                      Delete
                    </button>
                  </td>
                </tr>
                {expanded &&
                  [...b.statuses]
                    .sort((x, y) => y.percent - x.percent)
                    .map((s) => (
                      <tr key={`${b.id}-${s.subject}`} className="budgets-subrow" data-testid="budget-user-row">
                        <td>
                          <span className="muted small">user</span> {s.subject}
                        </td>
                        <td />
                        <td className="num muted">{usd(s.limitUsd, 2)}</td>
                        <td className="num">{usd(s.spentUsd)}</td>
                        <td className="budgets-bar-col">
                          <SpendBar status={s} warnAt={b.warnAtPercent} />
                        </td>
                        <td className="num">{usd(s.remainingUsd)}</td>
                        <td className="num">{usd(s.forecastUsd)}</td>
                        <td />
                        <td />
                        <td>
                          <StatusPill status={s} />
                        </td>
                        <td />
                      </tr>
                    ))}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

// ---- create / edit ------------------------------------------------------------------------

function BudgetForm(props: { admin: boolean; editing: Budget | null; onSaved: (b: Budget, created: boolean) => void; onCancel: () => void }) {
  const e = props.editing;
  const [id, setId] = useState('');
  const [name, setName] = useState(e?.name ?? '');
  const [scope, setScope] = useState<BudgetScope>(e?.scope ?? 'team');
  const [subject, setSubject] = useState(e?.subject ?? '');
  const [period, setPeriod] = useState<'daily' | 'monthly'>(e?.period ?? 'monthly');
  const [limit, setLimit] = useState(e ? String(e.limitUsd) : '');
  const [warn, setWarn] = useState((e?.warnAtPercent ?? [50, 80, 100]).join(', '));
  const [enforce, setEnforce] = useState<'soft' | 'hard'>(e?.enforce ?? 'soft');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    setError(null);
    const body: Record<string, unknown> = { scope, period, enforce };
    if (!e && id.trim()) body.id = id.trim();
    body.name = name.trim() ? name.trim() : null;
    if (scope !== 'project') body.subject = subject.trim() || null;
    // Sent as typed: the API names the field when the number is not one.
    body.limitUsd = limit.trim() === '' ? undefined : Number(limit);
    if (limit.trim() !== '' && Number.isNaN(Number(limit))) body.limitUsd = limit;
    const levels = warn
      .split(/[,\s]+/)
      .map((w) => w.replace(/%$/, '').trim())
      .filter(Boolean);
    body.warnAtPercent = levels.map((w) => (Number.isNaN(Number(w)) ? w : Number(w)));
    setBusy(true);
    try {
      const res = e
        ? await api<{ budget: Budget }>(`/api/v1/budgets/${encodeURIComponent(e.id)}`, { method: 'PUT', body })
        : await api<{ budget: Budget }>('/api/v1/budgets', { method: 'POST', body });
      props.onSaved(res.budget, !e);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const disabled = !props.admin || busy;
  return (
    <section className="panel" data-testid="budget-create">
      <header>
        <h3>{e ? `Edit budget ${e.id}` : 'New budget'}</h3>
        {e && (
          <button className="link" onClick={props.onCancel}>
            Cancel
          </button>
        )}
      </header>
      {/* The API's validation names the field; the browser's own would hide it. */}
      <form
        noValidate
        onSubmit={(ev) => {
          ev.preventDefault();
          void submit();
        }}
      >
        <fieldset disabled={!props.admin} className="budgets-fieldset">
          <div className="budgets-form-grid">
            <label>
              Scope
              <select value={scope} onChange={(ev) => setScope(ev.target.value as BudgetScope)} data-testid="budget-scope">
                {SCOPES.map((s) => (
                  <option key={s}>{s}</option>
                ))}
              </select>
            </label>
            <label>
              {scope === 'project' ? 'Subject' : `${scope[0].toUpperCase()}${scope.slice(1)} id`}
              <input
                value={scope === 'project' ? '' : subject}
                onChange={(ev) => setSubject(ev.target.value)}
                disabled={scope === 'project'}
                placeholder={scope === 'project' ? 'the whole project' : scope === 'user' ? "alice, or * for each user" : scope === 'team' ? 'core' : 'eng'}
                data-testid="budget-subject"
              />
            </label>
            <label>
              Period (UTC)
              <select value={period} onChange={(ev) => setPeriod(ev.target.value as 'daily' | 'monthly')} data-testid="budget-period">
                <option value="daily">daily</option>
                <option value="monthly">monthly</option>
              </select>
            </label>
            <label>
              Limit (USD)
              <input type="number" step="any" value={limit} onChange={(ev) => setLimit(ev.target.value)} placeholder="500" data-testid="budget-limit" />
            </label>
            <label>
              Warn at (%)
              <input value={warn} onChange={(ev) => setWarn(ev.target.value)} placeholder="50, 80, 100" data-testid="budget-warn" />
            </label>
            <label>
              Mode
              <select value={enforce} onChange={(ev) => setEnforce(ev.target.value as 'soft' | 'hard')} data-testid="budget-enforce">
                <option value="soft">soft (warn only)</option>
                <option value="hard">hard (refuse calls)</option>
              </select>
            </label>
            <label>
              Name (optional)
              <input value={name} onChange={(ev) => setName(ev.target.value)} placeholder="Core team AI spend" data-testid="budget-name" />
            </label>
            {!e && (
              <label>
                Id (optional)
                <input value={id} onChange={(ev) => setId(ev.target.value)} placeholder="generated" data-testid="budget-id" />
              </label>
            )}
          </div>
          <div className="form-row">
            <button type="submit" className="primary" disabled={disabled} data-testid="budget-submit">
              {e ? 'Save budget' : 'Create budget'}
            </button>
            {!props.admin && <span className="small muted">{READ_ONLY}</span>}
          </div>
        </fieldset>
        {error && (
          <div className="notice bad" role="alert" data-testid="budget-error">
            {error}
          </div>
        )}
      </form>
    </section>
  );
}

// ---- check --------------------------------------------------------------------------------

function CheckBox() {
  const [user, setUser] = useState('');
  const [team, setTeam] = useState('');
  const [department, setDepartment] = useState('');
  const [result, setResult] = useState<CheckResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async () => {
    setError(null);
    setBusy(true);
    try {
      setResult(await api<CheckResult>('/api/v1/budgets/check', { params: { user: user.trim(), team: team.trim(), department: department.trim() } }));
    } catch (err) {
      setResult(null);
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" data-testid="budget-check">
      <header>
        <h3>Check a user</h3>
        <span className="small muted">What the gateway and SDK ask before a call</span>
      </header>
      <form
        onSubmit={(ev) => {
          ev.preventDefault();
          void run();
        }}
      >
        <div className="form-row">
          <label>
            User
            <input value={user} onChange={(ev) => setUser(ev.target.value)} placeholder="alice" data-testid="budget-check-user" />
          </label>
          <label>
            Team (optional)
            <input value={team} onChange={(ev) => setTeam(ev.target.value)} placeholder="from their last call" className="budgets-w-md" />
          </label>
          <label>
            Department (optional)
            <input value={department} onChange={(ev) => setDepartment(ev.target.value)} placeholder="from their last call" className="budgets-w-md" />
          </label>
          <button type="submit" className="primary" disabled={busy} data-testid="budget-check-run">
            Check
          </button>
        </div>
      </form>
      {error && (
        <div className="notice bad" role="alert">
          {error}
        </div>
      )}
      {result && (
        <div className="budgets-check-result" data-testid="budget-check-result" data-allowed={result.allowed}>
          <div className="budgets-verdict">
            {result.allowed ? <span className="pill good">allowed</span> : <span className="pill bad">blocked</span>}{' '}
            <span>
              {result.user ? <strong>{result.user}</strong> : 'Anyone'}
              {result.team && <span className="muted"> · team {result.team}</span>}
              {result.department && <span className="muted"> · department {result.department}</span>}
            </span>
          </div>
          {result.blockedBy && (
            <div className="small">
              Blocked by the {result.blockedBy.budget.period} {result.blockedBy.budget.scope} budget {result.blockedBy.budget.tier ? `of the ${result.blockedBy.budget.tier} tier` : <code>{result.blockedBy.budget.id}</code>}:{' '}
              {usd(result.blockedBy.spentUsd)} of {usd(result.blockedBy.limitUsd, 2)} spent.
            </div>
          )}
          {result.warnings.length > 0 && (
            <ul className="budgets-warnings" data-testid="budget-check-warnings">
              {result.warnings.map((w, i) => (
                <li key={i}>{w}</li>
              ))}
            </ul>
          )}
          {result.budgets.length === 0 ? (
            <Empty>No budget applies: nothing limits this user.</Empty>
          ) : (
            <Table
              rows={result.budgets}
              rowKey={(s, i) => `${s.budget.id}-${s.subject}-${i}`}
              columns={[
                {
                  key: 'budget',
                  label: 'Budget',
                  sortValue: (s) => s.budget.scope,
                  render: (s) => (
                    <span>
                      <span className="pill">{s.budget.scope}</span> {s.subject ?? 'project'} <span className="muted small">{s.budget.tier ? `${s.budget.tier} tier` : s.budget.id}</span>
                    </span>
                  ),
                },
                { key: 'period', label: 'Period', sortValue: (s) => s.budget.period, render: (s) => s.budget.period },
                { key: 'spentUsd', label: 'Spent', align: 'right', render: (s) => `${usd(s.spentUsd)} / ${usd(s.limitUsd, 2)}` },
                { key: 'percent', label: 'Used', render: (s) => <SpendBar status={s} warnAt={s.budget.warnAtPercent} /> },
                { key: 'enforce', label: 'Mode', sortValue: (s) => s.budget.enforce, render: (s) => s.budget.enforce },
                { key: 'status', label: 'Status', sortValue: (s) => s.percent, render: (s) => <StatusPill status={s} /> },
              ]}
            />
          )}
        </div>
      )}
    </section>
  );
}

// ---- tiers --------------------------------------------------------------------------------

function Tiers(props: { admin: boolean; tick: number }) {
  const tiers = useAsync(() => api<{ settings: TierSettings; assignments: { user: string; tier: TierName }[] }>('/api/v1/budgets/tiers'), [props.tick]);
  // Today's spend of users on a tier budget (assigned, or the default tier).
  const statuses = useAsync(() => api<{ statuses: (BudgetStatus & { budget: Budget })[] }>('/api/v1/budgets/status', { params: { scope: 'user', period: 'daily' } }), [props.tick]);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const [editing, setEditing] = useState(false);

  const write = async (fn: () => Promise<unknown>, done: string) => {
    setOutcome(null);
    try {
      await fn();
      setOutcome({ ok: true, text: done });
      tiers.reload();
      statuses.reload();
      return true;
    } catch (err) {
      setOutcome({ ok: false, text: errorText(err) });
      return false;
    }
  };

  const spendOf = useMemo(() => {
    const m = new Map<string, BudgetStatus & { budget: Budget }>();
    for (const s of statuses.data?.statuses ?? []) if (s.budget.tier && s.subject) m.set(s.subject, s);
    return m;
  }, [statuses.data]);

  return (
    <Section title="Tiers" state={tiers} testId="budget-tiers">
      {(d) => {
        const assigned = new Set(d.assignments.map((a) => a.user));
        // Users spending on the default tier are not in the assignments.
        const rows = [
          ...d.assignments.map((a) => ({ user: a.user, tier: a.tier as TierName, assigned: true })),
          ...[...spendOf.entries()].filter(([u]) => !assigned.has(u)).map(([u, s]) => ({ user: u, tier: s.budget.tier as TierName, assigned: false })),
        ];
        return (
          <div className="budgets-tiers">
            <p className="small muted">
              Each tier gives its users a daily budget per user. The default tier covers users with no assignment and no user budget of their own
              {d.settings.defaultTier ? '' : ' (off: unassigned users are not limited)'}.
            </p>
            {outcome && <div className={`notice${outcome.ok ? '' : ' bad'}`}>{outcome.text}</div>}
            {editing ? (
              <TierSettingsForm
                settings={d.settings}
                onCancel={() => setEditing(false)}
                onSave={async (body) => {
                  if (await write(() => api('/api/v1/budgets/tiers', { method: 'PUT', body }), 'Tier settings saved.')) setEditing(false);
                }}
              />
            ) : (
              <div className="budgets-tier-cards">
                {TIERS.map((t) => (
                  <div key={t} className={`budgets-tier${d.settings.defaultTier === t ? ' default' : ''}`} data-testid="budget-tier">
                    <div className="budgets-tier-name">
                      {t}
                      {d.settings.defaultTier === t && <span className="pill">default</span>}
                    </div>
                    <div className="budgets-tier-limit">{usd(d.settings.limitsUsd[t], 2)}</div>
                    <div className="small muted">per user per day</div>
                    <div className="small muted">
                      {rows.filter((r) => r.tier === t).length} user{rows.filter((r) => r.tier === t).length === 1 ? '' : 's'}
                    </div>
                  </div>
                ))}
                <div className="budgets-tier-meta small">
                  <div>
                    Mode: <strong>{d.settings.enforce}</strong>
                  </div>
                  <div>Warn at: {d.settings.warnAtPercent.map((w) => `${w}%`).join(', ')}</div>
                  <div>Default tier: {d.settings.defaultTier ?? 'none'}</div>
                  <button onClick={() => setEditing(true)} disabled={!props.admin} title={props.admin ? undefined : READ_ONLY} data-testid="tier-settings-edit">
                    Change
                  </button>
                </div>
              </div>
            )}
            <h4 className="budgets-h4">Users on a tier</h4>
            <AssignForm
              admin={props.admin}
              onAssign={(user, tier) => void write(() => api(`/api/v1/budgets/tiers/${encodeURIComponent(user)}`, { method: 'PUT', body: { tier } }), `${user} is on the ${tier} tier.`)}
            />
            {rows.length === 0 ? (
              <Empty>No user is on a tier. Assign one above, or with <code>npx lookout budgets tier alice pro</code>.</Empty>
            ) : (
              <Table
                rows={rows}
                rowKey={(r) => r.user}
                pageSize={20}
                initialSort={{ key: 'percent', dir: 'desc' }}
                columns={[
                  { key: 'user', label: 'User' },
                  {
                    key: 'tier',
                    label: 'Tier',
                    render: (r) => (
                      <span>
                        {r.tier} {!r.assigned && <span className="muted small">(default)</span>}
                      </span>
                    ),
                  },
                  { key: 'spent', label: 'Spent today', align: 'right', sortValue: (r) => spendOf.get(r.user)?.spentUsd ?? 0, render: (r) => usd(spendOf.get(r.user)?.spentUsd ?? 0) },
                  { key: 'percent', label: 'Used', sortValue: (r) => spendOf.get(r.user)?.percent ?? 0, render: (r) => <SpendBar status={spendOf.get(r.user) ?? null} warnAt={d.settings.warnAtPercent} /> },
                  { key: 'status', label: 'Status', sortValue: (r) => spendOf.get(r.user)?.percent ?? 0, render: (r) => <StatusPill status={spendOf.get(r.user) ?? null} /> },
                  {
                    key: 'remove',
                    label: '',
                    sortValue: () => null,
                    render: (r) =>
                      r.assigned ? (
                        <button
                          className="danger"
                          disabled={!props.admin}
                          title={props.admin ? 'Remove the assignment' : READ_ONLY}
                          onClick={() => {
                            if (!window.confirm(`Take ${r.user} off the ${r.tier} tier?${d.settings.defaultTier ? ` They fall back to the default tier (${d.settings.defaultTier}).` : ' They are no longer limited by a tier.'}`)) return;
                            void write(() => api(`/api/v1/budgets/tiers/${encodeURIComponent(r.user)}`, { method: 'DELETE' }), `${r.user} is off the ${r.tier} tier.`);
                          }}
                        >
                          Remove
                        </button>
                      ) : null,
                  },
                ]}
              />
            )}
          </div>
        );
      }}
    </Section>
  );
}

function AssignForm(props: { admin: boolean; onAssign: (user: string, tier: TierName) => void }) {
  const [user, setUser] = useState('');
  const [tier, setTier] = useState<TierName>('pro');
  return (
    <form
      className="form-row"
      onSubmit={(ev) => {
        ev.preventDefault();
        if (user.trim()) props.onAssign(user.trim(), tier);
        setUser('');
      }}
    >
      <label>
        User
        <input value={user} onChange={(ev) => setUser(ev.target.value)} placeholder="alice" disabled={!props.admin} data-testid="tier-user" />
      </label>
      <label>
        Tier
        <select value={tier} onChange={(ev) => setTier(ev.target.value as TierName)} disabled={!props.admin}>
          {TIERS.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={!props.admin || !user.trim()} title={props.admin ? undefined : READ_ONLY} data-testid="tier-assign">
        Assign tier
      </button>
    </form>
  );
}

function TierSettingsForm(props: { settings: TierSettings; onSave: (body: Record<string, unknown>) => void; onCancel: () => void }) {
  const s = props.settings;
  const [limits, setLimits] = useState<Record<TierName, string>>({ free: String(s.limitsUsd.free), pro: String(s.limitsUsd.pro), enterprise: String(s.limitsUsd.enterprise) });
  const [defaultTier, setDefaultTier] = useState(s.defaultTier ?? '');
  const [enforce, setEnforce] = useState(s.enforce);
  const [warn, setWarn] = useState(s.warnAtPercent.join(', '));
  return (
    <form
      className="form-row"
      data-testid="tier-settings"
      onSubmit={(ev) => {
        ev.preventDefault();
        const num = (v: string) => (v.trim() === '' || Number.isNaN(Number(v)) ? v : Number(v));
        props.onSave({
          limitsUsd: { free: num(limits.free), pro: num(limits.pro), enterprise: num(limits.enterprise) },
          defaultTier: defaultTier || null,
          enforce,
          warnAtPercent: warn
            .split(/[,\s]+/)
            .map((w) => w.replace(/%$/, ''))
            .filter(Boolean)
            .map(num),
        });
      }}
    >
      {TIERS.map((t) => (
        <label key={t}>
          {t} (USD/day)
          <input type="number" step="any" value={limits[t]} onChange={(ev) => setLimits((l) => ({ ...l, [t]: ev.target.value }))} className="budgets-w-sm" />
        </label>
      ))}
      <label>
        Default tier
        <select value={defaultTier} onChange={(ev) => setDefaultTier(ev.target.value)}>
          <option value="">none (unassigned users unlimited)</option>
          {TIERS.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      </label>
      <label>
        Mode
        <select value={enforce} onChange={(ev) => setEnforce(ev.target.value as 'soft' | 'hard')}>
          <option value="hard">hard</option>
          <option value="soft">soft</option>
        </select>
      </label>
      <label>
        Warn at (%)
        <input value={warn} onChange={(ev) => setWarn(ev.target.value)} className="budgets-w-md" />
      </label>
      <button type="submit" className="primary">
        Save tiers
      </button>
      <button type="button" onClick={props.onCancel}>
        Cancel
      </button>
    </form>
  );
}
