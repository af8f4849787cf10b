import type { Score } from '../api/types.ts';
import { usd } from '../format.ts';
import { evaluatorFacts, otherMetadata, scoreValue, sourceLabel } from '../lib/scores.ts';
import { hrefWithRange } from '../router.ts';
import { Link } from './Link.tsx';

// Scores with who gave them and, for an evaluator's, why: the judge's reasoning, its model and
// cost, and a link to the judge's own call (a trace of its own).

export function ScoreList(props: { scores: Score[]; spanLabel?: (spanId: string | null) => { text: string; onSelect: (() => void) | null } }) {
  return (
    <table className="score-list">
      <thead>
        <tr>
          <th>Score</th>
          <th className="num">Value</th>
          <th>Source</th>
          {props.spanLabel && <th>Of</th>}
          <th>Why</th>
        </tr>
      </thead>
      <tbody>
        {props.scores.map((s) => (
          <ScoreRow key={s.id} score={s} spanLabel={props.spanLabel} />
        ))}
      </tbody>
    </table>
  );
}

function ScoreRow(props: { score: Score; spanLabel?: (spanId: string | null) => { text: string; onSelect: (() => void) | null } }) {
  const s = props.score;
  const facts = evaluatorFacts(s.metadata);
  const rest = otherMetadata(s.metadata);
  const of = props.spanLabel?.(s.spanId);
  return (
    <tr data-testid="score" data-source={s.source}>
      <td>
        {s.name}
        {facts.criterion && facts.criterion !== s.name && <div className="muted small">{facts.criterion}</div>}
      </td>
      <td className="num">{scoreValue(s)}</td>
      <td>
        <span className={`pill source-${s.source}`}>{sourceLabel(s.source)}</span>
      </td>
      {of && (
        <td className="small">
          {of.onSelect ? (
            <button type="button" className="link" onClick={of.onSelect}>
              {of.text}
            </button>
          ) : (
            <span className="muted">{of.text}</span>
          )}
        </td>
      )}
      <td className="small">
        {s.comment && (
          <div className="score-reasoning" data-testid="score-reasoning">
            {s.comment}
          </div>
        )}
        {(facts.judgeModel || facts.judgeCostUsd !== null || facts.judgeTraceId) && (
          <div className="muted" data-testid="score-judge">
            {facts.judgeModel && <>judged by <span className="mono">{facts.judgeModel}</span></>}
            {facts.judgeCostUsd !== null && <> · cost {usd(facts.judgeCostUsd)}</>}
            {facts.judgeTraceId && (
              <>
                {' · '}
                <Link href={hrefWithRange(`/traces/${facts.judgeTraceId}`)} testId="judge-trace-link">
                  the judge's call
                </Link>
              </>
            )}
            {facts.templateVersion && <> · template {facts.templateVersion}</>}
          </div>
        )}
        {rest.length > 0 && (
          <div>
            {rest.map(([k, v]) => (
              <span key={k} className="pill">
                {k}={v}
              </span>
            ))}
          </div>
        )}
        {!s.comment && !facts.judgeModel && facts.judgeCostUsd === null && !facts.judgeTraceId && rest.length === 0 && <span className="muted">—</span>}
      </td>
    </tr>
  );
}
