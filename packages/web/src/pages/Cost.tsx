import { useState } from 'react';
import { download, get } from '../api/client.ts';
import type { ChargebackRow } from '../api/types.ts';
import type { PageProps } from '../App.tsx';
import { TimeChart } from '../components/Chart.tsx';
import { Link } from '../components/Link.tsx';
import { ErrorState, Section, Stat } from '../components/States.tsx';
import { ExportButton } from '../components/ExportButton.tsx';
import { PeriodChange } from '../components/PeriodChange.tsx';
import { Table } from '../components/Table.tsx';
import { count, dateTime, ms, pct, usd } from '../format.ts';
import { answered, useAsync, useQuery } from '../hooks.ts';
import { previousPeriod } from '../lib/period.ts';
import { num, pivot } from '../lib/rows.ts';
import { hrefWithRange, navigate, useSearchParams } from '../router.ts';
import { useTimeRange } from '../time.ts';
import { EVALUATION_FEATURE } from '../../../server/src/domain/quality.ts';
import { RetentionNotice } from '../components/RetentionNotice.tsx';
import { Recommendations } from './cost/Recommendations.tsx';

// The cost dashboard: each tile against the previous period, what to change to spend less, spend
// by any dimension (`by` in the URL), top spenders, model efficiency, models without a price, and
// the monthly chargeback report.

const DIMENSIONS = ['model', 'provider', 'feature', 'team', 'department', 'application', 'environment', 'user', 'session', 'tag', 'kind', 'status', 'finish_reason', 'prompt', 'prompt_version', 'variant'];
// The trace explorer's parameter for a dimension, where it has one.
const TRACE_PARAM: Record<string, string> = {
  model: 'model', provider: 'provider', feature: 'feature', team: 'team', department: 'department', application: 'application',
  environment: 'environment', user: 'userId', session: 'sessionId', tag: 'tag', kind: 'kind', status: 'status',
};

export function Cost(_props: PageProps) {
  const range = useTimeRange();
  const [search, set] = useSearchParams();
  const by = search.get('by') ?? 'model';
  const [metaKey, setMetaKey] = useState(by.startsWith('metadata.') ? by.slice('metadata.'.length) : '');

  // The spend first, alone; the rest once it is on screen (see useQuery).
  const totals = useQuery(range, { measures: 'cost,requests,cost_per_request,unknown_cost_requests' });
  const first = answered(totals);
  const tokens = useQuery(range, { measures: 'total_tokens,usd_per_mtok' }, totals);
  // Lookout's own judge calls: never in the spend above, asked for by their feature.
  const evaluation = useQuery(range, { measures: 'cost,requests', filter: `feature:${EVALUATION_FEATURE}` }, totals);
  // Each tile against the period of the same length before the range: the same measures, shifted
  // (the previous period's in one query: none of them is on screen before the range's).
  const previous = previousPeriod(range);
  const shifted = { from: previous.from, to: previous.to };
  const totalsBefore = useQuery(range, { measures: 'cost,requests,cost_per_request,unknown_cost_requests,total_tokens,usd_per_mtok', ...shifted }, totals);
  const evaluationBefore = useQuery(range, { measures: 'cost,requests', filter: `feature:${EVALUATION_FEATURE}`, ...shifted }, totals);
  const breakdown = useQuery(range, { measures: 'cost,requests,cost_per_request,total_tokens,usd_per_mtok,unknown_cost_requests', groupBy: by, limit: '100' }, totals);
  const overTime = useQuery(range, { measures: 'cost', groupBy: by, bucket: range.bucket, limit: '5000' }, totals);
  const spenders = useAsync(
    () => get('/api/v1/analytics/top-spenders', { by: 'user', limit: 10, from: range.from, to: range.to }),
    [range.from, range.to, range.tick],
    first,
  );
  const efficiency = useAsync(() => get('/api/v1/analytics/model-efficiency', { from: range.from, to: range.to }), [range.from, range.to, range.tick], first);
  const unknown = useAsync(() => get('/api/v1/pricing/unknown-models'), [range.tick], first);
  const recommendations = useAsync(() => get('/api/v1/recommendations', { from: range.from, to: range.to }), [range.from, range.to, range.tick], first);

  const t = totals.data?.rows[0];
  const tk = tokens.data?.rows[0];
  const ev = evaluation.data?.rows[0];
  const tBefore = totalsBefore.data?.rows[0];
  const evBefore = evaluationBefore.data?.rows[0];
  // Every figure here is spend (or calls left out of it): less is better.
  const change = (now: number | null, before: number | null, testId: string) => <PeriodChange now={now} before={before} what={previous.what} better="down" testId={testId} />;
  const total = num(t, 'cost') ?? 0;
  const traceLink = (value: string | number | null) => {
    const param = TRACE_PARAM[by];
    return param && value !== null ? () => navigate(hrefWithRange('/traces', { [param]: String(value) })) : undefined;
  };

  return (
    <div className="page cost">
      <RetentionNotice answers={[totals.data, breakdown.data, spenders.data, efficiency.data]} />
      <div className="form-row">
        <ExportButton query={{ from: range.from, to: range.to }} testId="cost-export" />
      </div>
      <div className="stats">
        <Stat label="Spend" value={usd(num(t, 'cost'))} sub={`${count(num(t, 'requests'))} calls`} testId="cost-total" change={change(num(t, 'cost'), num(tBefore, 'cost'), 'cost-total-change')} />
        <Stat
          label="Cost / priced call"
          value={usd(num(t, 'cost_per_request'))}
          sub="calls without a cost left out"
          testId="cost-per-call"
          change={change(num(t, 'cost_per_request'), num(tBefore, 'cost_per_request'), 'cost-per-call-change')}
        />
        <Stat
          label="$ per 1M tokens"
          value={usd(num(tk, 'usd_per_mtok'))}
          sub={`${count(num(tk, 'total_tokens'))} tokens`}
          testId="cost-per-mtok"
          change={change(num(tk, 'usd_per_mtok'), num(tBefore, 'usd_per_mtok'), 'cost-per-mtok-change')}
        />
        <Stat
          label="Calls without a price"
          value={count(num(t, 'unknown_cost_requests'))}
          tone={(num(t, 'unknown_cost_requests') ?? 0) > 0 ? 'warn' : undefined}
          sub={(num(t, 'unknown_cost_requests') ?? 0) > 0 ? 'not in the spend: add their prices below' : 'every call is priced'}
          change={change(num(t, 'unknown_cost_requests'), num(tBefore, 'unknown_cost_requests'), 'cost-unpriced-change')}
        />
        <Stat
          label="Evaluation cost"
          value={usd(num(ev, 'cost'))}
          sub={`Lookout's own judge spend, ${count(num(ev, 'requests'))} judge calls; not in the spend`}
          testId="evaluation-cost"
          change={change(num(ev, 'cost'), num(evBefore, 'cost'), 'evaluation-cost-change')}
        />
      </div>

      <form
        className="filters"
        data-testid="cost-by"
        onSubmit={(e) => {
          e.preventDefault();
          if (metaKey.trim()) set({ by: `metadata.${metaKey.trim()}` });
        }}
      >
        <label>
          Break down by
          <select name="by" value={by.startsWith('metadata.') ? 'metadata' : by} onChange={(e) => e.target.value !== 'metadata' && set({ by: e.target.value === 'model' ? null : e.target.value })}>
            {DIMENSIONS.map((d) => (
              <option key={d} value={d}>
                {d.replace('_', ' ')}
              </option>
            ))}
            <option value="metadata">metadata key…</option>
          </select>
        </label>
        <label>
          Metadata key
          <input name="metadataKey" placeholder="e.g. tenant" value={metaKey} onChange={(e) => setMetaKey(e.target.value)} />
        </label>
        <button type="submit" disabled={!metaKey.trim()}>
          Group by metadata
        </button>
      </form>

      <div className="grid">
        <Recommendations state={recommendations} calls={num(t, 'requests')} />
        <Section title={`Spend over time by ${by}`} state={overTime} full testId="cost-over-time" empty={(d) => d.rows.length === 0}>
          {(d) => {
            const p = pivot(d, by, 'cost');
            return <TimeChart times={p.times} series={p.series} format={(v) => usd(v, 2)} testId="cost-over-time-plot" />;
          }}
        </Section>
        <Section title={`Spend by ${by}`} state={breakdown} wide testId="cost-breakdown" empty={(d) => d.rows.length === 0}>
          {(d) => (
            <Table
              rows={d.rows}
              rowKey={(r, i) => `${String(r[by])}-${i}`}
              initialSort={{ key: 'cost', dir: 'desc' }}
              onRowClick={TRACE_PARAM[by] ? (r) => traceLink(r[by])?.() : undefined}
              columns={[
                { key: by, label: by.replace('_', ' '), render: (r) => (r[by] === null ? <span className="muted">(none)</span> : String(r[by])) },
                { key: 'cost', label: 'Spend', align: 'right', render: (r) => (num(r, 'cost') === 0 && (num(r, 'unknown_cost_requests') ?? 0) > 0 ? <span className="muted">unknown</span> : usd(num(r, 'cost'))) },
                { key: 'share', label: 'Share', align: 'right', sortValue: (r) => num(r, 'cost'), render: (r) => (total > 0 ? pct((num(r, 'cost') ?? 0) / total) : '—') },
                { key: 'requests', label: 'Calls', align: 'right', render: (r) => count(num(r, 'requests')) },
                { key: 'cost_per_request', label: 'Per priced call', align: 'right', render: (r) => usd(num(r, 'cost_per_request')) },
                { key: 'usd_per_mtok', label: '$ / 1M tok', align: 'right', render: (r) => usd(num(r, 'usd_per_mtok')) },
                { key: 'total_tokens', label: 'Tokens', align: 'right', render: (r) => count(num(r, 'total_tokens')) },
                { key: 'unknown_cost_requests', label: 'Unpriced', align: 'right', render: (r) => count(num(r, 'unknown_cost_requests')) },
              ]}
            />
          )}
        </Section>
        <Section title="Top spenders (users)" state={spenders} testId="top-spenders" empty={(d) => d.rows.length === 0}>
          {(d) => (
            <Table
              rows={d.rows}
              rowKey={(r, i) => `${r.key}-${i}`}
              onRowClick={(r) => r.key !== null && navigate(hrefWithRange(`/users/${encodeURIComponent(r.key)}`))}
              columns={[
                { key: 'key', label: 'User', render: (r) => r.key ?? <span className="muted">(none)</span> },
                { key: 'costUsd', label: 'Spend', align: 'right', render: (r) => usd(r.costUsd) },
                { key: 'sharePct', label: 'Share', align: 'right', render: (r) => `${r.sharePct.toFixed(1)}%` },
                { key: 'requests', label: 'Calls', align: 'right', render: (r) => count(r.requests) },
              ]}
            />
          )}
        </Section>
        <Section title="Models without a price (all stored calls)" state={unknown} testId="unknown-models-cost" empty={(d) => d.models.length === 0} emptyText="Every model seen has a price.">
          {(d) => (
            <div>
              <p className="small muted">Their calls count as unpriced, not as $0. Adding a price re-costs the calls already stored.</p>
              <Table
                rows={d.models}
                rowKey={(m, i) => `${m.provider}/${m.model}/${i}`}
                columns={[
                  { key: 'model', label: 'Model', render: (m) => `${m.model ?? '(none)'}${m.provider ? ` (${m.provider})` : ''}` },
                  { key: 'calls', label: 'Calls', align: 'right', render: (m) => count(m.calls) },
                  { key: 'lastSeen', label: 'Last seen', render: (m) => dateTime(Date.parse(m.lastSeen)) },
                  {
                    key: 'add',
                    label: '',
                    render: (m) => <Link href={`/settings?${new URLSearchParams({ model: m.model ?? '', provider: m.provider ?? '' })}`}>Add price</Link>,
                  },
                ]}
              />
            </div>
          )}
        </Section>
        <Section title="Model efficiency (cheapest per token first)" state={efficiency} wide testId="model-efficiency" empty={(d) => d.models.length === 0}>
          {(d) => (
            <Table
              rows={d.models}
              rowKey={(m, i) => `${m.provider}/${m.model}/${i}`}
              columns={[
                { key: 'model', label: 'Model', render: (m) => `${m.model ?? '(none)'}${m.provider ? ` (${m.provider})` : ''}` },
                { key: 'usdPerMtok', label: '$ / 1M tok', align: 'right', render: (m) => usd(m.usdPerMtok) },
                { key: 'costPerRequestUsd', label: 'Per call', align: 'right', render: (m) => usd(m.costPerRequestUsd) },
                { key: 'tokensPerRequest', label: 'Tokens / call', align: 'right', render: (m) => count(m.tokensPerRequest) },
                { key: 'latencyAvgMs', label: 'Avg latency', align: 'right', render: (m) => ms(m.latencyAvgMs) },
                { key: 'requests', label: 'Calls', align: 'right', render: (m) => count(m.requests) },
                { key: 'costUsd', label: 'Spend', align: 'right', render: (m) => (m.costUsd === 0 && m.unknownCostRequests > 0 ? <span className="muted">unknown</span> : usd(m.costUsd)) },
              ]}
            />
          )}
        </Section>
        <Chargeback enabled={first} />
      </div>
    </div>
  );
}

const CHARGEBACK_BY = ['department', 'team', 'application', 'feature', 'department,team'];

// The month's spend per department / team / application, to bill back; CSV for spreadsheets.
function Chargeback(props: { enabled: boolean }) {
  const [search, set] = useSearchParams();
  const month = search.get('month') ?? new Date().toISOString().slice(0, 7);
  const by = search.get('chargebackBy') ?? 'department';
  const report = useAsync(() => get('/api/v1/reports/chargeback', { month, by, format: 'json' }), [month, by], props.enabled);
  const [failed, setFailed] = useState<Error | null>(null);
  return (
    <Section
      title={`Chargeback ${month}`}
      state={report}
      full
      testId="chargeback"
      empty={(d) => d.rows.length === 0}
      emptyText="No calls in that month."
      actions={
        <div className="form-row">
          <input type="month" aria-label="Month" value={month} onChange={(e) => e.target.value && set({ month: e.target.value })} />
          <select aria-label="Chargeback by" value={by} onChange={(e) => set({ chargebackBy: e.target.value === 'department' ? null : e.target.value })}>
            {CHARGEBACK_BY.map((b) => (
              <option key={b} value={b}>
                by {b.replace(',', ' and ')}
              </option>
            ))}
          </select>
          <button
            data-testid="chargeback-csv"
            onClick={() => {
              setFailed(null);
              download('/api/v1/reports/chargeback', { month, by, format: 'csv' }, `lookout-chargeback-${month}.csv`).catch(setFailed);
            }}
          >
            Download CSV
          </button>
        </div>
      }
    >
      {(d) => (
        <>
          {failed && <ErrorState error={failed} />}
          <Table
            rows={d.rows}
            rowKey={(r, i) => `${d.by.map((k) => r[k]).join('/')}-${i}`}
            columns={[
              ...d.by.map((k) => ({ key: k, label: k, render: (r: ChargebackRow) => r[k] ?? '' })),
              { key: 'costUsd', label: 'Spend', align: 'right' as const, render: (r) => usd(r.costUsd) },
              { key: 'sharePct', label: 'Share', align: 'right' as const, render: (r) => `${r.sharePct.toFixed(2)}%` },
              { key: 'requests', label: 'Calls', align: 'right' as const, render: (r) => count(r.requests) },
              { key: 'totalTokens', label: 'Tokens', align: 'right' as const, render: (r) => count(r.totalTokens) },
              { key: 'unknownCostRequests', label: 'Unpriced', align: 'right' as const, render: (r) => count(r.unknownCostRequests) },
              // Markups and other costs (docs/cost.md), where the project bills them.
              ...(d.rows.some((r) => r.tiers.length > 0 || r.otherCosts.length > 0)
                ? [
                    { key: 'markupUsd', label: 'Markup', align: 'right' as const, render: (r: ChargebackRow) => <span title={r.tiers.join(', ')}>{usd(r.markupUsd)}</span> },
                    {
                      key: 'otherCostUsd',
                      label: 'Other costs',
                      align: 'right' as const,
                      render: (r: ChargebackRow) => <span title={r.otherCosts.map((c) => `${c.name}: ${usd(c.costUsd)}`).join('\n')}>{usd(r.otherCostUsd)}</span>,
                    },
                    { key: 'billedUsd', label: 'Billed', align: 'right' as const, render: (r: ChargebackRow) => usd(r.billedUsd) },
                  ]
                : []),
            ]}
          />
        </>
      )}
    </Section>
  );
}
