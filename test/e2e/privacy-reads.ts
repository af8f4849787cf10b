// Reads of a running Lookout server for the privacy tests: what the API answers about traces, the
// security event log (every page), and /metrics as one number per series.
import { expect } from 'vitest';

export interface StoredSpan {
  traceId: string;
  spanId: string;
  name: string;
  provider: string | null;
  requestModel: string | null;
  content: { input: string | null; output: string | null } | null;
  metadata: Record<string, string>;
  tags: string[];
}

export interface SecurityEventJson {
  id: string;
  time: string;
  type: string;
  severity: string;
  action: string;
  detector: string;
  rule: string | null;
  count: number;
  userId: string | null;
  traceId: string | null;
  spanId: string | null;
  field: string | null;
  score: number | null;
}

// Every answer the API gives about the traces, as one text: each trace, and each of its spans
// on its own.
export async function readBack(url: string, traceIds: readonly string[]): Promise<string> {
  let text = '';
  for (const id of traceIds) {
    const res = await fetch(`${url}/api/v1/traces/${id}`);
    expect(res.status, `trace ${id}`).toBe(200);
    const body = await res.text();
    text += body;
    for (const span of (JSON.parse(body) as { spans: StoredSpan[] }).spans) text += await (await fetch(`${url}/api/v1/spans/${span.spanId}`)).text();
  }
  return text;
}

// Every event the query matches, following nextCursor.
export async function eventsOf(url: string, query: string): Promise<SecurityEventJson[]> {
  const out: SecurityEventJson[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const res = await fetch(`${url}/api/v1/security/events?${query}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const body = JSON.parse(text) as { events: SecurityEventJson[]; nextCursor: string | null };
    out.push(...body.events);
    cursor = body.nextCursor ?? null;
    if (cursor === null) return out;
  }
  throw new Error(`more than 100 pages of security events for ${query}`);
}

// Every sample of /metrics, keyed by the series as written (`name{labels}`).
export async function metricsSnapshot(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

// The sum of a metric's series that carry the given label (`type="email"`), or of all of them.
export function seriesSum(snapshot: ReadonlyMap<string, number>, name: string, label?: string): number {
  let sum = 0;
  for (const [series, value] of snapshot) {
    const brace = series.indexOf('{');
    if ((brace === -1 ? series : series.slice(0, brace)) !== name) continue;
    if (label !== undefined && !series.slice(brace + 1, -1).split(',').includes(label)) continue;
    sum += value;
  }
  return sum;
}
