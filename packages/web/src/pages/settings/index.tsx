import type { KeyScope } from '../../api/types.ts';
import type { PageProps } from '../../App.tsx';
import { ContentCapture } from './ContentCapture.tsx';
import { Evaluators } from './Evaluators.tsx';
import { Keys } from './Keys.tsx';
import { Prices } from './Prices.tsx';
import { Privacy } from './Privacy.tsx';
import { Retention } from './Retention.tsx';
import { Erasure } from './Erasure.tsx';
import { Projects } from './Projects.tsx';
import { Backup } from './Backup.tsx';
import './Settings.css';

// Prices (instance-wide), API keys, content capture, privacy and evaluators of the project
// (docs/api.md, docs/privacy.md, docs/quality.md).

export function Settings(props: PageProps) {
  const admin = props.project.scope === 'admin';
  // Prices are instance-wide: only the default project's admin (the instance operator) changes them.
  const operator = admin && props.project.project.id === 'default';
  return (
    <div className="page settings">
      {!admin && <ReadOnlyNotice scope={props.project.scope} />}
      <Prices canWrite={operator} admin={admin} />
      <Keys canWrite={admin} />
      <ContentCapture project={props.project} canWrite={admin} />
      <Privacy canWrite={admin} />
      <Retention canWrite={admin} />
      <Erasure canWrite={admin} />
      <Evaluators canWrite={admin} />
      <Projects projectId={props.project.project.id} canWrite={admin} operator={operator} />
      <Backup operator={operator} />
    </div>
  );
}

function ReadOnlyNotice(props: { scope: KeyScope }) {
  return (
    <div className="notice settings-readonly" data-testid="read-only-notice" role="status">
      <strong>Read-only.</strong> This browser uses a key with scope <code>{props.scope}</code>: you can see these settings but not change them. To change
      them, use an admin key — the one the server printed when it first started, or a new one from{' '}
      <code>npx lookout keys create --scope admin</code> — then choose <em>Forget key</em> in the sidebar and paste it.
    </div>
  );
}
