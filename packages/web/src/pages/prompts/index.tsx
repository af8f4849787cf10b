import { get } from '../../api/client.ts';
import type { PromptSummary } from '../../api/types.ts';
import type { PageProps } from '../../App.tsx';
import { Link } from '../../components/Link.tsx';
import { Section } from '../../components/States.tsx';
import { Table } from '../../components/Table.tsx';
import { useAsync } from '../../hooks.ts';
import { PromptPage } from './PromptPage.tsx';
import { LabelPills, promptHref, when } from './shared.tsx';
import './Prompts.css';

// The prompt registry (docs/prompts.md#registry): /prompts lists the project's prompts,
// /prompts/<name> shows one with its versions, their content, the diff of any two and its labels.
// The registry does not depend on the time range; the links to a prompt's calls carry it.

export function Prompts(props: PageProps) {
  const name = props.rest[0];
  if (name) return <PromptPage key={name} name={name} project={props.project} access={props.access} />;
  return <PromptList />;
}

function PromptList() {
  const list = useAsync(() => get('/api/v1/prompts'), []);
  return (
    <div className="page prompts-page">
      <Section
        title="Prompts"
        state={list}
        full
        testId="prompt-list"
        empty={(d) => d.prompts.length === 0}
        emptyText={<HowToPush />}
        actions={list.data && list.data.prompts.length > 0 ? <span className="muted small">{list.data.prompts.length} of at most {list.data.limits.promptsPerProject.toLocaleString('en-US')}</span> : undefined}
      >
        {(d) => (
          <Table<PromptSummary>
            testId="prompt-table"
            rows={d.prompts}
            rowKey={(p) => p.name}
            initialSort={{ key: 'updatedAt', dir: 'desc' }}
            columns={[
              { key: 'name', label: 'Name', render: (p) => <Link href={promptHref(p.name)} testId="prompt-link">{p.name}</Link> },
              { key: 'type', label: 'Type' },
              { key: 'latestVersion', label: 'Latest version', align: 'right', render: (p) => <span data-testid="prompt-latest">{p.latestVersion}</span> },
              { key: 'versions', label: 'Versions', align: 'right' },
              { key: 'labels', label: 'Labels', sortValue: (p) => Object.keys(p.labels).length, render: (p) => <LabelPills labels={p.labels} /> },
              { key: 'updatedAt', label: 'Updated', render: (p) => when(p.updatedAt) },
            ]}
          />
        )}
      </Section>
    </div>
  );
}

// An empty registry: how a prompt gets in and how an application reads it.
function HowToPush() {
  const origin = window.location.origin;
  return (
    <div className="prompts-empty" data-testid="prompts-empty">
      <p>
        <strong>No prompts in this project yet.</strong> The registry keeps versions of the prompts your application sends (text, or chat messages with a model and its
        parameters), and labels such as <code>production</code> that point at the version to use, so a prompt can change without a deploy.
      </p>
      <h4>Push a version from a file (the member role, or an admin key)</h4>
      <pre className="snippet-text">{`npx lookout prompts push support prompt.json --label staging -m "first version"   # .json: chat messages; other files: text
npx lookout prompts label support production 1`}</pre>
      <h4>Or through the API</h4>
      <pre className="snippet-text">{`curl -X POST ${origin}/api/v1/prompts -H 'content-type: application/json' \\
  -d '{"name":"support","prompt":[{"role":"system","content":"You help with {{product}}."},{"role":"user","content":"{{question}}"}],"model":"gpt-4o-mini","labels":["production"]}'`}</pre>
      <h4>Read it in the application (TypeScript SDK)</h4>
      <pre className="snippet-text">{`import { getPrompt, withContext } from '@lookout/sdk';

const p = await getPrompt('support', { label: 'production', fallback: 'You help with {{product}}.' });
await withContext({ prompt: { name: p.name, version: p.version ?? undefined } }, () =>
  openai.chat.completions.create({ model: p.model ?? 'gpt-4o-mini', messages: p.compile({ product, question }) }));`}</pre>
      <p className="muted small">
        <code>getPrompt</code> caches what it read and falls back to the text you give when Lookout cannot be reached; the calls made inside <code>withContext</code> carry the
        prompt's name and version, so this page links a prompt to its calls. Capture, the registry and the comparison of versions are described in docs/prompts.md.
      </p>
    </div>
  );
}
