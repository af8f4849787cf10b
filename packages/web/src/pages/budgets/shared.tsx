import type { BudgetScope, BudgetStatusEntry, TierName } from '../../api/types.ts';
import { usd } from '../../format.ts';
import { budgetTone, type BudgetTone } from './format.ts';

// Pieces the budget table, the check and the tiers all show.

export const SCOPES: BudgetScope[] = ['project', 'team', 'department', 'user'];
export const TIERS: TierName[] = ['free', 'pro', 'enterprise'];

const TONE_CLASS: Record<BudgetTone, string> = { ok: 'good', warning: 'warn', over: 'bad', 'forecast-over': 'warn' };

export function StatusPill(props: { status: BudgetStatusEntry | null }) {
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

export function SpendBar(props: { status: BudgetStatusEntry | null; warnAt?: number[] }) {
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
