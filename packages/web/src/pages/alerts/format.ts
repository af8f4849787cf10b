import type { Matcher, Rule } from '../../api/types.ts';
import { count, ms, pct, usd } from '../../format.ts';

// Alert rules, values and matchers as text (docs/alerts.md).

// Labels every alert of the project carries: they say nothing about which alert it is.
export const COMMON_LABELS = new Set(['alertname', 'severity', 'category', 'project', 'seed']);

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

export function thresholdText(rule: Rule): string {
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

export function severityTone(s: string): string {
  return s === 'critical' ? 'bad' : s === 'warning' ? 'warn' : '';
}

export function stateTone(s: string): string {
  return s === 'firing' ? 'bad' : s === 'pending' ? 'warn' : s === 'resolved' ? 'good' : '';
}

export function matcherText(m: Matcher): string {
  const op = m.isRegex ? (m.isEqual ? '=~' : '!~') : m.isEqual ? '=' : '!=';
  return `${m.name}${op}"${m.value}"`;
}

// The matchers that pick out one alert for a silence, one per line: its name, severity and group
// labels; the rest (project, category, the rule's own labels) are the same for every alert of the rule.
export function silenceMatchers(labels: Record<string, string>): string {
  return Object.entries(labels)
    .filter(([k]) => k === 'alertname' || k === 'severity' || !COMMON_LABELS.has(k))
    .map(([k, v]) => `${k}="${v}"`)
    .join('\n');
}
