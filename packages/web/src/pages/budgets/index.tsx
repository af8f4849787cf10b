import { useRef, useState } from 'react';
import { del, errorText, get } from '../../api/client.ts';
import type { Budget } from '../../api/types.ts';
import type { PageProps } from '../../App.tsx';
import { Section } from '../../components/States.tsx';
import { usd } from '../../format.ts';
import { useAsync } from '../../hooks.ts';
import { useTimeRange } from '../../time.ts';
import { subjectLabel } from './format.ts';
import { allows, budgetNeeds, canChangeBudget, needs, readOnlyNotice } from '../../lib/access.ts';
import { BudgetForm } from './BudgetForm.tsx';
import { BudgetTable } from './BudgetTable.tsx';
import { CheckBox } from './CheckBox.tsx';
import { Tiers } from './Tiers.tsx';
import './Budgets.css';

// Budgets (docs/budgets.md): limits per UTC day or month for a project, team, department or user,
// with what is spent, what remains and a forecast; tiers give users a daily budget; the check
// answers "may this user make another call?". Budgets measure the current period, not the page's
// time range.

const CLI_EXAMPLE = `npx lookout budgets set --scope team --subject core --period monthly --limit 500 --enforce hard --warn 50,80,100
npx lookout budgets set --scope user --subject '*' --period daily --limit 5     # each user
npx lookout budgets tier alice pro                                               # free | pro | enterprise
npx lookout budgets list`;

export function Budgets(props: PageProps) {
  const access = props.access;
  const admin = allows(access, 'admin');
  // A member creates budgets and changes or deletes the ones they created; an admin any.
  const canCreate = allows(access, 'member');
  const range = useTimeRange();
  const budgets = useAsync(() => get('/api/v1/budgets'), [range.tick]);
  const [editing, setEditing] = useState<Budget | null>(null);
  const [formKey, setFormKey] = useState(0);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const formRef = useRef<HTMLDivElement>(null);

  const remove = async (b: Budget) => {
    const hard = b.enforce === 'hard' ? ' The gateway stops refusing the calls it blocks.' : '';
    if (!window.confirm(`Delete the ${b.period} ${b.scope} budget ${b.name ? `"${b.name}" ` : ''}(${subjectLabel(b)}, ${usd(b.limitUsd)})?${hard}`)) return;
    setOutcome(null);
    try {
      await del('/api/v1/budgets/{id}', { id: b.id });
      setOutcome({ ok: true, text: `Budget ${b.id} deleted.` });
      if (editing?.id === b.id) {
        setEditing(null);
        setFormKey((k) => k + 1);
      }
    } catch (err) {
      setOutcome({ ok: false, text: errorText(err) });
    }
    budgets.reload();
  };

  return (
    <div className="page budgets-page">
      {!canCreate && (
        <div className="notice" data-testid="budgets-read-only">
          {readOnlyNotice(access, 'budgets', 'member')}
        </div>
      )}
      {canCreate && !admin && (
        <div className="notice" data-testid="budgets-member-notice">
          Your role in project {access.projectId} is member: you can create budgets that warn (soft) of the project, a team or a department, and change or delete the ones you created. Enforcing (hard) budgets, user budgets, other budgets and the tiers need the admin role.
        </div>
      )}
      <div className="muted small budgets-intro">Spend in the current UTC day or month, known cost only; the time range above does not apply here.</div>
      <Section
        title="Budgets"
        state={budgets}
        testId="budgets-table"
        empty={(d) => d.budgets.length === 0}
        emptyText={<BudgetsEmpty />}
        actions={<span className="small muted">{budgets.data ? `${budgets.data.budgets.length} budget${budgets.data.budgets.length === 1 ? '' : 's'}` : ''}</span>}
      >
        {(d) => (
          <>
            {outcome && (
              <div className={`notice${outcome.ok ? '' : ' bad'}`} role={outcome.ok ? 'status' : 'alert'} data-testid="budget-outcome">
                {outcome.text}
              </div>
            )}
            <BudgetTable
              rows={d.budgets}
              canChange={(b) => canChangeBudget(access, b)}
              deniedTitle={(b) => budgetNeeds(access, b)}
              onEdit={(b) => {
                setEditing(b);
                setFormKey((k) => k + 1);
                requestAnimationFrame(() => formRef.current?.scrollIntoView({ behavior: 'smooth', block: 'start' }));
              }}
              onDelete={(b) => void remove(b)}
            />
          </>
        )}
      </Section>
      {budgets.data && budgets.data.budgets.length === 0 && outcome && (
        <div className={`notice${outcome.ok ? '' : ' bad'}`}>{outcome.text}</div>
      )}
      <div className="budgets-columns">
        <div ref={formRef}>
          <BudgetForm
            key={formKey}
            canWrite={editing ? canChangeBudget(access, editing) : canCreate}
            deniedTitle={editing ? budgetNeeds(access, editing) : needs(access, 'member', 'creating a budget')}
            memberOnly={canCreate && !admin}
            editing={editing}
            onCancel={() => {
              setEditing(null);
              setFormKey((k) => k + 1);
            }}
            onSaved={(b, created) => {
              setOutcome({ ok: true, text: created ? `Budget ${b.id} created.` : `Budget ${b.id} saved.` });
              setEditing(null);
              setFormKey((k) => k + 1);
              budgets.reload();
            }}
          />
        </div>
        <CheckBox />
      </div>
      <Tiers admin={admin} deniedTitle={needs(access, 'admin', 'changing tiers')} tick={range.tick} />
    </div>
  );
}

function BudgetsEmpty() {
  return (
    <div className="budgets-empty" data-testid="budgets-empty">
      <p>
        <strong>No budgets yet.</strong> A budget limits what the project, a team, a department or a user may spend per UTC day or month. Each one shows what is spent, what
        remains and a forecast for the end of the period. <em>Soft</em> budgets warn at the percentages you choose (alerts <code>BudgetWarning</code>,{' '}
        <code>BudgetExceeded</code>); <em>hard</em> budgets also make the gateway refuse calls (429) once they are spent.
      </p>
      <p>Create one with the form below, or from the command line:</p>
      <pre className="budgets-cli">{CLI_EXAMPLE}</pre>
    </div>
  );
}
