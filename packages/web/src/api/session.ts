// A person signed in to this browser: their session lives in an HttpOnly cookie the browser sends
// by itself (same-origin fetch), so all the UI keeps is the CSRF token of that session (from
// GET /api/v1/me, sent back in `x-csrf-token` on every change) and the project the person chose
// (localStorage, sent as `x-lookout-project`). A key in sessionStorage wins over both: a request
// with a key is the key, and the server ignores the cookie and the project header for it.

const PROJECT_STORAGE = 'lookout.project';

let csrfToken: string | null = null;

export function csrf(): string | null {
  return csrfToken;
}

export function setCsrf(token: string | null): void {
  csrfToken = token;
}

// The project a signed-in person chose in the sidebar; null: the server's choice (`default` when
// they have a role there, else their first project).
export function selectedProject(): string | null {
  try {
    return localStorage.getItem(PROJECT_STORAGE);
  } catch {
    return null;
  }
}

export function setSelectedProject(project: string | null): void {
  try {
    if (project) localStorage.setItem(PROJECT_STORAGE, project);
    else localStorage.removeItem(PROJECT_STORAGE);
  } catch {
    // Storage disabled: the server's choice each time.
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

// The headers a request adds for a person's session. With a key: none (the key is the caller).
export function sessionHeaders(request: { method: string; key: string | null; csrfToken: string | null; project: string | null }): Record<string, string> {
  if (request.key) return {};
  const headers: Record<string, string> = {};
  if (request.project) headers['x-lookout-project'] = request.project;
  if (request.csrfToken && !SAFE_METHODS.has(request.method.toUpperCase())) headers['x-csrf-token'] = request.csrfToken;
  return headers;
}

// A 403 that refuses the CSRF token (missing, or of a session that was rotated): worth asking
// GET /api/v1/me for a fresh one and sending the change again, once.
export function isCsrfRefusal(status: number, error: { code?: string; message?: string } | undefined): boolean {
  return status === 403 && /csrf/i.test(`${error?.code ?? ''} ${error?.message ?? ''}`);
}

// The project to show of a person's memberships: the one chosen if they still have a role there,
// else none (the server picks).
export function projectToUse(chosen: string | null, memberships: readonly { projectId: string }[]): string | null {
  if (!chosen) return null;
  return memberships.some((m) => m.projectId === chosen) ? chosen : null;
}
