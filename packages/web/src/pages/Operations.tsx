import { useMemo } from 'react';
import { get } from '../api/client.ts';
import type { Alert } from '../api/types.ts';
import type { PageProps } from '../App.tsx';
import { AlertList } from '../components/AlertList.tsx';
import { BarList, TimeChart } from '../components/Chart.tsx';
import { Link } from '../components/Link.tsx';
import { PeriodChange } from '../components/PeriodChange.tsx';
import { ProviderPill } from '../components/ProviderPill.tsx';
import { MetricsRefused, Section, Stat } from '../components/States.tsx';
import { Table } from '../components/Table.tsx';
import { count, ms, pct } from '../format.ts';
import { useAsync, useQuery } from '../hooks.ts';
import { useMetrics } from '../lib/metrics.ts';
import { previousPeriod } from '../lib/period.ts';
import { metricSum, type PromMetrics } from '../lib/prometheus.ts';
import { alignSeries, label, num, pivot, series, share } from '../lib/rows.ts';
import { hrefWithRange, navigate } from '../router.ts';
import { useTimeRange } from '../time.ts';
import './Dashboards.css';
import { MINUTE_MS } from '../../../server/src/domain/time.ts';
import { RetentionNotice } from '../components/RetentionNotice.tsx';

// Seed 001 §7 operations dashboard: latency, throughput, errors, providers, what is in flight now
// and what is alerting — for whoever is on call.

const BUCKET_MINUTES = { minute: 1, hour: 60, day: 1440 } as const;

export function Operations(_props: PageProps) {
  const range = useTimeRange();
  const b = range.bucket;
  const totals = useQuery(range, { measures: 'requests,errors,error_rate' });
  const percentiles = useQuery(range, { measures: 'latency_p50,latency_p95,latency_p99,ttft_p95' });
  // The tiles' figures over the period of the same length before the range, in one query.
  const previous = previousPeriod(range);
  const before = useQuery(range, { measures: 'requests,error_rate,latency_p95,ttft_p95', from: previous.from, to: previous.to }, totals);
  const volume = useQuery(range, { measures: 'requests,errors,error_rate', bucket: b });
  const volumeByProvider = useQuery(range, { measures: 'requests', groupBy: 'provider', bucket: b });
  const latency = useQuery(range, { measures: 'latency_p50,latency_p95,latency_p99', bucket: b });
  const errorClasses = useQuery(range, { measures: 'errors', groupBy: 'error_class', filter: 'status:error' });
  const providers = useQuery(range, { measures: 'requests,errors,error_rate,latency_p50,latency_p95,latency_p99', groupBy: 'provider' });
  const ttft = useQuery(range, { measures: 'ttft_p95,ttft_p50,requests', groupBy: 'model', limit: '30' });
  const metrics = useMetrics(range.tick);
  const alerts = useAsync(() => get('/api/v1/alerts'), [range.tick]);

  const t = totals.data?.rows[0];
  const p = percentiles.data?.rows[0];
  const pb = before.data?.rows[0];
  const change = (now: number | null, measure: string, better: 'up' | 'down' | 'neither', testId: string) => (
    <PeriodChange now={now} before={num(pb, measure)} what={previous.what} better={better} testId={testId} />
  );
  const minutes = Math.max(1, (range.toMs - range.fromMs) / MINUTE_MS);
  const perBucket = b === 'minute' ? 'minute' : b;
  const providerSeries = useMemo(() => {
    if (!volume.data || !volumeByProvider.data) return [];
    const totalTimes = series(volume.data, []).times;
    const grouped = pivot(volumeByProvider.data, 'provider', 'requests');
    return grouped.series.length > 1 ? alignSeries(totalTimes, grouped) : [];
  }, [volume.data, volumeByProvider.data]);
  const firing = (alerts.data?.alerts ?? []).filter((a) => a.state === 'firing').length;
  const totalErrors = (errorClasses.data?.rows ?? []).reduce((a, r) => a + Number(r.errors ?? 0), 0);

  return (
    <div className="page dash-operations">
      <RetentionNotice answers={[totals.data, percentiles.data, errorClasses.data]} />
      <div className="stats" data-testid="ops-stats">
        <Stat
          label="Calls"
          value={count(num(t, 'requests'))}
          sub={`${((num(t, 'requests') ?? 0) / minutes).toFixed(2)} per minute on average`}
          testId="ops-stat-requests"
          change={change(num(t, 'requests'), 'requests', 'neither', 'ops-stat-requests-change')}
        />
        <Stat
          label="Error rate"
          value={pct(num(t, 'error_rate'))}
          sub={`${count(num(t, 'errors'))} failed calls`}
          tone={(num(t, 'error_rate') ?? 0) > 0.05 ? 'bad' : (num(t, 'error_rate') ?? 0) > 0.02 ? 'warn' : undefined}
          testId="ops-stat-error-rate"
          change={change(num(t, 'error_rate'), 'error_rate', 'down', 'ops-stat-error-rate-change')}
        />
        <Stat
          label="Latency p95"
          value={ms(num(p, 'latency_p95'))}
          sub={`p50 ${ms(num(p, 'latency_p50'))} · p99 ${ms(num(p, 'latency_p99'))}`}
          testId="ops-stat-latency-p95"
          change={change(num(p, 'latency_p95'), 'latency_p95', 'down', 'ops-stat-latency-p95-change')}
        />
        <Stat
          label="Time to first token p95"
          value={ms(num(p, 'ttft_p95'))}
          sub="streamed calls"
          testId="ops-stat-ttft-p95"
          change={change(num(p, 'ttft_p95'), 'ttft_p95', 'down', 'ops-stat-ttft-p95-change')}
        />
        {/* What fires now, not a figure of the range: nothing to compare with a previous period. */}
        <Stat
          label="Alerts firing"
          value={alerts.data ? count(firing) : '—'}
          sub={alerts.data ? `${count(alerts.data.alerts.length - firing)} pending` : undefined}
          tone={firing > 0 ? 'bad' : alerts.data ? 'good' : undefined}
          testId="ops-stat-firing"
        />
      </div>

      <h2 className="row-title">Latency and throughput</h2>
      <div className="grid">
        <Section title="Latency p50 / p95 / p99" state={latency} wide testId="ops-latency" empty={(d) => d.rows.every((r) => r.latency_p50 === null)} emptyText="No calls in this range, so no latency to show.">
          {(d) => {
            const s = series(d, ['latency_p50', 'latency_p95', 'latency_p99']);
            return (
              <TimeChart
                times={s.times}
                series={[
                  { label: 'p50', values: s.values.latency_p50 },
                  { label: 'p95', values: s.values.latency_p95, color: '#d97706' },
                  { label: 'p99', values: s.values.latency_p99, color: '#dc2626' },
                ]}
                format={(v) => ms(v)}
                testId="ops-latency-plot"
              />
            );
          }}
        </Section>
        <Section
          title={`Throughput (calls per ${perBucket})`}
          state={volume}
          testId="ops-throughput"
          empty={(d) => d.rows.every((r) => Number(r.requests ?? 0) === 0)}
          emptyText="No calls in this range. Point an SDK or the gateway at Lookout, or pick a longer range."
        >
          {(d) => {
            const s = series(d, ['requests']);
            return (
              <>
                <TimeChart
                  times={s.times}
                  series={[{ label: 'all', values: s.values.requests, color: '#0f172a' }, ...providerSeries]}
                  format={(v) => count(v)}
                  testId="ops-throughput-plot"
                />
                <div className="muted small">
                  {count((num(t, 'requests') ?? 0) / (minutes / BUCKET_MINUTES[b]))} calls per {perBucket} on average
                  {providerSeries.length > 0 ? ', split by provider' : ''}.
                </div>
              </>
            );
          }}
        </Section>
      </div>

      <h2 className="row-title">Errors</h2>
      <div className="grid">
        <Section title="Errors and error rate" state={volume} wide testId="ops-errors" empty={(d) => d.rows.every((r) => Number(r.requests ?? 0) === 0)} emptyText="No calls in this range.">
          {(d) => {
            const s = series(d, ['errors', 'error_rate']);
            return (
              <>
                <div className="muted small">Failed calls per {perBucket}</div>
                <TimeChart times={s.times} series={[{ label: 'failed calls', values: s.values.errors, color: '#dc2626' }]} format={(v) => count(v)} kind="bars" height={130} testId="ops-errors-plot" />
                <div className="muted small">Error rate (failed / all calls)</div>
                <TimeChart times={s.times} series={[{ label: 'error rate', values: s.values.error_rate, color: '#9a3412' }]} format={(v) => pct(v)} height={130} testId="ops-error-rate-plot" />
              </>
            );
          }}
        </Section>
        <Section title="Error classes" state={errorClasses} testId="ops-error-classes" empty={(d) => d.rows.length === 0} emptyText="No failed calls in this range.">
          {(d) => (
            <BarList
              rows={d.rows.map((r) => ({ label: label(r.error_class, '(unclassified)'), value: Number(r.errors ?? 0) }))}
              format={(v) => `${count(v)} · ${share(v, totalErrors)}`}
            />
          )}
        </Section>
      </div>

      <h2 className="row-title">Providers and models</h2>
      <div className="grid">
        <Section title="Providers" state={providers} wide testId="ops-providers" empty={(d) => d.rows.length === 0} emptyText="No calls in this range.">
          {(d) => (
            <Table
              rows={d.rows}
              rowKey={(r) => label(r.provider)}
              initialSort={{ key: 'requests', dir: 'desc' }}
              columns={[
                { key: 'status', label: 'Status', render: (r) => <ProviderPill errorRate={num(r, 'error_rate')} />, sortValue: (r) => num(r, 'error_rate') },
                { key: 'provider', label: 'Provider', render: (r) => label(r.provider) },
                { key: 'requests', label: 'Calls', align: 'right', render: (r) => count(num(r, 'requests')) },
                { key: 'errors', label: 'Failed', align: 'right', render: (r) => count(num(r, 'errors')) },
                { key: 'error_rate', label: 'Error rate', align: 'right', render: (r) => pct(num(r, 'error_rate')) },
                { key: 'latency_p50', label: 'p50', align: 'right', render: (r) => ms(num(r, 'latency_p50')) },
                { key: 'latency_p95', label: 'p95', align: 'right', render: (r) => ms(num(r, 'latency_p95')) },
                { key: 'latency_p99', label: 'p99', align: 'right', render: (r) => ms(num(r, 'latency_p99')) },
              ]}
            />
          )}
        </Section>
        <Section
          title="Time to first token p95 by model"
          state={ttft}
          testId="ops-ttft"
          empty={(d) => d.rows.every((r) => r.ttft_p95 === null)}
          emptyText="No streamed calls in this range: time to first token is measured on streaming calls."
        >
          {(d) => (
            <BarList
              rows={d.rows
                .filter((r) => r.ttft_p95 !== null)
                .sort((x, y) => Number(y.ttft_p95) - Number(x.ttft_p95))
                .map((r) => ({ label: label(r.model), value: Number(r.ttft_p95) }))}
              format={(v) => ms(v)}
              onSelect={(m) => m !== '(none)' && navigate(hrefWithRange('/traces', { model: m }))}
            />
          )}
        </Section>
      </div>

      <h2 className="row-title">Now</h2>
      <div className="grid">
        <Section
          title="In flight now"
          state={metrics}
          testId="ops-inflight"
          actions={
            <button className="link" onClick={metrics.reload} title="Read /metrics again">
              Re-read
            </button>
          }
        >
          {(m) => (m.refused !== null ? <MetricsRefused reason={m.refused} /> : <InFlight metrics={m.metrics} />)}
        </Section>
        <Section
          title="Active alerts"
          state={alerts}
          wide
          testId="ops-alerts"
          empty={(d) => d.alerts.length === 0}
          emptyText="Nothing firing or pending."
          actions={
            <Link href={hrefWithRange('/alerts')} testId="ops-alerts-link">
              All alerts →
            </Link>
          }
        >
          {(d) => <AlertList alerts={[...d.alerts].sort((x, y) => alertRank(x) - alertRank(y))} />}
        </Section>
      </div>
    </div>
  );
}

// Firing before pending, critical before warning.
function alertRank(a: Alert): number {
  return (a.state === 'firing' ? 0 : 10) + (a.labels.severity === 'critical' ? 0 : a.labels.severity === 'warning' ? 1 : 2);
}

function InFlight(props: { metrics: PromMetrics }) {
  const m = props.metrics;
  const inFlight = metricSum(m, 'lookout_gateway_requests_in_flight');
  const queue = metricSum(m, 'lookout_ingest_queue_depth');
  const pending = metricSum(m, 'lookout_gateway_recording_pending');
  const upstreams = (m.samples.get('lookout_gateway_requests_in_flight') ?? []).filter((s) => s.value > 0);
  const shown = (v: number | null) => (v === null ? 'not reported' : count(v));
  return (
    <div>
      <div className="dash-now">
        <div data-testid="ops-inflight-gateway">
          <div className="dash-now-value">{shown(inFlight)}</div>
          <div className="muted small">gateway calls waiting on their provider</div>
        </div>
        <div data-testid="ops-inflight-queue">
          <div className={`dash-now-value${(queue ?? 0) > 20_000 ? ' bad' : ''}`}>{shown(queue)}</div>
          <div className="muted small">rows in the ingest queue (alert above 20,000)</div>
        </div>
        {pending !== null && (
          <div>
            <div className="dash-now-value">{count(pending)}</div>
            <div className="muted small">gateway calls waiting to be recorded</div>
          </div>
        )}
      </div>
      {upstreams.length > 0 && (
        <div className="muted small">
          {upstreams.map((s) => `${s.labels.upstream ?? 'upstream'}: ${count(s.value)}`).join(' · ')}
        </div>
      )}
      <div className="muted small dash-note">Read from this server's /metrics{inFlight === 0 ? '; nothing is waiting on a provider' : ''}. Set auto-refresh to follow it.</div>
    </div>
  );
}
