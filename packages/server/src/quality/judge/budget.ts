import { EVALUATION_FEATURE } from '../../domain/quality.ts';
import type { SpanRecord } from '../../domain/span.ts';
import { DAY_MS } from '../../domain/time.ts';
import { projectId as toProjectId, type Store } from '../../store/store.ts';

// The judge's spend per project per UTC day, counted from the priced judge spans the pipeline
// accepts (their cost is the catalog's, like any call's) and rebuilt from the store at start.
// When a project's spend reaches the daily budget, sampling stops for it until the next day.

// Judge spans read per project at start at most: far more than a day's budget buys.
const MAX_REBUILD_SPANS = 200_000;
const REBUILD_PAGE = 1_000;

export class JudgeBudget {
  private readonly limitNano: number;
  private day: number;
  private readonly spentNano = new Map<string, number>();
  // Projects whose budget_reached event was already given today.
  private readonly announced = new Set<string>();

  constructor(dailyBudgetUsd: number, nowMs: number) {
    this.limitNano = Math.round(dailyBudgetUsd * 1e9);
    this.day = Math.floor(nowMs / DAY_MS);
  }

  get dailyBudgetUsd(): number {
    return this.limitNano / 1e9;
  }

  private roll(nowMs: number): void {
    const day = Math.floor(nowMs / DAY_MS);
    if (day === this.day) return;
    this.day = day;
    this.spentNano.clear();
    this.announced.clear();
  }

  // Adds the cost of accepted judge spans of today; returns the USD added (for /metrics).
  record(spans: readonly SpanRecord[], nowMs: number): number {
    this.roll(nowMs);
    let added = 0;
    for (const s of spans) {
      if (s.attribution.feature !== EVALUATION_FEATURE || s.cost.totalNanoUsd === null) continue;
      if (Math.floor(s.startUs / 1000 / DAY_MS) !== this.day) continue;
      this.spentNano.set(s.projectId, (this.spentNano.get(s.projectId) ?? 0) + s.cost.totalNanoUsd);
      added += s.cost.totalNanoUsd;
    }
    return added / 1e9;
  }

  spentUsd(projectId: string, nowMs: number): number {
    this.roll(nowMs);
    return (this.spentNano.get(projectId) ?? 0) / 1e9;
  }

  reached(projectId: string, nowMs: number): boolean {
    this.roll(nowMs);
    return (this.spentNano.get(projectId) ?? 0) >= this.limitNano;
  }

  // True once per project and day: the caller records the budget_reached event then.
  announce(projectId: string, nowMs: number): boolean {
    this.roll(nowMs);
    if (this.announced.has(projectId)) return false;
    this.announced.add(projectId);
    return true;
  }

  forgetProject(projectId: string): void {
    this.spentNano.delete(projectId);
    this.announced.delete(projectId);
  }

  // Today's judge spend of every project, from the store.
  async rebuild(store: Store, nowMs: number): Promise<void> {
    this.roll(nowMs);
    this.spentNano.clear();
    const fromMs = this.day * DAY_MS;
    for (const project of await store.listProjects()) {
      let nano = 0;
      for (let offset = 0; offset < MAX_REBUILD_SPANS; offset += REBUILD_PAGE) {
        const page = await store.listSpans(toProjectId(project.id), { feature: EVALUATION_FEATURE, fromMs, toMs: fromMs + DAY_MS }, { limit: REBUILD_PAGE, offset });
        for (const s of page.spans) nano += s.cost.totalNanoUsd ?? 0;
        if (page.spans.length < REBUILD_PAGE) break;
      }
      if (nano) this.spentNano.set(project.id, nano);
    }
  }
}
