import { useMemo } from 'react';
import { analytics, get } from '../api/client.ts';
import type { LatencyBand } from '../api/types.ts';
import type { PageProps } from '../App.tsx';
import { AlertList } from '../components/AlertList.tsx';
import { BarList, TimeChart } from '../components/Chart.tsx';
import { Link } from '../components/Link.tsx';
import { PeriodChange } from '../components/PeriodChange.tsx';
import { ProviderPill } from '../components/ProviderPill.tsx';
import { GettingStarted, Section, Stat } from '../components/States.tsx';
import { Table } from '../components/Table.tsx';
import { count, ms, pct, plural, ratio, usd } from '../format.ts';
import { answered, useAsync, useQuery } from '../hooks.ts';
import { num, series } from '../lib/rows.ts';
import { healthTone, overallHealth } from '../lib/health.ts';
import { previousPeriod } from '../lib/period.ts';
import { APP_CACHE_TILE_DAYS, appCacheRange } from '../lib/app-cache.ts';
import { navigate, hrefWithRange } from '../router.ts';
import { useTimeRange } from '../time.ts';
import { RetentionNotice } from '../components/RetentionNotice.tsx';

// Seed 000's five rows: cost, latency, tokens, quality, operational health.

export function Overview(_props: PageProps) {
  const range = useTimeRange();
  const b = range.bucket;
  // Spend and calls first, alone (two columns): the first tiles show them; everything else is
  // asked for once they are on screen.
  const headline = useQuery(range, { measures: 'cost,requests,cost_per_request,unknown_cost_requests' });
  const totals = useQuery(range, { measures: 'total_tokens,tokens_per_request,input_output_ratio,errors,error_rate,cache_hit_rate' }, headline);
  // The application's own caches (cache spans, the gateway's response cache): lookups, not calls,
  // so a query of their own, over at most the range's last days (lib/app-cache.ts).
  const appCacheSpan = appCacheRange(range);
  const appCache = useQuery(range, { measures: 'app_cache_hit_rate,app_cache_lookups', from: appCacheSpan.from, to: appCacheSpan.to }, headline);
  // Every tile against the period of the same length before the range: its measures in one query
  // (the health tile's comes from the health API, asked for the previous period below).
  const previous = previousPeriod(range);
  const headlineBefore = useQuery(
    range,
    { measures: 'cost,requests,cost_per_request,latency_p95,error_rate,total_tokens,refusal_rate', from: previous.from, to: previous.to },
    headline,
  );
  const latencyTotals = useQuery(range, { measures: 'latency_p50,latency_p95,latency_p99' }, headline);
  const costSeries = useQuery(range, { measures: 'cost,requests,errors,error_rate', bucket: b }, headline);
  const latencySeries = useQuery(range, { measures: 'latency_p50,latency_p95,latency_p99', bucket: b }, headline);
  const byModel = useQuery(
    range,
    {
      measures:
        'cost,unknown_cost_requests,requests,input_tokens,output_tokens,cache_read_tokens,reasoning_tokens,tokens_per_request,latency_p95,error_rate,cache_hit_rate,cache_savings,context_window_use_p95,near_context_limit,tokens_per_second_p50,time_per_output_token_p50',
      groupBy: 'model',
      limit: '20',
    },
    headline,
  );
  const byFeature = useQuery(range, { measures: 'cost,requests,latency_p95,score_avg', groupBy: 'feature', limit: '20' }, headline);
  const scoreNames = useAsync(() => get('/api/v1/scores', { limit: 200 }), [range.tick]);
  const scoreName = useMemo(() => {
    // score_avg averages numeric (and boolean) scores only: a categorical name would chart nothing.
    const names = new Set((scoreNames.data?.scores ?? []).filter((s) => s.numericValue !== null).map((s) => s.name));
    return [...names][0] ?? null;
  }, [scoreNames.data]);
  const scoreSeries = useAsync(
    () => (scoreName ? analytics({ from: range.from, to: range.to, measures: 'score_avg', bucket: b, scoreName }) : Promise.resolve(null)),
    [range.from, range.to, range.tick, scoreName],
  );
  const byProvider = useQuery(range, { measures: 'requests,error_rate,latency_p95', groupBy: 'provider' }, headline);
  const distribution = useAsync(
    () => get('/api/v1/analytics/latency-distribution', { from: range.from, to: range.to }),
    [range.from, range.to, range.tick],
    answered(headline),
  );
  const alerts = useAsync(() => get('/api/v1/alerts'), [range.tick]);
  const health = useAsync(() => get('/api/v1/quality/health', { from: range.from, to: range.to, by: 'feature' }), [range.from, range.to, range.tick], answered(headline));
  const healthBefore = useAsync(
    () => get('/api/v1/quality/health', { from: previous.from, to: previous.to, by: 'feature' }),
    [previous.from, previous.to, range.tick],
    answered(headline),
  );
  const refusals = useQuery(range, { measures: 'refusal_rate' }, headline);
  const overall = health.data ? overallHealth(health.data.groups) : null;
  const overallBefore = healthBefore.data ? overallHealth(healthBefore.data.groups) : null;
  const refusalRate = num(refusals.data?.rows[0], 'refusal_rate');

  const h = headline.data?.rows[0];
  const hBefore = headlineBefore.data?.rows[0];
  const t = totals.data?.rows[0];
  const lt = latencyTotals.data?.rows[0];
  const noCalls = headline.data !== null && (num(h, 'requests') ?? 0) === 0;
  const stored = useAsync(
    () => (noCalls ? get('/api/v1/spans', { limit: 1, from: '3650d', total: 'false' }).then((d) => d.spans.length > 0) : Promise.resolve(true)),
    [noCalls],
  );
  // A project that has never had a call: how to send the first one.
  if (noCalls && stored.data === false) return <GettingStarted />;

  return (
    <div className="page overview">
      <RetentionNotice answers={[headline.data, latencyTotals.data, byFeature.data, appCache.data]} />
      {noCalls && (
        // Calls stopping is when the health row and the alerts matter most: the page stays.
        <div className="notice" data-testid="no-calls-notice">
          No LLM calls in this range.{' '}
          {range.label !== '30d' && (
            <Link href={`/?range=30d`}>Look at the last 30 days</Link>
          )}
        </div>
      )}
      <div className="stats" data-testid="overview-stats">
        <Stat
          label="Total spend"
          value={usd(num(h, 'cost'))}
          sub={`${plural(num(h, 'unknown_cost_requests'), 'call')} without a price`}
          testId="stat-total-cost"
          change={<PeriodChange now={num(h, 'cost')} before={num(hBefore, 'cost')} what={previous.what} better="down" testId="stat-total-cost-change" />}
        />
        <Stat
          label="Requests"
          value={count(num(h, 'requests'))}
          testId="stat-requests"
          change={<PeriodChange now={num(h, 'requests')} before={num(hBefore, 'requests')} what={previous.what} better="neither" testId="stat-requests-change" />}
        />
        <Stat
          label="Cost / priced call"
          value={usd(num(h, 'cost_per_request'))}
          sub="calls without a cost left out"
          change={<PeriodChange now={num(h, 'cost_per_request')} before={num(hBefore, 'cost_per_request')} what={previous.what} better="down" testId="stat-cost-per-call-change" />}
        />
        <Stat
          label="Latency p95"
          value={ms(num(lt, 'latency_p95'))}
          sub={`p50 ${ms(num(lt, 'latency_p50'))} · p99 ${ms(num(lt, 'latency_p99'))}`}
          testId="stat-latency-p95"
          change={<PeriodChange now={num(lt, 'latency_p95')} before={num(hBefore, 'latency_p95')} what={previous.what} better="down" testId="stat-latency-p95-change" />}
        />
        <Stat
          label="Error rate"
          value={pct(num(t, 'error_rate'))}
          tone={(num(t, 'error_rate') ?? 0) > 0.05 ? 'bad' : undefined}
          sub={`${count(num(t, 'errors'))} errors`}
          testId="stat-error-rate"
          change={<PeriodChange now={num(t, 'error_rate')} before={num(hBefore, 'error_rate')} what={previous.what} better="down" testId="stat-error-rate-change" />}
        />
        <Stat
          label="Tokens"
          value={count(num(t, 'total_tokens'))}
          sub={`${count(num(t, 'tokens_per_request'))} per request`}
          testId="stat-tokens"
          change={<PeriodChange now={num(t, 'total_tokens')} before={num(hBefore, 'total_tokens')} what={previous.what} better="neither" testId="stat-tokens-change" />}
        />
      </div>

      <h2 className="row-title">Cost</h2>
      <div className="grid">
        <Section title="Spend over time" state={costSeries} testId="chart-cost">
          {(d) => {
            const s = series(d, ['cost']);
            return <TimeChart times={s.times} series={[{ label: 'cost', values: s.values.cost }]} format={(v) => usd(v, 2)} kind="bars" testId="chart-cost-plot" />;
          }}
        </Section>
        <Section title="Spend by model" state={byModel} empty={(d) => d.rows.length === 0} testId="cost-by-model">
          {(d) => (
            <BarList
              rows={d.rows.map((r) => ({
                // A model without a price has an unknown cost, not $0.
                label: `${r.model ?? '(none)'}${Number(r.unknown_cost_requests) > 0 ? ` (${count(Number(r.unknown_cost_requests))} unpriced)` : ''}`,
                value: Number(r.cost ?? 0),
                display: Number(r.cost ?? 0) === 0 && Number(r.unknown_cost_requests) > 0 ? 'unknown' : undefined,
              }))}
              format={(v) => usd(v)}
              onSelect={(m) => navigate(hrefWithRange('/traces', { model: m.replace(/ \(.*\)$/, '') }))}
            />
          )}
        </Section>
        <Section title="Spend by feature" state={byFeature} empty={(d) => d.rows.length === 0} testId="cost-by-feature">
          {(d) => (
            <BarList
              rows={d.rows.map((r) => ({ label: String(r.feature ?? '(none)'), value: Number(r.cost ?? 0) }))}
              format={(v) => usd(v)}
              onSelect={(f) => navigate(hrefWithRange('/traces', { feature: f === '(none)' ? null : f }))}
            />
          )}
        </Section>
      </div>

      <h2 className="row-title">Latency</h2>
      <div className="grid">
        <Section title="p50 / p95 / p99 over time" state={latencySeries} wide testId="chart-latency">
          {(d) => {
            const s = series(d, ['latency_p50', 'latency_p95', 'latency_p99']);
            return (
              <TimeChart
                times={s.times}
                series={[
                  { label: 'p50', values: s.values.latency_p50 },
                  { label: 'p95', values: s.values.latency_p95 },
                  { label: 'p99', values: s.values.latency_p99 },
                ]}
                format={(v) => ms(v)}
                testId="chart-latency-plot"
              />
            );
          }}
        </Section>
        <Section title="Distribution (calls by duration)" state={distribution} empty={(d) => d.bands.every((b) => b.requests === 0)} testId="latency-distribution">
          {(d) => <BarList rows={d.bands.map((b) => ({ label: bandLabel(b), value: b.requests }))} format={(v) => count(v)} />}
        </Section>
        <Section title="Latency by model (p95)" state={byModel} empty={(d) => d.rows.length === 0}>
          {(d) => <BarList rows={d.rows.filter((r) => r.latency_p95 !== null).map((r) => ({ label: String(r.model ?? '(none)'), value: Number(r.latency_p95) }))} format={(v) => ms(v)} />}
        </Section>
        <Section title="Streaming speed by model (p50)" state={byModel} empty={(d) => d.rows.every((r) => r.tokens_per_second_p50 === null)} emptyText="No streamed calls in this range." testId="streaming-speed-by-model">
          {(d) => (
            <Table
              rows={d.rows.filter((r) => r.tokens_per_second_p50 !== null)}
              rowKey={(r) => String(r.model)}
              initialSort={{ key: 'tokens_per_second_p50', dir: 'desc' }}
              columns={[
                { key: 'model', label: 'Model', render: (r) => String(r.model ?? '(none)') },
                { key: 'tokens_per_second_p50', label: 'Tokens / s', align: 'right', render: (r) => ratio(num(r, 'tokens_per_second_p50')) },
                { key: 'time_per_output_token_p50', label: 'Per token', align: 'right', render: (r) => ms(num(r, 'time_per_output_token_p50')) },
              ]}
            />
          )}
        </Section>
      </div>

      <h2 className="row-title">Tokens</h2>
      <div className="grid">
        <Section title="Tokens by model" state={byModel} wide empty={(d) => d.rows.length === 0} testId="tokens-by-model">
          {(d) => (
            <Table
              rows={d.rows}
              rowKey={(r) => String(r.model)}
              initialSort={{ key: 'input_tokens', dir: 'desc' }}
              columns={[
                { key: 'model', label: 'Model', render: (r) => String(r.model ?? '(none)') },
                { key: 'input_tokens', label: 'Input', align: 'right', render: (r) => count(num(r, 'input_tokens')) },
                { key: 'cache_read_tokens', label: 'Cached', align: 'right', render: (r) => count(num(r, 'cache_read_tokens')) },
                { key: 'output_tokens', label: 'Output', align: 'right', render: (r) => count(num(r, 'output_tokens')) },
                { key: 'reasoning_tokens', label: 'Reasoning', align: 'right', render: (r) => count(num(r, 'reasoning_tokens')) },
                { key: 'tokens_per_request', label: 'Per request', align: 'right', render: (r) => count(num(r, 'tokens_per_request')) },
                { key: 'cache_hit_rate', label: 'Cache hit', align: 'right', render: (r) => pct(num(r, 'cache_hit_rate')) },
                { key: 'cache_savings', label: 'Cache saved', align: 'right', render: (r) => usd(num(r, 'cache_savings')) },
                { key: 'context_window_use_p95', label: 'Context p95', align: 'right', render: (r) => pct(num(r, 'context_window_use_p95')) },
                { key: 'near_context_limit', label: 'Near limit', align: 'right', render: (r) => count(num(r, 'near_context_limit')) },
              ]}
            />
          )}
        </Section>
        <Section title="Input : output" state={totals}>
          {(d) => (
            <div className="big-number">
              {ratio(num(d.rows[0], 'input_output_ratio'))} <small>input tokens per output token</small>
            </div>
          )}
        </Section>
        <Section title="Prompt cache hit rate" state={totals} testId="prompt-cache">
          {(d) => (
            <div className="big-number" data-testid="prompt-cache-hit-rate">
              {pct(num(d.rows[0], 'cache_hit_rate'))} <small>of prompt tokens, read from the provider's cache</small>
            </div>
          )}
        </Section>
        <Section title="Application cache hit rate" state={appCache} testId="app-cache">
          {(d) => (
            <div className="big-number" data-testid="app-cache-hit-rate">
              {pct(num(d.rows[0], 'app_cache_hit_rate'))}{' '}
              <small>
                of {plural(num(d.rows[0], 'app_cache_lookups'), 'lookup')} in the application's own caches, hits
                {appCacheSpan.clipped ? `, over the last ${APP_CACHE_TILE_DAYS} days of the range` : ''}
              </small>
            </div>
          )}
        </Section>
      </div>

      <h2 className="row-title">Quality</h2>
      <div className="stats" data-testid="overview-quality-stats">
        <Stat
          label="Health"
          value={health.error ? 'unavailable' : overall?.score === null || overall === null ? '—' : `${overall.score} / 100`}
          tone={healthTone(overall?.score ?? null)}
          sub={health.error ? health.error.message : overall?.worst ? `lowest: ${overall.worst.key ?? '(no feature)'} at ${overall.worst.health}` : 'quality, latency, errors and cost per feature'}
          testId="stat-health"
          change={<PeriodChange now={overall?.score ?? null} before={overallBefore?.score ?? null} what={previous.what} better="up" testId="stat-health-change" />}
        />
        <Stat
          label="Refusal rate"
          value={refusals.error ? 'unavailable' : pct(refusalRate)}
          tone={(refusalRate ?? 0) > 0.05 ? 'warn' : undefined}
          sub={refusals.error ? refusals.error.message : 'of generations the model declined to answer'}
          testId="stat-refusal-rate"
          change={<PeriodChange now={refusalRate} before={num(hBefore, 'refusal_rate')} what={previous.what} better="down" testId="stat-refusal-rate-change" />}
        />
      </div>
      <div className="grid">
        <Section title={scoreName ? `Score "${scoreName}" over time` : 'Scores over time'} state={scoreSeries} empty={(d) => d === null} emptyText="No scores yet. Send scores with the SDK's score() or the ingest API.">
          {(d) => {
            const s = series(d!, ['score_avg']);
            return <TimeChart times={s.times} series={[{ label: scoreName ?? 'score', values: s.values.score_avg }]} format={(v) => v.toFixed(2)} />;
          }}
        </Section>
        <Section title="Average score by feature" state={byFeature} empty={(d) => d.rows.every((r) => r.score_avg === null)} emptyText="No scores on these features yet.">
          {(d) => <BarList rows={d.rows.filter((r) => r.score_avg !== null).map((r) => ({ label: String(r.feature ?? '(none)'), value: Number(r.score_avg) }))} format={(v) => v.toFixed(2)} />}
        </Section>
      </div>

      <h2 className="row-title">Operational health</h2>
      <div className="grid">
        <Section title="Volume and errors" state={costSeries} testId="chart-volume">
          {(d) => {
            const s = series(d, ['requests', 'errors']);
            return (
              <TimeChart
                times={s.times}
                series={[
                  { label: 'requests', values: s.values.requests },
                  { label: 'errors', values: s.values.errors, color: '#dc2626' },
                ]}
                format={(v) => count(v)}
              />
            );
          }}
        </Section>
        <Section title="Providers" state={byProvider} empty={(d) => d.rows.length === 0}>
          {(d) => (
            <Table
              rows={d.rows}
              rowKey={(r) => String(r.provider)}
              columns={[
                { key: 'provider', label: 'Provider', render: (r) => <ProviderStatus name={String(r.provider ?? '(none)')} errorRate={num(r, 'error_rate')} /> },
                { key: 'requests', label: 'Calls', align: 'right', render: (r) => count(num(r, 'requests')) },
                { key: 'error_rate', label: 'Errors', align: 'right', render: (r) => pct(num(r, 'error_rate')) },
                { key: 'latency_p95', label: 'p95', align: 'right', render: (r) => ms(num(r, 'latency_p95')) },
              ]}
            />
          )}
        </Section>
        <Section title="Active alerts" state={alerts} empty={(d) => d.alerts.length === 0} emptyText="Nothing firing or pending." testId="active-alerts">
          {(d) => <AlertList alerts={d.alerts} />}
        </Section>
      </div>
    </div>
  );
}

const bandLabel = (b: LatencyBand) => (b.toMs === null ? `≥ ${ms(b.fromMs)}` : b.fromMs === 0 ? `< ${ms(b.toMs)}` : `${ms(b.fromMs)} – ${ms(b.toMs)}`);


function ProviderStatus(props: { name: string; errorRate: number | null }) {
  return (
    <span>
      <ProviderPill errorRate={props.errorRate} /> {props.name}
    </span>
  );
}
