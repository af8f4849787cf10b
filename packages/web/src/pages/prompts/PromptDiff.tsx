import { useMemo, useState } from 'react';
import type { PromptVersion } from '../../api/types.ts';
import { changed, foldUnchanged, parametersDiff, promptDiff, type DiffLine, type LineDiff, type MessageDiff } from '../../lib/prompt-diff.ts';

// The difference from one version of a prompt to another: the model, each chat message (or the
// text) line by line, and the parameters. Unchanged stretches are folded and open on a click.

export function PromptDiffView(props: { before: PromptVersion; after: PromptVersion }) {
  const { before, after } = props;
  // A diff may take a while on long texts: computed once per pair of versions, not per render.
  const body = useMemo(() => promptDiff(before.prompt, after.prompt), [before, after]);
  const params = useMemo(() => parametersDiff(before.parameters, after.parameters), [before, after]);
  const bodyChanged = body.type === 'text' ? changed(body.lines) : body.messages.some((m) => m.status !== 'same' || changed(m.lines));
  return (
    <div className="prompt-diff" data-testid="prompt-diff" data-before={before.version} data-after={after.version}>
      <div className="small prompt-diff-head">
        <span className="diff-del-text">− version {before.version}</span> <span className="diff-add-text">+ version {after.version}</span>
      </div>
      {before.model !== after.model ? (
        <div data-testid="diff-model">
          Model: <span className="diff-del-text">{before.model ?? 'none'}</span> → <span className="diff-add-text">{after.model ?? 'none'}</span>
        </div>
      ) : (
        <div className="muted small">Model unchanged: {after.model ?? 'none'}</div>
      )}
      {!bodyChanged && (
        <div className="muted small" data-testid="diff-body-same">
          {body.type === 'text' && before.prompt !== after.prompt ? 'The text differs only in its final line break.' : 'The prompt itself is unchanged.'}
        </div>
      )}
      {body.type === 'text' ? (
        <Lines lines={body.lines} testId="diff-text" />
      ) : (
        <ol className="prompt-diff-messages" data-testid="diff-messages">
          {body.messages.map((m, i) => (
            <MessageBlock key={i} m={m} />
          ))}
        </ol>
      )}
      <h4 className="prompt-subtitle">Parameters</h4>
      {changed(params) ? <Lines lines={params} testId="diff-parameters" /> : <div className="muted small">unchanged</div>}
    </div>
  );
}

function MessageBlock({ m }: { m: MessageDiff }) {
  const role = m.oldRole === m.newRole || m.oldRole === null ? m.newRole : m.newRole === null ? m.oldRole : `${m.oldRole} → ${m.newRole}`;
  const place = m.status === 'removed' ? `message ${m.oldIndex! + 1} of version before` : `message ${m.newIndex! + 1}`;
  return (
    <li className={`prompt-diff-message diff-${m.status}`} data-testid="diff-message" data-status={m.status}>
      <div className="small">
        <span className="pill">{role}</span> <span className="muted">{place}</span> {m.status !== 'same' && <span className={`pill${m.status === 'removed' ? ' bad' : m.status === 'added' ? ' good' : ' warn'}`}>{m.status}</span>}
      </div>
      <Lines lines={m.lines} />
    </li>
  );
}

function Lines(props: { lines: LineDiff; testId?: string }) {
  if (props.lines === null) return <div className="notice" data-testid={props.testId}>Too many differences to show line by line.</div>;
  return (
    <div className="diff-lines" data-testid={props.testId}>
      {foldUnchanged(props.lines).map((h, i) => (h.type === 'lines' ? h.lines.map((l, j) => <Line key={`${i}-${j}`} line={l} />) : <Folded key={i} lines={h.lines} />))}
    </div>
  );
}

function Folded(props: { lines: DiffLine[] }) {
  const [open, setOpen] = useState(false);
  if (open) return props.lines.map((l, j) => <Line key={j} line={l} />);
  return (
    <button type="button" className="diff-fold" onClick={() => setOpen(true)}>
      ⋯ {props.lines.length} unchanged line{props.lines.length === 1 ? '' : 's'}
    </button>
  );
}

function Line({ line }: { line: DiffLine }) {
  const sign = line.kind === 'add' ? '+' : line.kind === 'del' ? '−' : ' ';
  return (
    <div className={`diff-line diff-${line.kind}`} data-testid="diff-line" data-kind={line.kind}>
      <span className="diff-no">{line.oldNo ?? ''}</span>
      <span className="diff-no">{line.newNo ?? ''}</span>
      <span className="diff-sign">{sign}</span>
      <span className="diff-text">{line.text}</span>
    </div>
  );
}
