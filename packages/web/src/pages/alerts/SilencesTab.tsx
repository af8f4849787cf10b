import { useEffect, useMemo, useRef, useState } from 'react';
import { del, errorText, get, post } from '../../api/client.ts';
import type { Alert, Silence, SilenceInput } from '../../api/types.ts';
import { Section } from '../../components/States.tsx';
import { Table } from '../../components/Table.tsx';
import { dateTime } from '../../format.ts';
import { useAsync } from '../../hooks.ts';
import { ago, matcherText, silenceActive } from './format.ts';
import { OutcomeNotice, type Outcome } from './shared.tsx';

// Silences: the form to create one (prefilled from a firing alert) and the list, active first.

export function SilencesTab(props: { canWrite: boolean; denied: string; author: string | null; prefill: { matchers: string; nonce: number } | null; alerts: Alert[]; tick: number }) {
  const silences = useAsync(() => get('/api/v1/alerts/silences', { expired: 'true' }), [props.tick]);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const muting = useMemo(() => {
    const m = new Map<string, number>();
    for (const a of props.alerts) for (const id of a.silencedBy) m.set(id, (m.get(id) ?? 0) + 1);
    return m;
  }, [props.alerts]);
  const now = Date.now();
  return (
    <div className="alerts-stack">
      <SilenceForm
        key={props.prefill?.nonce ?? 0}
        canWrite={props.canWrite}
        denied={props.denied}
        author={props.author}
        initialMatchers={props.prefill?.matchers ?? ''}
        onCreated={(s) => {
          setOutcome({ ok: true, text: `Silence created: ${s.matchers.map(matcherText).join(', ')} until ${dateTime(s.endsAtMs)}.` });
          silences.reload();
        }}
      />
      <Section
        title="Silences"
        state={silences}
        testId="silences"
        empty={(d) => d.silences.length === 0}
        emptyText="No silences. A silence mutes the notifications of the alerts its matchers select, for a time; create one above or with the Silence button of a firing alert."
      >
        {(d) => (
          <>
            <OutcomeNotice outcome={outcome} testId="silence-outcome" />
            <Table
              rows={d.silences}
              rowKey={(s) => s.id}
              pageSize={25}
              initialSort={{ key: 'endsAtMs', dir: 'desc' }}
              columns={[
                {
                  key: 'status',
                  label: 'Status',
                  sortValue: (s) => (silenceActive(s, now) ? 0 : s.endsAtMs > now ? 1 : 2),
                  render: (s) =>
                    silenceActive(s, now) ? <span className="pill good">active</span> : s.endsAtMs > now ? <span className="pill warn">scheduled</span> : <span className="pill">expired</span>,
                },
                {
                  key: 'matchers',
                  label: 'Matchers',
                  sortValue: (s) => s.matchers.map(matcherText).join(','),
                  render: (s) => (
                    <span className="alerts-labels">
                      {s.matchers.map((m, i) => (
                        <code key={i} className="alerts-label">
                          {matcherText(m)}
                        </code>
                      ))}
                    </span>
                  ),
                },
                { key: 'muting', label: 'Muting', align: 'right', sortValue: (s) => muting.get(s.id) ?? 0, render: (s) => <span className="alerts-nowrap">{silenceActive(s, now) ? `${muting.get(s.id) ?? 0} alerts` : '—'}</span> },
                { key: 'startsAtMs', label: 'Starts', render: (s) => <span title={dateTime(s.startsAtMs)} className="alerts-nowrap">{ago(s.startsAtMs, now)}</span> },
                { key: 'endsAtMs', label: 'Ends', render: (s) => <span title={dateTime(s.endsAtMs)}>{dateTime(s.endsAtMs)} <span className="muted small">({ago(s.endsAtMs, now)})</span></span> },
                { key: 'createdBy', label: 'By' },
                { key: 'comment', label: 'Comment', render: (s) => s.comment || <span className="muted">—</span> },
                {
                  key: 'expire',
                  label: '',
                  sortValue: () => null,
                  render: (s) =>
                    s.endsAtMs > now ? (
                      <button
                        className="danger"
                        disabled={!props.canWrite}
                        title={props.canWrite ? 'End this silence now' : props.denied}
                        data-testid="silence-expire"
                        onClick={async () => {
                          if (!window.confirm(`End the silence ${s.matchers.map(matcherText).join(', ')} now? Its alerts are notified again.`)) return;
                          try {
                            await del('/api/v1/alerts/silences/{id}', { id: s.id });
                            setOutcome({ ok: true, text: 'Silence ended.' });
                          } catch (err) {
                            setOutcome({ ok: false, text: errorText(err) });
                          }
                          silences.reload();
                        }}
                      >
                        Expire
                      </button>
                    ) : null,
                },
              ]}
            />
          </>
        )}
      </Section>
    </div>
  );
}

function toLocalInput(msValue: number): string {
  // datetime-local wants local wall time without a zone.
  const d = new Date(msValue - new Date(msValue).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

function SilenceForm(props: { canWrite: boolean; denied: string; author: string | null; initialMatchers: string; onCreated: (s: Silence) => void }) {
  const [matchers, setMatchers] = useState(props.initialMatchers);
  const [mode, setMode] = useState<'duration' | 'until'>('duration');
  const [duration, setDuration] = useState('2h');
  const [until, setUntil] = useState(() => toLocalInput(Date.now() + 2 * 3_600_000));
  const [comment, setComment] = useState('');
  // A signed-in person's email; else the name typed last time.
  const [createdBy, setCreatedBy] = useState(() => {
    if (props.author) return props.author;
    try {
      return localStorage.getItem('lookout.silenceAuthor') ?? '';
    } catch {
      return '';
    }
  });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (props.initialMatchers) ref.current?.focus();
  }, [props.initialMatchers]);

  const submit = async () => {
    setError(null);
    const list = matchers
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    const body: SilenceInput = { matchers: list, comment };
    if (createdBy.trim()) body.createdBy = createdBy.trim();
    if (mode === 'duration') body.duration = duration.trim();
    else if (until) body.endsAt = new Date(until).toISOString();
    setBusy(true);
    try {
      const res = await post('/api/v1/alerts/silences', body);
      try {
        if (createdBy.trim()) localStorage.setItem('lookout.silenceAuthor', createdBy.trim());
      } catch {
        // Storage disabled: the name is typed again next time.
      }
      setMatchers('');
      setComment('');
      props.onCreated(res.silence);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" data-testid="silence-create">
      <header>
        <h3>New silence</h3>
        <span className="small muted">Mutes notifications of matching alerts; they still show here and still trigger automated responses.</span>
      </header>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="form-row">
          <label className="alerts-grow">
            Matchers, one per line: name="value", name!="value", name=~"regex", name!~"regex"
            <textarea
              ref={ref}
              value={matchers}
              onChange={(e) => setMatchers(e.target.value)}
              rows={Math.max(3, matchers.split('\n').length)}
              placeholder={'alertname="HighLatency"\nmodel=~"gpt-4o.*"'}
              spellCheck={false}
              data-testid="silence-matchers"
            />
          </label>
        </div>
        <div className="form-row">
          <label>
            Ends
            <select value={mode} onChange={(e) => setMode(e.target.value as 'duration' | 'until')} data-testid="silence-mode">
              <option value="duration">after</option>
              <option value="until">at</option>
            </select>
          </label>
          {mode === 'duration' ? (
            <label>
              Duration
              <input value={duration} onChange={(e) => setDuration(e.target.value)} placeholder="2h" className="alerts-w-sm" data-testid="silence-duration" />
            </label>
          ) : (
            <label>
              End time (local)
              <input type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} data-testid="silence-ends-at" />
            </label>
          )}
          <label>
            Created by
            <input
              value={createdBy}
              onChange={(e) => setCreatedBy(e.target.value)}
              placeholder="you@example.com"
              // A signed-in person's silences are recorded as theirs by the server.
              disabled={props.author !== null}
              title={props.author !== null ? 'Recorded as you (the account you signed in with)' : undefined}
              data-testid="silence-created-by"
            />
          </label>
          <label className="alerts-grow">
            Comment
            <input value={comment} onChange={(e) => setComment(e.target.value)} placeholder="Provider incident, ticket #123" data-testid="silence-comment" />
          </label>
          <button type="submit" className="primary" disabled={!props.canWrite || busy || !matchers.trim()} title={props.canWrite ? undefined : props.denied} data-testid="silence-submit">
            Create silence
          </button>
        </div>
        {!props.canWrite && <div className="small muted">{props.denied}</div>}
        {error && (
          <div className="notice bad" role="alert" data-testid="silence-error">
            {error}
          </div>
        )}
      </form>
    </section>
  );
}
