import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api, ApiError } from '../api.ts';
import type { PageProps } from '../App.tsx';
import { Empty, Section } from '../components/States.tsx';
import { Table } from '../components/Table.tsx';
import { count, dateTime, ms, pct, usd } from '../format.ts';
import { useAsync, type Async } from '../hooks.ts';
import { useSearchParams } from '../router.ts';
import { useTimeRange } from '../time.ts';
import './Alerts.css';

// Alerts (docs/alerts.md), silences and the gateway's automated responses (docs/actions.md).
// Each tab is one address (?tab=...), so a link to "the silences" or "the rules" can be shared.

// ---- API shapes -------------------------------------------------------------------------------

export type AlertState = 'pending' | 'firing' | 'resolved';

export interface Alert {
  fingerprint: string;
  ruleId: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: AlertState;
  value: number | null;
  threshold: number | null;
  activeSinceMs: number;
  firedAtMs: number | null;
  resolvedAtMs: number | null;
  lastEvaluatedMs: number;
  silencedBy: string[];
  inhibitedBy: string[];
}

interface AlertEvent {
  atMs: number;
  fingerprint: string;
  ruleId: string;
  labels: Record<string, string>;
  from: AlertState | null;
  to: AlertState;
  value: number | null;
}

// A rule as the server holds it: durations in milliseconds.
export interface Rule {
  id: string;
  name: string;
  kind: string;
  query: { measure?: string; numerator?: string; denominator?: string; percentile?: number; filter: Record<string, string | string[]>; groupBy: string[] };
  window?: number;
  lookback?: number;
  op: string;
  threshold?: number;
  baseline?: { kind: string; days?: number; lookback?: number; factor?: number; zScore?: number };
  budget?: { scope: string; period: string };
  for: number;
  minSamples: number;
  cooldown: number;
  severity: string;
  category: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  runbook?: string;
  enabled: boolean;
}

interface RuleView {
  rule: Rule;
  source: 'pack' | 'file' | 'api';
  enabled: boolean;
  health: { lastEvaluatedMs: number | null; lastDurationMs: number | null; lastError: string | null; noData: boolean };
}

interface RulesResponse {
  rules: RuleView[];
  loadErrors: { text: string }[];
}

interface TestResult {
  rule: Rule;
  noData: boolean;
  wouldFire: number;
  groups: { labels: Record<string, string>; value: number | null; active: boolean }[];
}

interface Matcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}

interface Silence {
  id: string;
  matchers: Matcher[];
  startsAtMs: number;
  endsAtMs: number;
  createdBy: string;
  comment: string;
  createdAtMs: number;
  active: boolean;
}

interface Activation {
  id: string;
  actionId: string;
  kind: string;
  params: Record<string, unknown>;
  triggeredBy: { fingerprint: string; ruleId: string; alertname: string; severity: string; labels: Record<string, string>; value: number | null; firedAtMs: number | null; summary: string | null };
  activatedAtMs: number;
  dryRun: boolean;
  revertOnResolve: boolean;
  state: 'active' | 'reverted';
  revertedAtMs: number | null;
  revertedBy: 'resolve' | 'api' | 'config' | null;
  alertResolvedAtMs: number | null;
}

interface ConfiguredAction {
  id: string;
  kind: string;
  when: { alertname?: string; matchers: string[] };
  params: Record<string, unknown>;
  dryRun: boolean;
  revertOnResolve: boolean;
}

interface ActionsResponse {
  active: Activation[];
  history: Activation[];
  configured: ConfiguredAction[];
}

// ---- helpers ----------------------------------------------------------------------------------

const TABS = ['firing', 'history', 'rules', 'silences', 'actions'] as const;
type Tab = (typeof TABS)[number];
const TAB_LABEL: Record<Tab, string> = { firing: 'Firing (pending)', history: 'History', rules: 'Rules', silences: 'Silences', actions: 'Actions' };
const READ_ONLY = 'This key has read scope: changing rules, silences and actions needs an admin key.';
// Labels every alert of the project carries: they say nothing about which alert it is.
const COMMON_LABELS = new Set(['alertname', 'severity', 'category', 'project', 'seed']);

const DURATION_UNITS: [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

// Milliseconds back to the rule file's duration text (90 min → "1h30m").
export function durationText(msValue: number | null | undefined): string {
  if (msValue === null || msValue === undefined) return '—';
  if (msValue === 0) return '0s';
  let rest = Math.round(msValue);
  let out = '';
  for (const [unit, size] of DURATION_UNITS) {
    // 24h reads better than 1d; whole days from two on.
    if (unit === 'd' && rest < 2 * size) continue;
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out || '0s';
}

export function ago(atMs: number | null | undefined, nowMs = Date.now()): string {
  if (atMs === null || atMs === undefined) return '—';
  const d = nowMs - atMs;
  const future = d < 0;
  const a = Math.abs(d);
  const text = a < 60_000 ? `${Math.round(a / 1000)}s` : a < 3_600_000 ? `${Math.round(a / 60_000)}m` : a < 172_800_000 ? `${Math.round(a / 3_600_000)}h` : `${Math.round(a / 86_400_000)}d`;
  return future ? `in ${text}` : `${text} ago`;
}

function plain(v: number): string {
  const abs = Math.abs(v);
  if (abs >= 10_000) return count(v);
  if (abs >= 100) return v.toFixed(0);
  if (abs >= 1) return String(Number(v.toFixed(2)));
  return String(Number(v.toPrecision(3)));
}

// A rule's value in its unit (docs/alerts.md "Kinds").
export function formatRuleValue(rule: Rule | undefined, v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (!rule) return plain(v);
  const m = rule.query.measure;
  switch (rule.kind) {
    case 'budget':
    case 'forecast':
      return `${plain(v)}%`;
    case 'ratio':
      return rule.query.numerator === 'cost_usd' ? usd(v) : pct(v);
    case 'rate':
      return `${m === 'cost_usd' ? usd(v) : plain(v)}/s`;
    case 'absence':
      return `${plain(v)} min`;
    case 'anomaly':
      return `${plain(v)}×`;
    default:
      if (m === 'cost_usd') return usd(v);
      if (m === 'latency_ms' || m === 'ttft_ms') return ms(v);
      return plain(v);
  }
}

function thresholdText(rule: Rule): string {
  if (rule.kind === 'absence') return 'no calls';
  if (rule.kind === 'anomaly') {
    const b = rule.baseline;
    const parts = [b?.factor !== undefined ? `> ${b.factor}× baseline` : null, b?.zScore !== undefined ? `z > ${b.zScore}` : null].filter(Boolean);
    const floor = rule.threshold !== undefined ? ` and ${rule.op} ${formatRuleValue({ ...rule, kind: 'threshold' }, rule.threshold)}` : '';
    return `${parts.join(' or ')}${floor}`;
  }
  return rule.threshold === undefined ? '—' : `${rule.op} ${formatRuleValue(rule, rule.threshold)}`;
}

function filterText(filter: Record<string, string | string[]>): string {
  return Object.entries(filter)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('|') : v}`)
    .join(', ');
}

export function expressionText(rule: Rule): string {
  const q = rule.query;
  let what: string;
  switch (rule.kind) {
    case 'ratio':
      what = `${q.numerator} / ${q.denominator}`;
      break;
    case 'percentile':
      what = `p${q.percentile} ${q.measure}`;
      break;
    case 'budget':
      what = `% spent of ${rule.budget?.scope} ${rule.budget?.period} budgets`;
      break;
    case 'forecast':
      what = `forecast % of ${rule.budget?.scope} ${rule.budget?.period} budgets`;
      break;
    case 'absence':
      what = `no ${q.measure ?? 'requests'}`;
      break;
    case 'anomaly':
      what = `${q.measure} vs ${rule.baseline?.kind === 'same_hour' ? `same hour, last ${rule.baseline.days ?? 7}d` : `preceding ${durationText(rule.baseline?.lookback)}`}`;
      break;
    case 'rate':
      what = `rate(${q.measure})`;
      break;
    default:
      what = `${q.measure}`;
  }
  const parts = [what];
  if (rule.window !== undefined) parts.push(`over ${durationText(rule.window)}`);
  if (Object.keys(q.filter ?? {}).length) parts.push(`where ${filterText(q.filter)}`);
  if (q.groupBy?.length) parts.push(`by ${q.groupBy.join(', ')}`);
  return parts.join(' ');
}

// The server's rule back in the rule-file format (durations as text), for editing and PUT.
export function ruleToInput(rule: Rule): Record<string, unknown> {
  const out: Record<string, unknown> = { ...rule };
  for (const k of ['window', 'lookback', 'for', 'cooldown'] as const) {
    if (typeof rule[k] === 'number') out[k] = durationText(rule[k]);
  }
  if (rule.baseline) {
    const b: Record<string, unknown> = { ...rule.baseline };
    if (typeof rule.baseline.lookback === 'number') b.lookback = durationText(rule.baseline.lookback);
    out.baseline = b;
  }
  if (rule.labels && Object.keys(rule.labels).length === 0) delete out.labels;
  return out;
}

function severityTone(s: string): string {
  return s === 'critical' ? 'bad' : s === 'warning' ? 'warn' : '';
}

function stateTone(s: string): string {
  return s === 'firing' ? 'bad' : s === 'pending' ? 'warn' : s === 'resolved' ? 'good' : '';
}

function errorText(err: unknown): string {
  return err instanceof ApiError || err instanceof Error ? err.message : String(err);
}

function LabelChips(props: { labels: Record<string, string>; all?: boolean }) {
  const entries = Object.entries(props.labels).filter(([k]) => props.all || !COMMON_LABELS.has(k));
  if (entries.length === 0) return null;
  return (
    <span className="alerts-labels">
      {entries.map(([k, v]) => (
        <code key={k} className="alerts-label">
          {k}={v}
        </code>
      ))}
    </span>
  );
}

function matcherText(m: Matcher): string {
  const op = m.isRegex ? (m.isEqual ? '=~' : '!~') : m.isEqual ? '=' : '!=';
  return `${m.name}${op}"${m.value}"`;
}

type Loaded<T> = Async<T> & { reload: () => void };

// One outcome of a write: what happened, or the API's message.
type Outcome = { ok: boolean; text: string } | null;

function OutcomeNotice(props: { outcome: Outcome; testId?: string }) {
  if (!props.outcome) return null;
  return (
    <div className={`notice${props.outcome.ok ? '' : ' bad'}`} role={props.outcome.ok ? 'status' : 'alert'} data-testid={props.testId}>
      {props.outcome.text}
    </div>
  );
}

// ---- page ---------------------------------------------------------------------------------

export function Alerts(props: PageProps) {
  const [search, set] = useSearchParams();
  const raw = search.get('tab');
  const tab: Tab = (TABS as readonly string[]).includes(raw ?? '') ? (raw as Tab) : 'firing';
  const admin = props.project.scope === 'admin';
  const range = useTimeRange();
  // Matchers handed from a firing alert's "Silence" button to the silence form.
  const [prefill, setPrefill] = useState<{ matchers: string; nonce: number } | null>(null);
  const [ruleDraft, setRuleDraft] = useState<{ text: string; editing: string | null; test: boolean; nonce: number } | null>(null);

  const alerts = useAsync(() => api<{ alerts: Alert[] }>('/api/v1/alerts', { params: { state: tab === 'firing' ? (search.get('state') ?? undefined) : undefined } }), [range.tick, tab, search.get('state')]);
  const rules = useAsync(() => api<RulesResponse>('/api/v1/alerts/rules'), [range.tick, tab]);
  const ruleById = useMemo(() => new Map((rules.data?.rules ?? []).map((v) => [v.rule.id, v.rule])), [rules.data]);

  const go = (t: Tab) => set({ tab: t === 'firing' ? null : t, state: null, rule: null });

  return (
    <div className="page alerts-page">
      <div className="alerts-tabs" role="tablist" data-testid="alerts-tabs">
        {TABS.map((t) => (
          <button key={t} role="tab" aria-selected={tab === t} className={tab === t ? 'active' : ''} data-testid={`tab-${t}`} onClick={() => go(t)}>
            {TAB_LABEL[t]}
            {t === 'firing' && alerts.data && tab === 'firing' && !search.get('state') ? (
              <span className="alerts-count" title="firing (pending)">
                {alerts.data.alerts.filter((a) => a.state === 'firing').length}
                {alerts.data.alerts.some((a) => a.state !== 'firing') ? ` (${alerts.data.alerts.filter((a) => a.state !== 'firing').length})` : ''}
              </span>
            ) : null}
          </button>
        ))}
      </div>
      {!admin && (
        <div className="notice" data-testid="alerts-read-only">
          {READ_ONLY}
        </div>
      )}
      {tab === 'firing' && (
        <FiringTab
          alerts={alerts}
          ruleById={ruleById}
          admin={admin}
          state={search.get('state')}
          setState={(s) => set({ state: s })}
          onSilence={(a) => {
            // The alert's name, severity and group labels pick out this one alert; the rest
            // (project, category, the rule's own labels) are the same for every alert of the rule.
            const lines = Object.entries(a.labels)
              .filter(([k]) => k === 'alertname' || k === 'severity' || !COMMON_LABELS.has(k))
              .map(([k, v]) => `${k}="${v}"`);
            setPrefill({ matchers: lines.join('\n'), nonce: Date.now() });
            go('silences');
          }}
        />
      )}
      {tab === 'history' && <HistoryTab ruleById={ruleById} rules={rules.data?.rules ?? []} />}
      {tab === 'rules' && (
        <RulesTab
          rules={rules}
          alerts={alerts.data?.alerts ?? null}
          admin={admin}
          draft={ruleDraft}
          setDraft={setRuleDraft}
        />
      )}
      {tab === 'silences' && <SilencesTab admin={admin} prefill={prefill} alerts={alerts.data?.alerts ?? []} tick={range.tick} />}
      {tab === 'actions' && <ActionsTab admin={admin} tick={range.tick} />}
    </div>
  );
}

// ---- firing -------------------------------------------------------------------------------

function FiringTab(props: {
  alerts: Loaded<{ alerts: Alert[] }>;
  ruleById: Map<string, Rule>;
  admin: boolean;
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
                      disabled={!props.admin}
                      title={props.admin ? 'Open the silence form with this alert\'s labels' : READ_ONLY}
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
                    {rule && rule.for > 0 && a.state === 'pending' && <span className="muted">fires after {durationText(rule.for)}</span>}
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

// ---- history ------------------------------------------------------------------------------

// The server keeps the last 5,000 changes; this is all of them.
const HISTORY_LIMIT = 5000;

function HistoryTab(props: { ruleById: Map<string, Rule>; rules: RuleView[] }) {
  const range = useTimeRange();
  const [search, set] = useSearchParams();
  const ruleId = search.get('rule');
  const state = useAsync(
    () => api<{ events: AlertEvent[] }>('/api/v1/alerts/history', { params: { since: range.from, until: range.to, limit: HISTORY_LIMIT, rule: ruleId ?? undefined } }),
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

// ---- rules --------------------------------------------------------------------------------

const NEW_RULE = {
  name: 'FeatureCostHigh',
  kind: 'threshold',
  query: { measure: 'cost_usd', filter: {}, groupBy: ['model'] },
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

function RulesTab(props: {
  rules: Loaded<RulesResponse>;
  alerts: Alert[] | null;
  admin: boolean;
  draft: { text: string; editing: string | null; test: boolean; nonce: number } | null;
  setDraft: (d: { text: string; editing: string | null; test: boolean; nonce: number } | null) => void;
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
                            {r.cooldown > 0 && <span className="muted small"> · cooldown {durationText(r.cooldown)}</span>}
                          </td>
                          <td className="num">{thresholdText(r)}</td>
                          <td>{durationText(r.for)}</td>
                          <td>
                            <span className={`pill ${severityTone(r.severity)}`}>{r.severity}</span>
                          </td>
                          <td>{state}</td>
                          <td>
                            <label className="alerts-toggle" title={props.admin ? (v.enabled ? 'Turn this rule off for this project' : 'Turn this rule on') : READ_ONLY}>
                              <input
                                type="checkbox"
                                checked={optimistic[r.id] ?? v.enabled}
                                disabled={!props.admin || busy !== null}
                                data-testid="rule-enabled"
                                onChange={(e) => {
                                  const enabled = e.target.checked;
                                  setOptimistic((o) => ({ ...o, [r.id]: enabled }));
                                  void write(`enable-${r.id}`, () => api(`/api/v1/alerts/rules/${encodeURIComponent(r.id)}`, { method: 'PATCH', body: { enabled } }), `${r.id} turned ${enabled ? 'on' : 'off'}.`).then(
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
                            <button onClick={() => open(v, false)} disabled={!props.admin} title={props.admin ? 'Edit threshold, for, severity and the rest' : READ_ONLY} data-testid="rule-edit">
                              Edit
                            </button>
                            {v.source === 'api' && (
                              <button
                                className="danger"
                                disabled={!props.admin || busy !== null}
                                title={props.admin ? 'Remove this rule (a default rule of the same id comes back)' : READ_ONLY}
                                data-testid="rule-delete"
                                onClick={() => {
                                  if (!window.confirm(`Delete rule ${r.id}? Its alerts resolve. If it replaced a default rule, the default comes back.`)) return;
                                  void write(`delete-${r.id}`, () => api(`/api/v1/alerts/rules/${encodeURIComponent(r.id)}`, { method: 'DELETE' }), `Rule ${r.id} deleted.`);
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

type Draft = Record<string, unknown> & { query?: Record<string, unknown> };

function RuleEditor(props: {
  admin: boolean;
  initial: { text: string; editing: string | null; test: boolean } | null;
  onSaved: (text: string) => void;
  onReset: () => void;
}) {
  const [text, setText] = useState(props.initial?.text ?? JSON.stringify(NEW_RULE, null, 2));
  const editing = props.initial?.editing ?? null;
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [result, setResult] = useState<TestResult | null>(null);
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
      setResult(await api<TestResult>('/api/v1/alerts/test-rule', { method: 'POST', body: draft }));
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
          ? await api<{ rule: Rule }>(`/api/v1/alerts/rules/${encodeURIComponent(id)}`, { method: 'PUT', body: draft })
          : await api<{ rule: Rule }>('/api/v1/alerts/rules', { method: 'POST', body: draft });
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
          <input value={queryField('measure')} disabled={!draft} onChange={(e) => setQuery('measure', e.target.value)} placeholder="cost_usd" className="alerts-w-md" />
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
          <button onClick={() => void save('PUT')} disabled={!draft || busy || !props.admin} title={props.admin ? undefined : READ_ONLY} data-testid="rule-save">
            Save rule
          </button>
        ) : (
          <>
            <button onClick={() => void save('POST')} disabled={!draft || busy || !props.admin} title={props.admin ? 'Add this rule to the project' : READ_ONLY} data-testid="rule-create">
              Create rule
            </button>
            {hasId && (
              <button onClick={() => void save('PUT')} disabled={!draft || busy || !props.admin} title={props.admin ? 'Add or replace the rule with this id' : READ_ONLY}>
                Replace rule {String(draft!.id)}
              </button>
            )}
          </>
        )}
        <button onClick={props.onReset} disabled={busy} data-testid="rule-reset">
          {editing ? 'Cancel edit' : 'Reset to example'}
        </button>
        {!props.admin && <span className="small muted">{READ_ONLY} Testing works with a read key.</span>}
      </div>
      <OutcomeNotice outcome={outcome} testId="rule-test-error" />
      {result && <TestResultView result={result} />}
    </section>
  );
}

function TestResultView(props: { result: TestResult }) {
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
            {r.wouldFire > 0 && r.rule.for > 0 ? ` (an alert would be pending for ${durationText(r.rule.for)} first)` : ''}
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

// ---- silences -----------------------------------------------------------------------------

function SilencesTab(props: { admin: boolean; prefill: { matchers: string; nonce: number } | null; alerts: Alert[]; tick: number }) {
  const silences = useAsync(() => api<{ silences: Silence[] }>('/api/v1/alerts/silences', { params: { expired: 'true' } }), [props.tick]);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const muting = useMemo(() => {
    const m = new Map<string, number>();
    for (const a of props.alerts) for (const id of a.silencedBy) m.set(id, (m.get(id) ?? 0) + 1);
    return m;
  }, [props.alerts]);
  const now = Date.now();
  return (
    <div className="alerts-stack">
      <SilenceForm
        key={props.prefill?.nonce ?? 0}
        admin={props.admin}
        initialMatchers={props.prefill?.matchers ?? ''}
        onCreated={(s) => {
          setOutcome({ ok: true, text: `Silence created: ${s.matchers.map(matcherText).join(', ')} until ${dateTime(s.endsAtMs)}.` });
          silences.reload();
        }}
      />
      <Section
        title="Silences"
        state={silences}
        testId="silences"
        empty={(d) => d.silences.length === 0}
        emptyText="No silences. A silence mutes the notifications of the alerts its matchers select, for a time; create one above or with the Silence button of a firing alert."
      >
        {(d) => (
          <>
            <OutcomeNotice outcome={outcome} testId="silence-outcome" />
            <Table
              rows={d.silences}
              rowKey={(s) => s.id}
              pageSize={25}
              initialSort={{ key: 'endsAtMs', dir: 'desc' }}
              columns={[
                {
                  key: 'status',
                  label: 'Status',
                  sortValue: (s) => (s.active ? 0 : s.endsAtMs > now ? 1 : 2),
                  render: (s) =>
                    s.active ? <span className="pill good">active</span> : s.endsAtMs > now ? <span className="pill warn">scheduled</span> : <span className="pill">expired</span>,
                },
                {
                  key: 'matchers',
                  label: 'Matchers',
                  sortValue: (s) => s.matchers.map(matcherText).join(','),
                  render: (s) => (
                    <span className="alerts-labels">
                      {s.matchers.map((m, i) => (
                        <code key={i} className="alerts-label">
                          {matcherText(m)}
                        </code>
                      ))}
                    </span>
                  ),
                },
                { key: 'muting', label: 'Muting', align: 'right', sortValue: (s) => muting.get(s.id) ?? 0, render: (s) => <span className="alerts-nowrap">{s.active ? `${muting.get(s.id) ?? 0} alerts` : '—'}</span> },
                { key: 'startsAtMs', label: 'Starts', render: (s) => <span title={dateTime(s.startsAtMs)} className="alerts-nowrap">{ago(s.startsAtMs, now)}</span> },
                { key: 'endsAtMs', label: 'Ends', render: (s) => <span title={dateTime(s.endsAtMs)}>{dateTime(s.endsAtMs)} <span className="muted small">({ago(s.endsAtMs, now)})</span></span> },
                { key: 'createdBy', label: 'By' },
                { key: 'comment', label: 'Comment', render: (s) => s.comment || <span className="muted">—</span> },
                {
                  key: 'expire',
                  label: '',
                  sortValue: () => null,
                  render: (s) =>
                    s.endsAtMs > now ? (
                      <button
                        className="danger"
                        disabled={!props.admin}
                        title={props.admin ? 'End this silence now' : READ_ONLY}
                        data-testid="silence-expire"
                        onClick={async () => {
                          if (!window.confirm(`End the silence ${s.matchers.map(matcherText).join(', ')} now? Its alerts are notified again.`)) return;
                          try {
                            await api(`/api/v1/alerts/silences/${encodeURIComponent(s.id)}`, { method: 'DELETE' });
                            setOutcome({ ok: true, text: 'Silence ended.' });
                          } catch (err) {
                            setOutcome({ ok: false, text: errorText(err) });
                          }
                          silences.reload();
                        }}
                      >
                        Expire
                      </button>
                    ) : null,
                },
              ]}
            />
          </>
        )}
      </Section>
    </div>
  );
}

function toLocalInput(msValue: number): string {
  // datetime-local wants local wall time without a zone.
  const d = new Date(msValue - new Date(msValue).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

function SilenceForm(props: { admin: boolean; initialMatchers: string; onCreated: (s: Silence) => void }) {
  const [matchers, setMatchers] = useState(props.initialMatchers);
  const [mode, setMode] = useState<'duration' | 'until'>('duration');
  const [duration, setDuration] = useState('2h');
  const [until, setUntil] = useState(() => toLocalInput(Date.now() + 2 * 3_600_000));
  const [comment, setComment] = useState('');
  const [createdBy, setCreatedBy] = useState(() => {
    try {
      return localStorage.getItem('lookout.silenceAuthor') ?? '';
    } catch {
      return '';
    }
  });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (props.initialMatchers) ref.current?.focus();
  }, [props.initialMatchers]);

  const submit = async () => {
    setError(null);
    const list = matchers
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    const body: Record<string, unknown> = { matchers: list, comment };
    if (createdBy.trim()) body.createdBy = createdBy.trim();
    if (mode === 'duration') body.duration = duration.trim();
    else if (until) body.endsAt = new Date(until).toISOString();
    setBusy(true);
    try {
      const res = await api<{ silence: Silence }>('/api/v1/alerts/silences', { method: 'POST', body });
      try {
        if (createdBy.trim()) localStorage.setItem('lookout.silenceAuthor', createdBy.trim());
      } catch {
        // Storage disabled: the name is typed again next time.
      }
      setMatchers('');
      setComment('');
      props.onCreated(res.silence);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" data-testid="silence-create">
      <header>
        <h3>New silence</h3>
        <span className="small muted">Mutes notifications of matching alerts; they still show here and still trigger automated responses.</span>
      </header>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="form-row">
          <label className="alerts-grow">
            Matchers, one per line: name="value", name!="value", name=~"regex", name!~"regex"
            <textarea
              ref={ref}
              value={matchers}
              onChange={(e) => setMatchers(e.target.value)}
              rows={Math.max(3, matchers.split('\n').length)}
              placeholder={'alertname="HighLatency"\nmodel=~"gpt-4o.*"'}
              spellCheck={false}
              data-testid="silence-matchers"
            />
          </label>
        </div>
        <div className="form-row">
          <label>
            Ends
            <select value={mode} onChange={(e) => setMode(e.target.value as 'duration' | 'until')} data-testid="silence-mode">
              <option value="duration">after</option>
              <option value="until">at</option>
            </select>
          </label>
          {mode === 'duration' ? (
            <label>
              Duration
              <input value={duration} onChange={(e) => setDuration(e.target.value)} placeholder="2h" className="alerts-w-sm" data-testid="silence-duration" />
            </label>
          ) : (
            <label>
              End time (local)
              <input type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} data-testid="silence-ends-at" />
            </label>
          )}
          <label>
            Created by
            <input value={createdBy} onChange={(e) => setCreatedBy(e.target.value)} placeholder="you@example.com" data-testid="silence-created-by" />
          </label>
          <label className="alerts-grow">
            Comment
            <input value={comment} onChange={(e) => setComment(e.target.value)} placeholder="Provider incident, ticket #123" data-testid="silence-comment" />
          </label>
          <button type="submit" className="primary" disabled={!props.admin || busy || !matchers.trim()} title={props.admin ? undefined : READ_ONLY} data-testid="silence-submit">
            Create silence
          </button>
        </div>
        {!props.admin && <div className="small muted">{READ_ONLY}</div>}
        {error && (
          <div className="notice bad" role="alert" data-testid="silence-error">
            {error}
          </div>
        )}
      </form>
    </section>
  );
}

// ---- actions ------------------------------------------------------------------------------

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

function ActionsTab(props: { admin: boolean; tick: number }) {
  const actions = useAsync(() => api<ActionsResponse>('/api/v1/actions', { params: { limit: 200 } }), [props.tick]);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const revert = async (a: Activation) => {
    const does = paramsText(a.kind, a.params);
    const what = `${KIND_LABEL[a.kind] ?? a.kind} "${a.actionId}"${typeof does === 'string' ? ` (${does})` : ''}`;
    if (!window.confirm(`Revert ${what}? The gateway stops applying it now; it stays off while ${a.triggeredBy.alertname} keeps firing.`)) return;
    setBusy(a.id);
    setOutcome(null);
    try {
      await api(`/api/v1/actions/${encodeURIComponent(a.id)}/revert`, { method: 'POST' });
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
                    <button className="danger" disabled={!props.admin || busy !== null} title={props.admin ? 'Stop this response now' : READ_ONLY} data-testid="action-revert" onClick={() => void revert(a)}>
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
