import { Fragment, useState, type FormEvent } from 'react';
import { download, errorText, get } from '../../api/client.ts';
import { Section } from '../../components/States.tsx';
import { useAsync } from '../../hooks.ts';
import { actorText, auditQuery, changeRows, EMPTY_FILTERS, otherDetails, outcome, whereText, type AuditEntry, type AuditFilters } from './audit.ts';
import { when } from './format.ts';

// The project's audit log (docs/audit.md): every change, who made it, when and from where, the
// refused attempts, and before/after for settings. Admins only; exported as JSONL.

const PAGE = 50;

export function Audit() {
  const [draft, setDraft] = useState<AuditFilters>(EMPTY_FILTERS);
  const [filters, setFilters] = useState<AuditFilters>(EMPTY_FILTERS);
  // The cursors of the pages before this one: the last is this page's.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [open, setOpen] = useState<string | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  const before = cursors[cursors.length - 1];
  const page = useAsync(() => get('/api/v1/audit', auditQuery(filters, PAGE, before)), [filters, before]);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilters(draft);
    setCursors([null]);
  };

  const exportJsonl = () => {
    setExportError(null);
    const { limit: _limit, before: _before, ...query } = auditQuery(filters, PAGE);
    download('/api/v1/audit/export', query, 'lookout-audit.jsonl').catch((err: unknown) => setExportError(errorText(err)));
  };

  const field = (key: keyof AuditFilters, label: string, placeholder: string) => (
    <label>
      {label}
      <input data-testid={`audit-${key}`} value={draft[key]} placeholder={placeholder} onChange={(e) => setDraft({ ...draft, [key]: e.target.value })} />
    </label>
  );

  return (
    <div className="settings-block" id="audit" data-testid="settings-audit">
      <h2 className="row-title">Audit log</h2>
      <form className="form-row" data-testid="audit-filters" onSubmit={apply}>
        {field('from', 'From', "7d or 2026-01-01")}
        {field('to', 'To', 'now')}
        {field('actor', 'Actor', 'email, user or key id')}
        {field('action', 'Action', "budgets.update or budgets.")}
        <button type="submit" className="primary" data-testid="audit-apply">
          Show
        </button>
        <button type="button" data-testid="audit-export" onClick={exportJsonl}>
          Export JSONL
        </button>
      </form>
      {exportError && (
        <div className="notice bad" role="alert" data-testid="audit-export-error">
          {exportError}
        </div>
      )}
      <Section title="Changes, newest first" state={page} empty={(d) => d.entries.length === 0} emptyText="No changes in this range." full testId="audit-table">
        {(d) => (
          <>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>Time</th>
                    <th>Actor</th>
                    <th>Action</th>
                    <th>Target</th>
                    <th>From</th>
                    <th>Status</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {d.entries.map((e) => (
                    <Fragment key={e.id}>
                      <tr data-testid="audit-row">
                        <td>{when(e.at)}</td>
                        <td title={e.actor.id ?? undefined}>{actorText(e.actor)}</td>
                        <td>
                          <code>{e.action}</code>
                        </td>
                        <td>{e.target ?? <span className="muted">—</span>}</td>
                        <td title={e.userAgent ?? undefined}>{whereText(e)}</td>
                        <td>
                          <span className={`pill${outcome(e).bad ? ' bad' : ''}`}>{outcome(e).text}</span>
                        </td>
                        <td>
                          {e.details && (
                            <button className="link" data-testid="audit-details-toggle" onClick={() => setOpen(open === e.id ? null : e.id)}>
                              {open === e.id ? 'Hide' : 'Details'}
                            </button>
                          )}
                        </td>
                      </tr>
                      {open === e.id && (
                        <tr data-testid="audit-details">
                          <td colSpan={7}>
                            <Details entry={e} />
                          </td>
                        </tr>
                      )}
                    </Fragment>
                  ))}
                </tbody>
              </table>
            </div>
            <div className="pager">
              <button disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))} data-testid="audit-newer">
                Newer
              </button>
              <button disabled={d.next === null} onClick={() => setCursors([...cursors, d.next])} data-testid="audit-older">
                Older
              </button>
            </div>
          </>
        )}
      </Section>
    </div>
  );
}

function Details(props: { entry: AuditEntry }) {
  const rows = changeRows(props.entry.details);
  const other = otherDetails(props.entry.details);
  return (
    <div className="audit-details">
      <div className="muted small">
        {props.entry.method} <code>{props.entry.path}</code> · project <code>{props.entry.projectId}</code>
      </div>
      {rows.length > 0 && (
        <table data-testid="audit-changes">
          <thead>
            <tr>
              <th>Field</th>
              <th>Before</th>
              <th>After</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.field}>
                <td>
                  <code>{r.field}</code>
                </td>
                <td>
                  <code>{r.before}</code>
                </td>
                <td>
                  <code>{r.after}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {other && <pre className="small">{JSON.stringify(other, null, 2)}</pre>}
    </div>
  );
}
