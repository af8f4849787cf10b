import type { RetentionNote } from '../api/types.ts';
import { Link } from './Link.tsx';

// Shown when a page's range reaches past the project's retention: the calls before a time are
// gone, and the figures say how they were answered instead of silently showing less.

type Answer = { retention?: RetentionNote | null } | null | undefined;

export function RetentionNotice(props: { answers: Answer[] }) {
  const notes = props.answers.map((a) => a?.retention).filter((n): n is RetentionNote => !!n);
  if (notes.length === 0) return null;
  const from = notes[0].spansFrom.slice(0, 16).replace('T', ' ');
  const rollupsGone = notes.some((n) => n.rollupsFrom !== null && n.partial && n.answeredFromRollups);
  const partial = notes.some((n) => !n.answeredFromRollups);
  return (
    <div className="notice" role="status" data-testid="retention-notice">
      <strong>Past retention.</strong> Calls before {from} UTC were removed by this project's <Link href="/settings#retention">retention</Link>.{' '}
      {notes.some((n) => n.answeredFromRollups) && 'Cost, calls and tokens before then come from the hourly totals. '}
      {partial && `Figures that need individual calls (percentiles, users, sessions, metadata, chargeback) cover only ${from} UTC onward. `}
      {rollupsGone && 'The hourly totals of the oldest part of the range are gone too.'}
    </div>
  );
}
