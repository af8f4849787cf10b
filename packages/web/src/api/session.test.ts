import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isCsrfRefusal, projectToUse, selectedProject, sessionHeaders, setSelectedProject } from './session.ts';

// The headers a signed-in person's requests carry, and the project kept for them.

describe('session headers', () => {
  it('a person sends the chosen project always and the CSRF token on changes only', () => {
    expect(sessionHeaders({ method: 'GET', key: null, csrfToken: 'tok', project: 'acme' })).toEqual({ 'x-lookout-project': 'acme' });
    expect(sessionHeaders({ method: 'POST', key: null, csrfToken: 'tok', project: 'acme' })).toEqual({ 'x-lookout-project': 'acme', 'x-csrf-token': 'tok' });
    for (const method of ['PUT', 'PATCH', 'DELETE', 'delete']) expect(sessionHeaders({ method, key: null, csrfToken: 'tok', project: null })).toEqual({ 'x-csrf-token': 'tok' });
    expect(sessionHeaders({ method: 'HEAD', key: null, csrfToken: 'tok', project: null })).toEqual({});
    expect(sessionHeaders({ method: 'POST', key: null, csrfToken: null, project: null })).toEqual({});
  });

  it('a key sends neither: the key is the caller', () => {
    expect(sessionHeaders({ method: 'POST', key: 'lk_x', csrfToken: 'tok', project: 'acme' })).toEqual({});
  });

  it('knows a CSRF refusal from another 403', () => {
    expect(isCsrfRefusal(403, { code: 'forbidden', message: "the CSRF token in header x-csrf-token is not this session's" })).toBe(true);
    expect(isCsrfRefusal(403, { code: 'forbidden', message: "your role in project 'acme' is viewer" })).toBe(false);
    expect(isCsrfRefusal(400, { code: 'invalid_body', message: 'csrf' })).toBe(false);
    expect(isCsrfRefusal(403, undefined)).toBe(false);
  });
});

describe('the chosen project', () => {
  let storage: Map<string, string>;
  beforeEach(() => {
    storage = new Map();
    vi.stubGlobal('localStorage', { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => storage.set(k, v), removeItem: (k: string) => storage.delete(k) });
  });
  afterEach(() => vi.unstubAllGlobals());

  it('is kept in localStorage and forgotten on request', () => {
    expect(selectedProject()).toBeNull();
    setSelectedProject('acme');
    expect(selectedProject()).toBe('acme');
    expect(storage.get('lookout.project')).toBe('acme');
    setSelectedProject(null);
    expect(selectedProject()).toBeNull();
  });

  it('is used only while the person still has a role there', () => {
    const memberships = [{ projectId: 'acme' }, { projectId: 'default' }];
    expect(projectToUse('acme', memberships)).toBe('acme');
    expect(projectToUse('gone', memberships)).toBeNull();
    expect(projectToUse(null, memberships)).toBeNull();
  });
});
