import { useEffect, useState } from 'react';
import { errorText, get, post, put } from '../../api/client.ts';
import type { RetentionAnswer, RetentionChange, RetentionRun } from '../../api/types.ts';
import { Section } from '../../components/States.tsx';
import { useAsync } from '../../hooks.ts';

// How long the project keeps each tier of its data (docs/data-lifecycle.md#retention), and what
// the retention job last removed.

type Tier = 'contentDays' | 'spansDays' | 'rollupsDays';
const TIERS: { key: Tier; label: string; keeps: string }[] = [
  { key: 'contentDays', label: 'Content (hot)', keeps: 'Prompts and responses are kept on calls this long; after it the calls stay, without their text (hashes remain).' },
  { key: 'spansDays', label: 'Calls (warm)', keeps: 'Calls, traces, scores and logs are kept this long. Dashboards over older ranges answer from the hourly totals.' },
  { key: 'rollupsDays', label: 'Hourly totals (cold)', keeps: 'Cost, calls and tokens per hour, model and provider are kept this long; after it nothing remains.' },
];

type Draft = Record<Tier, string>;
const draftOf = (a: RetentionAnswer): Draft => ({ contentDays: String(a.contentDays), spansDays: String(a.spansDays), rollupsDays: String(a.rollupsDays) });
const day = (iso: string) => iso.slice(0, 16).replace('T', ' ') + ' UTC';

export function Retention(props: { canWrite: boolean }) {
  const loaded = useAsync(() => get('/api/v1/project/retention'), []);
  const [answer, setAnswer] = useState<RetentionAnswer | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ text: string; bad: boolean } | null>(null);

  useEffect(() => {
    if (!loaded.data) return;
    setAnswer(loaded.data);
    setDraft(draftOf(loaded.data));
  }, [loaded.data]);

  const disabled = !props.canWrite || busy;
  const changed = answer !== null && draft !== null && TIERS.some((t) => draft[t.key] !== String(answer[t.key]));

  const act = async (fn: () => Promise<string>) => {
    setBusy(true);
    setStatus(null);
    try {
      setStatus({ text: await fn(), bad: false });
    } catch (err) {
      setStatus({ text: errorText(err), bad: true });
    } finally {
      setBusy(false);
    }
  };

  const save = () =>
    act(async () => {
      if (!answer || !draft) return '';
      const body: RetentionChange = {};
      // A field left as it was is not sent, so it keeps following the default if it did.
      for (const t of TIERS) if (draft[t.key] !== String(answer[t.key])) body[t.key] = draft[t.key].trim() === '' ? null : Number(draft[t.key]);
      const a = await put('/api/v1/project/retention', body);
      setAnswer(a);
      setDraft(draftOf(a));
      return 'Saved: the next run applies these tiers (Run now applies them at once).';
    });

  const useDefault = (tier: Tier) =>
    act(async () => {
      const a = await put('/api/v1/project/retention', { [tier]: null });
      setAnswer(a);
      setDraft(draftOf(a));
      return `${TIERS.find((t) => t.key === tier)!.label} now follows the instance's default.`;
    });

  const runNow = () =>
    act(async () => {
      const run: RetentionRun = await post('/api/v1/project/retention/run', undefined);
      const a = await get('/api/v1/project/retention');
      setAnswer(a);
      return `Done in ${run.durationMs} ms.`;
    });

  return (
    <div className="settings-block" id="retention" data-testid="settings-retention">
      <h2 className="row-title">Retention</h2>
      <Section title="How long this project keeps its data" state={{ ...loaded, data: answer }} testId="retention-settings">
        {(a) => (
          <>
            {!a.enforced && (
              <div className="notice bad" role="status" data-testid="retention-unenforced">
                This store does not enforce retention: everything is kept.
              </div>
            )}
            <p className="muted small settings-lead">
              Whole days, counted back from now. Each tier must be at most the next one. A run every {Math.round(a.intervalMs / 60_000)} minutes removes what is older
              {a.archive.enabled ? ', writing the calls to the Parquet archive first' : ''}.
            </p>
            <div className="table-wrap">
              <table data-testid="retention-tiers">
                <thead>
                  <tr>
                    <th>Tier</th>
                    <th>Days</th>
                    <th>Default</th>
                    <th>Removed before</th>
                  </tr>
                </thead>
                <tbody>
                  {TIERS.map((t) => (
                    <tr key={t.key}>
                      <td>
                        <strong>{t.label}</strong>
                        <br />
                        <span className="muted small">{t.keeps}</span>
                      </td>
                      <td>
                        <input
                          type="number"
                          min={1}
                          step={1}
                          aria-label={`${t.label} days`}
                          data-testid={`retention-${t.key}`}
                          value={draft?.[t.key] ?? ''}
                          disabled={disabled}
                          onChange={(e) => setDraft((d) => (d ? { ...d, [t.key]: e.target.value } : d))}
                        />
                      </td>
                      <td data-testid={`retention-${t.key}-default`}>
                        {a.isDefault[t.key] ? (
                          <span className="pill">default</span>
                        ) : (
                          <>
                            <span className="muted small">default {a.defaults[t.key]} · </span>
                            <button type="button" className="link" disabled={disabled} onClick={() => void useDefault(t.key)}>
                              use default
                            </button>
                          </>
                        )}
                      </td>
                      <td className="muted small">{day(a.cutoffs[t.key === 'contentDays' ? 'contentBefore' : t.key === 'spansDays' ? 'spansBefore' : 'rollupsBefore'])}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div className="settings-actions">
              <button type="button" className="primary" disabled={disabled || !changed} onClick={() => void save()} data-testid="retention-save">
                Save
              </button>
              <button type="button" disabled={disabled || !a.enforced} onClick={() => void runNow()} data-testid="retention-run">
                Run now
              </button>
            </div>
            {status && status.text && (
              <div className={`notice${status.bad ? ' bad' : ' settings-ok'}`} data-testid="retention-status" role="status">
                {status.text}
              </div>
            )}
            <LastRun run={a.lastRun} />
          </>
        )}
      </Section>
    </div>
  );
}

function LastRun(props: { run: RetentionAnswer['lastRun'] }) {
  const r = props.run;
  if (!r) return <p className="muted small" data-testid="retention-last-run">No run yet.</p>;
  const d = r.deleted;
  return (
    <div className="small" data-testid="retention-last-run">
      <strong>Last run</strong> {day(r.finishedAt)} ({r.trigger === 'manual' ? 'run by hand' : 'scheduled'}, {r.durationMs} ms){r.error ? <span className="bad">: failed — {r.error}</span> : ':'}
      {!r.error && (
        <ul>
          <li data-testid="retention-last-content">
            Content removed from {r.contentStripped.spans} calls and {r.contentStripped.logs} logs older than {day(r.cutoffs.contentBefore)}
          </li>
          <li data-testid="retention-last-spans">
            Deleted {d.spans} calls, {d.scores} scores, {d.logs} logs and {d.metricPoints} metric points older than {day(r.cutoffs.spansBefore)}
            {r.archivedDays !== null ? ` (${r.archivedDays} days archived first)` : ''}
          </li>
          <li data-testid="retention-last-rollups">
            Deleted {d.rollupHours} hours of totals older than {day(r.cutoffs.rollupsBefore)}
          </li>
        </ul>
      )}
    </div>
  );
}
