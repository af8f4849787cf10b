import { useMemo, useState } from 'react';
import type { Span } from '../api/types.ts';
import { parseContent, prettyJson, type Message, type ParsedContent, type Part, type RetrievedDocument } from '../lib/conversation.ts';

// A span's captured content: as a conversation when its shape is known (lib/conversation.ts), as
// captured otherwise, and as captured on demand ("Show raw"). Everything is rendered as text nodes:
// captured content is the application's users' text and may carry markup meant to run here.

export function SpanContent(props: { span: Span }) {
  const s = props.span;
  const [raw, setRaw] = useState(false);
  const input = useMemo(() => parseContent(s.content?.input, s.kind), [s.content?.input, s.kind]);
  const output = useMemo(() => parseContent(s.content?.output, s.kind), [s.content?.output, s.kind]);
  if (!s.content) {
    return s.kind === 'generation' ? (
      <div className="content" data-testid="span-content">
        <p className="muted small">Prompt and response were not captured (the project's content capture is "metadata" or "off", or the source did not send them).</p>
      </div>
    ) : null;
  }
  return (
    <div className="content" data-testid="span-content">
      <div className="content-header">
        <h4>{input.kind === 'conversation' || output.kind === 'conversation' ? 'Conversation' : 'Content'}</h4>
        <button type="button" className="link" data-testid="content-raw-toggle" aria-pressed={raw} onClick={() => setRaw(!raw)}>
          {raw ? 'Show formatted' : 'Show raw'}
        </button>
      </div>
      {raw ? (
        <div className="grid two" data-testid="content-raw">
          <div>
            <h4>Input</h4>
            <pre className="content-box">{s.content.input === null ? '(none)' : prettyJson(s.content.input)}</pre>
          </div>
          <div>
            <h4>Output</h4>
            <pre className="content-box">{s.content.output === null ? '(none)' : prettyJson(s.content.output)}</pre>
          </div>
        </div>
      ) : (
        <div className="conversation" data-testid="conversation">
          <h5>Input</h5>
          <Parsed value={input} side="input" />
          <h5>Output</h5>
          <Parsed value={output} side="output" />
        </div>
      )}
    </div>
  );
}

function Parsed(props: { value: ParsedContent; side: 'input' | 'output' }) {
  const v = props.value;
  switch (v.kind) {
    case 'empty':
      return <p className="muted small">(none)</p>;
    case 'text':
      return (
        <div className={`msg role-${props.side === 'input' ? 'user' : 'assistant'}`} data-testid={`content-${props.side}`}>
          <div className="msg-text">{v.text}</div>
        </div>
      );
    case 'raw':
      return (
        <pre className="content-box" data-testid={`content-${props.side}`} title="Not a message format Lookout knows: shown as captured">
          {v.text}
        </pre>
      );
    case 'documents':
      return <Documents documents={v.documents} />;
    case 'conversation':
      return (
        <div data-testid={`content-${props.side}`}>
          {v.messages.map((m, i) => (
            <MessageView key={i} message={m} />
          ))}
        </div>
      );
  }
}

const ROLE_LABEL = { system: 'System', user: 'User', assistant: 'Assistant', tool: 'Tool' } as const;

function roleLabel(m: Message): string {
  const base = m.role === 'other' ? m.rawRole : ROLE_LABEL[m.role];
  return m.role !== 'other' && m.rawRole.toLowerCase() !== m.role ? `${base} (${m.rawRole})` : base;
}

const charsOf = (parts: Part[]): number => parts.reduce((a, p) => a + (p.type === 'text' ? p.text.length : 0), 0);

function MessageView(props: { message: Message }) {
  const m = props.message;
  if (m.role === 'system') {
    // The system prompt is long and the same on every call: folded until asked for.
    return (
      <details className="msg role-system" data-testid="message" data-role="system">
        <summary>
          <span className="msg-role">{roleLabel(m)} prompt</span> <span className="muted small">{charsOf(m.parts).toLocaleString('en-US')} characters</span>
        </summary>
        <Parts parts={m.parts} />
      </details>
    );
  }
  return (
    <div className={`msg role-${m.role}`} data-testid="message" data-role={m.role}>
      <div className="msg-role">
        {roleLabel(m)}
        {m.name && <span className="muted"> · {m.name}</span>}
      </div>
      <Parts parts={m.parts} />
    </div>
  );
}

function Parts(props: { parts: Part[] }) {
  if (props.parts.length === 0) return <div className="muted small">(empty)</div>;
  return (
    <>
      {props.parts.map((p, i) => (
        <PartView key={i} part={p} />
      ))}
    </>
  );
}

function PartView(props: { part: Part }) {
  const p = props.part;
  switch (p.type) {
    case 'text':
      return <div className="msg-text">{p.text}</div>;
    case 'reasoning':
      return (
        <details className="msg-reasoning">
          <summary className="muted small">Reasoning</summary>
          <div className="msg-text">{p.text}</div>
        </details>
      );
    case 'refusal':
      return (
        <div className="msg-text">
          <span className="pill warn">refusal</span> {p.text}
        </div>
      );
    case 'tool_call':
      return (
        <div className="tool-call" data-testid="tool-call">
          <div>
            <span className="pill">tool call</span> <strong className="mono">{p.name}</strong>
            {p.id && <span className="muted mono"> {p.id}</span>}
          </div>
          {p.arguments !== '' && <pre className="content-box">{p.arguments}</pre>}
        </div>
      );
    case 'tool_result':
      return (
        <div className="tool-result" data-testid="tool-result">
          <div>
            <span className={`pill ${p.isError ? 'bad' : 'good'}`}>{p.isError ? 'tool error' : 'tool result'}</span>
            {p.name && <strong className="mono"> {p.name}</strong>}
            {p.id && <span className="muted mono"> {p.id}</span>}
          </div>
          <Parts parts={p.parts} />
        </div>
      );
    case 'media':
      return (
        <div className="msg-media">
          <span className="pill">{p.media}</span> <span className="mono">{p.label}</span>
        </div>
      );
    case 'data':
      return <pre className="content-box">{p.json}</pre>;
  }
}

function Documents(props: { documents: RetrievedDocument[] }) {
  return (
    <ol className="documents" data-testid="documents">
      {props.documents.map((d, i) => (
        <li key={i} className="document">
          <div className="small">
            <strong>Document {i + 1}</strong>
            {d.id && <span className="mono"> {d.id}</span>}
            {d.score !== null && <span className="pill">score {Math.round(d.score * 1000) / 1000}</span>}
            {d.source && <span className="muted"> · {d.source}</span>}
          </div>
          {d.text && <div className="msg-text">{d.text}</div>}
        </li>
      ))}
    </ol>
  );
}
