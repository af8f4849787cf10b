import { useEffect, useState } from 'react';
import { analytics, get } from '../api/client.ts';
import type { PageProps } from '../App.tsx';
import { Link } from '../components/Link.tsx';
import { Section } from '../components/States.tsx';
import { count } from '../format.ts';
import { useAsync } from '../hooks.ts';
import { hrefWithRange, useSearchParams } from '../router.ts';
import { useTimeRange } from '../time.ts';
import {
  MAX_GROUPS,
  MIN_GROUPS,
  OFFERED_DIMENSIONS,
  VERDICT_MARK,
  VERDICT_TEXT,
  VERDICT_TONE,
  addressParams,
  directionText,
  intervalText,
  metricValue,
  pText,
  readAddress,
  relativeText,
  testName,
  tracesHref,
  withDirection,
  type Comparison,
  type ComparisonGroup,
  type ExperimentAddress,
  type MetricSpec,
} from '../lib/experiments.ts';
import './Experiments.css';

// Experiments (docs/web.md#the-experiments-page): groups of a feature's calls — prompt versions,
// variants, prompts, models — side by side as GET /api/v1/experiments/compare gives them, with
// the whole comparison in the address.

// Groups offered in the form: the dimension's values with the most calls in the range.
const SUGGESTED_GROUPS = 30;
const FEATURES_LISTED = 200;
const PROMPTS_LISTED = 200;

const DIMENSION_LABEL: Record<string, string> = { prompt_version: 'prompt version', variant: 'variant', prompt: 'prompt', model: 'model' };

export function Experiments(_props: PageProps) {
  const range = useTimeRange();
  const [search, set] = useSearchParams();
  const address = readAddress(search);
  const addressKey = JSON.stringify(address);

  const comparison = useAsync(
    () =>
      get('/api/v1/experiments/compare', {
        from: range.from,
        to: range.to,
        by: address.by,
        feature: address.feature,
        prompt: address.prompt,
        values: address.values?.join(','),
        baseline: address.baseline,
        higherIsBetter: address.higherIsBetter.length > 0 ? address.higherIsBetter.join(',') : undefined,
        lowerIsBetter: address.lowerIsBetter.length > 0 ? address.lowerIsBetter.join(',') : undefined,
      }),
    [range.from, range.to, range.tick, addressKey],
  );

  return (
    <div className="page experiments">
      <ExperimentForm
        address={address}
        range={range}
        shown={comparison.data}
        onCompare={(a) => set({ ...addressParams(a) })}
      />
      <Section
        title="Comparison"
        state={comparison}
        full
        testId="experiment"
        empty={(d) => d.groups.length === 0}
        emptyText={
          <span data-testid="experiment-empty">
            No calls {address.feature ? `of ${address.feature} ` : ''}
            {address.prompt ? `from prompt ${address.prompt} ` : ''}with a {DIMENSION_LABEL[address.by] ?? address.by} in this range
            {address.values ? ` among ${address.values.join(', ')}` : ''}. Widen the range or pick another dimension.
          </span>
        }
      >
        {(d) => <ComparisonView comparison={d} address={address} onDirection={(a) => set({ ...addressParams(a) })} />}
      </Section>
      <HowTested />
    </div>
  );
}

// The form edits a draft; Compare writes it to the address, which loads the comparison.
function ExperimentForm(props: { address: ExperimentAddress; range: { from: string; to: string; tick: number }; shown: Comparison | null; onCompare: (a: ExperimentAddress) => void }) {
  const { address, range } = props;
  const [feature, setFeature] = useState(address.feature ?? '');
  const [prompt, setPrompt] = useState(address.prompt ?? '');
  const [by, setBy] = useState(address.by);
  // null: the API's default (the groups with the most calls), shown ticked once it has answered.
  const [picked, setPicked] = useState<string[] | null>(address.values);
  const [baseline, setBaseline] = useState<string | null>(address.baseline ?? address.values?.[0] ?? null);
  const addressKey = JSON.stringify(address);
  useEffect(() => {
    setFeature(address.feature ?? '');
    setPrompt(address.prompt ?? '');
    setBy(address.by);
    setPicked(address.values);
    setBaseline(address.baseline ?? address.values?.[0] ?? null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [addressKey]);

  const features = useAsync(
    () => analytics({ from: range.from, to: range.to, measures: 'requests', groupBy: 'feature', orderBy: 'requests', limit: FEATURES_LISTED }),
    [range.from, range.to, range.tick],
  );
  const prompts = useAsync(
    () => analytics({ from: range.from, to: range.to, measures: 'requests', groupBy: 'prompt', orderBy: 'requests', limit: PROMPTS_LISTED, filter: feature ? `feature:${feature}` : undefined }),
    [range.from, range.to, range.tick, feature],
  );
  const filters = [...(feature ? [`feature:${feature}`] : []), ...(prompt ? [`prompt:${prompt}`] : [])];
  const suggestions = useAsync(
    () =>
      analytics({ from: range.from, to: range.to, measures: 'requests', groupBy: by, orderBy: 'requests', limit: SUGGESTED_GROUPS, filter: filters.length > 0 ? filters : undefined }).then((r) =>
        r.rows.map((row) => ({ value: row[by], calls: row.requests })).filter((g): g is { value: string; calls: number } => typeof g.value === 'string' && typeof g.calls === 'number'),
      ),
    [range.from, range.to, range.tick, by, feature, prompt],
  );

  // What the table shows when the draft is the address's and names no values: the API's choice.
  const sameAsShown = feature === (address.feature ?? '') && prompt === (address.prompt ?? '') && by === address.by;
  const shownValues = sameAsShown && props.shown ? props.shown.groups.map((g) => g.value) : [];
  const ticked = picked ?? shownValues;
  const chosenBaseline = baseline !== null && ticked.includes(baseline) ? baseline : sameAsShown && picked === null ? (props.shown?.baseline.value ?? ticked[0] ?? null) : (ticked[0] ?? null);
  const groups = [...(suggestions.data ?? [])];
  for (const v of ticked) if (!groups.some((g) => g.value === v)) groups.push({ value: v, calls: NaN });
  const featureNames = (features.data?.rows ?? []).map((r) => r.feature).filter((f): f is string => typeof f === 'string');
  if (feature && !featureNames.includes(feature)) featureNames.unshift(feature);
  const promptNames = (prompts.data?.rows ?? []).map((r) => r.prompt).filter((n): n is string => typeof n === 'string');
  if (prompt && !promptNames.includes(prompt)) promptNames.unshift(prompt);
  const dims: string[] = [...OFFERED_DIMENSIONS];
  if (!dims.includes(by)) dims.push(by);

  const problem = ticked.length < MIN_GROUPS ? `Tick at least ${MIN_GROUPS} groups to compare.` : ticked.length > MAX_GROUPS ? `Tick at most ${MAX_GROUPS} groups.` : null;
  const toggle = (v: string) => setPicked(ticked.includes(v) ? ticked.filter((x) => x !== v) : [...ticked, v]);

  return (
    <form
      className="panel experiment-form"
      data-testid="experiment-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (problem) return;
        // The baseline goes first, the others in the order they were ticked.
        const first = chosenBaseline !== null && ticked.includes(chosenBaseline) ? chosenBaseline : ticked[0];
        // The score directions the address names are kept.
        props.onCompare({ ...address, feature: feature || null, prompt: prompt || null, by, values: [first, ...ticked.filter((v) => v !== first)], baseline: null });
      }}
    >
      <div className="experiment-pickers">
        <label>
          Feature
          <select
            name="feature"
            value={feature}
            onChange={(e) => {
              setFeature(e.target.value);
              setPicked([]);
              setBaseline(null);
            }}
          >
            <option value="">every feature</option>
            {featureNames.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        </label>
        <label>
          Prompt
          <select
            name="prompt"
            value={prompt}
            onChange={(e) => {
              setPrompt(e.target.value);
              setPicked([]);
              setBaseline(null);
            }}
          >
            <option value="">every prompt</option>
            {promptNames.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label>
          Compare by
          <select
            name="by"
            value={by}
            onChange={(e) => {
              setBy(e.target.value);
              setPicked([]);
              setBaseline(null);
            }}
          >
            {dims.map((d) => (
              <option key={d} value={d}>
                {DIMENSION_LABEL[d] ?? d}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary" disabled={problem !== null} data-testid="experiment-compare">
          Compare
        </button>
        <span className="small muted" data-testid="experiment-form-problem">
          {problem}
        </span>
      </div>
      <fieldset className="experiment-groups" data-testid="experiment-groups">
        <legend>
          Groups ({ticked.length} of {MIN_GROUPS}–{MAX_GROUPS} ticked; the baseline is the one the others are tested against)
        </legend>
        {suggestions.error ? (
          <span className="notice bad small" role="alert">
            {suggestions.error.message}
          </span>
        ) : suggestions.data === null ? (
          <span className="muted small">Loading the groups…</span>
        ) : groups.length === 0 ? (
          <span className="muted small">
            No calls {feature ? `of ${feature} ` : ''}
            {prompt ? `from prompt ${prompt} ` : ''}with a {DIMENSION_LABEL[by] ?? by} in this range.</span>
        ) : (
          groups.map((g) => (
            <div key={g.value} className="experiment-group-choice" data-testid="group-choice" data-group={g.value}>
              <label>
                <input type="checkbox" checked={ticked.includes(g.value)} onChange={() => toggle(g.value)} aria-label={`compare ${g.value}`} />
                <b>{g.value}</b> <span className="muted small">{Number.isNaN(g.calls) ? '' : `${count(g.calls)} calls`}</span>
              </label>
              <label className="small muted">
                <input
                  type="radio"
                  name="baseline"
                  checked={chosenBaseline === g.value}
                  disabled={!ticked.includes(g.value)}
                  onChange={() => setBaseline(g.value)}
                  aria-label={`baseline ${g.value}`}
                />
                baseline
              </label>
            </div>
          ))
        )}
      </fieldset>
    </form>
  );
}

const CHOSEN_BY: Record<Comparison['baseline']['chosenBy'], string> = {
  baseline_parameter: 'named as the baseline',
  first_value: 'the first group named',
  earliest_first_call: 'its first call in the range came first',
};

function ComparisonView({ comparison: c, address, onDirection }: { comparison: Comparison; address: ExperimentAddress; onDirection: (a: ExperimentAddress) => void }) {
  const warnings = c.groups.flatMap((g) => g.warnings);
  const sampled = c.groups.filter((g) => g.latencySampled);
  return (
    <>
      {c.warnings.length > 0 && (
        <div className="notice warn experiment-doubts" role="alert" data-testid="experiment-comparison-warnings">
          <b>This comparison may mislead:</b>
          <ul>
            {c.warnings.map((w) => (
              <li key={w} data-testid="experiment-comparison-warning">
                {w}
              </li>
            ))}
          </ul>
        </div>
      )}
      <p className="small" data-testid="experiment-summary">
        {c.prompt !== null && (
          <>
            Calls of prompt <b data-testid="experiment-prompt">{c.prompt}</b> only.{' '}
          </>
        )}
        {c.baseline.value === null ? (
          <>The baseline group has no calls in this range, so no group is tested.</>
        ) : (
          <>
            Baseline <b data-testid="experiment-baseline">{c.baseline.value}</b> ({CHOSEN_BY[c.baseline.chosenBy]}). {Math.round(c.confidenceLevel * 100)}% intervals; p-values
            Holm-adjusted over the whole table, significant below {c.significanceLevel}.
          </>
        )}
        {c.groups.length === 1 && <> Only one group has calls: nothing to compare it with.</>}
      </p>
      <div className="table-wrap">
        <table className="experiment-table" data-testid="experiment-table">
          <thead>
            <tr>
              <th>metric</th>
              {c.groups.map((g) => (
                <th key={g.value} className="num" data-testid="group-head" data-group={g.value}>
                  <Link href={tracesHref(g.traces)} testId="group-traces">
                    {g.value}
                  </Link>
                  {g.baseline && <span className="pill baseline-pill">baseline</span>}
                  <div className="small muted">
                    {g.sampleTraceIds.length > 0 && (
                      <Link href={hrefWithRange(`/traces/${encodeURIComponent(g.sampleTraceIds[0])}`)} testId="group-sample-trace">
                        newest trace
                      </Link>
                    )}
                  </div>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">calls</th>
              {c.groups.map((g) => (
                <td key={g.value} className="num" data-testid="cell" data-group={g.value} data-metric="calls">
                  <Link href={tracesHref(g.traces)} testId="calls-traces">
                    <span data-testid="cell-value">{count(g.calls)}</span>
                  </Link>
                </td>
              ))}
            </tr>
            {c.metrics.map((spec, i) => (
              <tr key={spec.metric}>
                <th scope="row" title={`${directionText(spec)}; estimate: ${spec.estimate}; needs ${spec.minimumSample} values`} data-testid="metric-head" data-metric={spec.metric}>
                  {spec.label}
                  {spec.metric.startsWith('score:') && <ScoreDirection spec={spec} address={address} onDirection={onDirection} />}
                </th>
                {c.groups.map((g) => (
                  <Cell key={g.value} spec={spec} group={g} index={i} />
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {sampled.length > 0 && (
        <p className="small muted" data-testid="experiment-sampled">
          Latency of {sampled.map((g) => `${g.value} (${count(g.latencySampleSize)} of ${count(g.calls)} calls)`).join(', ')} is read from a fixed sample of the calls.
        </p>
      )}
      {warnings.length > 0 && (
        <div className="notice warn experiment-warnings" data-testid="experiment-warnings">
          <b>Too few values to read with confidence</b> (marked ! in the table):
          <ul>
            {warnings.map((w) => (
              <li key={w} data-testid="experiment-warning">
                {w}
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}

// A score's better direction, and links that set it in the address when the API does not know it
// (or clear the one the address set).
function ScoreDirection({ spec, address, onDirection }: { spec: MetricSpec; address: ExperimentAddress; onDirection: (a: ExperimentAddress) => void }) {
  const score = spec.metric.slice('score:'.length);
  const set = (better: 'higher' | 'lower' | null) => (e: { preventDefault(): void }) => {
    e.preventDefault();
    onDirection(withDirection(address, score, better));
  };
  return (
    <div className="small muted score-direction" data-testid="score-direction" data-better={spec.better ?? ''}>
      {spec.better === null ? 'direction unknown' : directionText(spec)}
      {spec.better === null && (
        <>
          {' · '}
          <a href="#" onClick={set('higher')} data-testid="score-direction-higher">
            higher is better
          </a>
          {' · '}
          <a href="#" onClick={set('lower')} data-testid="score-direction-lower">
            lower is better
          </a>
        </>
      )}
      {spec.betterFrom === 'parameter' && (
        <>
          {' · '}
          <a href="#" onClick={set(null)} data-testid="score-direction-clear">
            clear
          </a>
        </>
      )}
    </div>
  );
}

function Cell(props: { spec: MetricSpec; group: ComparisonGroup; index: number }) {
  const { spec, group: g } = props;
  const cell = g.metrics[props.index];
  const value = metricValue(spec.unit, cell.value);
  const cmp = cell.comparison;
  return (
    <td className="num" data-testid="cell" data-group={g.value} data-metric={spec.metric}>
      <div>
        {spec.metric === 'error_rate' ? (
          <Link href={tracesHref(g.errorTraces)} testId="error-traces">
            <span data-testid="cell-value">{value}</span>
          </Link>
        ) : (
          <span data-testid="cell-value">{value}</span>
        )}
        {cell.lowSample && (
          <span className="low-sample" data-testid="cell-low" title={cell.warning ?? undefined} aria-label={cell.warning ?? 'too few values'}>
            {' '}!
          </span>
        )}
      </div>
      <div className="small muted" data-testid="cell-ci">
        {intervalText(spec.unit, cell.interval)}
      </div>
      <div className="small muted" data-testid="cell-n">
        n = {count(cell.n)}
      </div>
      {cmp && (
        <div className="cell-comparison">
          <span data-testid="cell-rel">{relativeText(cmp.relativeDifference)}</span>{' '}
          <span className="small" data-testid="cell-p" title={`${testName(spec.metric, cmp.test)}; raw ${pText(cmp.pValue)}; adjusted (Holm) ${pText(cmp.adjustedPValue)}`}>
            {pText(cmp.adjustedPValue)}
          </span>
          <div>
            <span className={`pill verdict ${VERDICT_TONE[cmp.verdict]}`} data-testid="cell-verdict" data-verdict={cmp.verdict}>
              {VERDICT_MARK[cmp.verdict]} {VERDICT_TEXT[cmp.verdict]}
            </span>
          </div>
        </div>
      )}
    </td>
  );
}

// The statistics in brief (docs/prompts.md#comparing-versions-the-statistics has the whole).
function HowTested() {
  return (
    <details className="panel experiment-help" data-testid="experiment-help">
      <summary>How these are tested</summary>
      <ul>
        <li>
          <b>Means (cost, tokens, scores): Welch&apos;s t-test.</b> Two versions rarely have the same spread, so the test does not assume equal variances; with 30 calls or more the mean
          is close to normal whatever the shape of the costs.
        </li>
        <li>
          <b>Latency p50: Mood&apos;s median test.</b> The share of each group&apos;s calls above the pooled median, compared as two proportions (z-test, or Fisher&apos;s exact
          test on small counts). Latencies are long-tailed, so a test on means would be driven by a few slow calls; the median test asks about the figure shown, the median,
          and assumes no distribution. A rank test (Mann–Whitney) would ask something else and can call a version with the faster median but a slow tail &quot;worse at
          p50&quot;; the tail is the p95 row&apos;s.
        </li>
        <li>
          <b>Latency p95: quantile exceedance test</b> (the median test taken to the 95th percentile). The share of each group&apos;s calls above the pooled p95, compared as two proportions: it tests the tail itself. The interval
          comes from order statistics, exact and distribution-free; with too few calls an end cannot be bounded (—).
        </li>
        <li>
          <b>Error rate: two-proportion z-test</b>, or <b>Fisher&apos;s exact test</b> when any cell of the 2×2 table expects fewer than 5 calls; Wilson&apos;s interval.
        </li>
        <li>
          <b>Many tests at once: Holm&apos;s correction.</b> Every p-value is adjusted over all the tests of the table, so the chance of any false &quot;significant&quot; stays under 5%.
        </li>
        <li>
          <b>Verdict:</b> better or worse when the adjusted p-value is below 0.05, in the direction the metric prefers: lower cost, tokens, latency and errors; for a score,
          the direction the address names (<code>higherIsBetter=</code>, <code>lowerIsBetter=</code>, or the links under its name), else that of a Lookout evaluator of the
          same name. A score whose direction is not known reads <b>higher</b> or <b>lower</b>, neither good nor bad. No significant difference is not &quot;the same&quot;: this
          much traffic cannot tell them apart. Too few values: a side has too few values to test.
        </li>
        <li>
          <b>Minimum sample:</b> a figure resting on fewer than 30 values (means and p50) or 100 calls (p95 and error rate) is marked ! and listed under the table.
        </li>
      </ul>
      <p className="small muted">
        The full reasoning: <code>docs/prompts.md#comparing-versions-the-statistics</code>. The API behind this page:{' '}
        <Link href="/docs/api#get-api-v1-experiments-compare">GET /api/v1/experiments/compare</Link>.
      </p>
    </details>
  );
}
