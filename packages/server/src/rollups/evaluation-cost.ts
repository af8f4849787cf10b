import { EVALUATION_FEATURE } from '../domain/quality.ts';
import { usdToNano } from '../domain/money.ts';
import type { SpanRecord } from '../domain/span.ts';
import { HOUR_MS } from '../domain/time.ts';
import type { ProjectId, Store } from '../store/store.ts';

// What Lookout's judge spent, per project and hour, kept apart from the application's call cells
// (the judge's calls never enter those: alerts and budgets read the application's spend only).
// Fed by the rollups as calls are acknowledged and rebuilt from the store with them.

export interface EvaluationCostCell {
  calls: number;
  costNanoUsd: number;
  unknownCostCalls: number;
}

export class EvaluationCost {
  // project -> hour start (ms) -> cell
  private readonly projects = new Map<string, Map<number, EvaluationCostCell>>();
  private readonly retentionMs: number;

  constructor(retentionMs: number) {
    this.retentionMs = retentionMs;
  }

  forgetProject(projectId: string): void {
    this.projects.delete(projectId);
  }

  private cell(projectId: string, atMs: number): EvaluationCostCell {
    let hours = this.projects.get(projectId);
    if (!hours) {
      hours = new Map();
      this.projects.set(projectId, hours);
    }
    const hour = Math.floor(atMs / HOUR_MS) * HOUR_MS;
    let c = hours.get(hour);
    if (!c) {
      c = { calls: 0, costNanoUsd: 0, unknownCostCalls: 0 };
      hours.set(hour, c);
    }
    return c;
  }

  add(s: SpanRecord): void {
    const c = this.cell(s.projectId, s.startUs / 1000);
    c.calls += 1;
    if (s.cost.totalNanoUsd !== null) c.costNanoUsd += s.cost.totalNanoUsd;
    if (s.cost.status === 'unknown_model') c.unknownCostCalls += 1;
  }

  // The judge's calls of [fromMs, toMs), by whole hours (an hour counts when it starts in the range).
  total(projectId: string, fromMs: number, toMs: number): EvaluationCostCell {
    const out: EvaluationCostCell = { calls: 0, costNanoUsd: 0, unknownCostCalls: 0 };
    for (const [hour, c] of this.projects.get(projectId) ?? []) {
      if (hour < fromMs || hour >= toMs) continue;
      out.calls += c.calls;
      out.costNanoUsd += c.costNanoUsd;
      out.unknownCostCalls += c.unknownCostCalls;
    }
    return out;
  }

  prune(nowMs: number): void {
    const floor = nowMs - this.retentionMs;
    for (const hours of this.projects.values()) for (const hour of hours.keys()) if (hour + HOUR_MS <= floor) hours.delete(hour);
  }

  // Fills the cells of `projectIds` since `fromMs` from the store: the analytics asked for the
  // evaluation feature see the judge's calls, and only those.
  static async load(store: Store, projectIds: readonly ProjectId[], fromMs: number, toMs: number, retentionMs: number): Promise<EvaluationCost> {
    const out = new EvaluationCost(retentionMs);
    for (const projectId of projectIds) {
      const result = await store.analytics.query(projectId, {
        measures: ['cost', 'requests', 'unknown_cost_requests'],
        groupBy: [],
        filters: [{ dimension: 'feature', values: [EVALUATION_FEATURE] }],
        bucket: 'hour',
        fromMs,
        toMs,
      });
      for (const row of result.rows) {
        const calls = Number(row.requests ?? 0);
        if (!calls) continue;
        const c = out.cell(projectId, Date.parse(String(row.bucket)));
        c.calls += calls;
        c.costNanoUsd += usdToNano(Number(row.cost ?? 0));
        c.unknownCostCalls += Number(row.unknown_cost_requests ?? 0);
      }
    }
    return out;
  }
}
