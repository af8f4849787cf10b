import { useEffect, useState } from 'react';
import { analytics } from '../api/client.ts';
import type { PageProps } from '../App.tsx';
import { Section } from '../components/States.tsx';
import { ExportButton } from '../components/ExportButton.tsx';
import { loadTraces, rememberTraceList, TraceList, type TraceQuery } from '../components/TraceTable.tsx';
import { count } from '../format.ts';
import { useAsync } from '../hooks.ts';
import { useSearchParams } from '../router.ts';
import { useTimeRange } from '../time.ts';

// The trace explorer: filters in the URL (the API's own parameter names), paged by the server.

interface Field {
  name: string;
  label: string;
  placeholder?: string;
  // A dimension whose values are offered as suggestions.
  suggest?: string;
  type?: 'number' | 'text';
}

const FIELDS: Field[] = [
  { name: 'q', label: 'Search ids', placeholder: 'trace, span, request id…' },
  { name: 'userId', label: 'User', suggest: 'user' },
  { name: 'sessionId', label: 'Session' },
  { name: 'model', label: 'Model', suggest: 'model' },
  { name: 'feature', label: 'Feature', suggest: 'feature' },
  { name: 'team', label: 'Team', suggest: 'team' },
  { name: 'tag', label: 'Tag', suggest: 'tag' },
  { name: 'prompt', label: 'Prompt', suggest: 'prompt' },
  { name: 'metadata', label: 'Metadata', placeholder: 'key:value, e.g. lookout.prompt.version:5' },
  { name: 'minCostUsd', label: 'Cost ≥ $', type: 'number', placeholder: 'e.g. 0.01' },
  { name: 'maxCostUsd', label: 'Cost ≤ $', type: 'number' },
  { name: 'minDurationMs', label: 'Duration ≥ ms', type: 'number', placeholder: 'e.g. 1000' },
  { name: 'maxDurationMs', label: 'Duration ≤ ms', type: 'number' },
];
const SELECTS = ['status', 'orderBy'] as const;
const PAGE_SIZE = 50;

export function Traces(_props: PageProps) {
  const range = useTimeRange();
  const [search, set] = useSearchParams();
  const offset = Number(search.get('offset') ?? 0) || 0;
  // The filters as the URL has them: text, which the server checks (a bad value is named in its 400).
  const filters: Record<string, string> = {};
  for (const f of [...FIELDS.map((x) => x.name), ...SELECTS]) {
    const v = search.get(f);
    if (v) filters[f] = v;
  }
  const key = JSON.stringify(filters);
  // A whole trace id is looked for in every stored day, not only in the range.
  const wholeId = typeof filters.q === 'string' && /^[0-9a-f]{32}$/i.test(filters.q.trim());
  const span = wholeId ? {} : { from: range.from, to: range.to };
  // The page first; the count, which groups the whole range, after it.
  const list = useAsync(() => loadTraces({ ...span, ...(filters as TraceQuery), limit: PAGE_SIZE, offset, total: 'false' }), [range.from, range.to, range.tick, key, offset]);
  const counted = useAsync(
    () => (list.data ? loadTraces({ ...span, ...(filters as TraceQuery), limit: 1 }).then((d) => d.total) : Promise.resolve(null)),
    [list.data],
  );
  useEffect(() => rememberTraceList(`${window.location.pathname}${window.location.search}`));
  const total = counted.data ?? null;

  // The form edits a draft; Apply (or Enter) writes it to the URL, which reloads the list.
  const [draft, setDraft] = useState<Record<string, string>>({});
  useEffect(() => {
    const next: Record<string, string> = {};
    for (const f of [...FIELDS.map((x) => x.name), ...SELECTS]) next[f] = search.get(f) ?? '';
    setDraft(next);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  const apply = () => set({ ...Object.fromEntries(Object.entries(draft).map(([k, v]) => [k, v.trim() || null])), offset: null });
  const active = Object.keys(filters).filter((k) => k !== 'orderBy');

  // Suggestions for the dimension fields, asked for when one of them is first focused (each is a
  // grouping of the whole range).
  const [wantSuggestions, setWantSuggestions] = useState(false);
  const suggestions = useAsync(async () => {
    if (!wantSuggestions) return null;
    const dims = FIELDS.filter((f) => f.suggest).map((f) => f.suggest!);
    const results = await Promise.all(dims.map((d) => analytics({ from: range.from, to: range.to, measures: 'requests', groupBy: d, limit: 50 }).catch(() => null)));
    return Object.fromEntries(dims.map((d, i) => [d, (results[i]?.rows ?? []).map((r) => r[d]).filter((v): v is string => typeof v === 'string')]));
  }, [range.from, range.to, wantSuggestions]);

  return (
    <div className="page traces">
      <form
        className="filters"
        data-testid="trace-filters"
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        {FIELDS.map((f) => (
          <label key={f.name}>
            {f.label}
            <input
              name={f.name}
              type={f.type ?? 'text'}
              min={f.type === 'number' ? 0 : undefined}
              step={f.type === 'number' ? 'any' : undefined}
              placeholder={f.placeholder}
              value={draft[f.name] ?? ''}
              list={f.suggest ? `suggest-${f.suggest}` : undefined}
              onFocus={f.suggest ? () => setWantSuggestions(true) : undefined}
              onChange={(e) => setDraft((d) => ({ ...d, [f.name]: e.target.value }))}
            />
            {f.suggest && (
              <datalist id={`suggest-${f.suggest}`}>
                {(suggestions.data?.[f.suggest] ?? []).map((v) => (
                  <option key={v} value={v} />
                ))}
              </datalist>
            )}
          </label>
        ))}
        <label>
          Status
          <select name="status" value={draft.status ?? ''} onChange={(e) => setDraft((d) => ({ ...d, status: e.target.value }))}>
            <option value="">any</option>
            <option value="ok">ok</option>
            <option value="error">error</option>
          </select>
        </label>
        <label>
          Sort
          <select name="orderBy" value={draft.orderBy ?? ''} onChange={(e) => setDraft((d) => ({ ...d, orderBy: e.target.value }))}>
            <option value="">newest first</option>
            <option value="duration">slowest first</option>
            <option value="cost">most expensive first</option>
          </select>
        </label>
        <button type="submit">Apply</button>
        {active.length > 0 && (
          <button type="button" className="link" onClick={() => set({ ...Object.fromEntries([...FIELDS.map((f) => f.name), ...SELECTS].map((k) => [k, null])), offset: null })}>
            Clear filters
          </button>
        )}
        {/* The spans of the listed traces' filter; the export has no sort order to take. */}
        <ExportButton query={{ from: range.from, to: range.to, ...Object.fromEntries(Object.entries(filters).filter(([k]) => k !== 'orderBy')) }} testId="traces-export" />
      </form>
      <Section
        title={
          total !== null
            ? `${count(total)} ${total === 1 ? 'trace' : 'traces'}${active.length ? ' matching' : ''}${wholeId ? ' (any time)' : ''}`
            : list.error || counted.error
              ? 'Traces'
              : 'Traces (counting…)'
        }
        state={list}
        wide
        testId="traces"
        empty={(d) => d.traces.length === 0 && offset === 0}
        emptyText={active.length ? 'No trace matches these filters in this time range. Widen the range or clear a filter.' : 'No traces in this time range.'}
      >
        {(d) => <TraceList page={{ ...d, total }} onPage={(o) => set({ offset: o ? String(o) : null })} />}
      </Section>
    </div>
  );
}
