import { afterEach, describe, expect, it, vi } from 'vitest';
import { hrefWithRange, navigate } from './router.ts';

// The router reads and writes window.location/history; a plain object stands in for them.
function stubWindow(search: string) {
  const win = {
    location: { pathname: '/cost', search },
    history: { pushState: vi.fn(), replaceState: vi.fn() },
    dispatchEvent: vi.fn(),
  };
  vi.stubGlobal('window', win);
  return win;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('hrefWithRange', () => {
  it('carries the time range and refresh along, and nothing else of the current address', () => {
    stubWindow('?range=7d&refresh=30s&by=team&tab=rules');
    expect(hrefWithRange('/traces')).toBe('/traces?range=7d&refresh=30s');
  });

  it('carries a custom range', () => {
    stubWindow('?from=2026-01-01T00%3A00%3A00Z&to=2026-01-02T00%3A00%3A00Z');
    expect(hrefWithRange('/users')).toBe('/users?from=2026-01-01T00%3A00%3A00Z&to=2026-01-02T00%3A00%3A00Z');
  });

  it('adds the given parameters, leaving out empty ones', () => {
    stubWindow('?range=1h');
    expect(hrefWithRange('/traces', { model: 'gpt-4o mini', feature: null, team: '' })).toBe('/traces?range=1h&model=gpt-4o+mini');
  });

  it('gives the bare path when there is nothing to carry', () => {
    stubWindow('');
    expect(hrefWithRange('/alerts')).toBe('/alerts');
  });
});

describe('navigate', () => {
  it('pushes the address and tells the app it moved', () => {
    const win = stubWindow('');
    navigate('/traces?model=a');
    expect(win.history.pushState).toHaveBeenCalledWith(null, '', '/traces?model=a');
    expect(win.history.replaceState).not.toHaveBeenCalled();
    expect(win.dispatchEvent).toHaveBeenCalledTimes(1);
    expect((win.dispatchEvent.mock.calls[0][0] as Event).type).toBe('lookout:navigate');
  });

  it('replaces the address when asked', () => {
    const win = stubWindow('');
    navigate('/cost?by=team', { replace: true });
    expect(win.history.replaceState).toHaveBeenCalledWith(null, '', '/cost?by=team');
    expect(win.history.pushState).not.toHaveBeenCalled();
  });
});
