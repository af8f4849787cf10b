import { pct } from '../format.ts';
import { changeTone, periodChange, type Better } from '../lib/period.ts';

// Under a tile: how its figure moved against the previous period of the same length, coloured by
// what the figure means (`better`: the way it is better; see changeTone).
export function PeriodChange(props: { now: number | null; before: number | null; what: string; better: Better; testId?: string }) {
  const change = periodChange(props.now, props.before);
  if (change.kind === 'unknown') return <div className="stat-sub" data-testid={props.testId}>—</div>;
  if (change.kind === 'from-zero') {
    return (
      <div className="stat-sub" data-testid={props.testId}>
        {change.now === 0 ? `none in the previous ${props.what} either` : `none in the previous ${props.what}`}
      </div>
    );
  }
  const { dir, ratio } = change;
  const tone = changeTone(change, props.better);
  return (
    <div className="stat-sub" data-testid={props.testId}>
      <span className={`delta ${dir} ${tone}`} data-tone={tone}>
        {dir === 'up' ? '▲' : dir === 'down' ? '▼' : '●'} {ratio > 0 ? '+' : ''}
        {pct(ratio)}
      </span>{' '}
      vs the previous {props.what}
    </div>
  );
}
