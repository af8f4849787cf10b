import { useMemo, useState } from 'react';
import { del, errorText, get, put } from '../../api/client.ts';
import type { BudgetStatus, TierName, TierSettings } from '../../api/types.ts';
import { Empty, Section } from '../../components/States.tsx';
import { Table } from '../../components/Table.tsx';
import { usd } from '../../format.ts';
import { useAsync } from '../../hooks.ts';
import { SpendBar, StatusPill, TIERS } from './shared.tsx';

// Tiers: a daily budget per user by tier (free, pro, enterprise), and who is on which.

export function Tiers(props: { admin: boolean; deniedTitle: string; tick: number }) {
  const tiers = useAsync(() => get('/api/v1/budgets/tiers'), [props.tick]);
  // Today's spend of users on a tier budget (assigned, or the default tier).
  const statuses = useAsync(() => get('/api/v1/budgets/status', { scope: 'user', period: 'daily' }), [props.tick]);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const [editing, setEditing] = useState(false);

  const write = async (fn: () => Promise<unknown>, done: string) => {
    setOutcome(null);
    try {
      await fn();
      setOutcome({ ok: true, text: done });
      tiers.reload();
      statuses.reload();
      return true;
    } catch (err) {
      setOutcome({ ok: false, text: errorText(err) });
      return false;
    }
  };

  const spendOf = useMemo(() => {
    const m = new Map<string, BudgetStatus>();
    for (const s of statuses.data?.statuses ?? []) if (s.budget.tier && s.subject) m.set(s.subject, s);
    return m;
  }, [statuses.data]);

  return (
    <Section title="Tiers" state={tiers} testId="budget-tiers">
      {(d) => {
        const assigned = new Set(d.assignments.map((a) => a.user));
        // Users spending on the default tier are not in the assignments.
        const rows = [
          ...d.assignments.map((a) => ({ user: a.user, tier: a.tier as TierName, assigned: true })),
          ...[...spendOf.entries()].filter(([u]) => !assigned.has(u)).map(([u, s]) => ({ user: u, tier: s.budget.tier as TierName, assigned: false })),
        ];
        return (
          <div className="budgets-tiers">
            <p className="small muted">
              Each tier gives its users a daily budget per user. The default tier covers users with no assignment and no user budget of their own
              {d.settings.defaultTier ? '' : ' (off: unassigned users are not limited)'}.
            </p>
            {outcome && <div className={`notice${outcome.ok ? '' : ' bad'}`}>{outcome.text}</div>}
            {editing ? (
              <TierSettingsForm
                settings={d.settings}
                onCancel={() => setEditing(false)}
                onSave={async (body) => {
                  if (await write(() => put('/api/v1/budgets/tiers', body), 'Tier settings saved.')) setEditing(false);
                }}
              />
            ) : (
              <div className="budgets-tier-cards">
                {TIERS.map((t) => (
                  <div key={t} className={`budgets-tier${d.settings.defaultTier === t ? ' default' : ''}`} data-testid="budget-tier">
                    <div className="budgets-tier-name">
                      {t}
                      {d.settings.defaultTier === t && <span className="pill">default</span>}
                    </div>
                    <div className="budgets-tier-limit">{usd(d.settings.limitsUsd[t], 2)}</div>
                    <div className="small muted">per user per day</div>
                    <div className="small muted">
                      {rows.filter((r) => r.tier === t).length} user{rows.filter((r) => r.tier === t).length === 1 ? '' : 's'}
                    </div>
                  </div>
                ))}
                <div className="budgets-tier-meta small">
                  <div>
                    Mode: <strong>{d.settings.enforce}</strong>
                  </div>
                  <div>Warn at: {d.settings.warnAtPercent.map((w) => `${w}%`).join(', ')}</div>
                  <div>Default tier: {d.settings.defaultTier ?? 'none'}</div>
                  <button onClick={() => setEditing(true)} disabled={!props.admin} title={props.admin ? undefined : props.deniedTitle} data-testid="tier-settings-edit">
                    Change
                  </button>
                </div>
              </div>
            )}
            <h4 className="budgets-h4">Users on a tier</h4>
            <AssignForm
              admin={props.admin}
              deniedTitle={props.deniedTitle}
              onAssign={(user, tier) => void write(() => put('/api/v1/budgets/tiers/{user}', { tier }, { user }), `${user} is on the ${tier} tier.`)}
            />
            {rows.length === 0 ? (
              <Empty>No user is on a tier. Assign one above, or with <code>npx lookout budgets tier alice pro</code>.</Empty>
            ) : (
              <Table
                rows={rows}
                rowKey={(r) => r.user}
                pageSize={20}
                initialSort={{ key: 'percent', dir: 'desc' }}
                columns={[
                  { key: 'user', label: 'User' },
                  {
                    key: 'tier',
                    label: 'Tier',
                    render: (r) => (
                      <span>
                        {r.tier} {!r.assigned && <span className="muted small">(default)</span>}
                      </span>
                    ),
                  },
                  { key: 'spent', label: 'Spent today', align: 'right', sortValue: (r) => spendOf.get(r.user)?.spentUsd ?? 0, render: (r) => usd(spendOf.get(r.user)?.spentUsd ?? 0) },
                  { key: 'percent', label: 'Used', sortValue: (r) => spendOf.get(r.user)?.percent ?? 0, render: (r) => <SpendBar status={spendOf.get(r.user) ?? null} warnAt={d.settings.warnAtPercent} /> },
                  { key: 'status', label: 'Status', sortValue: (r) => spendOf.get(r.user)?.percent ?? 0, render: (r) => <StatusPill status={spendOf.get(r.user) ?? null} /> },
                  {
                    key: 'remove',
                    label: '',
                    sortValue: () => null,
                    render: (r) =>
                      r.assigned ? (
                        <button
                          className="danger"
                          disabled={!props.admin}
                          title={props.admin ? 'Remove the assignment' : props.deniedTitle}
                          onClick={() => {
                            if (!window.confirm(`Take ${r.user} off the ${r.tier} tier?${d.settings.defaultTier ? ` They fall back to the default tier (${d.settings.defaultTier}).` : ' They are no longer limited by a tier.'}`)) return;
                            void write(() => del('/api/v1/budgets/tiers/{user}', { user: r.user }), `${r.user} is off the ${r.tier} tier.`);
                          }}
                        >
                          Remove
                        </button>
                      ) : null,
                  },
                ]}
              />
            )}
          </div>
        );
      }}
    </Section>
  );
}

function AssignForm(props: { admin: boolean; deniedTitle: string; onAssign: (user: string, tier: TierName) => void }) {
  const [user, setUser] = useState('');
  const [tier, setTier] = useState<TierName>('pro');
  return (
    <form
      className="form-row"
      onSubmit={(ev) => {
        ev.preventDefault();
        if (user.trim()) props.onAssign(user.trim(), tier);
        setUser('');
      }}
    >
      <label>
        User
        <input value={user} onChange={(ev) => setUser(ev.target.value)} placeholder="alice" disabled={!props.admin} data-testid="tier-user" />
      </label>
      <label>
        Tier
        <select value={tier} onChange={(ev) => setTier(ev.target.value as TierName)} disabled={!props.admin}>
          {TIERS.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={!props.admin || !user.trim()} title={props.admin ? undefined : props.deniedTitle} data-testid="tier-assign">
        Assign tier
      </button>
    </form>
  );
}

function TierSettingsForm(props: { settings: TierSettings; onSave: (body: Record<string, unknown>) => void; onCancel: () => void }) {
  const s = props.settings;
  const [limits, setLimits] = useState<Record<TierName, string>>({ free: String(s.limitsUsd.free), pro: String(s.limitsUsd.pro), enterprise: String(s.limitsUsd.enterprise) });
  const [defaultTier, setDefaultTier] = useState(s.defaultTier ?? '');
  const [enforce, setEnforce] = useState(s.enforce);
  const [warn, setWarn] = useState(s.warnAtPercent.join(', '));
  return (
    <form
      className="form-row"
      data-testid="tier-settings"
      onSubmit={(ev) => {
        ev.preventDefault();
        const num = (v: string) => (v.trim() === '' || Number.isNaN(Number(v)) ? v : Number(v));
        props.onSave({
          limitsUsd: { free: num(limits.free), pro: num(limits.pro), enterprise: num(limits.enterprise) },
          defaultTier: defaultTier || null,
          enforce,
          warnAtPercent: warn
            .split(/[,\s]+/)
            .map((w) => w.replace(/%$/, ''))
            .filter(Boolean)
            .map(num),
        });
      }}
    >
      {TIERS.map((t) => (
        <label key={t}>
          {t} (USD/day)
          <input type="number" step="any" value={limits[t]} onChange={(ev) => setLimits((l) => ({ ...l, [t]: ev.target.value }))} className="budgets-w-sm" />
        </label>
      ))}
      <label>
        Default tier
        <select value={defaultTier} onChange={(ev) => setDefaultTier(ev.target.value)}>
          <option value="">none (unassigned users unlimited)</option>
          {TIERS.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      </label>
      <label>
        Mode
        <select value={enforce} onChange={(ev) => setEnforce(ev.target.value as 'soft' | 'hard')}>
          <option value="hard">hard</option>
          <option value="soft">soft</option>
        </select>
      </label>
      <label>
        Warn at (%)
        <input value={warn} onChange={(ev) => setWarn(ev.target.value)} className="budgets-w-md" />
      </label>
      <button type="submit" className="primary">
        Save tiers
      </button>
      <button type="button" onClick={props.onCancel}>
        Cancel
      </button>
    </form>
  );
}

