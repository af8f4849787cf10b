import { useState, type FormEvent } from 'react';
import { apiKey, del, errorText, get, post } from '../../api/client.ts';
import type { ApiKeyInfo, CreatedKey, KeyScope } from '../../api/types.ts';
import { Section } from '../../components/States.tsx';
import { Table } from '../../components/Table.tsx';
import { useAsync } from '../../hooks.ts';
import { when } from './format.ts';

// The project's API keys: create (shown once), list and revoke.

export function Keys(props: { canWrite: boolean }) {
  // Listing keys needs an admin key too; a read key would only get a 403 here.
  const keys = useAsync(() => (props.canWrite ? get('/api/v1/keys') : Promise.resolve({ keys: [] as ApiKeyInfo[] })), [props.canWrite]);
  const [scope, setScope] = useState<KeyScope>('ingest');
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const [copied, setCopied] = useState(false);
  const [revoked, setRevoked] = useState<{ text: string; bad: boolean } | null>(null);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setCreated(null);
    setCopied(false);
    try {
      const res = await post('/api/v1/keys', { scope, name: name.trim() || null });
      setCreated(res);
      setName('');
      keys.reload();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (k: ApiKeyInfo) => {
    const own = apiKey()?.startsWith(k.prefix) ? ' This looks like the key this browser is using: the page stops working with it.' : '';
    if (!window.confirm(`Revoke the ${k.scope} key ${k.name ? `"${k.name}" ` : ''}(${k.prefix}…)? Anything using it is refused within 30 s.${own}`)) return;
    setRevoked(null);
    try {
      await del('/api/v1/keys/{keyId}', { keyId: k.id });
      setRevoked({ text: `Key ${k.prefix}… revoked; it stops working within 30 s.`, bad: false });
      keys.reload();
    } catch (err) {
      setRevoked({ text: errorText(err), bad: true });
    }
  };

  const copy = () => {
    if (!created) return;
    void navigator.clipboard?.writeText(created.key).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };

  return (
    <div className="settings-block" data-testid="settings-keys">
      <h2 className="row-title">API keys</h2>
      <div className="settings-keys-grid">
        <section className="panel">
          <header>
            <h3>Create a key</h3>
          </header>
          <form className="form-row settings-key-form" data-testid="key-form" onSubmit={create}>
            <label>
              Scope
              <select name="scope" value={scope} onChange={(e) => setScope(e.target.value as KeyScope)} disabled={!props.canWrite || busy}>
                <option value="ingest">ingest — send data only</option>
                <option value="read">read — dashboards and API reads</option>
                <option value="admin">admin — read, change settings, manage keys</option>
              </select>
            </label>
            <label>
              Name
              <input name="name" value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. checkout-service" maxLength={200} disabled={!props.canWrite || busy} />
            </label>
            <button type="submit" className="primary" data-testid="key-create" disabled={!props.canWrite || busy}>
              {busy ? 'Creating…' : 'Create key'}
            </button>
          </form>
          {error && (
            <div className="notice bad" data-testid="key-error" role="alert">
              {error}
            </div>
          )}
          {created && (
            <div className="settings-key-created" data-testid="key-created" role="status">
              <div className="settings-key-warning">
                <strong>Copy this key now: it will not be shown again.</strong> Lookout keeps only a hash of it.
              </div>
              <div className="settings-key-value">
                <code data-testid="key-created-value">{created.key}</code>
                <button onClick={copy} data-testid="key-copy">
                  {copied ? 'Copied' : 'Copy'}
                </button>
              </div>
              <div className="muted small">
                {created.scope} key{created.name ? ` "${created.name}"` : ''}. Send it as <code>Authorization: Bearer &lt;key&gt;</code>
                {created.scope === 'ingest' ? <> (or <code>x-lookout-key</code> through the gateway)</> : null}.{' '}
                <button className="link" onClick={() => setCreated(null)}>
                  I have stored it
                </button>
              </div>
            </div>
          )}
        </section>

        <Section
          title="Keys of this project"
          state={keys}
          empty={(d) => d.keys.length === 0}
          emptyText={
            props.canWrite ? (
              'No keys yet. On this machine requests without a key act as admin; create keys for apps and for anyone reaching the server from elsewhere.'
            ) : (
              'Listing and managing keys needs an admin key.'
            )
          }
          testId="keys-table"
        >
          {(d) => (
            <>
              {revoked && (
                <div className={`notice${revoked.bad ? ' bad' : ' settings-ok'}`} data-testid="key-revoked" role="status">
                  {revoked.text}
                </div>
              )}
              <Table
                rows={d.keys}
                rowKey={(k) => k.id}
                initialSort={{ key: 'createdAt', dir: 'desc' }}
                columns={[
                  { key: 'name', label: 'Name', render: (k) => k.name ?? <span className="muted">(unnamed)</span> },
                  { key: 'prefix', label: 'Prefix', render: (k) => <code>{k.prefix}…</code> },
                  { key: 'scope', label: 'Scope', render: (k) => <span className={`pill${k.scope === 'admin' ? ' warn' : ''}`}>{k.scope}</span> },
                  { key: 'createdAt', label: 'Created', render: (k) => when(k.createdAt) },
                  {
                    key: 'revokedAt',
                    label: 'Status',
                    render: (k) => (k.revokedAt ? <span className="pill bad">revoked {when(k.revokedAt)}</span> : <span className="pill good">active</span>),
                  },
                  {
                    key: 'action',
                    label: '',
                    sortValue: () => null,
                    render: (k) =>
                      k.revokedAt ? null : (
                        <button className="danger settings-row-action" data-testid="key-revoke" disabled={!props.canWrite} onClick={() => void revoke(k)}>
                          Revoke
                        </button>
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
