import type { Recommendation as RecommendationView, RecommendationsResponse } from '../../api/types.ts';
import { useState } from 'react';
import type { Async } from '../../hooks.ts';
import { Link } from '../../components/Link.tsx';
import { Section } from '../../components/States.tsx';
import { count, usd } from '../../format.ts';
import './Recommendations.css';

const kindName = (kind: string) => kind.replaceAll('_', ' ');

// A figure as a reader redoes the arithmetic with it: amounts in nano-dollars (named …Nano) in dollars.
function figure(name: string, value: number | string | null): { label: string; text: string } {
  if (value === null) return { label: name, text: '—' };
  if (typeof value === 'number' && name.endsWith('Nano')) return { label: name.slice(0, -'Nano'.length), text: usd(value / NANO_PER_USD) };
  return { label: name, text: typeof value === 'number' ? value.toLocaleString('en-US') : value };
}

const NANO_PER_USD = 1e9;
// Characters of a sample trace's id on its link: enough to tell ten apart.
const TRACE_ID_SHOWN = 16;

// Cards shown before "Show all": a busy project has dozens, and the largest savings come first.
const SHOWN_FIRST = 5;

const CONFIDENCE_TONE = { high: 'good', medium: 'warn', low: 'bad' } as const;

// What Lookout would change to spend less, largest saving first, each with the arithmetic and
// the calls behind it. `calls`: how many calls the range holds, to tell "no data" from "nothing
// found" when the list is empty.
export function Recommendations(props: { state: Async<RecommendationsResponse> & { reload?: () => void }; calls: number | null }) {
  const [all, setAll] = useState(false);
  return (
    <Section
      title="Recommendations"
      state={props.state}
      full
      testId="recommendations"
      empty={(d) => d.recommendations.length === 0}
      emptyText={
        <span data-testid="recommendations-empty">
          {props.calls === 0
            ? 'No calls in this range to analyse: pick a longer range, or send traffic first.'
            : `Nothing found to change in this range. Looked for: ${props.state.data?.kinds.map(kindName).join(', ') ?? ''}.`}
        </span>
      }
    >
      {(d) => {
        const sorted = [...d.recommendations].sort((a, b) => b.monthlySavingsUsd - a.monthlySavingsUsd);
        const shown = all ? sorted : sorted.slice(0, SHOWN_FIRST);
        return (
          <>
            <p className="small muted">
              Up to <b data-testid="recommendations-total">{usd(d.totals.monthlySavingsUsd)}</b> a month ({usd(d.totals.annualSavingsUsd)} a year) at this range's rate; recommendations
              about the same calls overlap, so their sum is an upper bound.
            </p>
            <ol className="recs" data-testid="recommendation-list">
              {shown.map((r) => (
                <Recommendation key={r.id} rec={r} />
              ))}
            </ol>
            {sorted.length > SHOWN_FIRST && (
              <button className="link" data-testid="recommendations-more" onClick={() => setAll(!all)}>
                {all ? `Show the first ${SHOWN_FIRST}` : `Show all ${sorted.length}`}
              </button>
            )}
          </>
        );
      }}
    </Section>
  );
}

function Recommendation({ rec }: { rec: RecommendationView }) {
  const figures = Object.entries(rec.evidence.figures).map(([name, value]) => figure(name, value));
  return (
    <li className="rec" data-testid="recommendation" data-id={rec.id}>
      <div className="rec-head">
        <span className="pill">{kindName(rec.kind)}</span>
        <strong className="rec-title">{rec.title}</strong>
      </div>
      <div className="rec-savings">
        <span>
          <b data-testid="rec-monthly">{usd(rec.monthlySavingsUsd)}</b> / month
        </span>
        <span>
          <b data-testid="rec-weekly">{usd(rec.weeklySavingsUsd)}</b> / week
        </span>
        <span>
          <b data-testid="rec-annual">{usd(rec.annualSavingsUsd)}</b> / year
        </span>
      </div>
      <p className="rec-detail">{rec.detail}</p>
      <div className="small">
        Formula: <code data-testid="rec-formula">{rec.formula}</code>
      </div>
      <div className="small" data-testid="rec-confidence">
        <span className={`pill ${CONFIDENCE_TONE[rec.confidence]}`}>{rec.confidence} confidence</span> {rec.confidenceReason}
      </div>
      {rec.applied && (
        <div className="small" data-testid="rec-applied">
          Applied since {rec.applied.since}: saving {usd(rec.applied.realisedMonthlySavingsUsd)} / month against {usd(rec.applied.estimatedMonthlySavingsUsd)} estimated
        </div>
      )}
      <details className="rec-evidence">
        <summary>
          Evidence: <span data-testid="rec-calls">{count(rec.evidence.calls)}</span> calls
        </summary>
        {figures.length > 0 && (
          <dl className="rec-figures" data-testid="rec-figures">
            {figures.map((f) => (
              <div key={f.label}>
                <dt>{f.label}</dt>
                <dd>{f.text}</dd>
              </div>
            ))}
          </dl>
        )}
        {rec.evidence.sampleTraceIds.length > 0 && (
          <div className="rec-traces">
            Sample traces:{' '}
            {rec.evidence.sampleTraceIds.map((id, i) => (
              // By position: a trace may hold several of the calls, so an id may come twice.
              <Link key={`${i}-${id}`} href={`/traces/${id}`} testId="rec-trace">
                {id.slice(0, TRACE_ID_SHOWN)}
              </Link>
            ))}
          </div>
        )}
      </details>
    </li>
  );
}
