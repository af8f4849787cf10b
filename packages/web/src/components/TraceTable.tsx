import { get, type QueryOf } from '../api/client.ts';
import type { TracePage, TraceSummary } from '../api/types.ts';
import { count, dateTime, ms, usd } from '../format.ts';
import { useAsync } from '../hooks.ts';
import { hrefWithRange, navigate } from '../router.ts';
import { Link } from './Link.tsx';
import { Table } from './Table.tsx';
import { ErrorState, Loading } from './States.tsx';

export type TraceQuery = QueryOf<'/api/v1/traces'>;

export function loadTraces(params: TraceQuery): Promise<TracePage> {
  return get('/api/v1/traces', params);
}

// The trace list the user came from (its filters, sort and page), for the trace view's way back.
let lastList: string | null = null;
export function rememberTraceList(href: string): void {
  lastList = href;
}
export function lastTraceList(): string | null {
  return lastList;
}

// A trace's cost as known: a trace with calls of a model without a price says so rather than
// showing a smaller number as if it were the whole.
export function traceCost(t: TraceSummary): string {
  if (t.costUsd === null) return t.unknownCostCalls > 0 ? 'unpriced' : '—';
  return t.unknownCostCalls > 0 ? `${usd(t.costUsd)} + ${t.unknownCostCalls} unpriced` : usd(t.costUsd);
}

// The trace list: one row per trace, newest first unless sorted otherwise; a row opens the trace.
export function TraceList(props: {
  page: TracePage;
  onPage?: (offset: number) => void;
  testId?: string;
  hide?: ('user' | 'session')[];
}) {
  const hide = new Set(props.hide ?? []);
  const columns = [
    { key: 'start', label: 'Started', render: (t: TraceSummary) => <span className="nowrap">{dateTime(t.startUs / 1000)}</span> },
    {
      key: 'name',
      label: 'Trace',
      render: (t: TraceSummary) => (
        <span>
          {t.hasError && <span className="pill bad">error</span>} {/* A real link, so it opens in a new tab too. */}
          <Link href={hrefWithRange(`/traces/${t.traceId}`)}>{t.name}</Link>
          <div className="muted small mono">{t.traceId}</div>
        </span>
      ),
    },
    ...(hide.has('user') ? [] : [{ key: 'user', label: 'User', render: (t: TraceSummary) => t.userId ?? <span className="muted">—</span> }]),
    ...(hide.has('session') ? [] : [{ key: 'session', label: 'Session', render: (t: TraceSummary) => t.sessionId ?? <span className="muted">—</span> }]),
    { key: 'models', label: 'Models', render: (t: TraceSummary) => t.models.join(', ') || <span className="muted">—</span> },
    { key: 'calls', label: 'Calls', align: 'right' as const, render: (t: TraceSummary) => `${t.calls} / ${t.spans}` },
    { key: 'tokens', label: 'Tokens', align: 'right' as const, render: (t: TraceSummary) => count(t.tokens) },
    { key: 'cost', label: 'Cost', align: 'right' as const, render: (t: TraceSummary) => traceCost(t) },
    { key: 'duration', label: 'Duration', align: 'right' as const, render: (t: TraceSummary) => ms(t.durationMs) },
  ];
  return (
    <Table
      testId={props.testId ?? 'trace-list'}
      rows={props.page.traces}
      rowKey={(t) => t.traceId}
      columns={columns}
      onRowClick={(t) => navigate(hrefWithRange(`/traces/${t.traceId}`))}
      serverPage={props.onPage ? { offset: props.page.offset, limit: props.page.limit, total: props.page.total, onPage: props.onPage } : undefined}
    />
  );
}

// Traces of one user or session in the page's range, paged here (not in the URL).
export function TracesOf(props: { params: TraceQuery; hide?: ('user' | 'session')[]; offset: number; onPage: (offset: number) => void; tick: number }) {
  const key = JSON.stringify(props.params);
  const state = useAsync(() => loadTraces({ ...props.params, limit: 25, offset: props.offset }), [key, props.offset, props.tick]);
  if (state.error) return <ErrorState error={state.error} retry={state.reload} />;
  if (!state.data) return <Loading what="traces" />;
  if (state.data.traces.length === 0 && props.offset === 0) return <div className="state empty">No traces in this time range.</div>;
  return <TraceList page={state.data} onPage={props.onPage} hide={props.hide} />;
}
