import { analytics, get } from '../api/client.ts';
import type { PageProps } from '../App.tsx';
import { ENTITY_MEASURES, EntityList, EntityStats, EntityTraces } from '../components/Entity.tsx';
import { Link } from '../components/Link.tsx';
import { Section } from '../components/States.tsx';
import { dateTime, ms, nanoUsd } from '../format.ts';
import { useAsync } from '../hooks.ts';
import { previousPeriod } from '../lib/period.ts';
import { hrefWithRange, navigate } from '../router.ts';
import { useTimeRange } from '../time.ts';

// Sessions: conversations across traces; one session read as the exchange it was, then its traces.

const TURNS = 100;

export function Sessions(props: PageProps) {
  if (!props.rest[0]) return <EntityList dimension="session" path="/sessions" label="Session" testId="sessions" />;
  return <SessionDetail session={props.rest[0]} />;
}

function SessionDetail(props: { session: string }) {
  const range = useTimeRange();
  const totals = useAsync(() => analytics({ from: range.from, to: range.to, measures: ENTITY_MEASURES, filter: `session:${props.session}` }), [range.from, range.to, range.tick, props.session]);
  const previous = previousPeriod(range);
  const totalsBefore = useAsync(
    () => analytics({ from: previous.from, to: previous.to, measures: ENTITY_MEASURES, filter: `session:${props.session}` }),
    [previous.from, previous.to, range.tick, props.session],
  );
  // The session's generations in the order they happened (the API lists newest first).
  const turns = useAsync(
    () => get('/api/v1/spans', { from: range.from, to: range.to, sessionId: props.session, kind: 'generation', limit: TURNS }),
    [range.from, range.to, range.tick, props.session],
  );
  return (
    <div className="page session">
      <p className="breadcrumbs">
        <Link href={hrefWithRange('/sessions')}>← Sessions</Link> · <strong>{props.session}</strong>
      </p>
      <EntityStats totals={totals.data} before={totalsBefore.data} previous={previous} />
      <Section
        title={turns.data && turns.data.total !== null && turns.data.total > TURNS ? `The latest ${TURNS} of ${turns.data.total} calls` : 'Conversation'}
        state={turns}
        wide
        testId="session-turns"
        empty={(d) => d.spans.length === 0}
        emptyText="No LLM calls of this session in this time range."
      >
        {(d) => (
          <ol className="turns">
            {[...d.spans].reverse().map((s) => (
              <li key={s.spanId} onClick={() => navigate(hrefWithRange(`/traces/${s.traceId}`, { span: s.spanId }))} className="clickable">
                <div className="muted small">
                  {dateTime(s.startUs / 1000)} · {s.responseModel ?? s.requestModel} · {ms((s.endUs - s.startUs) / 1000)} · {nanoUsd(s.cost.totalNanoUsd)}
                  {s.status === 'error' && <span className="pill bad">error</span>}
                </div>
                {s.content ? (
                  <div className="turn">
                    <div className="turn-in">{lastUserMessage(s.content.input)}</div>
                    <div className="turn-out">{s.content.output ?? ''}</div>
                  </div>
                ) : (
                  <div className="muted small">content not captured</div>
                )}
              </li>
            ))}
          </ol>
        )}
      </Section>
      <EntityTraces params={{ sessionId: props.session }} hide={['session']} />
    </div>
  );
}

// A chat input is the whole message list; the turn is its last user message.
function lastUserMessage(input: string | null): string {
  if (!input) return '';
  try {
    const messages = JSON.parse(input) as { role?: string; content?: unknown }[];
    if (Array.isArray(messages)) {
      const user = [...messages].reverse().find((m) => m.role === 'user');
      if (user) return typeof user.content === 'string' ? user.content : JSON.stringify(user.content);
    }
  } catch {
    // Plain text.
  }
  return input;
}
