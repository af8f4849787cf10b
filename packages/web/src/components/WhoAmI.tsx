import { useState } from 'react';
import { apiKey, errorText, setApiKey, signOut } from '../api/client.ts';
import { setSelectedProject } from '../api/session.ts';
import type { Me, Project } from '../api/types.ts';
import { roleOf } from '../lib/access.ts';

// The sidebar's foot: who this browser is. A signed-in person: their email, their role in the
// project shown, a project selector when they have roles in several, and "Sign out". A key or the
// keyless operator: the project and the key's scope.

export function WhoAmI(props: { project: Project; me: Me | null }) {
  const { project, me } = props;
  const name = project.project.name ?? project.project.id;
  if (me?.kind === 'user' && me.user && !apiKey()) return <Person project={project} me={me} />;
  return (
    <div className="project" data-testid="whoami">
      {name}
      <br />
      <small>key scope: {project.scope}</small>
      {apiKey() && (
        <button className="link" onClick={() => setApiKey(null)}>
          Forget key
        </button>
      )}
    </div>
  );
}

function Person(props: { project: Project; me: Me }) {
  const { project, me } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const projects = [...new Set(me.memberships.map((m) => m.projectId))].sort();
  const role = me.role ?? roleOf(me.grant) ?? me.grant;
  return (
    <div className="project whoami" data-testid="whoami">
      <div className="whoami-email" data-testid="whoami-email" title={me.user?.name ?? undefined}>
        {me.user?.email}
      </div>
      <small data-testid="whoami-role">
        {role} in {project.project.name ?? project.project.id}
      </small>
      {projects.length > 1 && (
        <label className="whoami-projects small">
          Project
          <select
            value={me.projectId}
            data-testid="project-select"
            onChange={(e) => {
              setSelectedProject(e.target.value);
              // Every page's data belongs to the project: start over in the one chosen.
              window.location.reload();
            }}
          >
            {projects.map((p) => (
              <option key={p} value={p}>
                {p} ({me.memberships.find((m) => m.projectId === p)?.role})
              </option>
            ))}
          </select>
        </label>
      )}
      <button
        className="link"
        data-testid="signout"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          setError(null);
          signOut().then(
            (endSessionUrl) => {
              setSelectedProject(null);
              // The provider ends its own session too, then sends the browser back.
              if (endSessionUrl) window.location.assign(endSessionUrl);
              else window.dispatchEvent(new Event('lookout:auth'));
            },
            (err: unknown) => {
              setBusy(false);
              setError(errorText(err));
            },
          );
        }}
      >
        Sign out
      </button>
      {error && (
        <div className="notice bad small" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
