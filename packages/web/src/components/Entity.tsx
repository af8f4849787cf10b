import { useState } from 'react';
import { analytics } from '../api/client.ts';
import type { QueryResult } from '../api/types.ts';
import { count, ms, pct, plural, usd } from '../format.ts';
import { useAsync } from '../hooks.ts';
import type { Better, PreviousPeriod } from '../lib/period.ts';
import { num } from '../lib/rows.ts';
import { hrefWithRange, navigate, useSearchParams } from '../router.ts';
import { useTimeRange } from '../time.ts';
import { PeriodChange } from './PeriodChange.tsx';
import { Section, Stat } from './States.tsx';
import { Table } from './Table.tsx';
import { TracesOf } from './TraceTable.tsx';

// Users and sessions share a shape: a list of one dimension's values with their spend and calls,
// and a page per value with its totals and its traces.

const LIST_MEASURES = 'cost,requests,total_tokens,errors,latency_avg,unknown_cost_requests';

export function EntityList(props: { dimension: 'user' | 'session'; path: string; label: string; testId: string }) {
  const range = useTimeRange();
  const [search, set] = useSearchParams();
  const sort = search.get('sort') === 'requests' ? 'requests' : 'cost';
  const [text, setText] = useState(search.get('q') ?? '');
  const list = useAsync(
    () => analytics({ from: range.from, to: range.to, measures: LIST_MEASURES, groupBy: props.dimension, orderBy: `${sort}:desc`, limit: 500 }),
    [range.from, range.to, range.tick, sort],
  );
  const q = (search.get('q') ?? '').toLowerCase();
  const rows = (list.data?.rows ?? []).filter((r) => r[props.dimension] !== null && (!q || String(r[props.dimension]).toLowerCase().includes(q)));
  return (
    <div className="page">
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          set({ q: text.trim() || null });
        }}
      >
        <label>
          {props.label} contains
          <input name="q" value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        <label>
          Top 500 by
          <select value={sort} onChange={(e) => set({ sort: e.target.value === 'cost' ? null : e.target.value })}>
            <option value="cost">spend</option>
            <option value="requests">calls</option>
          </select>
        </label>
        <button type="submit">Apply</button>
      </form>
      <Section
        title={list.data ? `${count(rows.length)} ${props.label.toLowerCase()}s${list.data.truncated ? ' (the top 500)' : ''}` : `${props.label}s`}
        state={list}
        wide
        testId={props.testId}
        empty={() => rows.length === 0}
        emptyText={
          q
            ? `No ${props.label.toLowerCase()} matches "${q}" in this time range.`
            : `No calls with a ${props.label.toLowerCase()} in this time range. Set ${props.dimension}.id (OpenTelemetry), ${props.dimension}Id in the SDK's withContext(), or the x-lookout-${props.dimension} header (gateway).`
        }
      >
        {() => (
          <Table
            rows={rows}
            rowKey={(r) => String(r[props.dimension])}
            onRowClick={(r) => navigate(hrefWithRange(`${props.path}/${encodeURIComponent(String(r[props.dimension]))}`))}
            initialSort={{ key: sort, dir: 'desc' }}
            columns={[
              { key: props.dimension, label: props.label, render: (r) => String(r[props.dimension]) },
              { key: 'requests', label: 'Calls', align: 'right', render: (r) => count(num(r, 'requests')) },
              { key: 'cost', label: 'Spend', align: 'right', render: (r) => `${usd(num(r, 'cost'))}${Number(r.unknown_cost_requests) > 0 ? ` + ${count(num(r, 'unknown_cost_requests'))} unpriced` : ''}` },
              { key: 'total_tokens', label: 'Tokens', align: 'right', render: (r) => count(num(r, 'total_tokens')) },
              { key: 'errors', label: 'Errors', align: 'right', render: (r) => count(num(r, 'errors')) },
              { key: 'latency_avg', label: 'Avg latency', align: 'right', render: (r) => ms(num(r, 'latency_avg')) },
            ]}
          />
        )}
      </Section>
    </div>
  );
}

// The totals of one user or session in the range, each with its change against the previous
// period of the same length (`before`: the same measures over `previous`).
export function EntityStats(props: { totals: QueryResult | null; before: QueryResult | null; previous: PreviousPeriod }) {
  const t = props.totals?.rows[0];
  const b = props.before?.rows[0];
  const change = (measure: string, better: Better, testId: string) => (
    <PeriodChange now={num(t, measure)} before={num(b, measure)} what={props.previous.what} better={better} testId={`${testId}-change`} />
  );
  return (
    <div className="stats" data-testid="entity-stats">
      <Stat label="Spend" value={usd(num(t, 'cost'))} sub={`${plural(num(t, 'unknown_cost_requests'), 'call')} without a price`} testId="entity-cost" change={change('cost', 'down', 'entity-cost')} />
      <Stat label="Calls" value={count(num(t, 'requests'))} testId="entity-requests" change={change('requests', 'neither', 'entity-requests')} />
      <Stat label="Tokens" value={count(num(t, 'total_tokens'))} testId="entity-tokens" change={change('total_tokens', 'neither', 'entity-tokens')} />
      <Stat label="Error rate" value={pct(num(t, 'error_rate'))} sub={`${count(num(t, 'errors'))} errors`} testId="entity-error-rate" change={change('error_rate', 'down', 'entity-error-rate')} />
      <Stat label="Latency p95" value={ms(num(t, 'latency_p95'))} testId="entity-latency-p95" change={change('latency_p95', 'down', 'entity-latency-p95')} />
    </div>
  );
}

export const ENTITY_MEASURES = 'cost,requests,total_tokens,errors,error_rate,latency_p95,unknown_cost_requests';

// The traces of one user or session, paged locally.
export function EntityTraces(props: { params: Record<string, string>; hide: ('user' | 'session')[] }) {
  const range = useTimeRange();
  const [offset, setOffset] = useState(0);
  return (
    <section className="panel wide" data-testid="entity-traces">
      <header>
        <h3>Traces</h3>
      </header>
      <TracesOf params={{ from: range.from, to: range.to, ...props.params }} hide={props.hide} offset={offset} onPage={setOffset} tick={range.tick} />
    </section>
  );
}
