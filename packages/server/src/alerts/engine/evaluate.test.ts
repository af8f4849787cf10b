import { describe, expect, it } from 'vitest';
import { emptyAttribution, type SpanRecord } from '../../domain/span.ts';
import { makeSpan } from '../../testing/fixtures.ts';
import { RollupRangeError, Rollups } from '../../rollups/rollups.ts';
import { HOUR_MS, MINUTE_MS } from '../../domain/time.ts';
import { ruleIdOf, ruleSchema, type Rule } from '../rules/schema.ts';
import { MAX_CELLS_PER_EVALUATION, evaluateRule } from './evaluate.ts';

// The longest the event loop went without turning while `work` ran, and how often it turned.
async function eventLoopWhile(work: () => Promise<unknown>): Promise<{ longestBlockMs: number; turns: number }> {
  let last = performance.now();
  let worst = 0;
  let running = true;
  let turns = 0;
  const tick = () => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
    turns++;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  try {
    await work();
  } finally {
    running = false;
  }
  return { longestBlockMs: Math.max(worst, performance.now() - last), turns };
}

// One evaluation runs on the event loop. Whatever the data, its work is capped: this fills the
// rollups with as many groups as a project can have in the cells a rule may read, and times the
// heaviest rules the schema allows.

const NOW = Date.UTC(2026, 10, 20, 12, 30, 15);
const MODELS_PER_HOUR = 400;
// A project may have up to 5,000 groups in one bucket (MAX_GROUPS_PER_BUCKET): ten such minutes.
const FEATURES_PER_MINUTE = 5_000;
const CROWDED_MINUTES = 10;

function rule(input: Record<string, unknown>): Rule {
  const r = ruleSchema.parse({ severity: 'warning', category: 'cost', ...input });
  return { ...r, id: ruleIdOf(r, false) };
}

function heavyRollups(): Rollups {
  const rollups = new Rollups({ now: () => NOW });
  for (let h = 0; h < 8 * 24; h++) {
    const spans: SpanRecord[] = [];
    for (let m = 0; m < MODELS_PER_HOUR; m++) {
      const atMs = NOW - h * HOUR_MS - (m % 60) * MINUTE_MS;
      spans.push(
        makeSpan({
          startUs: atMs * 1000,
          endUs: atMs * 1000 + (100 + m) * 1000,
          requestModel: `model-${m}`,
          attribution: { ...emptyAttribution(), feature: `f-${m}`, team: `t-${m % 50}` },
        }),
      );
    }
    rollups.onAccepted(spans, []);
  }
  for (let minute = 1; minute <= CROWDED_MINUTES; minute++) {
    const atMs = NOW - minute * MINUTE_MS;
    const spans = Array.from({ length: FEATURES_PER_MINUTE }, (_, f) =>
      makeSpan({ startUs: atMs * 1000, endUs: atMs * 1000 + 50_000, requestModel: 'gpt-4o', attribution: { ...emptyAttribution(), feature: `crowd-${f}` } }),
    );
    rollups.onAccepted(spans, []);
  }
  return rollups;
}

describe('evaluation work is capped', () => {
  it('keeps the heaviest allowed rules within the cell budget, handing the event loop back between reads', async () => {
    const rollups = heavyRollups();
    const sources = { rollups };
    const heaviest = [
      rule({ name: 'P99ByModel', kind: 'percentile', query: { measure: 'latency_ms', percentile: 99, groupBy: ['model'] }, window: '8d', threshold: 1 }),
      rule({ name: 'CostByModel', kind: 'threshold', query: { measure: 'cost', groupBy: ['model'] }, window: '8d', threshold: 1 }),
      rule({ name: 'SpikeByModel', kind: 'anomaly', query: { measure: 'total_tokens', groupBy: ['model'] }, window: '1h', baseline: { kind: 'preceding', lookback: '7d', factor: 2 } }),
      rule({ name: 'CostByFeature', kind: 'threshold', query: { measure: 'cost', groupBy: ['feature', 'team'] }, window: '23h', threshold: 1 }),
      rule({ name: 'Absent', kind: 'absence', query: { groupBy: ['feature'] }, window: '1h', lookback: '23h' }),
      rule({ name: 'CrowdedHour', kind: 'threshold', query: { measure: 'requests', groupBy: ['feature'] }, window: '1h', threshold: 1 }),
      rule({ name: 'CrowdedP99', kind: 'percentile', query: { measure: 'latency_ms', percentile: 99, groupBy: ['feature'] }, window: '15m', threshold: 1 }),
    ];
    const blocks: Record<string, number> = {};
    const totals: Record<string, number> = {};
    const turns: Record<string, number> = {};
    for (const r of heaviest) {
      let worstBlockMs = 0;
      let worstTotalMs = 0;
      for (let run = 0; run < 4; run++) {
        const started = performance.now();
        const loop = await eventLoopWhile(async () => {
          try {
            await evaluateRule(r, 'default', NOW, sources);
          } catch (err) {
            // Past the budget the rule fails with a message naming it, instead of running on.
            expect(err).toBeInstanceOf(RollupRangeError);
            expect((err as Error).message).toMatch(new RegExp(`more than ${MAX_CELLS_PER_EVALUATION} rollup cells|at most 10000 series`));
          }
        });
        if (run === 0) continue; // the first run warms up
        turns[r.name] = loop.turns;
        worstBlockMs = Math.max(worstBlockMs, loop.longestBlockMs);
        worstTotalMs = Math.max(worstTotalMs, performance.now() - started);
      }
      blocks[r.name] = Math.round(worstBlockMs * 10) / 10;
      totals[r.name] = Math.round(worstTotalMs * 10) / 10;
    }
    console.log(`longest event-loop block per rule (ms): ${JSON.stringify(blocks)}; whole evaluation (ms): ${JSON.stringify(totals)}; loop turns: ${JSON.stringify(turns)}`);
    // The heavy reads hand the loop back while they run, instead of holding it to the end.
    for (const name of ['P99ByModel', 'CostByModel', 'SpikeByModel', 'CostByFeature', 'CrowdedHour']) expect(turns[name], name).toBeGreaterThan(3);
    // How long each block lasts is measured, not asserted: bench/alerts.ts reports it.
  }, 60_000);
});
