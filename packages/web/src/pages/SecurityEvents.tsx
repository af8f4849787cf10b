import { useState, type FormEvent } from 'react';
import { errorText, get } from '../api/client.ts';
import type { SecurityEvent, SecurityEventType } from '../api/types.ts';
import { Link } from '../components/Link.tsx';
import { Section } from '../components/States.tsx';
import { Table } from '../components/Table.tsx';
import { count, dateTime } from '../format.ts';
import { useAsync } from '../hooks.ts';
import { EVENT_TYPE_LABELS, EVENT_TYPES, typeTone } from '../lib/security.ts';
import { hrefWithRange, useSearchParams } from '../router.ts';
import type { TimeRange } from '../time.ts';

// The security event log of the page's range, newest first: filtered by type and user (in the
// URL), paged on with the server's cursor.

const PAGE_EVENTS = 50;

const isType = (v: string | null): v is SecurityEventType => v !== null && (EVENT_TYPES as readonly string[]).includes(v);

const SEVERITY_TONE: Record<SecurityEvent['severity'], string> = { low: '', medium: ' warn', high: ' bad', critical: ' bad' };

export function SecurityEvents(props: { range: TimeRange & { tick: number } }) {
  const { range } = props;
  const [search, set] = useSearchParams();
  const type = isType(search.get('type')) ? (search.get('type') as SecurityEventType) : null;
  const user = search.get('user') || null;
  const [userText, setUserText] = useState(user ?? '');
  const filterKey = JSON.stringify([range.from, range.to, range.tick, type, user]);
  const first = useAsync(() => get('/api/v1/security/events', { from: range.from, to: range.to, type, user, limit: PAGE_EVENTS }), [filterKey]);
  // Pages after the first, for the filters they were asked with: new filters start over.
  const [later, setLater] = useState<{ key: string; events: SecurityEvent[]; nextCursor: string | null } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<string | null>(null);
  const more = later?.key === filterKey ? later : null;
  const events = [...(first.data?.events ?? []), ...(more?.events ?? [])];
  const cursor = more ? more.nextCursor : (first.data?.nextCursor ?? null);

  const loadMore = async () => {
    if (!cursor) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await get('/api/v1/security/events', { from: range.from, to: range.to, type, user, limit: PAGE_EVENTS, cursor });
      setLater({ key: filterKey, events: [...(more?.events ?? []), ...page.events], nextCursor: page.nextCursor });
    } catch (err) {
      setMoreError(errorText(err));
    } finally {
      setLoadingMore(false);
    }
  };

  const apply = (e: FormEvent) => {
    e.preventDefault();
    set({ user: userText.trim() || null });
  };

  const filtered = type !== null || user !== null;
  return (
    <>
      <form className="filters" onSubmit={apply} data-testid="security-event-filters">
        <label>
          Type
          <select name="type" value={type ?? ''} onChange={(e) => set({ type: e.target.value || null })} data-testid="security-filter-type">
            <option value="">all types</option>
            {EVENT_TYPES.map((t) => (
              <option key={t} value={t}>
                {EVENT_TYPE_LABELS[t]}
              </option>
            ))}
          </select>
        </label>
        <label>
          User
          <input name="user" value={userText} onChange={(e) => setUserText(e.target.value)} placeholder="user id" data-testid="security-filter-user" />
        </label>
        <button type="submit">Apply</button>
        {filtered && (
          <button
            type="button"
            className="link"
            onClick={() => {
              setUserText('');
              set({ type: null, user: null });
            }}
          >
            Clear filters
          </button>
        )}
      </form>
      <Section
        title={first.data ? `Security events${filtered ? ' (filtered)' : ''}, newest first` : 'Security events'}
        state={{ ...first, data: first.data ? events : null }}
        testId="security-events"
        empty={(d) => d.length === 0}
        emptyText={
          filtered
            ? 'No security event matches these filters in this time range.'
            : 'No security event in this time range: no personal data, secret or injection was found, and no request was refused.'
        }
      >
        {(d) => (
          <>
            <Table
              rows={d}
              rowKey={(e) => e.id}
              pageSize={Math.max(1, d.length)}
              testId="security-event-list"
              columns={[
                { key: 'time', label: 'Time', render: (e) => <span className="dash-nowrap">{dateTime(Date.parse(e.time))}</span>, sortValue: (e) => e.time },
                {
                  key: 'type',
                  label: 'Type',
                  render: (e) => <span className={`pill ${typeTone(e.type, 1) ?? ''}`}>{e.type}</span>,
                  sortValue: (e) => e.type,
                },
                { key: 'severity', label: 'Severity', render: (e) => <span className={`pill${SEVERITY_TONE[e.severity]}`}>{e.severity}</span>, sortValue: (e) => e.severity },
                {
                  key: 'what',
                  label: 'Found',
                  render: (e) => (
                    <span>
                      <code>{e.detector}</code>
                      {e.rule && (
                        <>
                          {' '}
                          <span className="muted small">{e.rule}</span>
                        </>
                      )}
                      {e.score !== null && <span className="muted small"> · score {e.score.toFixed(2)}</span>}
                      {e.field && <div className="muted small">in {e.field}</div>}
                    </span>
                  ),
                  sortValue: (e) => e.detector,
                },
                { key: 'count', label: 'Values', align: 'right', render: (e) => count(e.count), sortValue: (e) => e.count },
                { key: 'action', label: 'Action', render: (e) => e.action, sortValue: (e) => e.action },
                {
                  key: 'user',
                  label: 'User',
                  render: (e) => (e.userId ? <Link href={hrefWithRange(`/users/${encodeURIComponent(e.userId)}`)}>{e.userId}</Link> : <span className="muted">—</span>),
                  sortValue: (e) => e.userId,
                },
                {
                  key: 'trace',
                  label: 'Trace',
                  render: (e) =>
                    e.traceId ? (
                      <Link href={hrefWithRange(`/traces/${e.traceId}`, { span: e.spanId })} className="mono" testId="security-event-trace">
                        {e.traceId.slice(0, 12)}…
                      </Link>
                    ) : (
                      <span className="muted">—</span>
                    ),
                },
              ]}
            />
            <div className="pager">
              <span className="muted small">
                {count(d.length)} event{d.length === 1 ? '' : 's'} shown{cursor ? '; older ones follow' : ''}
              </span>
              {cursor && (
                <button onClick={() => void loadMore()} disabled={loadingMore} data-testid="security-events-more">
                  {loadingMore ? 'Loading…' : 'More'}
                </button>
              )}
            </div>
            {moreError && (
              <div className="notice bad" role="alert">
                {moreError}
              </div>
            )}
          </>
        )}
      </Section>
    </>
  );
}
