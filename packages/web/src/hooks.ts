import { useEffect, useState } from 'react';
import { analytics } from './api/client.ts';
import type { TimeRange } from './time.ts';

export interface Async<T> {
  data: T | null;
  error: Error | null;
  loading: boolean;
}

// Runs `load` whenever a dependency changes; a result that arrives after a newer request started
// is dropped. Keeps the previous data while reloading (auto-refresh does not blank the page).
// `enabled` false holds the request back (the state stays loading), e.g. until a page's first
// query has answered.
export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[], enabled = true): Async<T> & { reload: () => void } {
  const [state, setState] = useState<Async<T>>({ data: null, error: null, loading: true });
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error: Error) => live && setState({ data: null, error, loading: false }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, nonce, enabled]);
  return { ...state, reload: () => setNonce((n) => n + 1) };
}

// Whether a request has answered, with data or an error (a request sent after it may go now).
export function answered(state: { data: unknown; error: Error | null }): boolean {
  return state.data !== null || state.error !== null;
}

// An analytics query over the page's range. `after`: a query that goes first; this one is sent
// once that one has answered, so the first figures of a page do not share the server with the
// heavier queries behind them.
export function useQuery(range: TimeRange & { tick: number }, params: Record<string, string | string[] | undefined>, after?: { data: unknown; error: Error | null }) {
  const key = JSON.stringify(params);
  const open = !after || answered(after);
  return useAsync(() => analytics({ from: range.from, to: range.to, ...params }), [range.from, range.to, range.tick, key], open);
}
