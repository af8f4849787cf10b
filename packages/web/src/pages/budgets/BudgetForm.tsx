import { useState } from 'react';
import { errorText, post, put } from '../../api/client.ts';
import type { Budget, BudgetInput, BudgetScope } from '../../api/types.ts';
import { MEMBER_BUDGET_LIMITS, MEMBER_BUDGET_SCOPES } from '../../lib/access.ts';
import { SCOPES } from './shared.tsx';

// Create a budget, or edit one picked in the table. For a member (memberOnly) the options the
// server refuses them — hard enforcement, user budgets — are disabled, saying why.

export function BudgetForm(props: { canWrite: boolean; deniedTitle: string; editing: Budget | null; memberOnly?: boolean; onSaved: (b: Budget, created: boolean) => void; onCancel: () => void }) {
  const memberOnly = props.memberOnly === true;
  const e = props.editing;
  const [id, setId] = useState('');
  const [name, setName] = useState(e?.name ?? '');
  const [scope, setScope] = useState<BudgetScope>(e?.scope ?? 'team');
  const [subject, setSubject] = useState(e?.subject ?? '');
  const [period, setPeriod] = useState<'daily' | 'monthly'>(e?.period ?? 'monthly');
  const [limit, setLimit] = useState(e ? String(e.limitUsd) : '');
  const [warn, setWarn] = useState((e?.warnAtPercent ?? [50, 80, 100]).join(', '));
  const [enforce, setEnforce] = useState<'soft' | 'hard'>(e?.enforce ?? 'soft');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    setError(null);
    const body: Record<string, unknown> = { scope, period, enforce };
    if (!e && id.trim()) body.id = id.trim();
    body.name = name.trim() ? name.trim() : null;
    if (scope !== 'project') body.subject = subject.trim() || null;
    // Sent as typed: the API names the field when the number is not one.
    body.limitUsd = limit.trim() === '' ? undefined : Number(limit);
    if (limit.trim() !== '' && Number.isNaN(Number(limit))) body.limitUsd = limit;
    const levels = warn
      .split(/[,\s]+/)
      .map((w) => w.replace(/%$/, '').trim())
      .filter(Boolean);
    body.warnAtPercent = levels.map((w) => (Number.isNaN(Number(w)) ? w : Number(w)));
    setBusy(true);
    try {
      const res = e
        ? await put('/api/v1/budgets/{id}', body as unknown as BudgetInput, { id: e.id })
        : await post('/api/v1/budgets', body as unknown as BudgetInput);
      props.onSaved(res.budget, !e);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const disabled = !props.canWrite || busy;
  return (
    // A group, so that it reads as disabled (aria-disabled) when the caller may not use it.
    <section className="panel" data-testid="budget-create" role="group" aria-label={e ? `Edit budget ${e.id}` : 'New budget'} aria-disabled={!props.canWrite} title={props.canWrite ? undefined : props.deniedTitle}>
      <header>
        <h3>{e ? `Edit budget ${e.id}` : 'New budget'}</h3>
        {e && (
          <button className="link" onClick={props.onCancel}>
            Cancel
          </button>
        )}
      </header>
      {/* The API's validation names the field; the browser's own would hide it. */}
      <form
        noValidate
        onSubmit={(ev) => {
          ev.preventDefault();
          void submit();
        }}
      >
        <fieldset disabled={!props.canWrite} className="budgets-fieldset">
          <div className="budgets-form-grid">
            <label>
              Scope
              <select value={scope} onChange={(ev) => setScope(ev.target.value as BudgetScope)} data-testid="budget-scope">
                {SCOPES.map((s) => {
                  const refused = memberOnly && !MEMBER_BUDGET_SCOPES.includes(s);
                  return (
                    <option key={s} disabled={refused} title={refused ? MEMBER_BUDGET_LIMITS : undefined}>
                      {s}
                    </option>
                  );
                })}
              </select>
            </label>
            <label>
              {scope === 'project' ? 'Subject' : `${scope[0].toUpperCase()}${scope.slice(1)} id`}
              <input
                value={scope === 'project' ? '' : subject}
                onChange={(ev) => setSubject(ev.target.value)}
                disabled={scope === 'project'}
                placeholder={scope === 'project' ? 'the whole project' : scope === 'user' ? "alice, or * for each user" : scope === 'team' ? 'core' : 'eng'}
                data-testid="budget-subject"
              />
            </label>
            <label>
              Period (UTC)
              <select value={period} onChange={(ev) => setPeriod(ev.target.value as 'daily' | 'monthly')} data-testid="budget-period">
                <option value="daily">daily</option>
                <option value="monthly">monthly</option>
              </select>
            </label>
            <label>
              Limit (USD)
              <input type="number" step="any" value={limit} onChange={(ev) => setLimit(ev.target.value)} placeholder="500" data-testid="budget-limit" />
            </label>
            <label>
              Warn at (%)
              <input value={warn} onChange={(ev) => setWarn(ev.target.value)} placeholder="50, 80, 100" data-testid="budget-warn" />
            </label>
            <label>
              Mode
              <select value={enforce} onChange={(ev) => setEnforce(ev.target.value as 'soft' | 'hard')} data-testid="budget-enforce">
                <option value="soft">soft (warn only)</option>
                <option value="hard" disabled={memberOnly} title={memberOnly ? MEMBER_BUDGET_LIMITS : undefined} data-testid="budget-enforce-hard">
                  hard (refuse calls)
                </option>
              </select>
            </label>
            <label>
              Name (optional)
              <input value={name} onChange={(ev) => setName(ev.target.value)} placeholder="Core team AI spend" data-testid="budget-name" />
            </label>
            {!e && (
              <label>
                Id (optional)
                <input value={id} onChange={(ev) => setId(ev.target.value)} placeholder="generated" data-testid="budget-id" />
              </label>
            )}
          </div>
          <div className="form-row">
            <button type="submit" className="primary" disabled={disabled} title={props.canWrite ? undefined : props.deniedTitle} data-testid="budget-submit">
              {e ? 'Save budget' : 'Create budget'}
            </button>
            {!props.canWrite && <span className="small muted">{props.deniedTitle}</span>}
            {props.canWrite && memberOnly && (
              <span className="small muted" data-testid="budget-member-limits">
                {MEMBER_BUDGET_LIMITS}
              </span>
            )}
          </div>
        </fieldset>
        {error && (
          <div className="notice bad" role="alert" data-testid="budget-error">
            {error}
          </div>
        )}
      </form>
    </section>
  );
}
