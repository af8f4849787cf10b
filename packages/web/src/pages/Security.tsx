import { get } from '../api/client.ts';
import type { Alert, BudgetStatus, RuleView } from '../api/types.ts';
import type { PageProps } from '../App.tsx';
import { AlertList } from '../components/AlertList.tsx';
import { Link } from '../components/Link.tsx';
import { MetricsRefused, Section } from '../components/States.tsx';
import { Table } from '../components/Table.tsx';
import { count, dateTime } from '../format.ts';
import { useAsync, useQuery } from '../hooks.ts';
import { budgetSubject } from '../lib/budgets.ts';
import { useMetrics } from '../lib/metrics.ts';
import { metricSum, type PromMetrics } from '../lib/prometheus.ts';
import { num } from '../lib/rows.ts';
import { hrefWithRange } from '../router.ts';
import { useTimeRange } from '../time.ts';
import './Dashboards.css';

// Seed 001 §7 security dashboard. PII and prompt-injection detection (E1, E2) do not exist yet,
// so this page says so instead of showing counters that would read as "all clear", and shows the
// security signals the server does have.

const CAPTURE: Record<string, { title: string; text: string; tone: 'good' | 'warn' | 'bad' }> = {
  full: {
    title: 'Full content',
    text: 'Prompts and responses are stored as they arrive. Nothing redacts personal data from them yet, so whatever users type is kept.',
    tone: 'warn',
  },
  metadata: {
    title: 'Metadata only',
    text: 'Prompt and response text is not stored; only their hashes are kept, so repeated prompts can still be found.',
    tone: 'good',
  },
  off: { title: 'Off', text: 'Neither prompt and response text nor their hashes are stored.', tone: 'good' },
};

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
  const rules = useAsync(() => get('/api/v1/alerts/rules'), [range.tick]);
  const alerts = useAsync(() => get('/api/v1/alerts'), [range.tick]);
  const budgets = useAsync(() => get('/api/v1/budgets/status'), [range.tick]);
  const metrics = useMetrics(range.tick);
  const rateLimited = useQuery(range, { measures: 'errors,requests', filter: 'error_class:rate_limit' });
  // A project the server has stored nothing for yet keeps everything, as the server does.
  const mode = props.project.project.contentCapture ?? 'full';
  const capture = CAPTURE[mode] ?? { title: mode, text: '', tone: 'warn' as const };

  const securityAlerts = (alerts.data?.alerts ?? []).filter((a) => a.labels.category === 'security');
  const rulesState = {
    ...rules,
    data: rules.data ? { rules: rules.data.rules.filter((v) => v.rule.category === 'security') } : null,
  };

  return (
    <div className="page dash-security">
      <section className="panel dash-coming" data-testid="security-coming">
        <header>
          <h3>PII and prompt-injection detection are not built yet</h3>
        </header>
        <p>
          Lookout does not scan prompts and responses for personal data or injection attempts yet, so this page shows no counts for them — not even zero, which
          would read as "all clear". Once the detectors exist, this page will show:
        </p>
        <ul>
          <li>PII detections by type — emails, phone numbers, card numbers, national ids, API keys and secrets, IP addresses, custom patterns — over time;</li>
          <li>prompt-injection attempts over time, with their score, by feature and user;</li>
          <li>a security event list: type, severity, user, trace and the action taken (redacted, hashed, dropped, blocked).</li>
        </ul>
        <p className="muted small">Until then, what the server does know about security is below.</p>
      </section>

      <div className="dash-grid4">
        <section className="panel" data-testid="security-capture">
          <header>
            <h3>Content capture</h3>
            <Link href={hrefWithRange('/settings')} testId="security-settings-link">
              Settings →
            </Link>
          </header>
          <div className="dash-capture">
            <span className={`pill ${capture.tone}`} data-testid="security-capture-mode">
              {capture.title}
            </span>
            <p className="small">{capture.text}</p>
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
                <div className="muted small dash-note">"No data": the rule is in place and evaluated, but nothing counts its signal yet. It starts working the day the detector does.</div>
              )}
            </>
          )}
        </Section>
      </div>
    </div>
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
