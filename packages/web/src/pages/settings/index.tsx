import type { PageProps } from '../../App.tsx';
import { allows, needs, roleOf, type Access } from '../../lib/access.ts';
import { ContentCapture } from './ContentCapture.tsx';
import { Evaluators } from './Evaluators.tsx';
import { Keys } from './Keys.tsx';
import { Prices } from './Prices.tsx';
import { Privacy } from './Privacy.tsx';
import { Retention } from './Retention.tsx';
import { Erasure } from './Erasure.tsx';
import { Projects } from './Projects.tsx';
import { Backup } from './Backup.tsx';
import { Members } from './Members.tsx';
import { Audit } from './Audit.tsx';
import './Settings.css';

// Prices (instance-wide), API keys, content capture, privacy and evaluators of the project
// (docs/api.md, docs/privacy.md, docs/quality.md).

export function Settings(props: PageProps) {
  const admin = allows(props.access, 'admin');
  // Prices are instance-wide: only the default project's admin (the instance operator) changes them.
  const operator = admin && props.project.project.id === 'default';
  return (
    <div className="page settings">
      {!admin && <ReadOnlyNotice access={props.access} />}
      {/* What a disabled control needs, on hovering any of them. */}
      <div className="settings-sections" title={admin ? undefined : needs(props.access, 'admin', 'changing settings')}>
        <Prices canWrite={operator} admin={admin} />
        <Keys canWrite={admin} />
        <Members projectId={props.project.project.id} canWrite={admin} selfId={props.access.userId} denied={needs(props.access, 'admin', 'managing members')} />
        <ContentCapture project={props.project} canWrite={admin} />
        <Privacy canWrite={admin} />
        <Retention canWrite={admin} />
        <Erasure canWrite={admin} />
        <Evaluators canWrite={admin} />
        <Projects projectId={props.project.project.id} canWrite={admin} operator={operator} />
        <Backup operator={operator} />
        {admin && <Audit />}
      </div>
    </div>
  );
}

function ReadOnlyNotice(props: { access: Access }) {
  const { access } = props;
  if (access.person)
    return (
      <div className="notice settings-readonly" data-testid="read-only-notice" role="status">
        <strong>Read-only.</strong> Your role in project <code>{access.projectId}</code> is {roleOf(access.grant) ?? access.grant}: you can see these settings but not change
        them. Changing them needs the admin role — ask an admin of the project.
      </div>
    );
  return (
    <div className="notice settings-readonly" data-testid="read-only-notice" role="status">
      <strong>Read-only.</strong> This browser uses a key with scope <code>{access.grant}</code>: you can see these settings but not change them. To change
      them, use an admin key — the one the server printed when it first started, or a new one from{' '}
      <code>npx lookout keys create --scope admin</code> — then choose <em>Forget key</em> in the sidebar and paste it.
    </div>
  );
}
