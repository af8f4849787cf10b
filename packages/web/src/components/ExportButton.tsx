import { useState } from 'react';
import { download, type QueryOf } from '../api/client.ts';

// Download the spans matching a page's filter as CSV, JSONL or Parquet. The file is fetched with
// the API key (a plain link would not carry it) and saved from a blob, so a very large export is
// better taken with `lookout export spans` or the API directly (docs/data-lifecycle.md#export).

type SpanExportQuery = QueryOf<'/api/v1/export/spans'>;
const FORMATS = ['csv', 'jsonl', 'parquet'] as const;

export function ExportButton(props: { query: Omit<SpanExportQuery, 'format'>; testId?: string }) {
  const [format, setFormat] = useState<(typeof FORMATS)[number]>('csv');
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<Error | null>(null);
  return (
    <span className="form-row" data-testid={props.testId}>
      <select aria-label="Export format" value={format} onChange={(e) => setFormat(e.target.value as (typeof FORMATS)[number])}>
        {FORMATS.map((f) => (
          <option key={f} value={f}>
            {f}
          </option>
        ))}
      </select>
      <button
        type="button"
        disabled={busy}
        onClick={() => {
          setFailed(null);
          setBusy(true);
          download('/api/v1/export/spans', { ...props.query, format } as SpanExportQuery, `lookout-spans.${format}`)
            .catch(setFailed)
            .finally(() => setBusy(false));
        }}
      >
        {busy ? 'Exporting…' : 'Export'}
      </button>
      {failed && <span className="error" role="alert">{failed.message}</span>}
    </span>
  );
}
