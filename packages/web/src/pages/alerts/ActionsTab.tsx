import { useState, type ReactNode } from 'react';
import { errorText, get, post } from '../../api/client.ts';
import type { Activation } from '../../api/types.ts';
import { Section } from '../../components/States.tsx';
import { Table } from '../../components/Table.tsx';
import { dateTime } from '../../format.ts';
import { useAsync } from '../../hooks.ts';
import { ago, severityTone } from './format.ts';
import { LabelChips, OutcomeNotice, type Outcome } from './shared.tsx';

// The gateway's automated responses: active now, history, and what is configured.

function paramsText(kind: string, params: Record<string, unknown>): ReactNode {
  const scope = params.scope as Record<string, string> | undefined;
  const scopeText = scope && Object.keys(scope).length ? ` for ${Object.entries(scope).map(([k, v]) => `${k}=${v}`).join(', ')}` : '';
  switch (kind) {
    case 'switchModel':
      return `${String(params.from)} → ${String(params.to)}${params.provider ? ` (${String(params.provider)})` : ''}${scopeText}`;
    case 'responseCache':
      return `cache answers for ${String(params.ttl)}${params.perUser ? ' per user' : ''}${scopeText}`;
    case 'rateLimit':
      return `${String(params.requestsPerMinute)} requests/min${scopeText}`;
    case 'block':
      return `refuse calls${scopeText}`;
    case 'fallback':
      return `on ${((params.onStatus as number[]) ?? []).join(', ')} retry at ${String(params.baseUrl)}${scopeText}`;
    default:
      return <code>{JSON.stringify(params)}</code>;
  }
}

const KIND_LABEL: Record<string, string> = { switchModel: 'switch model', responseCache: 'response cache', rateLimit: 'rate limit', block: 'block', fallback: 'fallback' };

export function ActionsTab(props: { admin: boolean; denied: string; tick: number }) {
  const actions = useAsync(() => get('/api/v1/actions', { limit: 200 }), [props.tick]);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const revert = async (a: Activation) => {
    const does = paramsText(a.kind, a.params);
    const what = `${KIND_LABEL[a.kind] ?? a.kind} "${a.actionId}"${typeof does === 'string' ? ` (${does})` : ''}`;
    if (!window.confirm(`Revert ${what}? The gateway stops applying it now; it stays off while ${a.triggeredBy.alertname} keeps firing.`)) return;
    setBusy(a.id);
    setOutcome(null);
    try {
      await post('/api/v1/actions/{id}/revert', undefined, { id: a.id });
      setOutcome({ ok: true, text: `Reverted ${what}.` });
    } catch (err) {
      setOutcome({ ok: false, text: errorText(err) });
    } finally {
      setBusy(null);
      actions.reload();
    }
  };

  const trigger = (a: Activation) => (
    <span>
      <strong>{a.triggeredBy.alertname}</strong> <span className={`pill ${severityTone(a.triggeredBy.severity)}`}>{a.triggeredBy.severity}</span> <LabelChips labels={a.triggeredBy.labels} />
      {a.triggeredBy.summary && <div className="muted small">{a.triggeredBy.summary}</div>}
    </span>
  );

  return (
    <div className="alerts-stack">
      <div className="notice small">
        While an alert fires, the gateway can switch models, serve from a cache, rate-limit, block or fall back to another upstream (configured under{' '}
        <code>alerts.actions</code>). Only calls made through the gateway are changed.
      </div>
      <Section
        title="Active now"
        state={actions}
        testId="actions-active"
        empty={(d) => d.active.length === 0}
        emptyText="No automated response is active: none of the configured actions' alerts is firing (or each was reverted)."
      >
        {(d) => (
          <>
            <OutcomeNotice outcome={outcome} testId="action-outcome" />
            <Table
              rows={d.active}
              rowKey={(a) => a.id}
              initialSort={{ key: 'activatedAtMs', dir: 'desc' }}
              columns={[
                {
                  key: 'kind',
                  label: 'Response',
                  render: (a) => (
                    <span>
                      <span className="pill warn">{KIND_LABEL[a.kind] ?? a.kind}</span> {a.dryRun && <span className="pill" title="recorded and logged; the gateway changes nothing">dry run</span>}
                      <div className="small muted">{a.actionId}</div>
                    </span>
                  ),
                },
                { key: 'params', label: 'What it does', sortValue: (a) => a.kind, render: (a) => paramsText(a.kind, a.params) },
                { key: 'trigger', label: 'Triggered by', sortValue: (a) => a.triggeredBy.alertname, render: trigger },
                { key: 'activatedAtMs', label: 'Since', render: (a) => <span title={dateTime(a.activatedAtMs)}>{ago(a.activatedAtMs)}</span> },
                { key: 'revertOnResolve', label: 'Ends', render: (a) => (a.revertOnResolve ? 'when the alert resolves' : 'only by revert') },
                {
                  key: 'revert',
                  label: '',
                  sortValue: () => null,
                  render: (a) => (
                    <button className="danger" disabled={!props.admin || busy !== null} title={props.admin ? 'Stop this response now' : props.denied} data-testid="action-revert" onClick={() => void revert(a)}>
                      {busy === a.id ? 'Reverting…' : 'Revert'}
                    </button>
                  ),
                },
              ]}
            />
          </>
        )}
      </Section>
      <Section title="History" state={actions} testId="actions-history" empty={(d) => d.history.length === 0} emptyText="No action has been activated yet.">
        {(d) => (
          <Table
            rows={d.history}
            rowKey={(a) => a.id}
            pageSize={20}
            initialSort={{ key: 'activatedAtMs', dir: 'desc' }}
            columns={[
              { key: 'activatedAtMs', label: 'Activated', render: (a) => <span title={ago(a.activatedAtMs)}>{dateTime(a.activatedAtMs)}</span> },
              {
                key: 'kind',
                label: 'Response',
                render: (a) => (
                  <span>
                    {KIND_LABEL[a.kind] ?? a.kind} {a.dryRun && <span className="pill">dry run</span>}
                    <div className="small muted">{a.actionId}</div>
                  </span>
                ),
              },
              { key: 'params', label: 'What it did', sortValue: (a) => a.kind, render: (a) => paramsText(a.kind, a.params) },
              { key: 'trigger', label: 'Triggered by', sortValue: (a) => a.triggeredBy.alertname, render: trigger },
              {
                key: 'state',
                label: 'State',
                render: (a) =>
                  a.state === 'active' ? (
                    <span className="pill warn">active</span>
                  ) : (
                    <span>
                      <span className="pill">reverted</span>{' '}
                      <span className="small muted">
                        {a.revertedBy === 'api' ? 'by hand' : a.revertedBy === 'resolve' ? 'alert resolved' : a.revertedBy === 'config' ? 'configuration changed' : ''}
                        {a.revertedAtMs !== null ? `, ${ago(a.revertedAtMs)}` : ''}
                      </span>
                    </span>
                  ),
              },
            ]}
          />
        )}
      </Section>
      <Section
        title="Configured"
        state={actions}
        testId="actions-configured"
        empty={(d) => d.configured.length === 0}
        emptyText={
          <>
            No automated responses are configured. Add them under <code>alerts.actions</code> in the configuration file, e.g. block a user over budget:{' '}
            <code>{"- id: block-over-budget, when: { alertname: UserBudgetExceeded }, do: { block: { scope: { user: '{{ $labels.user }}' } } }"}</code> (see docs/actions.md).
          </>
        }
      >
        {(d) => (
          <Table
            rows={d.configured}
            rowKey={(c) => c.id}
            columns={[
              { key: 'id', label: 'Action', render: (c) => <code>{c.id}</code> },
              { key: 'kind', label: 'Kind', render: (c) => KIND_LABEL[c.kind] ?? c.kind },
              { key: 'params', label: 'Does', sortValue: (c) => c.kind, render: (c) => paramsText(c.kind, c.params) },
              {
                key: 'when',
                label: 'When firing',
                sortValue: (c) => c.when.alertname ?? '',
                render: (c) => (
                  <span className="alerts-labels">
                    {c.when.alertname && <code className="alerts-label">alertname="{c.when.alertname}"</code>}
                    {c.when.matchers.map((m) => (
                      <code key={m} className="alerts-label">
                        {m}
                      </code>
                    ))}
                  </span>
                ),
              },
              {
                key: 'mode',
                label: 'Mode',
                sortValue: (c) => (c.dryRun ? 1 : 0),
                render: (c) => (
                  <span>
                    {c.dryRun ? <span className="pill">dry run</span> : <span className="pill good">live</span>} <span className="small muted">{c.revertOnResolve ? 'reverts on resolve' : 'stays until reverted'}</span>
                  </span>
                ),
              },
            ]}
          />
        )}
      </Section>
    </div>
  );
}
