import { useEffect, useMemo, useRef, useState } from 'react';
import { del, errorText, patch } from '../../api/client.ts';
import type { Alert, RulesResponse, RuleView } from '../../api/types.ts';
import { Empty, Section } from '../../components/States.tsx';
import { dateTime, ms } from '../../format.ts';
import { ago, expressionText, isZeroDuration, ruleToInput, severityTone, thresholdText } from './format.ts';
import { NEW_RULE, RuleEditor } from './RuleEditor.tsx';
import { OutcomeNotice, type Loaded, type Outcome } from './shared.tsx';

// The rules in force, their state and health, switched on and off, edited, tested and deleted.

// A rule opened in the editor: its JSON, the id being edited (null: a new rule or a test), and
// whether to test it at once.
export type RuleDraft = { text: string; editing: string | null; test: boolean; nonce: number };

export function RulesTab(props: {
  rules: Loaded<RulesResponse>;
  alerts: Alert[] | null;
  admin: boolean;
  denied: string;
  draft: RuleDraft | null;
  setDraft: (d: RuleDraft | null) => void;
}) {
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  // The switch moves at once; the server's answer (or the reload) settles it.
  const [optimistic, setOptimistic] = useState<Record<string, boolean>>({});
  useEffect(() => setOptimistic({}), [props.rules.data]);
  const editorRef = useRef<HTMLDivElement>(null);
  const byRule = useMemo(() => {
    const m = new Map<string, { firing: number; pending: number }>();
    for (const a of props.alerts ?? []) {
      const c = m.get(a.ruleId) ?? { firing: 0, pending: 0 };
      if (a.state === 'firing') c.firing++;
      else if (a.state === 'pending') c.pending++;
      m.set(a.ruleId, c);
    }
    return m;
  }, [props.alerts]);

  const write = async (label: string, fn: () => Promise<unknown>, done: string) => {
    setBusy(label);
    setOutcome(null);
    try {
      await fn();
      setOutcome({ ok: true, text: done });
      props.rules.reload();
      return true;
    } catch (err) {
      setOutcome({ ok: false, text: errorText(err) });
      return false;
    } finally {
      setBusy(null);
    }
  };

  const open = (v: RuleView, test: boolean) => {
    props.setDraft({ text: JSON.stringify(ruleToInput(v.rule), null, 2), editing: test ? null : v.rule.id, test, nonce: Date.now() });
    requestAnimationFrame(() => editorRef.current?.scrollIntoView({ behavior: 'smooth', block: 'start' }));
  };

  return (
    <div className="alerts-stack">
      <Section
        title="Rules in force"
        state={props.rules}
        testId="alerts-rules"
        empty={(d) => d.rules.length === 0}
        emptyText="No rules. The default pack is turned off (alerts.defaultPack) and no rule file is loaded; add a rule below."
        actions={<input className="alerts-search" placeholder="Filter rules…" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Filter rules" />}
      >
        {(d) => {
          const f = filter.trim().toLowerCase();
          const rows = f ? d.rules.filter((v) => `${v.rule.id} ${v.rule.kind} ${v.rule.category} ${v.rule.severity} ${expressionText(v.rule)}`.toLowerCase().includes(f)) : d.rules;
          return (
            <>
              {d.loadErrors.length > 0 && (
                <div className="notice bad" data-testid="rule-load-errors">
                  <strong>Rule files with errors</strong> (those rules are left out):
                  <ul className="alerts-errors">
                    {d.loadErrors.map((e, i) => (
                      <li key={i}>
                        <code>{e.text}</code>
                      </li>
                    ))}
                  </ul>
                </div>
              )}
              <OutcomeNotice outcome={outcome} testId="rule-outcome" />
              <div className="table-wrap">
                <table className="alerts-rules-table">
                  <thead>
                    <tr>
                      <th>Rule</th>
                      <th>Expression</th>
                      <th className="num">Threshold</th>
                      <th>For</th>
                      <th>Severity</th>
                      <th>State</th>
                      <th>Enabled</th>
                      <th>Last evaluation</th>
                      <th />
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((v) => {
                      const r = v.rule;
                      const c = byRule.get(r.id);
                      const h = v.health;
                      const state = !v.enabled ? (
                        <span className="pill">off</span>
                      ) : h.lastError ? (
                        <span className="pill bad" title={h.lastError}>
                          error
                        </span>
                      ) : c && c.firing > 0 ? (
                        <span className="pill bad">firing{c.firing > 1 ? ` ×${c.firing}` : ''}</span>
                      ) : c && c.pending > 0 ? (
                        <span className="pill warn">pending{c.pending > 1 ? ` ×${c.pending}` : ''}</span>
                      ) : h.noData ? (
                        <span className="pill" title="Nothing to measure in the window (no calls, fewer than minSamples, or a signal nobody feeds yet)">
                          no data
                        </span>
                      ) : h.lastEvaluatedMs === null ? (
                        <span className="pill">not yet run</span>
                      ) : (
                        <span className="pill good">ok</span>
                      );
                      return (
                        <tr key={r.id} data-testid="alert-rule-row" data-rule-id={r.id} className={v.enabled ? undefined : 'alerts-disabled'}>
                          <td>
                            <strong>{r.name}</strong>
                            {r.id !== r.name && <div className="muted small">{r.id}</div>}
                            <div className="small">
                              <span className="pill" title={v.source === 'pack' ? 'default rule pack' : v.source === 'file' ? 'a rule file of the configuration' : 'created through the API'}>
                                {v.source}
                              </span>{' '}
                              <span className="muted">{r.category}</span>
                            </div>
                          </td>
                          <td className="alerts-expr">
                            <span className="muted small">{r.kind}</span> {expressionText(r)}
                            {r.minSamples > 0 && <span className="muted small"> · min {r.minSamples} samples</span>}
                            {!isZeroDuration(r.cooldown) && <span className="muted small"> · cooldown {r.cooldown}</span>}
                          </td>
                          <td className="num">{thresholdText(r)}</td>
                          <td>{r.for}</td>
                          <td>
                            <span className={`pill ${severityTone(r.severity)}`}>{r.severity}</span>
                          </td>
                          <td>{state}</td>
                          <td>
                            <label className="alerts-toggle" title={props.admin ? (v.enabled ? 'Turn this rule off for this project' : 'Turn this rule on') : props.denied}>
                              <input
                                type="checkbox"
                                checked={optimistic[r.id] ?? v.enabled}
                                disabled={!props.admin || busy !== null}
                                data-testid="rule-enabled"
                                onChange={(e) => {
                                  const enabled = e.target.checked;
                                  setOptimistic((o) => ({ ...o, [r.id]: enabled }));
                                  void write(`enable-${r.id}`, () => patch('/api/v1/alerts/rules/{id}', { enabled }, { id: r.id }), `${r.id} turned ${enabled ? 'on' : 'off'}.`).then(
                                    (ok) =>
                                      ok ||
                                      setOptimistic((o) => {
                                        const { [r.id]: _gone, ...rest } = o;
                                        return rest;
                                      }),
                                  );
                                }}
                              />
                              {(optimistic[r.id] ?? v.enabled) ? 'on' : 'off'}
                            </label>
                          </td>
                          <td className="small">
                            {h.lastEvaluatedMs === null ? (
                              <span className="muted">—</span>
                            ) : (
                              <span title={dateTime(h.lastEvaluatedMs)}>
                                {ago(h.lastEvaluatedMs)}
                                {h.lastDurationMs !== null && <span className="muted"> · {ms(h.lastDurationMs)}</span>}
                              </span>
                            )}
                            {h.lastError && <div className="alerts-rule-error">{h.lastError}</div>}
                          </td>
                          <td className="alerts-row-actions">
                            <button onClick={() => open(v, true)} data-testid="rule-test-open" title="Load this rule into the test form">
                              Test
                            </button>
                            <button onClick={() => open(v, false)} disabled={!props.admin} title={props.admin ? 'Edit threshold, for, severity and the rest' : props.denied} data-testid="rule-edit">
                              Edit
                            </button>
                            {v.source === 'api' && (
                              <button
                                className="danger"
                                disabled={!props.admin || busy !== null}
                                title={props.admin ? 'Remove this rule (a default rule of the same id comes back)' : props.denied}
                                data-testid="rule-delete"
                                onClick={() => {
                                  if (!window.confirm(`Delete rule ${r.id}? Its alerts resolve. If it replaced a default rule, the default comes back.`)) return;
                                  void write(`delete-${r.id}`, () => del('/api/v1/alerts/rules/{id}', { id: r.id }), `Rule ${r.id} deleted.`);
                                }}
                              >
                                Delete
                              </button>
                            )}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
              {rows.length === 0 && <Empty>No rule matches "{filter}".</Empty>}
            </>
          );
        }}
      </Section>
      <div ref={editorRef}>
        <RuleEditor
          key={props.draft?.nonce ?? 0}
          admin={props.admin}
          denied={props.denied}
          initial={props.draft}
          onReset={() => props.setDraft({ text: JSON.stringify(NEW_RULE, null, 2), editing: null, test: false, nonce: Date.now() })}
          onSaved={(text) => {
            setOutcome({ ok: true, text });
            props.rules.reload();
          }}
        />
      </div>
    </div>
  );
}
