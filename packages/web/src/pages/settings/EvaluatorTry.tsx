import { useEffect, useState, type FormEvent } from 'react';
import { errorText, post } from '../../api/client.ts';
import type { Evaluator, EvaluatorBody, EvaluatorTryResult } from '../../api/types.ts';

// "Try on this trace": what an evaluator (saved, or the form as typed) would score on a stored
// trace. Nothing is recorded; an llm_judge evaluator makes one judge call.

const DRAFT = '(the form)';

export function EvaluatorTry(props: {
  evaluators: Evaluator[];
  // The form being edited, as its body, or the reason it cannot be sent yet; null: no form open.
  draft: { ok: true; body: EvaluatorBody } | { ok: false; message: string } | null;
  initialTraceId: string;
  // Chosen from the list ("Try" on a row).
  pick: { id: string; nonce: number } | null;
  canTry: boolean;
}) {
  const [traceId, setTraceId] = useState(props.initialTraceId);
  const [chosen, setChosen] = useState<string>(props.evaluators[0]?.id ?? DRAFT);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<EvaluatorTryResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (props.pick) setChosen(props.pick.id);
  }, [props.pick]);
  useEffect(() => {
    // The chosen evaluator was deleted, or none was chosen yet.
    if (chosen !== DRAFT && !props.evaluators.some((e) => e.id === chosen)) setChosen(props.evaluators[0]?.id ?? DRAFT);
  }, [props.evaluators, chosen]);

  const run = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const id = traceId.trim();
      if (chosen === DRAFT) {
        if (!props.draft) throw new Error('Open the form (New evaluator, or Edit) to try a definition before saving it.');
        if (!props.draft.ok) throw new Error(props.draft.message);
        setResult(await post('/api/v1/evaluators/try', { evaluator: props.draft.body, traceId: id }));
      } else {
        setResult(await post('/api/v1/evaluators/{id}/try', { traceId: id }, { id: chosen }));
      }
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel evaluator-try" data-testid="evaluator-try">
      <header>
        <h3>Try on a trace</h3>
      </header>
      <form className="form-row" onSubmit={(e) => void run(e)}>
        <label>
          Evaluator
          <select value={chosen} onChange={(e) => setChosen(e.target.value)} data-testid="evaluator-try-which">
            {props.evaluators.map((ev) => (
              <option key={ev.id} value={ev.id}>
                {ev.name} ({ev.criterion})
              </option>
            ))}
            <option value={DRAFT}>{DRAFT}</option>
          </select>
        </label>
        <label className="evaluator-wide">
          Trace id
          <input value={traceId} onChange={(e) => setTraceId(e.target.value)} placeholder="32 hex characters, from the trace view" spellCheck={false} className="mono" data-testid="evaluator-try-trace" />
        </label>
        <button type="submit" className="primary" disabled={busy || !props.canTry || traceId.trim() === ''} data-testid="evaluator-try-run">
          {busy ? 'Trying…' : 'Try'}
        </button>
      </form>
      {!props.canTry && <p className="muted small">Trying an evaluator needs the admin role or an admin key (a judge call costs money).</p>}
      {error && (
        <div className="notice bad" role="alert" data-testid="evaluator-try-error">
          {error}
        </div>
      )}
      {result && (
        <div data-testid="evaluator-try-result">
          <p className="muted small">
            Trace <a href={`/traces/${result.traceId}`}>{result.traceId}</a>: nothing was recorded.
            {result.truncated ? ' The trace has more calls than were tried.' : ''}
          </p>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Call</th>
                  <th>Outcome</th>
                  <th>Score</th>
                  <th>Why</th>
                  <th>Judge cost</th>
                </tr>
              </thead>
              <tbody>
                {result.trials.map((t, i) => (
                  <tr key={`${t.spanId ?? 'trace'}-${i}`} data-testid="evaluator-trial">
                    <td>
                      <code>{t.spanId ?? 'whole trace'}</code>
                    </td>
                    <td>
                      <span className={`pill${t.outcome === 'failed' ? ' bad' : t.outcome === 'scored' ? (t.value !== null && t.value >= 0.5 ? ' good' : ' warn') : ''}`}>{t.outcome}</span>
                    </td>
                    <td data-testid="evaluator-trial-value">{t.value === null ? '—' : t.value.toFixed(2)}</td>
                    <td className="small">{t.error ?? t.reasoning ?? ''}</td>
                    <td>{t.costUsd === null ? '—' : `$${t.costUsd.toFixed(6)}`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}
