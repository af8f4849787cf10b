import { Fragment, useMemo, useState } from 'react';
import type { Budget, BudgetWithStatuses } from '../../api/types.ts';
import { usd } from '../../format.ts';
import { budgetTone, periodRange, subjectLabel, type BudgetTone } from './format.ts';
import { SpendBar, StatusPill } from './shared.tsx';

// Each budget with its spend now; a budget for each user opens into one row per user.

export function BudgetTable(props: {
  rows: BudgetWithStatuses[];
  // Whether the caller may change or delete this budget, and what it needs when not.
  canChange: (b: Budget) => boolean;
  deniedTitle: (b: Budget) => string;
  onEdit: (b: Budget) => void;
  onDelete: (b: Budget) => void;
}) {
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
            const mine = props.canChange(b);
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
                    <button onClick={() => props.onEdit(b)} disabled={!mine} title={mine ? 'Change this budget' : props.deniedTitle(b)} data-testid={`budget-edit-${b.id}`}>
                      Edit
                    </button>
                    <button className="danger" onClick={() => props.onDelete(b)} disabled={!mine} title={mine ? 'Delete this budget' : props.deniedTitle(b)} data-testid={`budget-delete-${b.id}`}>
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
