import { useEffect, useRef, useState } from 'react';
import { del, errorText, get, post, put } from '../../api/client.ts';
import type { Evaluator } from '../../api/types.ts';
import { Section } from '../../components/States.tsx';
import { useAsync } from '../../hooks.ts';
import { useSearchParams } from '../../router.ts';
import { EvaluatorForm } from './EvaluatorForm.tsx';
import { EvaluatorTry } from './EvaluatorTry.tsx';
import { blankDraft, bodyOf, draftOf, filterText, sampleRateText, type EvaluatorDraft } from './evaluators.ts';

// The project's evaluators (docs/quality.md#evaluators): heuristics run on the calls they select
// as they arrive, LLM judges on a sample of traces. Those of the server's config file are shown
// read-only. /settings?trace=<id> opens "try on a trace" with that trace.

interface Editing {
  id: string | null; // null: a new evaluator
  draft: EvaluatorDraft;
  apiKeySet: boolean;
}

export function Evaluators(props: { canWrite: boolean }) {
  const list = useAsync(() => get('/api/v1/evaluators'), []);
  const [search] = useSearchParams();
  const traceFromUrl = search.get('trace') ?? '';
  const [editing, setEditing] = useState<Editing | null>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ text: string; bad: boolean } | null>(null);
  const [pick, setPick] = useState<{ id: string; nonce: number } | null>(null);
  const box = useRef<HTMLDivElement>(null);

  // Linked to with a trace (?trace=) or as #evaluators: scrolled to once it has drawn.
  useEffect(() => {
    if (list.data && (traceFromUrl || window.location.hash === '#evaluators')) box.current?.scrollIntoView();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [list.data !== null]);

  const evaluators = list.data?.evaluators ?? [];
  const disabled = !props.canWrite || busy;

  const act = async (what: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setStatus(null);
    try {
      await what();
      setStatus({ text: done, bad: false });
      list.reload();
      return true;
    } catch (err) {
      setStatus({ text: errorText(err), bad: true });
      return false;
    } finally {
      setBusy(false);
    }
  };

  const save = async () => {
    if (!editing) return;
    const built = bodyOf(editing.draft);
    if (!built.ok) {
      setStatus({ text: built.message, bad: true });
      return;
    }
    const { id } = editing;
    const ok = await act(
      () => (id === null ? post('/api/v1/evaluators', built.body) : put('/api/v1/evaluators/{id}', built.body, { id })),
      id === null ? `Evaluator ${built.body.name} added: it applies to what this project receives from now on.` : `Evaluator ${built.body.name} saved.`,
    );
    if (ok) setEditing(null);
  };

  const toggle = (e: Evaluator) => {
    const built = bodyOf({ ...draftOf(e), enabled: !e.enabled });
    if (built.ok) void act(() => put('/api/v1/evaluators/{id}', built.body, { id: e.id }), `Evaluator ${e.name} ${e.enabled ? 'disabled' : 'enabled'}.`);
  };

  const remove = (e: Evaluator) => {
    if (!window.confirm(`Delete the evaluator ${e.name}? The scores it wrote stay.`)) return;
    void act(() => del('/api/v1/evaluators/{id}', { id: e.id }), `Evaluator ${e.name} deleted.`);
    if (editing?.id === e.id) setEditing(null);
  };

  return (
    <div className="settings-block" id="evaluators" ref={box} data-testid="settings-evaluators">
      <h2 className="row-title">Evaluators</h2>
      <Section
        title="What this project's answers are judged on"
        state={list}
        testId="evaluators-list"
        actions={
          <button type="button" onClick={() => setEditing({ id: null, draft: blankDraft(), apiKeySet: false })} disabled={disabled} data-testid="evaluator-new">
            New evaluator
          </button>
        }
      >
        {(d) => (
          <>
            <p className="muted small settings-lead">
              Heuristics (empty output, refusal, JSON, length, pattern, language, latency and cost) run on the calls they select as they arrive and cost nothing. LLM
              judges ask a model about a sample of traces, on the judge's own budget. Each writes scores named after the evaluator, shown on the trace and the
              quality page. At most {d.maxEvaluators} per project.
            </p>
            {d.evaluators.length === 0 ? (
              <div className="muted small" data-testid="evaluators-empty">
                No evaluators yet.
              </div>
            ) : (
              <div className="table-wrap">
                <table data-testid="evaluators-table">
                  <thead>
                    <tr>
                      <th>Name</th>
                      <th>Judges</th>
                      <th>On</th>
                      <th>Sample</th>
                      <th>Status</th>
                      <th />
                    </tr>
                  </thead>
                  <tbody>
                    {d.evaluators.map((e) => (
                      <tr key={e.id} data-testid="evaluator-row">
                        <td>
                          <strong>{e.name}</strong>
                          {e.origin === 'config' && (
                            <span className="pill evaluator-origin" title="Defined in the server's config file: change it there">
                              config file
                            </span>
                          )}
                        </td>
                        <td>
                          <code>{e.kind}</code> · {e.criterion}
                        </td>
                        <td className="small">{filterText(e)}</td>
                        <td className="small">{sampleRateText(e.sampleRate)}</td>
                        <td>
                          <span className={`pill${e.enabled ? ' good' : ''}`} data-testid="evaluator-status">
                            {e.enabled ? 'enabled' : 'disabled'}
                          </span>
                        </td>
                        <td className="evaluator-row-actions">
                          <button type="button" className="settings-row-action" onClick={() => setPick({ id: e.id, nonce: Date.now() })} data-testid="evaluator-try-pick">
                            Try
                          </button>
                          {e.origin === 'api' && (
                            <>
                              <button type="button" className="settings-row-action" onClick={() => toggle(e)} disabled={disabled} data-testid="evaluator-toggle">
                                {e.enabled ? 'Disable' : 'Enable'}
                              </button>
                              <button
                                type="button"
                                className="settings-row-action"
                                onClick={() => setEditing({ id: e.id, draft: draftOf(e), apiKeySet: e.judge?.apiKeySet ?? false })}
                                disabled={disabled}
                                data-testid="evaluator-edit"
                              >
                                Edit
                              </button>
                              <button type="button" className="danger settings-row-action" onClick={() => remove(e)} disabled={disabled} data-testid="evaluator-delete">
                                Delete
                              </button>
                            </>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {status && (
              <div className={`notice${status.bad ? ' bad' : ' settings-ok'}`} data-testid="evaluator-status-message" role="status">
                {status.text}
              </div>
            )}
            {editing && (
              <div className="evaluator-editor">
                <h4 className="privacy-subtitle">{editing.id === null ? 'New evaluator' : `Edit ${editing.draft.name}`}</h4>
                <EvaluatorForm
                  draft={editing.draft}
                  onChange={(draft) => setEditing({ ...editing, draft })}
                  disabled={disabled}
                  apiKeySet={editing.apiKeySet}
                  actions={
                    <>
                      <button type="button" className="primary" onClick={() => void save()} data-testid="evaluator-save">
                        {editing.id === null ? 'Add evaluator' : 'Save'}
                      </button>
                      <button type="button" onClick={() => setEditing(null)}>
                        Cancel
                      </button>
                    </>
                  }
                />
              </div>
            )}
            <p className="muted small">
              Config file: <code>evaluators:</code> lists evaluators for one project or every one (docs/quality.md).
            </p>
          </>
        )}
      </Section>
      {list.data && <EvaluatorTry evaluators={evaluators} draft={editing ? bodyOf(editing.draft) : null} initialTraceId={traceFromUrl} pick={pick} canTry={props.canWrite} />}
    </div>
  );
}
