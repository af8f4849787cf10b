import { useMemo } from 'react';
import { get } from '../api/client.ts';
import type { BudgetStatus, DailyRow, Forecast, TopSpendersResponse } from '../api/types.ts';
import type { PageProps } from '../App.tsx';
import { TimeChart } from '../components/Chart.tsx';
import { HealthTable } from '../components/HealthTable.tsx';
import { PeriodChange } from '../components/PeriodChange.tsx';
import { Link } from '../components/Link.tsx';
import { Section } from '../components/States.tsx';
import { Table } from '../components/Table.tsx';
import { count, pct, usd } from '../format.ts';
import { useAsync, useQuery } from '../hooks.ts';
import { budgetLevel, budgetSubject } from '../lib/budgets.ts';
import { previousPeriod } from '../lib/period.ts';
import { label, num } from '../lib/rows.ts';
import { hrefWithRange } from '../router.ts';
import { useTimeRange } from '../time.ts';
import './Dashboards.css';
import { DAY_MS } from '../../../server/src/domain/time.ts';
import { RetentionNotice } from '../components/RetentionNotice.tsx';

// Seed 001 §7 executive dashboard: what we spend, where it is heading, whether budgets hold,
// and who spends it.

const DAILY_MIN_DAYS = 30;

const dayMs = (date: string) => Date.parse(`${date}T00:00:00Z`);

export function Executive(_props: PageProps) {
  const range = useTimeRange();
  const { from: prevFrom, to: prevTo, what } = previousPeriod(range);
  const measures = 'cost,requests,errors,error_rate,cost_per_request,unknown_cost_requests';
  const current = useQuery(range, { measures });
  // The period of the same length just before: the params override the range's from/to.
  const previous = useQuery(range, { measures, from: prevFrom, to: prevTo });
  const dailyFromMs = Math.min(range.fromMs, range.toMs - DAILY_MIN_DAYS * DAY_MS);
  const daily = useAsync(
    () => get('/api/v1/analytics/daily', { from: new Date(dailyFromMs).toISOString(), to: range.to }),
    [dailyFromMs, range.to, range.tick],
  );
  const forecast = useAsync(() => get('/api/v1/analytics/forecast', { lookbackDays: 30 }), [range.tick]);
  const budgets = useAsync(() => get('/api/v1/budgets/status'), [range.tick]);
  const byTeam = useAsync(() => get('/api/v1/analytics/top-spenders', { by: 'team', limit: 10, from: range.from, to: range.to }), [range.from, range.to, range.tick]);
  const byDepartment = useAsync(
    () => get('/api/v1/analytics/top-spenders', { by: 'department', limit: 10, from: range.from, to: range.to }),
    [range.from, range.to, range.tick],
  );

  const health = useAsync(() => get('/api/v1/quality/health', { from: range.from, to: range.to, by: 'feature' }), [range.from, range.to, range.tick]);

  const now = current.data?.rows[0];
  const before = previous.data?.rows[0];
  const spendError = current.error ?? previous.error;

  return (
    <div className="page dash-executive">
      <RetentionNotice answers={[current.data, previous.data, daily.data, byTeam.data]} />
      <section className="stats" data-testid="exec-spend">
        {spendError ? (
          <div className="state error dash-span-all" role="alert">
            <strong>Could not load the spend.</strong> {spendError.message}
            <button
              className="link"
              onClick={() => {
                current.reload();
                previous.reload();
              }}
            >
              Try again
            </button>
          </div>
        ) : (
          <>
            <div className="stat">
              <div className="stat-label">{range.label === 'custom' ? 'Total spend, selected range' : `Total spend, last ${what}`}</div>
              <div className="stat-value" data-testid="exec-spend-total">
                {usd(num(now, 'cost'))}
              </div>
              <PeriodChange now={num(now, 'cost')} before={num(before, 'cost')} what={what} better="down" testId="exec-spend-trend" />
            </div>
            <div className="stat">
              <div className="stat-label">Previous {what}</div>
              <div className="stat-value">{usd(num(before, 'cost'))}</div>
              <div className="stat-sub">{count(num(before, 'requests'))} calls</div>
            </div>
            <div className="stat">
              <div className="stat-label">Calls</div>
              <div className="stat-value" data-testid="exec-requests">
                {count(num(now, 'requests'))}
              </div>
              <PeriodChange now={num(now, 'requests')} before={num(before, 'requests')} what={what} better="neither" testId="exec-requests-change" />
            </div>
            <div className="stat">
              <div className="stat-label">Cost per call</div>
              <div className="stat-value">{usd(num(now, 'cost_per_request'))}</div>
              <PeriodChange now={num(now, 'cost_per_request')} before={num(before, 'cost_per_request')} what={what} better="down" testId="exec-cost-per-call-change" />
            </div>
            <div className={`stat${(num(now, 'error_rate') ?? 0) > 0.05 ? ' bad' : ''}`}>
              <div className="stat-label">Error rate</div>
              <div className="stat-value">{pct(num(now, 'error_rate'))}</div>
              <div className="stat-sub">
                {count(num(now, 'errors'))} failed · previous {pct(num(before, 'error_rate'))}
              </div>
              <PeriodChange now={num(now, 'error_rate')} before={num(before, 'error_rate')} what={what} better="down" testId="exec-error-rate-change" />
            </div>
            {(num(now, 'unknown_cost_requests') ?? 0) > 0 && (
              <div className="stat warn">
                <div className="stat-label">Calls without a price</div>
                <div className="stat-value">{count(num(now, 'unknown_cost_requests'))}</div>
                <div className="stat-sub">not in the spend: their cost is unknown, not $0</div>
                <PeriodChange now={num(now, 'unknown_cost_requests')} before={num(before, 'unknown_cost_requests')} what={what} better="down" testId="exec-unpriced-change" />
              </div>
            )}
          </>
        )}
      </section>

      <div className="grid">
        <Section
          title={
            dailyFromMs < range.fromMs
              ? range.label === 'custom'
                ? `Daily spend, ${DAILY_MIN_DAYS} days to ${range.to.slice(0, 10)}`
                : `Daily spend, last ${DAILY_MIN_DAYS} days`
              : 'Daily spend'
          }
          state={daily}
          wide
          testId="exec-daily"
          empty={(d) => d.days.every((day) => day.requests === 0)}
          emptyText="No calls in these days. Send calls through the SDK or the gateway, or pick a longer range."
        >
          {(d) => <DailyChart days={d.days} />}
        </Section>
        <Section title="Forecast for this month" state={forecast} testId="exec-forecast" empty={(f) => f.daysWithData === 0 && f.monthToDateUsd === 0} emptyText="No spend yet to forecast from.">
          {(f) => <ForecastPanel forecast={f} />}
        </Section>
      </div>

      <div className="grid">
        <Section
          title="Budgets, current period"
          state={budgets}
          testId="exec-budgets"
          empty={(d) => d.statuses.length === 0}
          emptyText={
            <>
              No budgets yet. <Link href={hrefWithRange('/budgets')}>Set one on the Budgets page</Link> to see spend against its limit here.
            </>
          }
          actions={<Link href={hrefWithRange('/budgets')}>Budgets →</Link>}
        >
          {(d) => <BudgetSummary statuses={d.statuses} />}
        </Section>
        <Section title="Spend by team" state={byTeam} testId="exec-by-team" empty={(d) => d.rows.length === 0} emptyText="No calls in this range.">
          {(d) => <SpenderTable rows={d.rows} dimension="Team" />}
        </Section>
        <Section title="Spend by department" state={byDepartment} testId="exec-by-department" empty={(d) => d.rows.length === 0} emptyText="No calls in this range.">
          {(d) => <SpenderTable rows={d.rows} dimension="Department" />}
        </Section>
      </div>

      <div className="grid">
        <Section
          title="Health by feature"
          state={health}
          full
          testId="exec-health"
          empty={(d) => d.groups.length === 0}
          emptyText="No calls in this range."
          actions={<Link href={hrefWithRange('/quality')}>Quality →</Link>}
        >
          {(d) => <HealthTable groups={d.groups} by="feature" compact />}
        </Section>
      </div>
    </div>
  );
}

function DailyChart(props: { days: DailyRow[] }) {
  // Days before the first call are not $0 days of a running service: start at the first call.
  const first = props.days.findIndex((d) => d.requests > 0);
  const days = useMemo(() => (first > 0 ? props.days.slice(first) : props.days), [props.days, first]);
  const times = useMemo(() => days.map((d) => dayMs(d.date)), [days]);
  const chartSeries = useMemo(() => [{ label: 'spend', values: days.map((d) => d.costUsd) }], [days]);
  const unpriced = days.reduce((a, d) => a + d.unknownCostRequests, 0);
  const total = days.reduce((a, d) => a + d.costUsd, 0);
  const peak = days.reduce((a, d) => (d.costUsd > a.costUsd ? d : a), days[0]);
  return (
    <>
      <TimeChart times={times} series={chartSeries} format={(v) => usd(v, 2)} kind="bars" height={340} testId="exec-daily-plot" />
      <div className="muted small">
        {usd(total)} over {days.length} {days.length === 1 ? 'day' : 'days'}
        {first > 0 ? ` since the first call on ${days[0].date}` : ''}; highest {usd(peak.costUsd)} on {peak.date}.
        {unpriced > 0 ? ` ${count(unpriced)} calls of models without a price are not counted.` : ''}
      </div>
    </>
  );
}

function ForecastPanel(props: { forecast: Forecast }) {
  const f = props.forecast;
  const tone = f.confidence === 'high' ? 'good' : f.confidence === 'medium' ? 'warn' : 'bad';
  const slope = f.trend.slopeUsdPerDay;
  const first = f.series.findIndex((d) => d.costUsd > 0);
  const fit = first >= 0 ? f.series.slice(first) : [];
  return (
    <div className="dash-forecast">
      <div className="dash-forecast-grid">
        <div>
          <div className="muted small">Month to date</div>
          <div className="dash-forecast-value" data-testid="exec-forecast-mtd">
            {usd(f.monthToDateUsd, 2)}
          </div>
        </div>
        <div>
          <div className="muted small">Projected month end</div>
          <div className="dash-forecast-value" data-testid="exec-forecast-month-end">
            {usd(f.projectedMonthEndUsd.movingAverage, 2)}
          </div>
          <div className="muted small">trend {usd(f.projectedMonthEndUsd.trend, 2)}</div>
        </div>
        <div>
          <div className="muted small">Next 7 days</div>
          <div className="dash-forecast-value">{usd(f.projectedNext7DaysUsd.movingAverage, 2)}</div>
          <div className="muted small">trend {usd(f.projectedNext7DaysUsd.trend, 2)}</div>
        </div>
        <div>
          <div className="muted small">Confidence</div>
          <div>
            <span className={`pill ${tone}`} data-testid="exec-forecast-confidence">
              {f.confidence}
            </span>
          </div>
          <div className="muted small">
            {f.daysWithData} {f.daysWithData === 1 ? 'day' : 'days'} of data{f.confidence !== 'high' ? `; high from 21` : ''}
          </div>
        </div>
      </div>
      {fit.length > 1 && (
        <TimeChart
          times={fit.map((d) => dayMs(d.date))}
          series={[
            { label: 'daily spend', values: fit.map((d) => d.costUsd) },
            { label: '7-day average', values: fit.map((d) => d.movingAverage7dUsd), color: '#16a34a' },
            { label: 'trend', values: fit.map((d) => d.trendUsd), color: '#d97706' },
          ]}
          format={(v) => usd(v, 2)}
          height={150}
          testId="exec-forecast-plot"
        />
      )}
      <p className="small dash-note" data-testid="exec-forecast-explain">
        Month end = spend so far plus the last 7 complete days' average ({usd(f.movingAverage7dUsd, 2)}/day) for the {f.remainingDaysInMonth.toFixed(1)} days left; the trend
        figure extends a straight line fitted to {f.daysWithData} days ({slope >= 0 ? '+' : '−'}
        {usd(Math.abs(slope), 2)}/day each day{f.trend.r2 !== null ? `, R² ${f.trend.r2.toFixed(2)}` : ''}). Run rate {usd(f.projectedAnnualUsd.movingAverage, 0)} a year.
      </p>
    </div>
  );
}

function BudgetSummary(props: { statuses: BudgetStatus[] }) {
  const counts = { over: 0, warning: 0, ok: 0 };
  for (const s of props.statuses) counts[budgetLevel(s)]++;
  const worst = [...props.statuses].sort((a, b) => b.percent - a.percent).slice(0, 5);
  return (
    <div>
      <div className="dash-budget-counts" data-testid="exec-budget-counts">
        <span className={`pill ${counts.over ? 'bad' : ''}`} data-testid="exec-budgets-over">
          {counts.over} over
        </span>
        <span className={`pill ${counts.warning ? 'warn' : ''}`} data-testid="exec-budgets-warning">
          {counts.warning} warning
        </span>
        <span className="pill good" data-testid="exec-budgets-ok">
          {counts.ok} ok
        </span>
      </div>
      <ul className="dash-budget-list">
        {worst.map((s) => {
          const level = budgetLevel(s);
          return (
            <li key={`${s.budget.id}|${s.subject ?? ''}`}>
              <div className="dash-budget-head">
                <Link href={hrefWithRange('/budgets')}>{budgetSubject(s)}</Link>
                <span className="muted small">
                  {s.budget.period} · {s.budget.enforce}
                </span>
              </div>
              <div className="dash-meter" title={`${s.percent.toFixed(1)}% of ${usd(s.limitUsd, 2)}`}>
                <div className={`dash-meter-bar ${level}`} style={{ width: `${Math.min(100, Math.max(0, s.percent))}%` }} />
              </div>
              <div className="small">
                {usd(s.spentUsd, 2)} of {usd(s.limitUsd, 2)} ({s.percent.toFixed(0)}%)
                <span className="muted">
                  {' '}
                  · forecast {usd(s.forecastUsd, 2)}
                  {s.forecastExceeds && !s.exceeded ? ', over the limit' : ''}
                </span>
              </div>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function SpenderTable(props: { rows: TopSpendersResponse['rows']; dimension: string }) {
  const unpriced = props.rows.reduce((a, r) => a + r.unknownCostRequests, 0);
  return (
    <>
      <Table
        rows={props.rows}
        rowKey={(r) => label(r.key)}
        columns={[
          { key: 'key', label: props.dimension, render: (r) => label(r.key, '(unattributed)') },
          { key: 'costUsd', label: 'Spend', align: 'right', render: (r) => usd(r.costUsd) },
          {
            key: 'sharePct',
            label: 'Share',
            render: (r) => (
              <span className="dash-share">
                <span className="dash-share-track">
                  <span className="dash-share-bar" style={{ width: `${Math.min(100, r.sharePct)}%` }} />
                </span>
                {r.sharePct.toFixed(1)}%
              </span>
            ),
          },
          { key: 'requests', label: 'Calls', align: 'right', render: (r) => <span title={`${usd(r.costPerRequestUsd)} per call`}>{count(r.requests)}</span> },
        ]}
      />
      {unpriced > 0 && <div className="muted small dash-note">{count(unpriced)} calls of models without a price are not in these sums.</div>}
    </>
  );
}
