import { useEffect, useState } from 'react';
import { del, errorText, get } from '../../api/client.ts';
import type { ProjectDeletion, ProjectList } from '../../api/types.ts';
import { Section } from '../../components/States.tsx';
import { Table } from '../../components/Table.tsx';
import { useAsync } from '../../hooks.ts';
import { countsText } from './erasure.ts';
import { when } from './format.ts';

// Deleting a project (docs/data-lifecycle.md#deleting-a-project): the operator deletes any project
// but the default one, a project's admin their own. The project's id must be typed to confirm.
// The operator also sees the record of past deletions.

// While a deletion runs the record is read again this often.
const POLL_MS = 1_000;

type Row = ProjectList['projects'][number];

export function Projects(props: { projectId: string; canWrite: boolean; operator: boolean }) {
  const projects = useAsync(() => (props.canWrite ? get('/api/v1/projects') : Promise.resolve<ProjectList>({ projects: [] })), [props.canWrite]);
  const deletions = useAsync(() => (props.operator ? get('/api/v1/project-deletions') : Promise.resolve({ deletions: [] as ProjectDeletion[] })), [props.operator]);
  // The project whose deletion waits for its id to be typed.
  const [pending, setPending] = useState<string | null>(null);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ text: string; bad: boolean } | null>(null);

  const running = deletions.data?.deletions.some((d) => d.status === 'running') ?? false;
  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(() => {
      deletions.reload();
      projects.reload();
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [running, deletions.data]);

  const ask = (id: string) => {
    setStatus(null);
    setTyped('');
    setPending(id);
  };

  const confirm = async () => {
    if (!pending || typed !== pending) return;
    setBusy(true);
    try {
      const { deletion } = await del('/api/v1/projects/{id}', { id: pending });
      const own = pending === props.projectId;
      setStatus({
        text: own
          ? `Project ${pending} is being deleted. The key this browser uses belonged to it and no longer works: choose Forget key in the sidebar.`
          : `Project ${pending}: deletion ${deletion.status === 'done' ? 'done' : 'started; its status shows below'}.`,
        bad: false,
      });
      if (!own) {
        projects.reload();
        deletions.reload();
      }
    } catch (err) {
      setStatus({ text: errorText(err), bad: true });
    } finally {
      setPending(null);
      setTyped('');
      setBusy(false);
    }
  };

  // The default project is the instance's own: it is never offered.
  const deletable = (p: Row) => p.id !== 'default' && (props.operator || p.id === props.projectId);
  return (
    <div className="settings-block" data-testid="settings-projects">
      <h2 className="row-title">Projects</h2>
      <Section
        title={props.operator ? 'Projects of this server' : 'This project'}
        state={projects}
        empty={(d) => d.projects.length === 0}
        emptyText={props.canWrite ? 'No projects.' : 'Projects are shown to admin keys.'}
        testId="projects-table"
      >
        {(d) => (
          <Table<Row>
            rows={d.projects}
            rowKey={(p) => p.id}
            initialSort={{ key: 'id', dir: 'asc' }}
            columns={[
              { key: 'id', label: 'Id', render: (p) => <code>{p.id}</code> },
              { key: 'name', label: 'Name', render: (p) => p.name },
              { key: 'createdAt', label: 'Created', render: (p) => when(p.createdAt) },
              {
                key: 'actions',
                label: '',
                sortValue: () => null,
                render: (p) =>
                  deletable(p) ? (
                    <button className="danger" onClick={() => ask(p.id)} disabled={busy || pending !== null} data-testid={`project-delete-${p.id}`}>
                      Delete…
                    </button>
                  ) : null,
              },
            ]}
          />
        )}
      </Section>
      {pending && (
        <div className="notice bad" role="alertdialog" data-testid="project-delete-confirm">
          <p>
            Delete project <code>{pending}</code>? Its traces, scores, logs, API keys, budgets, alert rules, evaluators and settings are removed for good, and
            its keys stop working at once. Type <code>{pending}</code> to confirm.
          </p>
          <form
            className="form-row"
            onSubmit={(e) => {
              e.preventDefault();
              void confirm();
            }}
          >
            <input value={typed} onChange={(e) => setTyped(e.target.value)} aria-label="project id to confirm" autoFocus disabled={busy} data-testid="project-delete-typed" />
            <button type="submit" className="danger" disabled={busy || typed !== pending} data-testid="project-delete-yes">
              {busy ? 'Deleting…' : 'Delete project'}
            </button>{' '}
            <button type="button" onClick={() => setPending(null)} disabled={busy} data-testid="project-delete-no">
              Cancel
            </button>
          </form>
        </div>
      )}
      {status && (
        <div className={`notice${status.bad ? ' bad' : ' settings-ok'}`} data-testid="project-delete-status" role="status">
          {status.text}
        </div>
      )}
      <p className="muted small">
        Command line: <code>npx lookout projects delete ID --yes</code>
      </p>
      {props.operator && (
        <Section title="Deleted projects" state={deletions} empty={(d) => d.deletions.length === 0} emptyText="No project deleted yet." testId="project-deletions-table">
          {(d) => (
            <Table<ProjectDeletion>
              rows={d.deletions}
              rowKey={(x) => x.id}
              initialSort={{ key: 'requestedAt', dir: 'desc' }}
              columns={[
                { key: 'requestedAt', label: 'Asked', render: (x) => when(x.requestedAt) },
                { key: 'project', label: 'Project', render: (x) => <code>{x.project}</code> },
                { key: 'requestedBy', label: 'By', render: (x) => (x.requestedBy === 'operator' ? 'operator' : <code>{x.requestedBy}</code>) },
                {
                  key: 'status',
                  label: 'Status',
                  render: (x) => <span className={`pill${x.status === 'done' ? ' good' : x.status === 'failed' ? ' bad' : ''}`} data-testid="project-deletion-status">{x.status}</span>,
                },
                { key: 'counts', label: 'Deleted', sortValue: (x) => x.counts?.spans ?? null, render: (x) => countsText(x) },
                { key: 'finishedAt', label: 'Finished', render: (x) => when(x.finishedAt) },
              ]}
            />
          )}
        </Section>
      )}
    </div>
  );
}
