import { useState } from 'react';
import { ApiError, errorText, post } from '../../api/client.ts';
import type { BackupAnswer } from '../../api/types.ts';
import { when } from './format.ts';

// Backing up the instance from the browser (docs/data-lifecycle.md#backup-and-restore): the
// server writes a consistent copy under its own data directory and says where; copying it off
// the server is the command line's job, since the browser never sees the server's disk.

type Outcome = { kind: 'done'; answer: BackupAnswer; tookMs: number } | { kind: 'unsupported'; text: string } | { kind: 'failed'; text: string };

const DOC_SECTION = 'docs/data-lifecycle.md#backup-and-restore';
// The manifest's list can be long (one entry per journal segment): the rest is summed up.
const FILES_SHOWN = 12;

export function Backup(props: { operator: boolean }) {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const backUp = async () => {
    setBusy(true);
    setOutcome(null);
    const started = performance.now();
    try {
      const answer = await post('/api/v1/admin/backup', undefined);
      setOutcome({ kind: 'done', answer, tookMs: Math.round(performance.now() - started) });
    } catch (err) {
      // 409: the store has no local backup (ClickHouse), which its own tools back up.
      setOutcome(err instanceof ApiError && err.status === 409 ? { kind: 'unsupported', text: err.message } : { kind: 'failed', text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="settings-block" id="backup" data-testid="settings-backup">
      <h2 className="row-title">Backup</h2>
      <section className="panel">
        <header>
          <h3>Back up this server</h3>
        </header>
        <p className="muted small settings-lead">
          Writes a consistent copy of the store and the data directory&apos;s state files (rules, budgets, evaluators, privacy settings, the hash key) into a
          new directory <code>backups/&lt;time&gt;/</code> under the server&apos;s data directory, while ingest goes on. The copy holds prompts and responses
          when captured: keep it as private as the data directory.
        </p>
        {props.operator ? (
          <div className="settings-actions">
            <button type="button" className="primary" disabled={busy} onClick={() => void backUp()} data-testid="backup-run">
              {busy ? 'Backing up…' : 'Back up now'}
            </button>
          </div>
        ) : (
          <div className="notice" role="status" data-testid="backup-not-operator">
            Only the instance operator backs up the server — an admin of the <code>default</code> project (person or key), or no key on a server bound to loopback — since a
            backup holds every project&apos;s data.
          </div>
        )}
        {outcome?.kind === 'done' && <Written answer={outcome.answer} tookMs={outcome.tookMs} />}
        {outcome?.kind === 'unsupported' && (
          <div className="notice bad" role="status" data-testid="backup-unsupported">
            {outcome.text}
            <br />
            See <code>{DOC_SECTION}</code> (Backup and restore → ClickHouse): <code>BACKUP DATABASE … TO …</code> or{' '}
            <a href="https://github.com/Altinity/clickhouse-backup" target="_blank" rel="noreferrer" data-testid="backup-doc-link">
              clickhouse-backup
            </a>
            .
          </div>
        )}
        {outcome?.kind === 'failed' && (
          <div className="notice bad" role="status" data-testid="backup-status">
            {outcome.text}
          </div>
        )}
        <p className="muted small">
          Command line, on the server&apos;s machine: <code>npx lookout backup --out DIR</code> writes a backup and moves it to <code>DIR</code>, off the
          data directory; <code>npx lookout restore DIR --data-dir D</code> restores it into a new, empty data directory <code>D</code> (
          <code>{DOC_SECTION}</code>).
        </p>
      </section>
    </div>
  );
}

function Written(props: { answer: BackupAnswer; tookMs: number }) {
  const { dir, createdAt, files } = props.answer;
  const shown = files.slice(0, FILES_SHOWN);
  return (
    <div className="notice settings-ok" role="status" data-testid="backup-result">
      <div>
        Backup written on the server in {props.tookMs} ms ({when(createdAt)}):
      </div>
      <code data-testid="backup-dir">{dir}</code>
      <div className="small" data-testid="backup-files">
        The database and {files.length} {files.length === 1 ? 'entry' : 'entries'} of the data directory
        {shown.length > 0 ? ': ' : '.'}
        {shown.map((f, i) => (
          <span key={f}>
            {i > 0 && ', '}
            <code>{f}</code>
          </span>
        ))}
        {files.length > shown.length ? ` and ${files.length - shown.length} more.` : shown.length > 0 ? '.' : ''}
      </div>
    </div>
  );
}
