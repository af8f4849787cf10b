import { analytics, get } from '../api/client.ts';
import type { PageProps } from '../App.tsx';
import { BarList, TimeChart } from '../components/Chart.tsx';
import { ENTITY_MEASURES, EntityList, EntityStats, EntityTraces } from '../components/Entity.tsx';
import { Link } from '../components/Link.tsx';
import { Section } from '../components/States.tsx';
import { pct, usd } from '../format.ts';
import { useAsync } from '../hooks.ts';
import { previousPeriod } from '../lib/period.ts';
import { series } from '../lib/rows.ts';
import { hrefWithRange } from '../router.ts';
import { useTimeRange } from '../time.ts';
import { RetentionNotice } from '../components/RetentionNotice.tsx';

// Users: who spends what; one user's spend over time, models, budget standing and traces.

export function Users(props: PageProps) {
  if (!props.rest[0]) return <EntityList dimension="user" path="/users" label="User" testId="users" />;
  return <UserDetail user={props.rest[0]} />;
}

function UserDetail(props: { user: string }) {
  const range = useTimeRange();
  const filter = `user:${props.user}`;
  const totals = useAsync(() => analytics({ from: range.from, to: range.to, measures: ENTITY_MEASURES, filter }), [range.from, range.to, range.tick, props.user]);
  const previous = previousPeriod(range);
  const totalsBefore = useAsync(() => analytics({ from: previous.from, to: previous.to, measures: ENTITY_MEASURES, filter }), [previous.from, previous.to, range.tick, props.user]);
  const overTime = useAsync(() => analytics({ from: range.from, to: range.to, measures: 'cost,requests', bucket: range.bucket, filter }), [range.from, range.to, range.tick, props.user]);
  const byModel = useAsync(() => analytics({ from: range.from, to: range.to, measures: 'cost,requests', groupBy: 'model', filter }), [range.from, range.to, range.tick, props.user]);
  const budget = useAsync(() => get('/api/v1/budgets/check', { user: props.user }), [props.user, range.tick]);
  return (
    <div className="page user">
      <RetentionNotice answers={[totals.data, byModel.data]} />
      <p className="breadcrumbs">
        <Link href={hrefWithRange('/users')}>← Users</Link> · <strong>{props.user}</strong> ·{' '}
        <Link href={hrefWithRange('/traces', { userId: props.user })}>all traces of this user</Link> ·{' '}
        <Link href={hrefWithRange('/security', { user: props.user })}>security events</Link>
      </p>
      <EntityStats totals={totals.data} before={totalsBefore.data} previous={previous} />
      <div className="grid">
        <Section title="Spend over time" state={overTime} testId="user-spend">
          {(d) => {
            const s = series(d, ['cost']);
            return <TimeChart times={s.times} series={[{ label: 'cost', values: s.values.cost }]} format={(v) => usd(v, 2)} kind="bars" />;
          }}
        </Section>
        <Section title="Spend by model" state={byModel} empty={(d) => d.rows.length === 0}>
          {(d) => <BarList rows={d.rows.map((r) => ({ label: String(r.model ?? '(none)'), value: Number(r.cost ?? 0) }))} format={(v) => usd(v)} />}
        </Section>
        <Section title="Budgets" state={budget} testId="user-budget" empty={(d) => d.budgets.length === 0} emptyText={<>No budget applies to this user. <Link href="/budgets">Set one</Link>.</>}>
          {(d) => (
            <div>
              <p>
                {d.allowed ? <span className="pill good">allowed</span> : <span className="pill bad">blocked by {d.blockedBy?.budget.name ?? d.blockedBy?.budget.scope}</span>}
              </p>
              {d.warnings.map((w) => (
                <p key={w} className="notice">
                  {w}
                </p>
              ))}
              <table>
                <tbody>
                  {d.budgets.map((b) => (
                    <tr key={b.budget.id}>
                      <td>
                        {b.budget.name ?? b.budget.scope}
                        {b.budget.tier ? ` (tier ${b.budget.tier})` : ''} <span className="muted small">{b.budget.period}{b.budget.enforce === 'hard' ? ', hard' : ''}</span>
                      </td>
                      <td className="num">
                        {usd(b.spentUsd)} of {usd(b.limitUsd)}
                      </td>
                      <td className="num">{pct(b.percent / 100, 0)}</td>
                      <td className="num muted small">forecast {usd(b.forecastUsd)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Section>
      </div>
      <EntityTraces params={{ userId: props.user }} hide={['user']} />
    </div>
  );
}
