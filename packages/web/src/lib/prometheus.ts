// The server's /metrics in the Prometheus text format, read into families of labelled samples.

export interface PromSample {
  labels: Record<string, string>;
  value: number;
}

export interface PromMetrics {
  // Families the server declares (# TYPE). A declared labelled counter with no samples has not
  // been incremented since the server started: it is 0, whereas an undeclared one is not counted.
  declared: Set<string>;
  samples: Map<string, PromSample[]>;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function sampleValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

export function parsePrometheus(text: string): PromMetrics {
  const declared = new Set<string>();
  const samples = new Map<string, PromSample[]>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('#')) {
      const type = /^#\s*TYPE\s+(\S+)/.exec(line);
      if (type) declared.add(type[1]);
      continue;
    }
    const m = SAMPLE_LINE.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    if (m[2]) for (const l of m[2].matchAll(LABEL_PAIR)) labels[l[1]] = l[2].replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    const list = samples.get(m[1]) ?? [];
    list.push({ labels, value: sampleValue(m[3]) });
    samples.set(m[1], list);
  }
  return { declared, samples };
}

// Sum of a family's samples that pass `where`; null when the server does not expose the family.
export function metricSum(m: PromMetrics, name: string, where: (labels: Record<string, string>) => boolean = () => true): number | null {
  if (!m.declared.has(name) && !m.samples.has(name)) return null;
  return (m.samples.get(name) ?? []).filter((s) => where(s.labels)).reduce((a, s) => a + s.value, 0);
}
