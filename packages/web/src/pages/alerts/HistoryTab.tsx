import { get } from '../../api/client.ts';
import type { Rule, RuleView } from '../../api/types.ts';
import { Section } from '../../components/States.tsx';
import { Table } from '../../components/Table.tsx';
import { dateTime } from '../../format.ts';
import { useAsync } from '../../hooks.ts';
import { useSearchParams } from '../../router.ts';
import { useTimeRange } from '../../time.ts';
import { ago, formatRuleValue, severityTone, stateTone } from './format.ts';
import { LabelChips } from './shared.tsx';

// State changes of alerts over the page's time range.

// The server keeps the last 5,000 changes; this is all of them.
const HISTORY_LIMIT = 5000;

export function HistoryTab(props: { ruleById: Map<string, Rule>; rules: RuleView[] }) {
  const range = useTimeRange();
  const [search, set] = useSearchParams();
  const ruleId = search.get('rule');
  const state = useAsync(
    () => get('/api/v1/alerts/history', { since: range.from, until: range.to, limit: HISTORY_LIMIT, rule: ruleId ?? undefined }),
    [range.from, range.to, range.tick, ruleId],
  );
  return (
    <Section
      title={range.label === 'custom' ? `State changes, ${dateTime(range.fromMs)} – ${dateTime(range.toMs)}` : `State changes, last ${range.label}`}
      state={state}
      testId="alerts-history"
      empty={(d) => d.events.length === 0}
      emptyText="No alert changed state in this time range. Pick a longer range above."
      actions={
        <label className="alerts-inline small muted">
          Rule
          <select value={ruleId ?? ''} onChange={(e) => set({ rule: e.target.value || null })} aria-label="Rule">
            <option value="">all rules</option>
            {props.rules.map((r) => (
              <option key={r.rule.id} value={r.rule.id}>
                {r.rule.id}
              </option>
            ))}
          </select>
        </label>
      }
    >
      {(d) => (
        <>
          {d.events.length >= HISTORY_LIMIT && (
            <div className="muted small">Showing the newest {HISTORY_LIMIT.toLocaleString()} changes in this range; pick a shorter range or one rule to see older ones.</div>
          )}
          <Table
            rows={d.events}
            rowKey={(e, i) => `${e.fingerprint}-${e.atMs}-${i}`}
            pageSize={50}
            initialSort={{ key: 'atMs', dir: 'desc' }}
            columns={[
              { key: 'atMs', label: 'Time', render: (e) => <span title={ago(e.atMs)}>{dateTime(e.atMs)}</span> },
              {
                key: 'alertname',
                label: 'Alert',
                sortValue: (e) => e.labels.alertname ?? '',
                render: (e) => (
                  <span>
                    <strong>{e.labels.alertname}</strong> <LabelChips labels={e.labels} />
                  </span>
                ),
              },
              {
                key: 'to',
                label: 'Change',
                sortValue: (e) => e.to,
                render: (e) => (
                  <span className="alerts-transition">
                    {e.from ? <span className={`pill ${stateTone(e.from)}`}>{e.from}</span> : <span className="muted small">new</span>} →{' '}
                    <span className={`pill ${stateTone(e.to)}`}>{e.to}</span>
                  </span>
                ),
              },
              { key: 'severity', label: 'Severity', sortValue: (e) => e.labels.severity ?? '', render: (e) => <span className={`pill ${severityTone(e.labels.severity)}`}>{e.labels.severity}</span> },
              { key: 'value', label: 'Value', align: 'right', render: (e) => formatRuleValue(props.ruleById.get(e.ruleId), e.value) },
              { key: 'ruleId', label: 'Rule', render: (e) => <code className="small">{e.ruleId}</code> },
            ]}
          />
        </>
      )}
    </Section>
  );
}
