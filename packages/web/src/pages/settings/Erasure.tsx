import { useEffect, useRef, useState, type FormEvent } from 'react';
import { errorText, get, post } from '../../api/client.ts';
import type { ErasureJob, ErasureList, ErasureRequest } from '../../api/types.ts';
import { Section } from '../../components/States.tsx';
import { Table } from '../../components/Table.tsx';
import { useAsync } from '../../hooks.ts';
import { ERASURE_KINDS, anyRunning, countsText, erasureBody, type ErasureKind } from './erasure.ts';
import { when } from './format.ts';

// Erasing a user's, a session's or a trace's records (docs/data-lifecycle.md#erasure), and the
// audit log of the erasures made: kind, who asked, when, status and what was deleted.

// While an erasure runs the list is read again this often.
const POLL_MS = 1_000;

export function Erasure(props: { canWrite: boolean }) {
  const list = useAsync(() => (props.canWrite ? get('/api/v1/erasure') : Promise.resolve<ErasureList>({ erasures: [], available: true })), [props.canWrite]);
  const [kind, setKind] = useState<ErasureKind>('user');
  const [id, setId] = useState('');
  // The body waiting for the second click that confirms it.
  const [pending, setPending] = useState<ErasureRequest | null>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ text: string; bad: boolean } | null>(null);

  const box = useRef<HTMLDivElement>(null);
  // Linked to as /settings#erasure: scrolled to once the log has drawn.
  useEffect(() => {
    if (list.data && window.location.hash === '#erasure') box.current?.scrollIntoView();
  }, [list.data !== null]);

  const running = list.data ? anyRunning(list.data.erasures) : false;
  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(list.reload, POLL_MS);
    return () => clearTimeout(timer);
  }, [running, list.data]);

  const ask = (e: FormEvent) => {
    e.preventDefault();
    setStatus(null);
    const body = erasureBody(kind, id);
    if (!body) {
      setStatus({ text: `Enter the ${kind} id to erase.`, bad: true });
      return;
    }
    setPending(body);
  };

  const confirm = async () => {
    if (!pending) return;
    setBusy(true);
    try {
      const job = await post('/api/v1/erasure', pending);
      setStatus({ text: `Erasure ${job.id} started: it runs in the background; its status shows below.`, bad: false });
      setId('');
      list.reload();
    } catch (err) {
      setStatus({ text: errorText(err), bad: true });
    } finally {
      setPending(null);
      setBusy(false);
    }
  };

  const chosen = ERASURE_KINDS.find((k) => k.value === kind)!;
  const unavailable = list.data?.available === false;
  return (
    <div className="settings-block" id="erasure" ref={box} data-testid="settings-erasure">
      <h2 className="row-title">Erasure</h2>
      <div className="settings-keys-grid">
        <section className="panel">
          <header>
            <h3>Erase a user, a session or a trace</h3>
          </header>
          <p className="muted small">
            Deletes {chosen.covers}, from every view: traces, analytics, budgets, exports. It cannot be undone. Records sent after the erasure was asked for are
            kept.
          </p>
          <form className="form-row" data-testid="erasure-form" onSubmit={ask}>
            <label>
              Kind
              <select name="kind" value={kind} onChange={(e) => setKind(e.target.value as ErasureKind)} disabled={!props.canWrite || busy || pending !== null} data-testid="erasure-kind">
                {ERASURE_KINDS.map((k) => (
                  <option key={k.value} value={k.value}>
                    {k.label}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {chosen.label} id
              <input name="id" value={id} onChange={(e) => setId(e.target.value)} maxLength={500} disabled={!props.canWrite || busy || pending !== null} data-testid="erasure-id" />
            </label>
            <button type="submit" className="danger" disabled={!props.canWrite || busy || pending !== null || unavailable} data-testid="erasure-submit">
              Erase…
            </button>
          </form>
          {pending && (
            <div className="notice bad" role="alertdialog" data-testid="erasure-confirm">
              <p>
                Erase every record of {kind} <code>{Object.values(pending)[0]}</code>? This cannot be undone.
              </p>
              <button className="danger" onClick={() => void confirm()} disabled={busy} data-testid="erasure-confirm-yes">
                {busy ? 'Erasing…' : 'Erase permanently'}
              </button>{' '}
              <button onClick={() => setPending(null)} disabled={busy} data-testid="erasure-confirm-no">
                Cancel
              </button>
            </div>
          )}
          {status && (
            <div className={`notice${status.bad ? ' bad' : ' settings-ok'}`} data-testid="erasure-status" role="status">
              {status.text}
            </div>
          )}
          {unavailable && <div className="notice">This server&apos;s store cannot erase records.</div>}
          <p className="muted small">
            Command line: <code>npx lookout erase --user ID --wait</code>
          </p>
        </section>

        <Section
          title="Erasures of this project"
          state={list}
          empty={(d) => d.erasures.length === 0}
          emptyText={props.canWrite ? 'No erasures yet.' : 'The erasure log needs an admin key.'}
          testId="erasure-table"
        >
          {(d) => (
            <Table<ErasureJob>
              rows={d.erasures}
              rowKey={(j) => j.id}
              initialSort={{ key: 'requestedAt', dir: 'desc' }}
              columns={[
                { key: 'requestedAt', label: 'Asked', render: (j) => when(j.requestedAt) },
                { key: 'kind', label: 'Kind', sortValue: (j) => j.target.kind, render: (j) => j.target.kind },
                { key: 'idHash', label: 'Id (keyed hash)', sortValue: (j) => j.target.idHash, render: (j) => <code className="muted">{j.target.idHash?.slice(0, 12) ?? '—'}</code> },
                { key: 'requestedBy', label: 'By', render: (j) => (j.requestedBy === 'operator' ? 'operator' : <code>{j.requestedBy}</code>) },
                {
                  key: 'status',
                  label: 'Status',
                  render: (j) => <span className={`pill${j.status === 'done' ? ' good' : j.status === 'failed' ? ' bad' : ''}`} data-testid="erasure-row-status">{j.status}</span>,
                },
                { key: 'counts', label: 'Deleted', sortValue: (j) => j.counts?.spans ?? null, render: (j) => <span data-testid="erasure-row-counts">{countsText(j)}</span> },
                { key: 'finishedAt', label: 'Finished', render: (j) => when(j.finishedAt) },
              ]}
            />
          )}
        </Section>
      </div>
    </div>
  );
}
