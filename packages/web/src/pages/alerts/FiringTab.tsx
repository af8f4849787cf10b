import type { Alert, AlertsResponse, Rule } from '../../api/types.ts';
import { Section } from '../../components/States.tsx';
import { dateTime } from '../../format.ts';
import { ago, formatRuleValue, isZeroDuration, severityTone, stateTone, thresholdText } from './format.ts';
import { LabelChips, type Loaded } from './shared.tsx';

// Alerts firing and pending now, worst first.

export function FiringTab(props: {
  alerts: Loaded<AlertsResponse>;
  ruleById: Map<string, Rule>;
  // Silencing needs the member role (or an admin key); `denied` says so.
  canSilence: boolean;
  denied: string;
  state: string | null;
  setState: (s: string | null) => void;
  onSilence: (a: Alert) => void;
}) {
  const order: Record<string, number> = { firing: 0, pending: 1, resolved: 2 };
  const sevOrder: Record<string, number> = { critical: 0, warning: 1, info: 2 };
  return (
    <Section
      title="Alerts now"
      state={props.alerts}
      testId="alerts-firing"
      empty={(d) => d.alerts.length === 0}
      emptyText={
        props.state === 'all'
          ? 'No alerts, not even one resolved in the last 15 minutes.'
          : 'Nothing is firing or pending. Rules are evaluated every 30 s by default; see the Rules tab for what is watched and when each rule last ran.'
      }
      actions={
        <label className="alerts-inline small muted">
          Show
          <select value={props.state ?? ''} onChange={(e) => props.setState(e.target.value || null)} aria-label="Alert states">
            <option value="">pending and firing</option>
            <option value="firing">firing only</option>
            <option value="pending">pending only</option>
            <option value="all">all (resolved in the last 15 min too)</option>
          </select>
        </label>
      }
    >
      {(d) => {
        const rows = [...d.alerts].sort(
          (a, b) => (order[a.state] ?? 9) - (order[b.state] ?? 9) || (sevOrder[a.labels.severity] ?? 9) - (sevOrder[b.labels.severity] ?? 9) || a.activeSinceMs - b.activeSinceMs,
        );
        return (
          <ul className="alerts-cards">
            {rows.map((a) => {
              const rule = props.ruleById.get(a.ruleId);
              return (
                <li key={a.fingerprint} className={`alerts-card sev-${a.labels.severity ?? 'info'}`} data-testid="alert-item" data-state={a.state}>
                  <div className="alerts-card-head">
                    <span className={`pill ${stateTone(a.state)}`}>{a.state}</span>
                    <strong>{a.labels.alertname}</strong>
                    <span className={`pill ${severityTone(a.labels.severity)}`}>{a.labels.severity}</span>
                    <span className="muted small">{a.labels.category}</span>
                    {a.silencedBy.length > 0 && <span className="pill" title={`silence ${a.silencedBy.join(', ')}`}>silenced</span>}
                    {a.inhibitedBy.length > 0 && <span className="pill" title="a firing critical alert of the same name mutes this warning">inhibited</span>}
                    <span className="alerts-spacer" />
                    <button
                      onClick={() => props.onSilence(a)}
                      disabled={!props.canSilence}
                      title={props.canSilence ? 'Open the silence form with this alert\'s labels' : props.denied}
                      data-testid="alert-silence"
                    >
                      Silence
                    </button>
                  </div>
                  {a.annotations.summary && <div className="alerts-summary">{a.annotations.summary}</div>}
                  {a.annotations.description && <div className="muted small">{a.annotations.description}</div>}
                  <div className="alerts-card-meta small">
                    <span>
                      value <strong>{formatRuleValue(rule, a.value)}</strong>
                      {a.threshold !== null && rule ? <span className="muted"> (threshold {thresholdText(rule)})</span> : null}
                    </span>
                    <span title={dateTime(a.activeSinceMs)}>
                      {a.state === 'pending' ? 'pending' : 'active'} since {ago(a.activeSinceMs)}
                    </span>
                    {a.firedAtMs !== null && <span title={dateTime(a.firedAtMs)}>fired {ago(a.firedAtMs)}</span>}
                    {a.resolvedAtMs !== null && <span title={dateTime(a.resolvedAtMs)}>resolved {ago(a.resolvedAtMs)}</span>}
                    {rule && !isZeroDuration(rule.for) && a.state === 'pending' && <span className="muted">fires after {rule.for}</span>}
                    <LabelChips labels={a.labels} />
                    {a.annotations.runbook_url &&
                      (/^https?:\/\//.test(a.annotations.runbook_url) ? (
                        <a href={a.annotations.runbook_url} target="_blank" rel="noreferrer">
                          runbook
                        </a>
                      ) : (
                        <span className="muted">
                          runbook <code>{a.annotations.runbook_url}</code>
                        </span>
                      ))}
                    <span className="muted">rule {a.ruleId}</span>
                  </div>
                </li>
              );
            })}
          </ul>
        );
      }}
    </Section>
  );
}
