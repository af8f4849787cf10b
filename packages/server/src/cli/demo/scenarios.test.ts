import { describe, expect, it } from 'vitest';
import type { IngestItemInput } from '../../ingest/api/schema.ts';
import { demoLiveSlice } from './live.ts';
import { generateDemoTraffic } from './traffic.ts';

// The incident's scenarios are sent twice: once as the "incident now" before the demo's anchor and
// then slice by slice with --live. Both must show the same incident: same kinds of traces, spans,
// models, people and scores; only how many and when differ.

const NOW_MS = Date.UTC(2026, 2, 11, 15, 30, 0);
const SLICES = 20;

const traffic = generateDemoTraffic({ days: 1, calls: 50, seed: 42, nowMs: NOW_MS });
const incidentFromMs = traffic.scenario.incident!.fromMs;
const slices = Array.from({ length: SLICES }, (_, index) => demoLiveSlice({ seed: 42, index, nowMs: NOW_MS + (index + 1) * 30_000 }));

// What an item is, without its sizes, times and ids.
function kindOf(item: IngestItemInput): string | null {
  if (item.type === 'log') return null; // retry warnings come and go with the rate limits drawn
  if (item.type === 'score') return `score ${item.name} ${item.dataType} by ${item.source}`;
  const meta = Object.keys(item.metadata ?? {}).sort().join(',');
  return `${item.type} ${item.type === 'span' ? item.kind : ''} '${item.name}' ${item.provider ?? ''}/${item.model ?? ''} team=${item.team} feature=${item.feature} tags=${item.tags?.join(',')} metadata=${meta}`;
}

// Per scenario (the name of a trace's root span): the kinds of items its traces hold.
function scenarioShapes(items: IngestItemInput[], rootFromMs: number): Map<string, Set<string>> {
  const traces = new Map<string, IngestItemInput[]>();
  for (const item of items) {
    const traceId = String(item.traceId);
    traces.set(traceId, [...(traces.get(traceId) ?? []), item]);
  }
  const shapes = new Map<string, Set<string>>();
  for (const trace of traces.values()) {
    const root = trace.find((i) => (i.type === 'span' || i.type === 'generation') && i.parentSpanId === null);
    if (!root || root.type === 'score' || root.type === 'log' || Number(root.startTime) < rootFromMs) continue;
    const set = shapes.get(root.name!) ?? new Set<string>();
    for (const item of trace) {
      const kind = kindOf(item);
      if (kind) set.add(kind);
    }
    shapes.set(root.name!, set);
  }
  return shapes;
}

describe('the incident scenarios, before the anchor and live', () => {
  const before = scenarioShapes(traffic.items, incidentFromMs);
  const live = scenarioShapes(slices.flatMap((s) => s.items), 0);

  it('send the same kinds of traces for every live scenario as the incident now', () => {
    expect([...live.keys()].sort()).toEqual(['code-review.agent (runaway)', 'doc-search.answer', 'support-chat.turn', 'ticket-triage.classify']);
    // The over-budget user is the incident now's alone: a budget fires once a day.
    expect([...before.keys()].sort()).toEqual([...live.keys(), 'summarize.document'].sort());
    for (const [scenario, kinds] of live) expect({ scenario, kinds: [...kinds].sort() }).toEqual({ scenario, kinds: [...before.get(scenario)!].sort() });
  });

  it('score the quality drop low in both', () => {
    const helpfulness = (items: IngestItemInput[], fromMs: number) =>
      items.flatMap((i) => (i.type === 'score' && i.name === 'helpfulness' && Number(i.timestamp) >= fromMs ? [Number(i.value)] : []));
    const liveScores = helpfulness(slices.flatMap((s) => s.items), 0);
    const beforeScores = helpfulness(traffic.items, incidentFromMs);
    expect(liveScores).toHaveLength(SLICES * 2);
    expect(beforeScores.length).toBeGreaterThanOrEqual(24);
    expect(Math.max(...liveScores, ...beforeScores)).toBeLessThan(0.5);
  });

  it('fail every 5th call on the degraded model, timeouts and 500s in turn, counted on across live slices', () => {
    const failures = (items: IngestItemInput[], fromMs: number) =>
      items
        .filter((i): i is Extract<IngestItemInput, { type: 'generation' }> => i.type === 'generation' && i.model === 'gpt-4o' && i.feature === 'support-chat' && Number(i.startTime) >= fromMs)
        .map((g) => g.errorClass ?? 'ok');
    const before = failures(traffic.items, incidentFromMs);
    const expected = (n: number) => Array.from({ length: n }, (_, i) => (i % 5 !== 4 ? 'ok' : Math.floor(i / 5) % 2 === 0 ? 'timeout' : 'server'));
    expect(before).toHaveLength(40);
    expect(before).toEqual(expected(40));
    // A slice lists its traces by start, and a 30-second timeout starts early: compare per slice.
    const perSlice = Array.from({ length: SLICES }, (_, k) => expected(SLICES * 5).slice(5 * k, 5 * k + 5).sort());
    expect(slices.map((s) => failures(s.items, 0).sort())).toEqual(perSlice);
  });
});
