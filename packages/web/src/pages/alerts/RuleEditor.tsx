import { useEffect, useRef, useState } from 'react';
import { errorText, post, put } from '../../api/client.ts';
import type { RuleInput, RuleTestResult } from '../../api/types.ts';
import { Empty } from '../../components/States.tsx';
import { Table } from '../../components/Table.tsx';
import { expressionText, formatRuleValue, isZeroDuration, RULE_MEASURES, thresholdText } from './format.ts';
import { LabelChips, OutcomeNotice, type Outcome } from './shared.tsx';

// The rule form: a rule in the rule-file format as JSON with fields for the common parts, tested
// against the data now, created or saved.

export const NEW_RULE = {
  name: 'FeatureCostHigh',
  kind: 'threshold',
  query: { measure: 'cost', filter: {}, groupBy: ['model'] },
  window: '1h',
  op: '>',
  threshold: 5,
  for: '5m',
  severity: 'warning',
  category: 'cost',
  annotations: { summary: 'Spend on {{ $labels.model }} over the last hour above $5', description: 'Spend: ${{ $value | humanize }}' },
};

const KINDS = ['threshold', 'rate', 'ratio', 'percentile', 'absence', 'anomaly', 'budget', 'forecast'];
const SEVERITIES = ['info', 'warning', 'critical'];
const CATEGORIES = ['cost', 'performance', 'availability', 'quality', 'security'];
const OPS = ['>', '>=', '<', '<='];

type Draft = Record<string, unknown> & { query?: Record<string, unknown> };
// The JSON as the user wrote it goes to the server, which checks it and names any wrong field.
const asRule = (d: Draft) => d as unknown as RuleInput;

export function RuleEditor(props: {
  admin: boolean;
  denied: string;
  initial: { text: string; editing: string | null; test: boolean } | null;
  onSaved: (text: string) => void;
  onReset: () => void;
}) {
  const [text, setText] = useState(props.initial?.text ?? JSON.stringify(NEW_RULE, null, 2));
  const editing = props.initial?.editing ?? null;
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [result, setResult] = useState<RuleTestResult | null>(null);
  const [busy, setBusy] = useState(false);

  let draft: Draft | null = null;
  let parseError: string | null = null;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) draft = parsed as Draft;
    else parseError = 'The rule must be a JSON object.';
  } catch (err) {
    parseError = `Not valid JSON: ${(err as Error).message}`;
  }

  const update = (change: (d: Draft) => void) => {
    if (!draft) return;
    const next = structuredClone(draft);
    change(next);
    setText(JSON.stringify(next, null, 2));
  };
  const field = (k: string) => (draft && draft[k] !== undefined && draft[k] !== null ? String(draft[k]) : '');
  const setField = (k: string, v: string | number | undefined) =>
    update((d) => {
      if (v === undefined || v === '') delete d[k];
      else d[k] = v;
    });
  const queryField = (k: string) => {
    const q = draft?.query as Record<string, unknown> | undefined;
    return q && q[k] !== undefined ? String(Array.isArray(q[k]) ? (q[k] as string[]).join(',') : q[k]) : '';
  };
  const setQuery = (k: string, v: unknown) =>
    update((d) => {
      const q = { ...((d.query as Record<string, unknown>) ?? {}) };
      if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) delete q[k];
      else q[k] = v;
      d.query = q;
    });
  const summary = () => ((draft?.annotations as Record<string, string> | undefined)?.summary ?? '');

  const test = async () => {
    if (!draft) return;
    setBusy(true);
    setOutcome(null);
    setResult(null);
    try {
      setResult(await post('/api/v1/alerts/test-rule', asRule(draft)));
    } catch (err) {
      setOutcome({ ok: false, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  // A rule opened with "Test" is evaluated at once.
  const autoTest = useRef(props.initial?.test ?? false);
  useEffect(() => {
    if (autoTest.current) {
      autoTest.current = false;
      void test();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const save = async (method: 'POST' | 'PUT') => {
    if (!draft) return;
    setBusy(true);
    setOutcome(null);
    try {
      const id = method === 'PUT' ? String(draft.id ?? editing ?? '') : '';
      const res =
        method === 'PUT'
          ? await put('/api/v1/alerts/rules/{id}', asRule(draft), { id })
          : await post('/api/v1/alerts/rules', asRule(draft));
      const msg = method === 'PUT' ? `Rule ${res.rule.id} saved for this project.` : `Rule ${res.rule.id} created.`;
      setOutcome({ ok: true, text: msg });
      props.onSaved(msg);
    } catch (err) {
      setOutcome({ ok: false, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  const hasId = draft && typeof draft.id === 'string' && draft.id;
  return (
    <section className="panel" data-testid="rule-test">
      <header>
        <h3>{editing ? `Edit rule ${editing}` : 'Test or create a rule'}</h3>
        <span className="small muted">
          The rule-file format of docs/alerts.md, as JSON. Testing evaluates it against the data now without creating alerts.
        </span>
      </header>
      {editing && (
        <div className="notice small">
          Saving replaces this rule for this project only (a default or file rule is overridden by an API rule of the same id; delete that API rule to get the
          original back).
        </div>
      )}
      <div className="form-row alerts-rule-fields">
        <label>
          Name
          <input value={field('name')} disabled={!draft} onChange={(e) => setField('name', e.target.value)} data-testid="rule-name" />
        </label>
        <label>
          Kind
          <select value={field('kind')} disabled={!draft} onChange={(e) => setField('kind', e.target.value)}>
            {KINDS.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
        <label>
          Measure
          <input
            value={queryField('measure')}
            disabled={!draft}
            onChange={(e) => setQuery('measure', e.target.value)}
            placeholder="cost"
            list="rule-measures"
            className="alerts-w-md"
            data-testid="rule-measure"
          />
          <datalist id="rule-measures">
            {RULE_MEASURES.map((m) => (
              <option key={m} value={m} />
            ))}
          </datalist>
        </label>
        <label>
          Group by
          <input
            value={queryField('groupBy')}
            disabled={!draft}
            placeholder="model,provider"
            onChange={(e) =>
              setQuery(
                'groupBy',
                e.target.value
                  .split(',')
                  .map((s) => s.trim())
                  .filter(Boolean),
              )
            }
            className="alerts-w-md"
          />
        </label>
        <label>
          Window
          <input value={field('window')} disabled={!draft} onChange={(e) => setField('window', e.target.value)} placeholder="5m" className="alerts-w-sm" />
        </label>
        <label>
          Op
          <select value={field('op') || '>'} disabled={!draft} onChange={(e) => setField('op', e.target.value)} className="alerts-w-xs">
            {OPS.map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
        </label>
        <label>
          Threshold
          <input
            type="number"
            step="any"
            value={field('threshold')}
            disabled={!draft}
            onChange={(e) => setField('threshold', e.target.value === '' ? undefined : Number(e.target.value))}
            className="alerts-w-sm"
            data-testid="rule-threshold"
          />
        </label>
        <label>
          For
          <input value={field('for')} disabled={!draft} onChange={(e) => setField('for', e.target.value)} placeholder="0s" className="alerts-w-sm" data-testid="rule-for" />
        </label>
        <label>
          Severity
          <select value={field('severity')} disabled={!draft} onChange={(e) => setField('severity', e.target.value)} data-testid="rule-severity">
            {SEVERITIES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Category
          <select value={field('category')} disabled={!draft} onChange={(e) => setField('category', e.target.value)}>
            {CATEGORIES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label className="alerts-grow">
          Summary
          <input
            value={summary()}
            disabled={!draft}
            onChange={(e) =>
              update((d) => {
                const a = { ...((d.annotations as Record<string, string>) ?? {}) };
                if (e.target.value) a.summary = e.target.value;
                else delete a.summary;
                if (Object.keys(a).length) d.annotations = a;
                else delete d.annotations;
              })
            }
          />
        </label>
      </div>
      <label className="alerts-json">
        <span className="small muted">Rule (JSON): every field of docs/alerts.md, e.g. query.filter, query.numerator, baseline, budget, minSamples, labels</span>
        <textarea value={text} onChange={(e) => setText(e.target.value)} rows={Math.min(24, Math.max(8, text.split('\n').length + 1))} spellCheck={false} data-testid="rule-json" />
      </label>
      {parseError && <div className="notice bad">{parseError}</div>}
      <div className="form-row">
        <button className="primary" onClick={() => void test()} disabled={!draft || busy} data-testid="rule-test-run">
          Test rule
        </button>
        {editing ? (
          <button onClick={() => void save('PUT')} disabled={!draft || busy || !props.admin} title={props.admin ? undefined : props.denied} data-testid="rule-save">
            Save rule
          </button>
        ) : (
          <>
            <button onClick={() => void save('POST')} disabled={!draft || busy || !props.admin} title={props.admin ? 'Add this rule to the project' : props.denied} data-testid="rule-create">
              Create rule
            </button>
            {hasId && (
              <button onClick={() => void save('PUT')} disabled={!draft || busy || !props.admin} title={props.admin ? 'Add or replace the rule with this id' : props.denied}>
                Replace rule {String(draft!.id)}
              </button>
            )}
          </>
        )}
        <button onClick={props.onReset} disabled={busy} data-testid="rule-reset">
          {editing ? 'Cancel edit' : 'Reset to example'}
        </button>
        {!props.admin && <span className="small muted">{props.denied} Testing a rule changes nothing and is open to every role.</span>}
      </div>
      <OutcomeNotice outcome={outcome} testId="rule-test-error" />
      {result && <TestResultView result={result} />}
    </section>
  );
}

function TestResultView(props: { result: RuleTestResult }) {
  const r = props.result;
  return (
    <div className="alerts-test-result" data-testid="rule-test-result">
      <div className="alerts-test-head">
        {r.noData ? (
          <span className="pill">no data</span>
        ) : r.wouldFire > 0 ? (
          <span className="pill bad">would fire</span>
        ) : (
          <span className="pill good">would not fire</span>
        )}{' '}
        <strong>{r.rule.id}</strong>: {expressionText(r.rule)} {thresholdText(r.rule)}
        {r.groups.length > 0 && (
          <span className="muted">
            {' '}
            · {r.wouldFire} of {r.groups.length} group{r.groups.length === 1 ? '' : 's'} over the threshold
            {r.wouldFire > 0 && !isZeroDuration(r.rule.for) ? ` (an alert would be pending for ${r.rule.for} first)` : ''}
          </span>
        )}
      </div>
      {r.groups.length === 0 ? (
        <Empty>Nothing to measure: no group had data in the window.</Empty>
      ) : (
        <Table
          rows={r.groups}
          rowKey={(g, i) => `${JSON.stringify(g.labels)}-${i}`}
          pageSize={20}
          initialSort={{ key: 'value', dir: 'desc' }}
          columns={[
            {
              key: 'labels',
              label: 'Group',
              sortValue: (g) => JSON.stringify(g.labels),
              render: (g) => (Object.keys(g.labels).length ? <LabelChips labels={g.labels} all /> : <span className="muted">(whole project)</span>),
            },
            { key: 'value', label: 'Value', align: 'right', sortValue: (g) => g.value, render: (g) => formatRuleValue(r.rule, g.value) },
            {
              key: 'active',
              label: 'Condition',
              sortValue: (g) => (g.active ? 1 : 0),
              render: (g) => (g.value === null ? <span className="pill">no data</span> : g.active ? <span className="pill bad">holds</span> : <span className="pill good">does not hold</span>),
            },
          ]}
        />
      )}
    </div>
  );
}
