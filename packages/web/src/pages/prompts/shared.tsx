import { hrefWithRange } from '../../router.ts';

// Pieces the prompt list and a prompt's page share.

// A label pointing at a version, as "production → 3"; `latest` is never stored, so not listed.
export function LabelPills(props: { labels: Record<string, number> }) {
  const entries = Object.entries(props.labels).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return <span className="muted">—</span>;
  return (
    <span className="prompt-labels">
      {entries.map(([label, version]) => (
        <span key={label} className={`pill${label === 'production' ? ' good' : ''}`} data-testid="prompt-label" data-label={label} data-version={version}>
          {label} → {version}
        </span>
      ))}
    </span>
  );
}

// An instant of the API (ISO text) as the UI writes times: UTC, to the second.
export function when(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)} UTC`;
}

export const promptHref = (name: string, params: Record<string, string | null> = {}) => hrefWithRange(`/prompts/${encodeURIComponent(name)}`, params);
