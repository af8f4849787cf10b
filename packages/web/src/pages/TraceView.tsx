import { useMemo } from 'react';
import { get } from '../api/client.ts';
import type { Score, Span } from '../api/types.ts';
import type { PageProps } from '../App.tsx';
import { SpanContent } from '../components/Conversation.tsx';
import { Link } from '../components/Link.tsx';
import { ScoreList } from '../components/ScoreList.tsx';
import { ErrorState, Loading, Section } from '../components/States.tsx';
import { count, dateTime, ms, nanoUsd, plural, usd } from '../format.ts';
import { useAsync } from '../hooks.ts';
import { hrefWithRange, useSearchParams } from '../router.ts';
import { lastTraceList } from '../components/TraceTable.tsx';
import { inTraceOrder, scoresOf } from '../lib/scores.ts';
import './TraceView.css';

// One trace: the span waterfall, the selected span's detail (content as a conversation, token
// buckets, the cost explained line by line, its scores), and the trace's scores and logs.

interface Row {
  span: Span;
  depth: number;
}

// Depth-first order from the parent links; a span whose parent is missing is a root.
function treeOrder(spans: Span[]): Row[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string | null, Span[]>();
  for (const s of spans) {
    const parent = s.parentSpanId && ids.has(s.parentSpanId) ? s.parentSpanId : null;
    const list = children.get(parent) ?? [];
    list.push(s);
    children.set(parent, list);
  }
  const out: Row[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const s of (children.get(parent) ?? []).sort((a, b) => a.startUs - b.startUs)) {
      out.push({ span: s, depth });
      walk(s.spanId, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

const durationMs = (s: Span) => (s.endUs - s.startUs) / 1000;
const model = (s: Span) => s.responseModel ?? s.requestModel;

export function TraceView(props: PageProps) {
  const traceId = props.rest[0] ?? '';
  const trace = useAsync(() => get('/api/v1/traces/{traceId}', undefined, { traceId }), [traceId]);
  const [search, set] = useSearchParams();
  const rows = useMemo(() => (trace.data ? treeOrder(trace.data.spans) : []), [trace.data]);

  if (trace.error) {
    const back = <Link href={lastTraceList() ?? hrefWithRange('/traces')}>Back to the traces</Link>;
    if ((trace.error as { status?: number }).status === 404) {
      return (
        <div className="state empty">
          No trace <span className="mono">{traceId}</span> in this project (it may not have arrived yet, or belong to another project). {back}.
        </div>
      );
    }
    return (
      <>
        <ErrorState error={trace.error} retry={trace.reload} />
        <p>{back}</p>
      </>
    );
  }
  if (!trace.data) return <Loading what="trace" />;
  const spans = trace.data.spans;
  if (!spans.length) return <div className="state empty">This trace has scores or logs but no spans yet.</div>;

  // The selected span (in the URL); by default the first generation, else the root.
  const selectedId = search.get('span') ?? (spans.find((s) => s.kind === 'generation') ?? rows[0].span).spanId;
  const selected = spans.find((s) => s.spanId === selectedId) ?? rows[0].span;
  const start = Math.min(...spans.map((s) => s.startUs));
  const end = Math.max(...spans.map((s) => s.endUs));
  const total = Math.max(1, end - start);
  const cost = spans.reduce((a, s) => a + (s.cost.totalNanoUsd ?? 0), 0);
  const priced = spans.filter((s) => s.cost.totalNanoUsd !== null).length;
  const unpriced = spans.filter((s) => s.cost.status === 'unknown_model').length;
  const root = rows[0].span;
  const attribution = spans.find((s) => s.attribution.userId)?.attribution ?? root.attribution;
  // Which span a score judges: the trace as a whole, a span of it (chosen with a click), or a span not stored (yet).
  const spanLabel = (spanId: string | null) => {
    if (spanId === null) return { text: 'the trace', onSelect: null };
    const span = spans.find((x) => x.spanId === spanId);
    return span ? { text: span.name, onSelect: () => set({ span: spanId }, { replace: true }) } : { text: `span ${spanId}`, onSelect: null };
  };

  return (
    <div className="page trace-view">
      <p className="breadcrumbs">
        <Link href={lastTraceList() ?? hrefWithRange('/traces')}>← Traces</Link> · <span className="mono">{traceId}</span>
      </p>
      <div className="stats">
        <div className="stat">
          <div className="stat-label">Trace</div>
          <div className="stat-value small-value">{root.name}</div>
          <div className="stat-sub">{dateTime(start / 1000)}</div>
        </div>
        <div className="stat">
          <div className="stat-label">Duration</div>
          <div className="stat-value">{ms((end - start) / 1000)}</div>
          <div className="stat-sub">{spans.length} spans</div>
        </div>
        <div className="stat" data-testid="trace-cost">
          <div className="stat-label">Cost</div>
          <div className="stat-value">{priced ? nanoUsd(cost) : '—'}</div>
          <div className="stat-sub">{unpriced ? `${plural(unpriced, 'call')} without a price` : priced ? 'all calls priced' : 'no call with a cost'}</div>
        </div>
        <div className="stat">
          <div className="stat-label">Tokens</div>
          <div className="stat-value">{count(spans.reduce((a, s) => a + tokens(s), 0))}</div>
        </div>
        <div className="stat">
          <div className="stat-label">User · session</div>
          <div className="stat-value small-value">
            {attribution.userId ? <Link href={hrefWithRange(`/users/${encodeURIComponent(attribution.userId)}`)}>{attribution.userId}</Link> : '—'}
          </div>
          <div className="stat-sub">
            {attribution.sessionId ? <Link href={hrefWithRange(`/sessions/${encodeURIComponent(attribution.sessionId)}`)}>{attribution.sessionId}</Link> : 'no session'}
          </div>
        </div>
      </div>

      <section className="panel wide" data-testid="waterfall">
        <header>
          <h3>Spans</h3>
          <span className="muted small">
            <span className="legend kind-generation" /> generation <span className="legend kind-embedding" /> embedding <span className="legend kind-retrieval" /> retrieval{' '}
            <span className="legend kind-tool" /> tool <span className="legend kind-chain" /> other
          </span>
        </header>
        <div className="waterfall">
          {rows.map(({ span, depth }) => (
            <div
              key={span.spanId}
              className={`wf-row${span.spanId === selected.spanId ? ' selected' : ''}`}
              data-testid="waterfall-row"
              onClick={() => set({ span: span.spanId }, { replace: true })}
            >
              <div className="wf-name" style={{ paddingLeft: depth * 16 }} title={span.name}>
                <span className={`legend kind-${span.kind}`} /> {span.name}
                {model(span) && !span.name.includes(model(span)!) && <span className="muted"> · {model(span)}</span>}
              </div>
              <div className="wf-track">
                <div
                  className={`wf-bar kind-${span.kind}${span.status === 'error' ? ' error' : ''}`}
                  style={{ left: `${((span.startUs - start) / total) * 100}%`, width: `${Math.max(0.3, ((span.endUs - span.startUs) / total) * 100)}%` }}
                />
              </div>
              <div className="num small">{ms(durationMs(span))}</div>
            </div>
          ))}
        </div>
      </section>

      <SpanDetail key={selected.spanId} span={selected} scores={scoresOf(trace.data.scores, selected.spanId)} />

      <div className="grid">
        <section className="panel wide" data-testid="trace-scores">
          <header>
            <h3>Scores</h3>
            <Link href={`/settings?trace=${encodeURIComponent(traceId)}#evaluators`} className="small" testId="try-evaluator">
              Try an evaluator on this trace
            </Link>
          </header>
          {trace.data.scores.length === 0 ? (
            <div className="state empty">No scores on this trace. Add one with the SDK's score() or POST /api/v1/ingest, or let an evaluator score it.</div>
          ) : (
            <ScoreList scores={inTraceOrder(trace.data.scores)} spanLabel={spanLabel} />
          )}
        </section>
        <section className="panel" data-testid="trace-logs">
          <header>
            <h3>Logs</h3>
          </header>
          {trace.data.logs.length === 0 ? (
            <div className="state empty">No logs linked to this trace.</div>
          ) : (
            <ul className="log-list">
              {trace.data.logs.map((l) => (
                <li key={l.id}>
                  <span className={`pill ${l.severity === 'error' ? 'bad' : l.severity === 'warn' ? 'warn' : ''}`}>{l.severity}</span>{' '}
                  <span className="muted small">{dateTime(l.timestampUs / 1000)}</span> {l.body}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </div>
  );
}

const tokens = (s: Span) => s.usage.input + s.usage.output + s.usage.cacheRead + s.usage.cacheWrite + s.usage.reasoning + s.usage.audio;

function SpanDetail(props: { span: Span; scores: Score[] }) {
  const s = props.span;
  const priced = s.kind === 'generation' || s.kind === 'embedding' || tokens(s) > 0;
  const explanation = useAsync(
    () => (priced ? get('/api/v1/spans/{spanId}/cost', undefined, { spanId: s.spanId }) : Promise.resolve(null)),
    [s.spanId],
  );
  const a = s.attribution;
  const facts: [string, React.ReactNode][] = [
    ['Kind', s.kind],
    ['Status', s.status === 'error' ? <span className="pill bad">error</span> : <span className="pill good">ok</span>],
    ['Provider', s.provider ?? '—'],
    ['Model', s.requestModel && s.responseModel && s.requestModel !== s.responseModel ? `${s.requestModel} → ${s.responseModel}` : (model(s) ?? '—')],
    ['Started', dateTime(s.startUs / 1000)],
    ['Duration', ms(durationMs(s))],
    ['Time to first token', s.ttftMs === null ? '—' : ms(s.ttftMs)],
    ['Finish reason', s.finishReason ?? '—'],
    ['Feature', a.feature ?? '—'],
    ['Team', a.team ?? '—'],
    ['Environment', a.environment ?? '—'],
    ['Request id', s.requestId ?? '—'],
  ];
  return (
    <section className="panel wide" data-testid="span-detail">
      <header>
        <h3>{s.name}</h3>
        <span className="muted small mono">span {s.spanId}</span>
      </header>
      {s.status === 'error' && (
        <div className="notice bad">
          <strong>{s.errorClass ?? 'error'}</strong> {s.errorMessage}
        </div>
      )}
      <dl className="detail">
        {facts.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      {(s.tags.length > 0 || Object.keys(s.metadata).length > 0) && (
        <p className="small">
          {s.tags.map((t) => (
            <span key={t} className="pill">
              #{t}
            </span>
          ))}{' '}
          {Object.entries(s.metadata).map(([k, v]) => (
            <span key={k} className="pill">
              {k}={v}
            </span>
          ))}
        </p>
      )}
      {tokens(s) > 0 && (
        <div className="token-buckets" data-testid="token-buckets">
          {(['input', 'cacheRead', 'cacheWrite', 'output', 'reasoning', 'audio'] as const)
            .filter((b) => s.usage[b] > 0)
            .map((b) => (
              <div key={b}>
                <span className="muted small">{BUCKET_LABEL[b]}</span>
                <strong>{count(s.usage[b])}</strong>
              </div>
            ))}
        </div>
      )}
      {priced && (
        <div className="cost-explanation" data-testid="cost-explanation">
          <h4>Cost</h4>
          {explanation.error ? (
            <ErrorState error={explanation.error} retry={explanation.reload} />
          ) : !explanation.data ? (
            <Loading what="cost" />
          ) : (
            <>
              <ol className="cost-lines">
                {explanation.data.lines.map((l) => (
                  <li key={l.bucket}>{l.text}</li>
                ))}
              </ol>
              <p>
                <strong>{explanation.data.totalUsd === null ? 'Unknown' : usd(explanation.data.totalUsd)}</strong> — {explanation.data.summary}
              </p>
              {explanation.data.status === 'unknown_model' && (
                <p className="notice">
                  No price for this model. <Link href={`/settings?model=${encodeURIComponent(model(s) ?? '')}`}>Add one in Settings</Link>; calls already stored are re-costed.
                </p>
              )}
              {explanation.data.note && <p className="notice">{explanation.data.note}</p>}
            </>
          )}
        </div>
      )}
      {props.scores.length > 0 && (
        <div className="span-scores" data-testid="span-scores">
          <h4>Scores of this span</h4>
          <ScoreList scores={props.scores} />
        </div>
      )}
      <SpanContent span={s} />
    </section>
  );
}

const BUCKET_LABEL = { input: 'input', cacheRead: 'cache read', cacheWrite: 'cache write', output: 'output', reasoning: 'reasoning', audio: 'audio' } as const;
