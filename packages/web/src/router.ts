import { useCallback, useEffect, useState } from 'react';

// Location in the URL, path and query string, so any view can be shared by its address.

function current(): { path: string; search: URLSearchParams } {
  return { path: window.location.pathname, search: new URLSearchParams(window.location.search) };
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event('lookout:navigate'));
}

export function useLocation(): { path: string; search: URLSearchParams } {
  const [loc, setLoc] = useState(current);
  useEffect(() => {
    const update = () => setLoc(current());
    window.addEventListener('popstate', update);
    window.addEventListener('lookout:navigate', update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener('lookout:navigate', update);
    };
  }, []);
  return loc;
}

// Query parameters as state: setting one keeps the others (time range, filters) in the URL.
export function useSearchParams(): [URLSearchParams, (changes: Record<string, string | null>, options?: { replace?: boolean }) => void] {
  const { search } = useLocation();
  const set = useCallback((changes: Record<string, string | null>, options: { replace?: boolean } = {}) => {
    const next = new URLSearchParams(window.location.search);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null || v === '') next.delete(k);
      else next.set(k, v);
    }
    const qs = next.toString();
    navigate(`${window.location.pathname}${qs ? `?${qs}` : ''}`, options);
  }, []);
  return [search, set];
}

// A link to another page that carries the time range along.
export function hrefWithRange(path: string, params: Record<string, string | null> = {}): string {
  const now = new URLSearchParams(window.location.search);
  const next = new URLSearchParams();
  for (const k of ['range', 'from', 'to', 'refresh']) {
    const v = now.get(k);
    if (v) next.set(k, v);
  }
  for (const [k, v] of Object.entries(params)) if (v) next.set(k, v);
  const qs = next.toString();
  return `${path}${qs ? `?${qs}` : ''}`;
}
