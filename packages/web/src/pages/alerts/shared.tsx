import type { Async } from '../../hooks.ts';
import { COMMON_LABELS } from './format.ts';

// Pieces every tab of the alerts page shows.


export type Loaded<T> = Async<T> & { reload: () => void };

// One outcome of a write: what happened, or the API's message.
export type Outcome = { ok: boolean; text: string } | null;

export function LabelChips(props: { labels: Record<string, string>; all?: boolean }) {
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

export function OutcomeNotice(props: { outcome: Outcome; testId?: string }) {
  if (!props.outcome) return null;
  return (
    <div className={`notice${props.outcome.ok ? '' : ' bad'}`} role={props.outcome.ok ? 'status' : 'alert'} data-testid={props.testId}>
      {props.outcome.text}
    </div>
  );
}

