import { useMemo } from 'react';
import { get } from '../api/client.ts';
import type { Alert, BudgetStatus, PrivacyAnswer, RuleView, SecuritySummary } from '../api/types.ts';
import type { PageProps } from '../App.tsx';
import { AlertList } from '../components/AlertList.tsx';
import { TimeChart } from '../components/Chart.tsx';
import { Link } from '../components/Link.tsx';
import { PeriodChange } from '../components/PeriodChange.tsx';
import { MetricsRefused, Section, Stat } from '../components/States.tsx';
import { Table } from '../components/Table.tsx';
import { count, dateTime, plural } from '../format.ts';
import { useAsync, useQuery } from '../hooks.ts';
import { budgetSubject } from '../lib/budgets.ts';
import { useMetrics } from '../lib/metrics.ts';
import { previousPeriod, type PreviousPeriod } from '../lib/period.ts';
import { metricSum, type PromMetrics } from '../lib/prometheus.ts';
import { num } from '../lib/rows.ts';
import { countsByType, EVENT_TYPE_LABELS, summaryChart, typeTone, wholeCount } from '../lib/security.ts';
import { hrefWithRange, useSearchParams } from '../router.ts';
import { useTimeRange } from '../time.ts';
import { SecurityEvents } from './SecurityEvents.tsx';
import './Dashboards.css';

// Seed 001 §7 security dashboard: the security event log of the range (personal data and secrets
// found, prompt injections, refused requests) counted by type and over time, the users with most,
// the events themselves, and what the server knows beside them (capture mode, refusals, rules).

const CAPTURE: Record<string, { title: string; text: string; tone: 'good' | 'warn' | 'bad' }> = {
  full: {
    title: 'Full content',
    text: 'Prompts and responses are stored, with the personal data and secrets found in them masked, hashed or dropped before anything is written, as the privacy settings say.',
    tone: 'good',
  },
  metadata: {
    title: 'Metadata only',
    text: 'Prompt and response text is not stored; only their hashes are kept, so repeated prompts can still be found. Personal data is still looked for and counted here.',
    tone: 'good',
  },
  off: { title: 'Off', text: 'Neither prompt and response text nor their hashes are stored. Personal data is still looked for and counted here.', tone: 'good' },
};

// The kinds of value the privacy settings store as they came.
function keptTypes(privacy: PrivacyAnswer | null): string[] {
  return privacy ? Object.entries(privacy.settings.modes).filter(([, m]) => m === 'keep').map(([t]) => t) : [];
}

function condition(r: RuleView['rule']): string {
  const what = r.query.measure ?? (r.query.numerator ? `${r.query.numerator} / ${r.query.denominator}` : r.kind);
  const per = r.kind === 'rate' ? '/s' : '';
  const threshold = r.threshold === null || r.threshold === undefined ? '' : ` ${r.op ?? '>'} ${r.threshold}${per}`;
  const window = r.window ? ` over ${r.window}` : '';
  return `${r.kind} of ${what}${threshold}${window}`;
}

function RuleStatus(props: { view: RuleView; alert: Alert | undefined }) {
  const { view, alert } = props;
  if (!view.enabled) return <span className="pill">off</span>;
  if (alert) return <span className={`pill ${alert.state === 'firing' ? 'bad' : 'warn'}`}>{alert.state}</span>;
  if (view.health.lastError) return <span className="pill bad" title={view.health.lastError}>failing</span>;
  if (view.health.noData) return <span className="pill warn" title="The signal this rule reads is not counted yet">no data</span>;
  if (view.health.lastEvaluatedMs === null) return <span className="pill">not evaluated yet</span>;
  return <span className="pill good">quiet</span>;
}

export function Security(props: PageProps) {
  const range = useTimeRange();
  const [, set] = useSearchParams();
  const summary = useAsync(() => get('/api/v1/security/summary', { from: range.from, to: range.to, top: 10 }), [range.from, range.to, range.tick]);
  // The tiles' counts over the period of the same length before the range, in one call.
  const previous = previousPeriod(range);
  const summaryBefore = useAsync(() => get('/api/v1/security/summary', { from: previous.from, to: previous.to, top: 1 }), [previous.from, previous.to, range.tick]);
  const privacy = useAsync(() => get('/api/v1/privacy'), [range.tick]);
  const rules = useAsync(() => get('/api/v1/alerts/rules'), [range.tick]);
  const alerts = useAsync(() => get('/api/v1/alerts'), [range.tick]);
  const budgets = useAsync(() => get('/api/v1/budgets/status'), [range.tick]);
  const metrics = useMetrics(range.tick);
  const rateLimited = useQuery(range, { measures: 'errors,requests', filter: 'error_class:rate_limit' });
  // A project the server has stored nothing for yet keeps everything, as the server does.
  const mode = props.project.project.contentCapture ?? 'full';
  const capture = CAPTURE[mode] ?? { title: mode, text: '', tone: 'warn' as const };
  const kept = keptTypes(privacy.data);

  const securityAlerts = (alerts.data?.alerts ?? []).filter((a) => a.labels.category === 'security');
  const rulesState = {
    ...rules,
    data: rules.data ? { rules: rules.data.rules.filter((v) => v.rule.category === 'security') } : null,
  };

  return (
    <div className="page dash-security">
      <TypeTiles summary={summary.data} before={summaryBefore.data} previous={previous} />

      <div className="grid two">
        <Section title="Security events over time" state={summary} testId="security-over-time" empty={(d) => d.series.length === 0} emptyText="No security event in this time range.">
          {(d) => <EventsChart summary={d} />}
        </Section>
        <Section
          title="Users with most security events"
          state={summary}
          testId="security-top-users"
          empty={(d) => d.topUsers.length === 0}
          emptyText="No security event in this time range names a user."
        >
          {(d) => (
            <Table
              rows={d.topUsers}
              rowKey={(u) => u.userId}
              initialSort={{ key: 'events', dir: 'desc' }}
              columns={[
                { key: 'user', label: 'User', render: (u) => <Link href={hrefWithRange(`/users/${encodeURIComponent(u.userId)}`)}>{u.userId}</Link>, sortValue: (u) => u.userId },
                { key: 'events', label: 'Events', align: 'right', render: (u) => count(u.events), sortValue: (u) => u.events },
                {
                  key: 'types',
                  label: 'Types',
                  render: (u) => (
                    <span className="dash-pills">
                      {u.types.map((t) => (
                        <span key={t} className={`pill ${typeTone(t, 1) ?? ''}`}>
                          {t}
                        </span>
                      ))}
                    </span>
                  ),
                },
                {
                  key: 'filter',
                  label: '',
                  render: (u) => (
                    <button className="link small dash-nowrap" onClick={() => set({ user: u.userId })} data-testid="security-user-filter">
                      their events ↓
                    </button>
                  ),
                },
              ]}
            />
          )}
        </Section>
      </div>

      <h2 className="row-title">Security event log</h2>
      <SecurityEvents range={range} />

      <div className="dash-grid4">
        <section className="panel" data-testid="security-capture">
          <header>
            <h3>Content capture</h3>
            <Link href={`${hrefWithRange('/settings')}#privacy`} testId="security-settings-link">
              Privacy settings →
            </Link>
          </header>
          <div className="dash-capture">
            <span className={`pill ${kept.length > 0 && mode === 'full' ? 'warn' : capture.tone}`} data-testid="security-capture-mode">
              {capture.title}
            </span>
            <p className="small">{capture.text}</p>
            {mode === 'full' && kept.length > 0 && (
              <p className="small dash-bad" data-testid="security-kept-types">
                Stored as they came, by this project's privacy settings: {kept.join(', ')}.
              </p>
            )}
          </div>
        </section>

        <Section title="Calls refused by budgets" state={metrics} testId="security-budget-blocked">
          {(m) => (m.refused !== null ? <MetricsRefused reason={m.refused} /> : <BudgetRefusals metrics={m.metrics} statuses={budgets.data?.statuses ?? null} />)}
        </Section>

        <Section title="Authentication failures" state={metrics} testId="security-auth-failures">
          {(m) => (m.refused !== null ? <MetricsRefused reason={m.refused} /> : <AuthFailures metrics={m.metrics} />)}
        </Section>

        <Section title="Calls rate-limited by providers" state={rateLimited} testId="security-rate-limited">
          {(d) => (
            <div>
              <div className="dash-now-value">{count(num(d.rows[0], 'errors'))}</div>
              <div className="muted small">
                calls answered "rate limited" by their provider in the last {range.label === 'custom' ? 'range' : range.label}, from the stored calls of this project
              </div>
            </div>
          )}
        </Section>
      </div>

      <h2 className="row-title">Security alert rules</h2>
      <div className="dash-stack">
        <Section
          title="Rules in the security category"
          state={rulesState}
          testId="security-rules"
          empty={(d) => d.rules.length === 0}
          emptyText={
            <>
              No alert rule has the category "security". Add one on the <Link href={hrefWithRange('/alerts')}>Alerts page</Link>.
            </>
          }
          actions={<Link href={hrefWithRange('/alerts')}>Alerts →</Link>}
        >
          {(d) => (
            <>
              {securityAlerts.length > 0 && <AlertList alerts={securityAlerts} />}
              <Table
                rows={d.rules}
                rowKey={(v) => v.rule.id}
                columns={[
                  { key: 'status', label: 'Status', render: (v) => <RuleStatus view={v} alert={securityAlerts.find((a) => a.labels.alertname === v.rule.name)} /> },
                  {
                    key: 'name',
                    label: 'Rule',
                    render: (v) => (
                      <span>
                        <strong>{v.rule.name}</strong>
                        <div className="muted small">{v.rule.annotations?.summary}</div>
                      </span>
                    ),
                    sortValue: (v) => v.rule.name,
                  },
                  { key: 'severity', label: 'Severity', render: (v) => v.rule.severity, sortValue: (v) => v.rule.severity },
                  { key: 'condition', label: 'Condition', render: (v) => <code>{condition(v.rule)}</code>, sortValue: (v) => condition(v.rule) },
                  {
                    key: 'evaluated',
                    label: 'Last evaluated',
                    render: (v) => (v.health.lastEvaluatedMs === null ? '—' : dateTime(v.health.lastEvaluatedMs)),
                    sortValue: (v) => v.health.lastEvaluatedMs,
                  },
                ]}
              />
              {d.rules.some((v) => v.health.noData) && (
                <div className="muted small dash-note">"No data": the rule is in place and evaluated, but its signal has not been counted since this server started.</div>
              )}
            </>
          )}
        </Section>
      </div>
    </div>
  );
}

// One tile per type of the log, with zero for the types the range has none of.
// Each tile's change against the previous period: more events of any type is worse.
function TypeTiles(props: { summary: SecuritySummary | null; before: SecuritySummary | null; previous: PreviousPeriod }) {
  const counts = props.summary ? countsByType(props.summary) : null;
  const before = props.before ? new Map(countsByType(props.before).map((c) => [c.type, c.events])) : null;
  return (
    <div className="stats" data-testid="security-counts">
      {(counts ?? countsByType({ byType: [] })).map((c) => (
        <Stat
          key={c.type}
          label={EVENT_TYPE_LABELS[c.type]}
          value={counts ? count(c.events) : '…'}
          sub={counts && (c.type === 'pii' || c.type === 'secret') ? `${plural(c.values, 'value')} found` : counts ? plural(c.events, 'event') : undefined}
          tone={typeTone(c.type, c.events)}
          testId={`security-count-${c.type}`}
          change={
            <PeriodChange
              now={counts ? c.events : null}
              before={before?.get(c.type) ?? null}
              what={props.previous.what}
              better="down"
              testId={`security-count-${c.type}-change`}
            />
          }
        />
      ))}
    </div>
  );
}

function EventsChart(props: { summary: SecuritySummary }) {
  // Drawn again only when the summary changes, not on every render of the page.
  const chart = useMemo(() => summaryChart(props.summary), [props.summary]);
  const width = props.summary.bucketSeconds >= 86_400 ? 'day' : props.summary.bucketSeconds >= 3600 ? 'hour' : `${props.summary.bucketSeconds / 60} minutes`;
  return (
    <>
      <TimeChart times={chart.times} series={chart.series} format={wholeCount} testId="security-over-time-plot" />
      <div className="muted small dash-note">Events per {width}, by type.</div>
    </>
  );
}

function BudgetRefusals(props: { metrics: PromMetrics; statuses: BudgetStatus[] | null }) {
  const blocked = metricSum(props.metrics, 'lookout_gateway_budget_blocked_total');
  const spentHard = (props.statuses ?? []).filter((s) => s.budget.enforce === 'hard' && s.exceeded);
  return (
    <div>
      <div className="dash-now-value" data-testid="security-budget-blocked-count">
        {blocked === null ? 'not counted' : count(blocked)}
      </div>
      <div className="muted small">gateway calls answered 429 because a hard budget was spent, since this server started (all projects)</div>
      {props.statuses !== null && (
        <div className="small dash-note">
          {spentHard.length === 0 ? (
            'No hard budget is spent right now.'
          ) : (
            <>
              Spent hard budgets now, so the gateway refuses their calls:{' '}
              {spentHard.slice(0, 5).map((s, i) => (
                <span key={`${s.budget.id}|${s.subject}`}>
                  {i > 0 ? ', ' : ''}
                  <Link href={hrefWithRange('/budgets')}>{budgetSubject(s)}</Link>
                </span>
              ))}
              {spentHard.length > 5 ? ` and ${spentHard.length - 5} more` : ''}.
            </>
          )}
        </div>
      )}
    </div>
  );
}

function AuthFailures(props: { metrics: PromMetrics }) {
  const isFailure = (l: Record<string, string>) => l.status === '401' || l.status === '403';
  const total = metricSum(props.metrics, 'lookout_http_requests_total', isFailure);
  const unauthorized = metricSum(props.metrics, 'lookout_http_requests_total', (l) => l.status === '401');
  const forbidden = metricSum(props.metrics, 'lookout_http_requests_total', (l) => l.status === '403');
  const byRoute = new Map<string, number>();
  for (const s of props.metrics.samples.get('lookout_http_requests_total') ?? []) {
    if (isFailure(s.labels) && s.value > 0) byRoute.set(`${s.labels.method ?? ''} ${s.labels.route ?? '?'}`, (byRoute.get(`${s.labels.method ?? ''} ${s.labels.route ?? '?'}`) ?? 0) + s.value);
  }
  const top = [...byRoute.entries()].sort((a, b) => b[1] - a[1]).slice(0, 4);
  if (total === null) return <div className="muted">This server does not count HTTP requests by status on /metrics.</div>;
  return (
    <div>
      <div className="dash-now-value" data-testid="security-auth-failures-count">
        {count(total)}
      </div>
      <div className="muted small">
        requests refused since this server started (all projects): {count(unauthorized)} with an unknown or revoked key (401), {count(forbidden)} with a key of too small a
        scope (403)
      </div>
      {top.length > 0 && (
        <ul className="dash-plain-list small">
          {top.map(([route, n]) => (
            <li key={route}>
              <code>{route}</code> <span className="muted">× {count(n)}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
