import type { Matcher, Rule, RuleInput, RuleMeasure, Silence } from '../../api/types.ts';
import { count, ms, pct, usd } from '../../format.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS } from '../../../../server/src/domain/time.ts';
import { MEASURE_CATALOG, RULE_MEASURES as CATALOG_RULE_MEASURES } from '../../../../server/src/domain/measures.ts';

// Alert rules, values and matchers as text (docs/alerts.md).

// Labels every alert of the project carries: they say nothing about which alert it is.
export const COMMON_LABELS = new Set(['alertname', 'severity', 'category', 'project', 'seed']);

// The API writes a rule's durations in one spelling ("5m", "1h30m"), zero as "0s".
export function isZeroDuration(text: string): boolean {
  return text === '0s';
}

export function ago(atMs: number | null | undefined, nowMs = Date.now()): string {
  if (atMs === null || atMs === undefined) return '—';
  const d = nowMs - atMs;
  const future = d < 0;
  const a = Math.abs(d);
  const text = a < MINUTE_MS ? `${Math.round(a / SECOND_MS)}s` : a < HOUR_MS ? `${Math.round(a / MINUTE_MS)}m` : a < 2 * DAY_MS ? `${Math.round(a / HOUR_MS)}h` : `${Math.round(a / DAY_MS)}d`;
  return future ? `in ${text}` : `${text} ago`;
}

function plain(v: number): string {
  const abs = Math.abs(v);
  if (abs >= 10_000) return count(v);
  if (abs >= 100) return v.toFixed(0);
  if (abs >= 1) return String(Number(v.toFixed(2)));
  return String(Number(v.toPrecision(3)));
}

// The measures a rule takes and the unit each is written in, from the one measure catalog
// (domain/measures.ts). The type check keeps it equal to the server's measure enum.
export const RULE_MEASURES: readonly RuleMeasure[] = CATALOG_RULE_MEASURES satisfies readonly RuleMeasure[];
const MEASURE_UNIT = Object.fromEntries(
  RULE_MEASURES.map((m) => {
    const unit = MEASURE_CATALOG[m].unit;
    return [m, unit === 'usd' ? 'usd' : unit === 'ms' ? 'ms' : 'plain'];
  }),
) as Record<RuleMeasure, 'usd' | 'ms' | 'plain'>;

const unitOf = (m: string | undefined) => (m !== undefined && Object.hasOwn(MEASURE_UNIT, m) ? MEASURE_UNIT[m as RuleMeasure] : 'plain');

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
      return unitOf(rule.query.numerator) === 'usd' ? usd(v) : pct(v);
    case 'rate':
      return `${unitOf(m) === 'usd' ? usd(v) : plain(v)}/s`;
    case 'absence':
      return `${plain(v)} min`;
    case 'anomaly':
      return `${plain(v)}×`;
    default:
      if (unitOf(m) === 'usd') return usd(v);
      if (unitOf(m) === 'ms') return ms(v);
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
      what = `${q.measure} vs ${rule.baseline?.kind === 'same_hour' ? `same hour, last ${rule.baseline.days}d` : `preceding ${rule.baseline?.lookback ?? '—'}`}`;
      break;
    case 'rate':
      what = `rate(${q.measure})`;
      break;
    default:
      what = `${q.measure}`;
  }
  const parts = [what];
  if (rule.window !== undefined) parts.push(`over ${rule.window}`);
  if (Object.keys(q.filter ?? {}).length) parts.push(`where ${filterText(q.filter)}`);
  if (q.groupBy?.length) parts.push(`by ${q.groupBy.join(', ')}`);
  return parts.join(' ');
}

// The server's rule as the rule-file text to edit and PUT: the API answers in the format it takes
// (durations as text), so only what says nothing is left out.
export function ruleToInput(rule: Rule): RuleInput {
  const { labels, ...rest } = rule;
  return Object.keys(labels).length === 0 ? rest : { ...rest, labels };
}

export function severityTone(s: string): string {
  return s === 'critical' ? 'bad' : s === 'warning' ? 'warn' : '';
}

export function stateTone(s: string): string {
  return s === 'firing' ? 'bad' : s === 'pending' ? 'warn' : s === 'resolved' ? 'good' : '';
}

// Whether a silence mutes alerts now: it has started and not yet ended (its end is exclusive).
export function silenceActive(s: Pick<Silence, 'startsAtMs' | 'endsAtMs'>, nowMs: number): boolean {
  return s.startsAtMs <= nowMs && nowMs < s.endsAtMs;
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
