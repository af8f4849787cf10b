import type { ReactNode } from 'react';
import { get } from '../api/client.ts';
import type { Span } from '../api/types.ts';
import type { PageProps } from '../App.tsx';
import { BarList } from '../components/Chart.tsx';
import { Link } from '../components/Link.tsx';
import { Section } from '../components/States.tsx';
import { Table } from '../components/Table.tsx';
import { count, dateTime, ms, nanoUsd, pct, usd } from '../format.ts';
import { useAsync, useQuery } from '../hooks.ts';
import { label, num, share } from '../lib/rows.ts';
import { hrefWithRange } from '../router.ts';
import { useTimeRange } from '../time.ts';
import './Dashboards.css';
import { RetentionNotice } from '../components/RetentionNotice.tsx';

// Seed 001 §7 developer dashboard: the calls to look at first (slowest, failing), performance by
// feature, how calls end, time to first token and errors by class — each leading to its traces.

const LIST_LIMIT = 15;

// Finish reasons that mean the answer was cut short or withheld.
const TRUNCATED = new Set(['length', 'max_tokens', 'content_filter', 'MAX_TOKENS', 'SAFETY']);

const durationMs = (s: Span) => (s.endUs - s.startUs) / 1000;
const tokens = (s: Span) => s.usage.input + s.usage.output + s.usage.cacheRead + s.usage.cacheWrite + s.usage.reasoning + s.usage.audio;
const model = (s: Span) => s.responseModel ?? s.requestModel;

function TraceLink(props: { span: Span; children: ReactNode }) {
  // The trace opens with this call selected.
  return <Link href={hrefWithRange(`/traces/${props.span.traceId}`, { span: props.span.spanId })}>{props.children}</Link>;
}

function FeatureLink(props: { feature: string | null | undefined }) {
  if (!props.feature) return <span className="muted">(none)</span>;
  return <Link href={hrefWithRange('/traces', { feature: props.feature })}>{props.feature}</Link>;
}

function ModelLink(props: { model: string | null | undefined }) {
  if (!props.model) return <span className="muted">(none)</span>;
  return <Link href={hrefWithRange('/traces', { model: props.model })}>{props.model}</Link>;
}

export function Developer(_props: PageProps) {
  const range = useTimeRange();
  const slowest = useAsync(
    () =>
      get('/api/v1/spans', { from: range.from, to: range.to, kind: 'generation', orderBy: 'duration', limit: LIST_LIMIT },),
    [range.from, range.to, range.tick],
  );
  const failing = useAsync(
    () => get('/api/v1/spans', { from: range.from, to: range.to, status: 'error', limit: LIST_LIMIT }),
    [range.from, range.to, range.tick],
  );
  const byFeature = useQuery(range, { measures: 'requests,latency_p50,latency_p95,error_rate,cost,cost_per_request,tokens_per_request,unknown_cost_requests', groupBy: 'feature', limit: '50' });
  const finish = useQuery(range, { measures: 'requests', groupBy: 'finish_reason', limit: '30' });
  const ttft = useQuery(range, { measures: 'ttft_p50,ttft_p95,ttft_p99,requests', groupBy: 'model', limit: '50' });
  const errorClasses = useQuery(range, { measures: 'errors', groupBy: 'error_class', filter: 'status:error' });

  const finishTotal = (finish.data?.rows ?? []).reduce((a, r) => a + Number(r.requests ?? 0), 0);
  const errorTotal = (errorClasses.data?.rows ?? []).reduce((a, r) => a + Number(r.errors ?? 0), 0);

  return (
    <div className="page dash-developer">
      <RetentionNotice answers={[byFeature.data, ttft.data, errorClasses.data]} />
      <div className="dash-stack">
        <Section
          title="Slowest LLM calls"
          state={slowest}
          testId="dev-slowest"
          empty={(d) => d.spans.length === 0}
          emptyText="No LLM calls in this range."
        >
          {(d) => (
            <Table
              rows={d.spans}
              rowKey={(s) => s.spanId}
              columns={[
                { key: 'duration', label: 'Duration', align: 'right', render: (s) => (
                    <TraceLink span={s}>
                      <span className="dash-nowrap">{ms(durationMs(s))}</span>
                    </TraceLink>
                  ),
                  sortValue: durationMs },
                { key: 'model', label: 'Model', render: (s) => model(s) ?? '—', sortValue: (s) => model(s) },
                { key: 'feature', label: 'Feature', render: (s) => s.attribution.feature ?? '—', sortValue: (s) => s.attribution.feature ?? null },
                { key: 'ttft', label: 'First token', align: 'right', render: (s) => ms(s.ttftMs), sortValue: (s) => s.ttftMs },
                { key: 'tokens', label: 'Tokens', align: 'right', render: (s) => count(tokens(s)), sortValue: tokens },
                { key: 'cost', label: 'Cost', align: 'right', render: (s) => nanoUsd(s.cost.totalNanoUsd), sortValue: (s) => s.cost.totalNanoUsd },
                { key: 'status', label: 'Finish', render: (s) => <StatusPill span={s} />, sortValue: (s) => s.status },
                { key: 'start', label: 'Started', render: (s) => <When us={s.startUs} muted />, sortValue: (s) => s.startUs },
              ]}
            />
          )}
        </Section>
        <Section
          title="Most recent failures (LLM calls and tool spans)"
          state={failing}
          testId="dev-failing"
          empty={(d) => d.spans.length === 0}
          emptyText="No failed calls in this range."
          actions={failing.data ? <span className="muted small">{count(failing.data.total)} in the range</span> : undefined}
        >
          {(d) => (
            <Table
              rows={d.spans}
              rowKey={(s) => s.spanId}
              columns={[
                { key: 'start', label: 'Started', render: (s) => (
                    <TraceLink span={s}>
                      <When us={s.startUs} />
                    </TraceLink>
                  ),
                  sortValue: (s) => s.startUs },
                { key: 'errorClass', label: 'Class', render: (s) => <span className="pill bad dash-nowrap">{s.errorClass ?? 'error'}</span>, sortValue: (s) => s.errorClass },
                {
                  key: 'errorMessage',
                  label: 'Message',
                  render: (s) => (
                    <span className="dash-clip" title={s.errorMessage ?? ''}>
                      {s.errorMessage ?? '—'}
                    </span>
                  ),
                  sortValue: (s) => s.errorMessage,
                },
                { key: 'name', label: 'Call', render: (s) => <span title={s.kind}>{model(s) ?? s.name}</span>, sortValue: (s) => model(s) ?? s.name },
                { key: 'feature', label: 'Feature', render: (s) => s.attribution.feature ?? '—', sortValue: (s) => s.attribution.feature ?? null },
                { key: 'duration', label: 'Duration', align: 'right', render: (s) => <span className="dash-nowrap">{ms(durationMs(s))}</span>, sortValue: durationMs },
              ]}
            />
          )}
        </Section>
      </div>

      <h2 className="row-title">By feature</h2>
      <div className="dash-stack">
        <Section title="Features" state={byFeature} testId="dev-by-feature" empty={(d) => d.rows.length === 0} emptyText="No calls in this range.">
          {(d) => (
            <Table
              rows={d.rows}
              rowKey={(r) => label(r.feature)}
              initialSort={{ key: 'requests', dir: 'desc' }}
              columns={[
                { key: 'feature', label: 'Feature', render: (r) => <FeatureLink feature={r.feature === null ? null : String(r.feature)} /> },
                { key: 'requests', label: 'Calls', align: 'right', render: (r) => count(num(r, 'requests')) },
                { key: 'latency_p50', label: 'p50', align: 'right', render: (r) => ms(num(r, 'latency_p50')) },
                { key: 'latency_p95', label: 'p95', align: 'right', render: (r) => ms(num(r, 'latency_p95')) },
                {
                  key: 'error_rate',
                  label: 'Error rate',
                  align: 'right',
                  render: (r) => <span className={(num(r, 'error_rate') ?? 0) > 0.05 ? 'dash-bad' : undefined}>{pct(num(r, 'error_rate'))}</span>,
                },
                { key: 'cost', label: 'Cost', align: 'right', render: (r) => usd(num(r, 'cost')) },
                { key: 'cost_per_request', label: 'Cost / call', align: 'right', render: (r) => usd(num(r, 'cost_per_request')) },
                { key: 'tokens_per_request', label: 'Tokens / call', align: 'right', render: (r) => count(num(r, 'tokens_per_request')) },
                {
                  key: 'unknown_cost_requests',
                  label: 'Unpriced',
                  align: 'right',
                  render: (r) => ((num(r, 'unknown_cost_requests') ?? 0) > 0 ? <span className="pill warn">{count(num(r, 'unknown_cost_requests'))}</span> : <span className="muted">0</span>),
                },
              ]}
            />
          )}
        </Section>
      </div>

      <h2 className="row-title">How calls end</h2>
      <div className="grid">
        <Section title="Finish reasons" state={finish} testId="dev-finish-reasons" empty={(d) => d.rows.length === 0} emptyText="No calls in this range.">
          {(d) => {
            const cut = d.rows.filter((r) => TRUNCATED.has(String(r.finish_reason))).reduce((a, r) => a + Number(r.requests ?? 0), 0);
            return (
              <>
                <BarList
                  rows={d.rows.map((r) => ({ label: label(r.finish_reason, '(not reported)'), value: Number(r.requests ?? 0) }))}
                  format={(v) => `${count(v)} · ${share(v, finishTotal)}`}
                />
                <div className="muted small dash-note">
                  {cut > 0
                    ? `${count(cut)} calls (${pct(cut / finishTotal)}) stopped at a token limit or a content filter.`
                    : 'No call stopped at a token limit or a content filter.'}{' '}
                  Failed calls and providers that do not report a reason are "(not reported)".
                </div>
              </>
            );
          }}
        </Section>
        <Section
          title="Time to first token by model"
          state={ttft}
          testId="dev-ttft"
          empty={(d) => d.rows.every((r) => r.ttft_p50 === null)}
          emptyText="No streamed calls in this range: time to first token is measured on streaming calls."
        >
          {(d) => (
            <Table
              rows={d.rows.filter((r) => r.ttft_p50 !== null)}
              rowKey={(r) => label(r.model)}
              initialSort={{ key: 'ttft_p95', dir: 'desc' }}
              columns={[
                { key: 'model', label: 'Model', render: (r) => <ModelLink model={r.model === null ? null : String(r.model)} /> },
                { key: 'ttft_p50', label: 'p50', align: 'right', render: (r) => ms(num(r, 'ttft_p50')) },
                { key: 'ttft_p95', label: 'p95', align: 'right', render: (r) => ms(num(r, 'ttft_p95')) },
                { key: 'ttft_p99', label: 'p99', align: 'right', render: (r) => ms(num(r, 'ttft_p99')) },
              ]}
            />
          )}
        </Section>
        <Section title="Errors by class" state={errorClasses} testId="dev-errors" empty={(d) => d.rows.length === 0} emptyText="No failed calls in this range.">
          {(d) => (
            <BarList
              rows={d.rows.map((r) => ({ label: label(r.error_class, '(unclassified)'), value: Number(r.errors ?? 0) }))}
              format={(v) => `${count(v)} · ${share(v, errorTotal)}`}
            />
          )}
        </Section>
      </div>
    </div>
  );
}

// Month, day and time: the range is on screen, the year is in the tooltip.
function When(props: { us: number; muted?: boolean }) {
  const full = dateTime(props.us / 1000);
  return (
    <span className={`dash-nowrap${props.muted ? ' muted' : ''}`} title={full}>
      {full.slice(5, 19)}
    </span>
  );
}

function StatusPill(props: { span: Span }) {
  const s = props.span;
  if (s.status === 'error') return <span className="pill bad">{s.errorClass ?? 'error'}</span>;
  if (s.finishReason && TRUNCATED.has(s.finishReason)) return <span className="pill warn">{s.finishReason}</span>;
  return <span className="pill good">{s.finishReason ?? s.status}</span>;
}
