import { useMemo, useState, type ReactNode } from 'react';

// A table with sortable columns and client-side paging (server-side paging: pass `page`).

export interface TableColumn<T> {
  key: string;
  label: string;
  render?: (row: T) => ReactNode;
  sortValue?: (row: T) => number | string | null;
  align?: 'left' | 'right';
}

export function Table<T>(props: {
  columns: TableColumn<T>[];
  rows: T[];
  rowKey: (row: T, i: number) => string;
  pageSize?: number;
  onRowClick?: (row: T) => void;
  testId?: string;
  initialSort?: { key: string; dir: 'asc' | 'desc' };
  // Server-side paging: the table shows rows as given and the pager calls onPage. A null total
  // (not counted yet) pages on while pages come back full.
  serverPage?: { offset: number; limit: number; total: number | null; onPage: (offset: number) => void };
}) {
  const [sort, setSort] = useState(props.initialSort ?? null);
  const [page, setPage] = useState(0);
  const pageSize = props.pageSize ?? 25;
  const sorted = useMemo(() => {
    if (!sort || props.serverPage) return props.rows;
    const col = props.columns.find((c) => c.key === sort.key);
    const value = col?.sortValue ?? ((r: T) => (r as Record<string, unknown>)[sort.key] as number | string | null);
    const out = [...props.rows].sort((a, b) => {
      const x = value(a);
      const y = value(b);
      if (x === y) return 0;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return (x < y ? -1 : 1) * (sort.dir === 'asc' ? 1 : -1);
    });
    return out;
  }, [props.rows, props.columns, sort, props.serverPage]);
  const sp = props.serverPage;
  const total = sp ? sp.total : sorted.length;
  const offset = sp ? sp.offset : page * pageSize;
  const limit = sp ? sp.limit : pageSize;
  const shown = sp ? sorted : sorted.slice(offset, offset + limit);
  const more = total === null ? props.rows.length >= limit : offset + limit < total;
  const go = (o: number) => (sp ? sp.onPage(o) : setPage(Math.floor(o / pageSize)));
  return (
    <div className="table-wrap" data-testid={props.testId}>
      <table>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th
                key={c.key}
                className={c.align === 'right' ? 'num' : undefined}
                onClick={sp ? undefined : () => setSort((s) => ({ key: c.key, dir: s?.key === c.key && s.dir === 'desc' ? 'asc' : 'desc' }))}
                aria-sort={sort?.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}
              >
                {c.label}
                {sort?.key === c.key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((row, i) => (
            <tr key={props.rowKey(row, i)} onClick={props.onRowClick ? () => props.onRowClick!(row) : undefined} className={props.onRowClick ? 'clickable' : undefined}>
              {props.columns.map((c) => (
                <td key={c.key} className={c.align === 'right' ? 'num' : undefined}>
                  {c.render ? c.render(row) : String((row as Record<string, unknown>)[c.key] ?? '—')}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {(offset > 0 || more) && (
        <div className="pager">
          <button disabled={offset === 0} onClick={() => go(Math.max(0, offset - limit))}>
            ← Previous
          </button>
          <span>
            {(offset + 1).toLocaleString()}–{(total === null ? offset + shown.length : Math.min(offset + limit, total)).toLocaleString()}
            {total === null ? '' : ` of ${total.toLocaleString()}`}
          </span>
          <button disabled={!more} onClick={() => go(offset + limit)}>
            Next →
          </button>
        </div>
      )}
    </div>
  );
}
