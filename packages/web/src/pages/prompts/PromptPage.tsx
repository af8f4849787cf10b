import { useState } from 'react';
import { analytics, errorText, get, put } from '../../api/client.ts';
import type { Project, PromptVersion, PromptVersionInfo, PromptVersions } from '../../api/types.ts';
import { Link } from '../../components/Link.tsx';
import { Section } from '../../components/States.tsx';
import { Table } from '../../components/Table.tsx';
import { useAsync } from '../../hooks.ts';
import { hrefWithRange, useSearchParams } from '../../router.ts';
import { useTimeRange } from '../../time.ts';
import { PromptDiffView } from './PromptDiff.tsx';
import { LabelPills, when } from './shared.tsx';
import { canWritePrompts, needs, type Access } from '../../lib/access.ts';

// One prompt: its versions newest first (`version=` in the address selects one), the selected
// version's content, the diff from another version to it (`base=`), its labels and the control
// that moves one, and a link to the calls that carry the prompt's name.

const readVersion = (text: string | null): number | null => (text && /^\d{1,9}$/.test(text) ? Number(text) : null);

// The trace list's filter for the calls made from this prompt (docs/prompts.md#capture).
export const callsHref = (name: string) => hrefWithRange('/traces', { metadata: `lookout.prompt.name:${name}` });

export function PromptPage(props: { name: string; project: Project; access: Access }) {
  const { name } = props;
  const [search, set] = useSearchParams();
  const versions = useAsync(() => get('/api/v1/prompts/{name}/versions', undefined, { name }), [name]);
  const latest = versions.data?.versions[0]?.version ?? null;
  const selected = readVersion(search.get('version')) ?? latest;
  const baseAsked = readVersion(search.get('base'));
  // By default the diff is from the version before the selected one.
  const older = versions.data?.versions.find((v) => selected !== null && v.version < selected)?.version ?? null;
  const base = baseAsked ?? older;

  return (
    <div className="page prompts-page prompt-page" data-testid="prompt-page">
      <div className="breadcrumbs">
        <Link href={hrefWithRange('/prompts')}>Prompts</Link> / <strong data-testid="prompt-name">{name}</strong>
        <span className="prompt-links">
          <Link href={callsHref(name)} testId="prompt-calls">
            Calls made with this prompt →
          </Link>
        </span>
      </div>
      <Section title="Versions" state={versions} full testId="prompt-versions">
        {(d) => <VersionTable data={d} selected={selected} onSelect={(v) => set({ version: String(v), base: null })} />}
      </Section>
      {versions.data && selected !== null && (
        <>
          <VersionContent key={selected} name={name} version={selected} info={versions.data.versions.find((v) => v.version === selected) ?? null} />
          <Section title="Changes" state={versions} full testId="prompt-diff-panel">
            {(d) =>
              d.versions.length < 2 ? (
                <div className="muted">This prompt has one version: push another to compare them.</div>
              ) : (
                <>
                  <div className="form-row prompt-diff-pick">
                    From version
                    <VersionSelect versions={d.versions} value={base} onChange={(v) => set({ base: String(v) })} testId="diff-base" />
                    to version
                    <VersionSelect versions={d.versions} value={selected} onChange={(v) => set({ version: String(v) })} testId="diff-target" />
                  </div>
                  {base === null ? (
                    <div className="muted">Pick a version to compare with.</div>
                  ) : base === selected ? (
                    <div className="muted">Pick two different versions.</div>
                  ) : (
                    <>
                      <ExperimentLinks name={name} before={base} after={selected} />
                      <VersionDiff key={`${base}-${selected}`} name={name} before={base} after={selected} />
                    </>
                  )}
                </>
              )
            }
          </Section>
          <LabelControl key={`labels-${selected}`} name={name} data={versions.data} selected={selected} access={props.access} onMoved={versions.reload} />
        </>
      )}
    </div>
  );
}

function VersionTable(props: { data: PromptVersions; selected: number | null; onSelect: (version: number) => void }) {
  return (
    <Table<PromptVersionInfo>
      testId="version-table"
      rows={props.data.versions}
      rowKey={(v) => String(v.version)}
      onRowClick={(v) => props.onSelect(v.version)}
      columns={[
        {
          key: 'version',
          label: 'Version',
          align: 'right',
          render: (v) => (
            <span data-testid="version-number" className={v.version === props.selected ? 'prompt-selected' : undefined}>
              {v.version === props.selected ? '▶ ' : ''}
              {v.version}
            </span>
          ),
        },
        { key: 'message', label: 'Message', render: (v) => <span data-testid="version-message">{v.message ?? '—'}</span> },
        { key: 'type', label: 'Type' },
        { key: 'model', label: 'Model', render: (v) => v.model ?? '—' },
        { key: 'createdAt', label: 'Created', render: (v) => <span data-testid="version-created">{when(v.createdAt)}</span> },
        { key: 'createdBy', label: 'By', render: (v) => <span data-testid="version-author">{v.createdBy ?? 'operator (no key)'}</span> },
        {
          key: 'labels',
          label: 'Labels',
          sortValue: (v) => v.labels.length,
          render: (v) => (
            <span className="prompt-labels" data-testid="version-labels">
              {v.labels.map((l) => (
                <span key={l} className={`pill${l === 'production' ? ' good' : ''}`}>
                  {l}
                </span>
              ))}
            </span>
          ),
        },
      ]}
    />
  );
}

function VersionSelect(props: { versions: PromptVersionInfo[]; value: number | null; onChange: (v: number) => void; testId: string }) {
  return (
    <select value={props.value ?? ''} onChange={(e) => props.onChange(Number(e.target.value))} data-testid={props.testId}>
      {props.value === null && <option value="">—</option>}
      {props.versions.map((v) => (
        <option key={v.version} value={v.version}>
          {v.version}
          {v.labels.length ? ` (${v.labels.join(', ')})` : ''}
        </option>
      ))}
    </select>
  );
}

// Features whose calls carried this prompt in the range, the most calls first: the comparison
// of two versions is over one feature's calls (docs/prompts.md#comparing-versions-the-statistics).
const FEATURES_LINKED = 3;

// `prompt` keeps the comparison to this prompt's calls where a feature sends several prompts.
export const experimentsHref = (name: string, before: number, after: number, feature: string | null) =>
  hrefWithRange('/experiments', { by: 'prompt_version', prompt: name, values: `${before},${after}`, feature });

function ExperimentLinks(props: { name: string; before: number; after: number }) {
  const range = useTimeRange();
  const features = useAsync(
    () => analytics({ from: range.from, to: range.to, measures: 'requests', groupBy: 'feature', filter: `prompt:${props.name}`, orderBy: 'requests', limit: FEATURES_LINKED }),
    [props.name, range.from, range.to],
  );
  const named = (features.data?.rows ?? []).map((r) => r.feature).filter((f): f is string => typeof f === 'string' && f !== '');
  // The link names a feature once the range's features are known (or could not be read).
  if (!features.data && !features.error) return <div className="small muted">Looking for the features that used this prompt…</div>;
  return (
    <div className="small prompt-experiments" data-testid="prompt-experiments">
      Calls, cost, latency and scores of version {props.before} against version {props.after}:{' '}
      {named.length === 0 ? (
        <Link href={experimentsHref(props.name, props.before, props.after, null)} testId="prompt-experiment-link">
          Experiments →
        </Link>
      ) : (
        named.map((f, i) => (
          <span key={f}>
            {i > 0 && ', '}
            <Link href={experimentsHref(props.name, props.before, props.after, f)} testId="prompt-experiment-link">
              feature {f} →
            </Link>
          </span>
        ))
      )}
    </div>
  );
}

const loadVersion = (name: string, version: number) => get('/api/v1/prompts/{name}', { version }, { name });

function VersionContent(props: { name: string; version: number; info: PromptVersionInfo | null }) {
  const state = useAsync(() => loadVersion(props.name, props.version), [props.name, props.version]);
  return (
    <Section title={`Version ${props.version}`} state={state} full testId="prompt-content">
      {(v) => (
        <>
          <dl className="prompt-facts">
            <div>
              <dt>Type</dt>
              <dd data-testid="content-type">{v.type}</dd>
            </div>
            <div>
              <dt>Model</dt>
              <dd data-testid="content-model">{v.model ?? '—'}</dd>
            </div>
            <div>
              <dt>Labels</dt>
              <dd data-testid="content-labels">{(props.info?.labels ?? v.labels).join(', ') || '—'}</dd>
            </div>
            <div>
              <dt>Message</dt>
              <dd>{v.message ?? '—'}</dd>
            </div>
          </dl>
          <PromptBodyView version={v} />
          <h4 className="prompt-subtitle">Parameters</h4>
          {v.parameters && Object.keys(v.parameters).length > 0 ? (
            <pre className="prompt-text" data-testid="content-parameters">
              {JSON.stringify(v.parameters, null, 2)}
            </pre>
          ) : (
            <div className="muted small">none</div>
          )}
        </>
      )}
    </Section>
  );
}

// The text or the messages as written, drawn as text (never as markup).
function PromptBodyView(props: { version: PromptVersion }) {
  const p = props.version.prompt;
  if (typeof p === 'string')
    return (
      <pre className="prompt-text" data-testid="content-text">
        {p}
      </pre>
    );
  return (
    <ol className="prompt-messages" data-testid="content-messages">
      {p.map((m, i) => (
        <li key={i} data-testid="content-message" data-role={m.role}>
          <span className="pill">{m.role}</span>
          <pre className="prompt-text">{m.content}</pre>
        </li>
      ))}
    </ol>
  );
}

function VersionDiff(props: { name: string; before: number; after: number }) {
  const state = useAsync(() => Promise.all([loadVersion(props.name, props.before), loadVersion(props.name, props.after)]), [props.name, props.before, props.after]);
  if (state.error) return <div className="state error">{state.error.message}</div>;
  if (!state.data) return <div className="state loading">Loading…</div>;
  const [before, after] = state.data;
  return <PromptDiffView before={before} after={after} />;
}

// Points a label at a version (PUT /api/v1/prompts/{name}/labels/{label}): a person with the
// member role, or an admin key. A person without the role finds it disabled; a key without the
// admin scope still may try, and the server's refusal is shown as it answers.
function LabelControl(props: { name: string; data: PromptVersions; selected: number; access: Access; onMoved: () => void }) {
  const allowed = canWritePrompts(props.access);
  const blocked = !allowed && props.access.person;
  const denied = props.access.person ? needs(props.access, 'member', 'moving a label') : needs(props.access, 'admin', 'moving a label');
  const [label, setLabel] = useState('production');
  const [version, setVersion] = useState<number>(props.selected);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const suggestions = [...new Set(['production', 'staging', ...Object.keys(props.data.labels)])];
  const current = props.data.labels[label.trim()];
  return (
    <section className="panel full" data-testid="prompt-labels-panel">
      <header>
        <h3>Labels</h3>
      </header>
      <div className="small">
        Now: <LabelPills labels={props.data.labels} /> <span className="muted">(latest → {props.data.versions[0]?.version})</span>
      </div>
      {!allowed && (
        <div className="notice" data-testid="labels-read-only">
          {denied}
        </div>
      )}
      <form
        className="form-row prompt-label-form"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setOutcome(null);
          try {
            const set = await put('/api/v1/prompts/{name}/labels/{label}', { version }, { name: props.name, label: label.trim() });
            setOutcome({ ok: true, text: `${set.label} now points at version ${set.version}.` });
            props.onMoved();
          } catch (err) {
            setOutcome({ ok: false, text: errorText(err) });
          } finally {
            setBusy(false);
          }
        }}
      >
        Point label
        <input list="prompt-label-suggestions" value={label} onChange={(e) => setLabel(e.target.value)} aria-label="Label" data-testid="label-name" required />
        <datalist id="prompt-label-suggestions">
          {suggestions.map((l) => (
            <option key={l} value={l} />
          ))}
        </datalist>
        at version
        <VersionSelect versions={props.data.versions} value={version} onChange={setVersion} testId="label-version" />
        <button type="submit" className="primary" disabled={blocked || busy || !label.trim()} title={allowed ? undefined : denied} data-testid="label-move">
          {current === undefined ? 'Set label' : 'Move label'}
        </button>
        {current !== undefined && <span className="muted small">now at version {current}</span>}
      </form>
      {outcome && (
        <div className={`notice${outcome.ok ? '' : ' bad'}`} role={outcome.ok ? 'status' : 'alert'} data-testid="label-outcome">
          {outcome.text}
        </div>
      )}
    </section>
  );
}
