import { useState, type FormEvent } from 'react';
import { del, errorText, get, patch, post } from '../../api/client.ts';
import { ROLES, type Member, type Role } from '../../api/types.ts';
import { Section } from '../../components/States.tsx';
import { Table } from '../../components/Table.tsx';
import { useAsync } from '../../hooks.ts';
import { when } from './format.ts';
import { ACCOUNT_ELSEWHERE, memberRows, type MemberRow } from './members.ts';

// The people with a role in the project (docs/auth.md): an admin adds a local account (its
// one-time password shown once), changes a role, disables or removes someone. People who sign in
// with the identity provider get their role from it at each sign-in: shown, not changed here.

const ROLE_TEXT: Record<Role, string> = { viewer: 'viewer — reads', member: 'member — also scores, silences, own budgets', admin: 'admin — everything in the project' };

export function Members(props: { projectId: string; canWrite: boolean; selfId: string | null; denied: string }) {
  const members = useAsync(
    () => (props.canWrite ? get('/api/v1/users') : Promise.resolve({ users: [] as Member[] })),
    [props.canWrite, props.projectId],
  );
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ email: string; password: string | null } | null>(null);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);

  const add = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setCreated(null);
    try {
      const res = await post('/api/v1/users', { email: email.trim(), role, ...(name.trim() ? { name: name.trim() } : {}) });
      setCreated({ email: res.user.email, password: res.password ?? null });
      setEmail('');
      setName('');
      members.reload();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const change = async (row: MemberRow, body: { role?: Role; disabled?: boolean }, done: string) => {
    setOutcome(null);
    try {
      await patch('/api/v1/users/{id}', body, { id: row.member.id });
      setOutcome({ ok: true, text: done });
    } catch (err) {
      setOutcome({ ok: false, text: errorText(err) });
    }
    members.reload();
  };

  const remove = async (row: MemberRow) => {
    if (!window.confirm(`Remove ${row.member.email} from project ${props.projectId}? They lose their role here and are signed out of it.`)) return;
    setOutcome(null);
    try {
      await del('/api/v1/users/{id}', { id: row.member.id });
      setOutcome({ ok: true, text: `${row.member.email} removed from ${props.projectId}.` });
    } catch (err) {
      setOutcome({ ok: false, text: errorText(err) });
    }
    members.reload();
  };

  const disabled = !props.canWrite || busy;
  return (
    <div className="settings-block" data-testid="settings-members">
      <h2 className="row-title">Members</h2>
      <div className="settings-keys-grid">
        <section className="panel">
          <header>
            <h3>Add a person</h3>
          </header>
          <p className="muted small">
            A local account signs in with its email address and a password. People of your identity provider need no account here: they sign in with it and get the role its
            groups map to.
          </p>
          <form className="form-row" data-testid="member-form" onSubmit={add}>
            <label>
              Email
              <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} placeholder="ada@example.com" maxLength={320} disabled={disabled} data-testid="member-add-email" />
            </label>
            <label>
              Name
              <input value={name} onChange={(e) => setName(e.target.value)} placeholder="optional" maxLength={200} disabled={disabled} data-testid="member-add-name" />
            </label>
            <label>
              Role
              <select value={role} onChange={(e) => setRole(e.target.value as Role)} disabled={disabled} data-testid="member-add-role">
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {ROLE_TEXT[r]}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" className="primary" disabled={disabled || !email.trim()} title={props.canWrite ? undefined : props.denied} data-testid="member-add-submit">
              {busy ? 'Adding…' : 'Add'}
            </button>
          </form>
          {error && (
            <div className="notice bad" role="alert" data-testid="member-error">
              {error}
            </div>
          )}
          {created && (
            <div className="settings-key-created" role="status" data-testid="member-created">
              {created.password ? (
                <>
                  <div className="settings-key-warning">
                    <strong>Give {created.email} this password now: it will not be shown again.</strong> Lookout keeps only a hash of it.
                  </div>
                  <div className="settings-key-value">
                    <code data-testid="member-password">{created.password}</code>
                  </div>
                </>
              ) : (
                <div>{created.email} has a role in {props.projectId} now.</div>
              )}
              <button className="link" onClick={() => setCreated(null)}>
                Done
              </button>
            </div>
          )}
        </section>

        <Section
          title={`People in ${props.projectId}`}
          state={members}
          empty={(d) => memberRows(d.users, props.projectId, props.selfId).length === 0}
          emptyText={props.canWrite ? 'Nobody has a role in this project yet.' : 'The members of the project are shown to its admins.'}
          testId="members-table"
        >
          {(d) => (
            <>
              {outcome && (
                <div className={`notice${outcome.ok ? ' settings-ok' : ' bad'}`} role={outcome.ok ? 'status' : 'alert'} data-testid="member-outcome">
                  {outcome.text}
                </div>
              )}
              {d.users.some((u) => u.source === 'oidc') && (
                <p className="muted small">The roles of people who sign in with the identity provider come from its groups at each sign-in: change them there (auth.oidc.roles).</p>
              )}
              <Table
                rows={memberRows(d.users, props.projectId, props.selfId)}
                rowKey={(r) => r.member.id}
                initialSort={{ key: 'email', dir: 'asc' }}
                columns={[
                  {
                    key: 'email',
                    label: 'Email',
                    sortValue: (r) => r.member.email,
                    render: (r) => (
                      <span data-testid="member-row" data-email={r.member.email}>
                        {r.member.email}
                        {r.self && <span className="muted small"> (you)</span>}
                      </span>
                    ),
                  },
                  { key: 'name', label: 'Name', sortValue: (r) => r.member.name ?? '', render: (r) => r.member.name ?? <span className="muted">—</span> },
                  {
                    key: 'role',
                    label: 'Role',
                    sortValue: (r) => r.role,
                    render: (r) =>
                      r.roleEditable ? (
                        <select
                          value={r.role ?? 'viewer'}
                          disabled={!props.canWrite || r.self}
                          title={!props.canWrite ? props.denied : r.self ? 'Your own role is changed by another admin' : undefined}
                          data-testid={`member-role-${r.member.id}`}
                          onChange={(e) => void change(r, { role: e.target.value as Role }, `${r.member.email} is ${e.target.value} in ${props.projectId}.`)}
                        >
                          {ROLES.map((x) => (
                            <option key={x}>{x}</option>
                          ))}
                        </select>
                      ) : (
                        <span className="pill" title="From the identity provider's groups at the last sign-in" data-testid={`member-role-${r.member.id}`}>
                          {r.role}
                        </span>
                      ),
                  },
                  { key: 'source', label: 'Sign-in', sortValue: (r) => r.member.source, render: (r) => <span className="pill">{r.member.source === 'oidc' ? 'identity provider' : 'password'}</span> },
                  { key: 'lastSignInAt', label: 'Last sign-in', sortValue: (r) => r.member.lastSignInAt ?? '', render: (r) => when(r.member.lastSignInAt) },
                  {
                    key: 'disabled',
                    label: 'Status',
                    sortValue: (r) => (r.member.disabled ? 1 : 0),
                    render: (r) => (r.member.disabled ? <span className="pill bad">disabled</span> : <span className="pill good">active</span>),
                  },
                  {
                    key: 'action',
                    label: '',
                    sortValue: () => null,
                    render: (r) => (
                      <span className="settings-row-actions">
                        <button
                          className="settings-row-action"
                          disabled={!props.canWrite || r.self || !r.accountEditable}
                          title={!props.canWrite ? props.denied : r.self ? 'You cannot disable yourself' : !r.accountEditable ? ACCOUNT_ELSEWHERE : r.member.disabled ? 'Let them sign in again' : 'They cannot sign in, and are signed out everywhere'}
                          data-testid={`member-disable-${r.member.id}`}
                          onClick={() => void change(r, { disabled: !r.member.disabled }, `${r.member.email} ${r.member.disabled ? 'enabled' : 'disabled'}.`)}
                        >
                          {r.member.disabled ? 'Enable' : 'Disable'}
                        </button>
                        <button
                          className="danger settings-row-action"
                          disabled={!props.canWrite || r.self}
                          title={!props.canWrite ? props.denied : r.self ? 'You cannot remove yourself' : `Remove from ${props.projectId}`}
                          data-testid={`member-remove-${r.member.id}`}
                          onClick={() => void remove(r)}
                        >
                          Remove
                        </button>
                      </span>
                    ),
                  },
                ]}
              />
            </>
          )}
        </Section>
      </div>
    </div>
  );
}
