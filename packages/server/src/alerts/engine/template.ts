// Annotation templates, the subset of Prometheus's that alert texts use:
// {{ $value }}, {{ $value | humanize }}, {{ $value | humanizePercentage }}, {{ $threshold }},
// {{ $labels.name }}. Anything else is left as written.

const PLACEHOLDER = /\{\{\s*\$(value|threshold|labels\.([a-zA-Z_][a-zA-Z0-9_]*))\s*(?:\|\s*(humanize|humanizePercentage)\s*)?\}\}/g;

export function humanize(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  if (abs >= 1e9) return `${+(v / 1e9).toPrecision(4)}G`;
  if (abs >= 1e6) return `${+(v / 1e6).toPrecision(4)}M`;
  if (abs >= 1e4) return `${+(v / 1e3).toPrecision(4)}k`;
  return String(+v.toPrecision(4));
}

export function renderTemplate(text: string, data: { labels: Record<string, string>; value: number | null; threshold: number | null }): string {
  return text.replace(PLACEHOLDER, (whole, what: string, label: string | undefined, fn: string | undefined) => {
    if (label !== undefined) return data.labels[label] ?? '';
    const v = what === 'value' ? data.value : data.threshold;
    if (v === null) return 'n/a';
    if (fn === 'humanizePercentage') return `${+(v * 100).toPrecision(3)}%`;
    if (fn === 'humanize') return humanize(v);
    return String(+v.toPrecision(6));
  });
}
