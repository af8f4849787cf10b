import { useState } from 'react';
import { errorText, get } from '../../api/client.ts';
import type { BudgetCheck } from '../../api/types.ts';
import { Empty } from '../../components/States.tsx';
import { Table } from '../../components/Table.tsx';
import { usd } from '../../format.ts';
import { SpendBar, StatusPill } from './shared.tsx';

// The check: may this user (of this team and department) make another call now?

export function CheckBox() {
  const [user, setUser] = useState('');
  const [team, setTeam] = useState('');
  const [department, setDepartment] = useState('');
  const [result, setResult] = useState<BudgetCheck | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async () => {
    setError(null);
    setBusy(true);
    try {
      setResult(await get('/api/v1/budgets/check', { user: user.trim(), team: team.trim(), department: department.trim() }));
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
