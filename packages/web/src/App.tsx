import { useEffect, useRef, useState, type ComponentType } from 'react';
import { api, apiKey, ApiError, loadMe } from './api/client.ts';
import { projectToUse, selectedProject, setSelectedProject } from './api/session.ts';
import type { Me, Project } from './api/types.ts';
import { accessOf, type Access } from './lib/access.ts';
import { SignInScreen } from './components/SignIn.tsx';
import { WhoAmI } from './components/WhoAmI.tsx';
import { useAsync } from './hooks.ts';
import { hrefWithRange, useLocation, useSearchParams } from './router.ts';
import { Link } from './components/Link.tsx';
import { PRESETS, REFRESH_OPTIONS, DEFAULT_RANGE, rangeProblem } from './time.ts';
import { DAY_MS, readInstant } from '../../server/src/domain/time.ts';
import { Overview } from './pages/Overview.tsx';

// The overview is in the first bundle; every other page is its own chunk, so the first page
// parses less JavaScript. The chunk of the page opened is asked for as the script starts (with
// the project), and a page renders as soon as its chunk is there: no Suspense, whose reveal
// throttling would hold a loaded page back for a few hundred milliseconds.
type PageComponent = ComponentType<PageProps>;
interface LazyPage<P = PageProps> {
  load: () => Promise<ComponentType<P>>;
  loaded: ComponentType<P> | null;
}
function lazyPage<K extends string, P = PageProps>(importer: () => Promise<Record<K, ComponentType<P>>>, name: K): LazyPage<P> {
  let pending: Promise<ComponentType<P>> | null = null;
  const entry: LazyPage<P> = {
    loaded: null,
    load: () =>
      (pending ??= importer().then((m) => {
        entry.loaded = m[name];
        return m[name];
      })),
  };
  return entry;
}
const Executive = lazyPage(() => import('./pages/Executive.tsx'), 'Executive');
const Operations = lazyPage(() => import('./pages/Operations.tsx'), 'Operations');
const Cost = lazyPage(() => import('./pages/Cost.tsx'), 'Cost');
const Security = lazyPage(() => import('./pages/Security.tsx'), 'Security');
const Quality = lazyPage(() => import('./pages/quality/index.tsx'), 'Quality');
const Developer = lazyPage(() => import('./pages/Developer.tsx'), 'Developer');
const Traces = lazyPage(() => import('./pages/Traces.tsx'), 'Traces');
const TraceView = lazyPage(() => import('./pages/TraceView.tsx'), 'TraceView');
const Sessions = lazyPage(() => import('./pages/Sessions.tsx'), 'Sessions');
const Users = lazyPage(() => import('./pages/Users.tsx'), 'Users');
const Prompts = lazyPage(() => import('./pages/prompts/index.tsx'), 'Prompts');
const Experiments = lazyPage(() => import('./pages/Experiments.tsx'), 'Experiments');
const Budgets = lazyPage(() => import('./pages/budgets/index.tsx'), 'Budgets');
const Alerts = lazyPage(() => import('./pages/alerts/index.tsx'), 'Alerts');
const Settings = lazyPage(() => import('./pages/settings/index.tsx'), 'Settings');
// The API reference reads only the public OpenAPI document: it needs no project and no key.
const API_REFERENCE_PATH = '/docs/api';
const ApiReference = lazyPage<'ApiReference', object>(() => import('./pages/api-reference/index.tsx'), 'ApiReference');
const isApiReference = (path: string) => path.replace(/\/+$/, '') === API_REFERENCE_PATH;

function PageView<P extends object>(props: { page: ComponentType<P> | LazyPage<P>; pageProps: P }) {
  const { page, pageProps } = props;
  const lazy = 'load' in page ? page : null;
  const [Component, setComponent] = useState<ComponentType<P> | null>(() => (lazy ? lazy.loaded : (page as ComponentType<P>)));
  const [failed, setFailed] = useState<Error | null>(null);
  useEffect(() => {
    // The chunk may arrive between this render and this effect: load() then answers at once.
    if (lazy && !Component) lazy.load().then((c) => setComponent(() => c), setFailed);
  }, [lazy, Component]);
  if (failed) return <div className="state error">This page could not be loaded ({failed.message}). Reload to try again.</div>;
  return Component ? <Component {...pageProps} /> : <div className="state loading">Loading…</div>;
}

// Who this browser is and the project it shows: asked for as the script starts, not after the
// first render (every page waits for it).
interface Shell {
  project: Project;
  me: Me | null;
}

async function fetchShell(): Promise<Shell> {
  const me = loadMe().catch(() => null);
  try {
    const project = await api<Project>('/api/v1/project');
    const who = await me;
    // A project chosen earlier in which this person has no role any more: the server's choice.
    if (who?.kind === 'user' && selectedProject() && !projectToUse(selectedProject(), who.memberships)) {
      setSelectedProject(null);
      return fetchShell();
    }
    return { project, me: who };
  } catch (err) {
    await me;
    // The chosen project refused (no role there): forget the choice and ask again.
    if (err instanceof ApiError && err.status === 403 && !apiKey() && selectedProject()) {
      setSelectedProject(null);
      return fetchShell();
    }
    throw err;
  }
}

let firstShell: Promise<Shell> | null = fetchShell();
function loadShell(): Promise<Shell> {
  const p = firstShell ?? fetchShell();
  firstShell = null;
  return p;
}

export interface PageProps {
  // Path segments after the page's own, e.g. the trace id of /traces/<id>.
  rest: string[];
  project: Project;
  // The signed-in person, key or keyless operator (null from a server without GET /api/v1/me).
  me: Me | null;
  // What the caller may change here (lib/access.ts).
  access: Access;
}

interface NavItem {
  path: string;
  label: string;
  page: PageComponent | LazyPage;
  group: 'Dashboards' | 'Explore' | 'Manage';
  // The page does not depend on the time range: no time bar.
  timeless?: boolean;
}

const NAV: NavItem[] = [
  { path: '/', label: 'Overview', page: Overview, group: 'Dashboards' },
  { path: '/executive', label: 'Executive', page: Executive, group: 'Dashboards' },
  { path: '/operations', label: 'Operations', page: Operations, group: 'Dashboards' },
  { path: '/cost', label: 'Cost', page: Cost, group: 'Dashboards' },
  { path: '/quality', label: 'Quality', page: Quality, group: 'Dashboards' },
  { path: '/security', label: 'Security', page: Security, group: 'Dashboards' },
  { path: '/developer', label: 'Developer', page: Developer, group: 'Dashboards' },
  { path: '/traces', label: 'Traces', page: Traces, group: 'Explore' },
  { path: '/sessions', label: 'Sessions', page: Sessions, group: 'Explore' },
  { path: '/users', label: 'Users', page: Users, group: 'Explore' },
  { path: '/prompts', label: 'Prompts', page: Prompts, group: 'Explore', timeless: true },
  { path: '/experiments', label: 'Experiments', page: Experiments, group: 'Explore' },
  { path: '/budgets', label: 'Budgets', page: Budgets, group: 'Manage', timeless: true },
  { path: '/alerts', label: 'Alerts', page: Alerts, group: 'Manage' },
  { path: '/settings', label: 'Settings', page: Settings, group: 'Manage', timeless: true },
];

function route(path: string): { item: NavItem; rest: string[] } | null {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  // /overview is the overview too, so a link typed or shared by its name works.
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'overview')) return { item: NAV[0], rest: [] };
  if (parts[0] === 'traces' && parts.length > 1) return { item: { ...NAV.find((n) => n.path === '/traces')!, page: TraceView, timeless: true }, rest: parts.slice(1) };
  const item = NAV.find((n) => n.path === `/${parts[0]}`);
  return item ? { item, rest: parts.slice(1) } : null;
}


// The opened page's chunk, fetched alongside the project.
const opened = isApiReference(window.location.pathname) ? ApiReference : route(window.location.pathname)?.item.page;
if (opened && 'load' in opened) opened.load().catch(() => undefined);

function TimeBar() {
  const [search, set] = useSearchParams();
  const range = search.get('from') && search.get('to') ? 'custom' : (search.get('range') ?? DEFAULT_RANGE);
  const refresh = search.get('refresh') ?? 'off';
  const [custom, setCustom] = useState({ from: search.get('from') ?? '', to: search.get('to') ?? '' });
  const [customError, setCustomError] = useState<string | null>(null);
  const toLocal = (iso: string) => (iso ? iso.slice(0, 16) : '');
  const problem = rangeProblem(search);
  return (
    <div className="timebar" data-testid="timebar">
      {problem && (
        <div className="notice bad" role="alert" data-testid="range-problem">
          {problem}: showing the last {DEFAULT_RANGE}.
        </div>
      )}
      <div className="presets" role="group" aria-label="Time range">
        {PRESETS.map((p) => (
          <button key={p} className={range === p ? 'active' : ''} onClick={() => set({ range: p === DEFAULT_RANGE ? null : p, from: null, to: null })}>
            {p}
          </button>
        ))}
        <button className={range === 'custom' ? 'active' : ''} onClick={() => setCustom((c) => ({ from: c.from || new Date(Date.now() - DAY_MS).toISOString(), to: c.to || new Date().toISOString() }))}>
          Custom
        </button>
      </div>
      {(range === 'custom' || custom.from) && (
        <form
          className="custom-range"
          onSubmit={(e) => {
            e.preventDefault();
            const from = readInstant(custom.from, Date.now());
            const to = readInstant(custom.to, Date.now());
            if (typeof from === 'string' || typeof to === 'string') return setCustomError('Pick both a start and an end.');
            if (from >= to) return setCustomError('The end must be after the start.');
            setCustomError(null);
            set({ range: null, from: new Date(from).toISOString(), to: new Date(to).toISOString() });
          }}
        >
          <input type="datetime-local" aria-label="From (UTC)" value={toLocal(custom.from)} onChange={(e) => setCustom((c) => ({ ...c, from: `${e.target.value}:00Z` }))} />
          <span>→</span>
          <input type="datetime-local" aria-label="To (UTC)" value={toLocal(custom.to)} onChange={(e) => setCustom((c) => ({ ...c, to: `${e.target.value}:00Z` }))} />
          <span className="muted small">UTC</span>
          <button type="submit">Apply</button>
          {customError && (
            <span className="notice bad small" role="alert">
              {customError}
            </span>
          )}
        </form>
      )}
      <label className="refresh">
        Auto-refresh
        <select value={refresh} onChange={(e) => set({ refresh: e.target.value === 'off' ? null : e.target.value })}>
          {REFRESH_OPTIONS.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

export function App() {
  const { path } = useLocation();
  const [authNonce, setAuthNonce] = useState(0);
  const signedIn = useRef(false);
  useEffect(() => {
    const bump = () => setAuthNonce((n) => n + 1);
    // A 401 while a page is open (the session expired or was ended elsewhere): load again, which
    // shows the sign-in screen. Not while it shows already: every refusal there would reload.
    const expired = () => {
      if (!signedIn.current) return;
      signedIn.current = false;
      bump();
    };
    window.addEventListener('lookout:auth', bump);
    window.addEventListener('lookout:unauthorized', expired);
    return () => {
      window.removeEventListener('lookout:auth', bump);
      window.removeEventListener('lookout:unauthorized', expired);
    };
  }, []);
  const shell = useAsync(loadShell, [authNonce]);
  signedIn.current = shell.data !== null && !shell.loading;
  const project = { data: shell.data?.project ?? null, error: shell.error };
  const matched = route(path);

  const reference = isApiReference(path);
  let body: React.ReactNode;
  if (reference) body = <PageView key={API_REFERENCE_PATH} page={ApiReference} pageProps={{}} />;
  else if (project.error) {
    const status = (project.error as { status?: number }).status;
    body =
      status === 401 ? (
        <SignInScreen key={authNonce} />
      ) : (
        <div className="state error">Could not reach the Lookout API: {project.error.message}</div>
      );
  } else if (!project.data) body = <div className="state loading">Loading…</div>;
  else if (!matched) body = <div className="state empty">No page at {path}. <Link href="/">Go to the overview</Link>.</div>;
  else {
    const me = shell.data?.me ?? null;
    body = (
      <PageView
        key={matched.item.path + (matched.item.page === TraceView ? '/trace' : '')}
        page={matched.item.page}
        pageProps={{ rest: matched.rest, project: project.data, me, access: accessOf(project.data, me) }}
      />
    );
  }

  return (
    <div className="layout">
      <nav className="sidebar" aria-label="Pages">
        <div className="brand">
          <span className="dot" /> Lookout
        </div>
        {(['Dashboards', 'Explore', 'Manage'] as const).map((g) => (
          <div key={g} className="nav-group">
            <div className="nav-title">{g}</div>
            {NAV.filter((n) => n.group === g).map((n) => (
              <Link key={n.path} href={hrefWithRange(n.path)} className={matched?.item.path === n.path ? 'active' : ''} testId={`nav-${n.label.toLowerCase()}`}>
                {n.label}
              </Link>
            ))}
          </div>
        ))}
        <div className="nav-group">
          <div className="nav-title">Reference</div>
          <Link href={API_REFERENCE_PATH} className={reference ? 'active' : ''} testId="nav-api">
            API
          </Link>
        </div>
        {shell.data && <WhoAmI project={shell.data.project} me={shell.data.me} />}
      </nav>
      <main>
        <div className="topbar">
          <h1>{reference ? 'API reference' : (matched?.item.label ?? 'Lookout')}</h1>
          {!reference && !matched?.item.timeless && <TimeBar />}
        </div>
        {body}
      </main>
    </div>
  );
}
