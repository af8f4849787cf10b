import { get } from '../../api/client.ts';
import type { ErrorIssue, LowScoreIssue } from '../../api/types.ts';
import { Link } from '../../components/Link.tsx';
import { Section } from '../../components/States.tsx';
import { Table } from '../../components/Table.tsx';
import { count, dateTime } from '../../format.ts';
import { useAsync } from '../../hooks.ts';
import { label } from '../../lib/rows.ts';
import { useTimeRange } from '../../time.ts';

// D6: what keeps going wrong — recurring errors grouped by fingerprint, and low scores grouped by
// feature and criterion — each with its counts, first and last seen, and traces to open.

function Traces(props: { ids: string[] }) {
  return (
    <span className="trace-links">
      {props.ids.map((id, i) => (
        <span key={id}>
          {i > 0 && ' · '}
          <Link href={`/traces/${id}`} testId="issue-trace">
            {id.slice(0, 8)}
          </Link>
        </span>
      ))}
    </span>
  );
}

const seen = (iso: string) => dateTime(Date.parse(iso));

export function TopIssuesSection() {
  const range = useTimeRange();
  const issues = useAsync(() => get('/api/v1/quality/top-issues', { from: range.from, to: range.to, limit: 20 }), [range.from, range.to, range.tick]);
  return (
    <>
      <h2 className="row-title">Top issues</h2>
      <div className="grid">
        <Section title="Recurring errors" state={issues} full testId="issues-errors" empty={(d) => d.errors.length === 0} emptyText="No failed calls in this range.">
          {(d) => (
            <Table<ErrorIssue>
              rows={d.errors}
              rowKey={(e) => e.fingerprint}
              initialSort={{ key: 'count', dir: 'desc' }}
              columns={[
                { key: 'errorClass', label: 'Class', render: (e) => <span className="pill bad">{label(e.errorClass, 'other')}</span> },
                { key: 'sampleMessage', label: 'Message (newest)', render: (e) => (e.sampleMessage === null ? <span className="muted">not stored</span> : <code title={e.fingerprint}>{e.sampleMessage}</code>) },
                { key: 'count', label: 'Count', align: 'right', render: (e) => count(e.count) },
                { key: 'firstSeen', label: 'First seen', render: (e) => seen(e.firstSeen) },
                { key: 'lastSeen', label: 'Last seen', render: (e) => seen(e.lastSeen) },
                { key: 'traceIds', label: 'Traces', render: (e) => <Traces ids={e.traceIds} /> },
              ]}
            />
          )}
        </Section>
        <Section title={`Low scores (below ${issues.data?.threshold ?? 0.5})`} state={issues} full testId="issues-low-scores" empty={(d) => d.lowScores.length === 0} emptyText="No low scores in this range.">
          {(d) => (
            <Table<LowScoreIssue>
              rows={d.lowScores}
              rowKey={(s) => `${s.feature}\u0000${s.name}`}
              initialSort={{ key: 'count', dir: 'desc' }}
              columns={[
                { key: 'feature', label: 'Feature', render: (s) => label(s.feature) },
                { key: 'name', label: 'Score', render: (s) => s.name },
                { key: 'count', label: 'Low', align: 'right', render: (s) => `${count(s.count)} of ${count(s.total)}` },
                { key: 'avg', label: 'Mean of low', align: 'right', render: (s) => s.avg.toFixed(2) },
                { key: 'firstSeen', label: 'First seen', render: (s) => seen(s.firstSeen) },
                { key: 'lastSeen', label: 'Last seen', render: (s) => seen(s.lastSeen) },
                { key: 'traceIds', label: 'Traces', render: (s) => <Traces ids={s.traceIds} /> },
              ]}
            />
          )}
        </Section>
      </div>
    </>
  );
}
