import { useState, type ReactNode } from 'react';

export function Loading(props: { what?: string }) {
  return <div className="state loading">Loading {props.what ?? ''}…</div>;
}

export function ErrorState(props: { error: Error; retry?: () => void }) {
  return (
    <div className="state error" role="alert">
      <strong>Could not load this.</strong> {props.error.message}
      {props.retry && (
        <button className="link" onClick={props.retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty(props: { children: ReactNode }) {
  return <div className="state empty">{props.children}</div>;
}

// Loading → error → empty → content, in that order.
export function Section<T>(props: {
  title: string;
  state: { data: T | null; error: Error | null; loading: boolean; reload?: () => void };
  empty?: (data: T) => boolean;
  emptyText?: ReactNode;
  children: (data: T) => ReactNode;
  wide?: boolean;
  // The whole row of the grid.
  full?: boolean;
  testId?: string;
  actions?: ReactNode;
}) {
  const { data, error, loading } = props.state;
  return (
    <section className={`panel${props.wide ? ' wide' : ''}${props.full ? ' full' : ''}`} data-testid={props.testId}>
      <header>
        <h3>{props.title}</h3>
        {props.actions}
      </header>
      {error ? (
        <ErrorState error={error} retry={props.state.reload} />
      ) : data === null ? (
        loading ? <Loading /> : null
      ) : props.empty?.(data) ? (
        <Empty>{props.emptyText ?? 'No data in this time range.'}</Empty>
      ) : (
        props.children(data)
      )}
    </section>
  );
}

function Copyable(props: { text: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="snippet">
      <pre>{props.text}</pre>
      <button
        onClick={() => {
          void navigator.clipboard?.writeText(props.text).then(() => setCopied(true));
        }}
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  );
}

// An empty project: how to send the first call, three ways.
export function GettingStarted() {
  const origin = window.location.origin;
  return (
    <div className="getting-started" data-testid="getting-started">
      <h2>No LLM calls yet</h2>
      <p>Send your first trace with any of these; this page fills in as calls arrive.</p>
      <h4>OpenTelemetry (any language)</h4>
      <Copyable text={`export OTEL_EXPORTER_OTLP_ENDPOINT=${origin}\nexport OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf\n# then run your app with the OpenTelemetry GenAI instrumentation`} />
      <h4>Lookout SDK (TypeScript)</h4>
      <Copyable
        text={`import OpenAI from 'openai';\nimport { init, wrapOpenAI } from '@lookout/sdk';\n\ninit({ endpoint: '${origin}', serviceName: 'my-app' });\nconst openai = wrapOpenAI(new OpenAI());`}
      />
      <h4>Gateway (no code change)</h4>
      <Copyable text={`const openai = new OpenAI({ baseURL: '${origin}/proxy/openai/v1' });\n// Anthropic: new Anthropic({ baseURL: '${origin}/proxy/anthropic' })`} />
      <p>
        Or fill it with sample traffic: <code>npx lookout demo --url {origin}</code>
      </p>
    </div>
  );
}

// `change`: a line under the tile, e.g. its PeriodChange against the previous period.
export function Stat(props: { label: string; value: string; sub?: string; tone?: 'bad' | 'warn' | 'good'; testId?: string; change?: ReactNode }) {
  return (
    <div className={`stat${props.tone ? ` ${props.tone}` : ''}`} data-testid={props.testId}>
      <div className="stat-label">{props.label}</div>
      <div className="stat-value">{props.value}</div>
      {props.sub && <div className="stat-sub">{props.sub}</div>}
      {props.change}
    </div>
  );
}

// In place of numbers read from /metrics, for a key that may not read them.
export function MetricsRefused(props: { reason: string }) {
  return (
    <div className="state empty" data-testid="metrics-refused">
      This key cannot read the server's own metrics, so they are not shown here. <span className="muted small">{props.reason}</span>
    </div>
  );
}
