import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { LookoutError } from '../errors.ts';
import { contentPurgeSpec, type ContentPolicy } from '../ingest/content-policy.ts';
import { METRIC } from '../metrics/names.ts';
import type { ProjectId, RetentionResult, Store } from '../store/store.ts';
import { projectId } from '../store/project.ts';
import type { LifecycleLock } from './lock.ts';
import { cutoffsAt, type RetentionPolicy, type RetentionRunRecord } from './retention-policy.ts';

// I3: the retention job. Every `intervalMs` (and once shortly after start) each project's tiers
// become cutoffs at `now()`; the days before the spans' cutoff go to the archive first (when it is
// on), then the store strips content, deletes spans and deletes hourly totals older than their
// cutoffs, in short chunks (store/retention.ts). Runs take turns with erasures and project
// deletions on the lifecycle lock.

// The archive's part in a run: writes the project's closed days before `before` that are not
// archived yet, so the spans about to be deleted survive as Parquet.
export interface RetentionArchive {
  archiveBefore(project: ProjectId, before: Date): Promise<{ days: number }>;
}

// Rows per chunk: each chunk is one short write transaction, and ingest gets the writer in between
// (bench/retention.ts: at 100k spans, 500-row chunks held it 98 ms at p99, 5,000-row ones 995 ms).
export const RETENTION_CHUNK_ROWS = 1_000;
// The first run after start: late enough not to slow start-up's own work.
const FIRST_RUN_DELAY_MS = 30_000;

export interface RetentionJobDeps {
  store: Store;
  lock: LifecycleLock;
  policy: RetentionPolicy;
  content: ContentPolicy;
  logger: Logger;
  registry: Registry;
  archive: RetentionArchive | null;
  intervalMs: number;
  now?: () => number;
  firstRunDelayMs?: number;
  chunkRows?: number;
}

export function registerRetentionMetrics(registry: Registry) {
  const existing = <T>(name: string) => registry.getSingleMetric(name) as T | undefined;
  return {
    deleted:
      existing<Counter<'tier'>>(METRIC.retentionDeletedRows) ??
      new Counter({
        name: METRIC.retentionDeletedRows,
        help: 'Rows retention let go: content (spans and logs stripped of their content), spans (spans, scores, logs and metric points deleted), rollups (hourly totals deleted).',
        labelNames: ['tier'],
        registers: [registry],
      }),
    runs:
      existing<Counter<'outcome'>>(METRIC.retentionRuns) ??
      new Counter({ name: METRIC.retentionRuns, help: 'Retention runs of one project, by outcome (ok, failed).', labelNames: ['outcome'], registers: [registry] }),
  };
}

export class RetentionJob {
  private readonly deps: RetentionJobDeps;
  private readonly now: () => number;
  private readonly metrics: ReturnType<typeof registerRetentionMetrics>;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private readonly waiting = new Map<string, Promise<RetentionRunRecord>>();

  constructor(deps: RetentionJobDeps) {
    this.deps = deps;
    this.now = deps.now ?? Date.now;
    this.metrics = registerRetentionMetrics(deps.registry);
    // Every label value starts at 0, so that increase() sees the first run.
    for (const tier of ['content', 'spans', 'rollups']) this.metrics.deleted.inc({ tier }, 0);
    for (const outcome of ['ok', 'failed']) this.metrics.runs.inc({ outcome }, 0);
  }

  get policy(): RetentionPolicy {
    return this.deps.policy;
  }

  get enforced(): boolean {
    return this.deps.store.retention !== undefined;
  }

  start(): void {
    if (!this.enforced) {
      this.deps.logger.warn({ event: 'retention_unsupported', store: this.deps.store.backend }, 'this store does not enforce retention: data is kept forever');
      return;
    }
    this.stopped = false;
    const tick = (delayMs: number) => {
      this.timer = setTimeout(() => {
        this.running = this.runAll('schedule')
          .catch((err) => this.deps.logger.error({ err, event: 'retention_failed' }, 'retention run failed'))
          .finally(() => {
            if (!this.stopped) tick(this.deps.intervalMs);
          });
      }, delayMs);
      this.timer.unref();
    };
    tick(this.deps.firstRunDelayMs ?? FIRST_RUN_DELAY_MS);
  }

  // Waits for a run in progress (its chunks are short), then schedules no more.
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  // Every project, one after the other; a project that fails does not stop the others.
  async runAll(trigger: RetentionRunRecord['trigger']): Promise<RetentionRunRecord[]> {
    await this.deps.policy.reload();
    const projects = await this.deps.store.listProjects();
    await this.applyBackstop(projects.map((p) => p.id));
    const out: RetentionRunRecord[] = [];
    for (const p of projects) {
      if (this.stopped && trigger === 'schedule') break;
      out.push(await this.runProject(projectId(p.id), trigger));
    }
    return out;
  }

  // One project's run; the record is kept as the project's last run whatever the outcome. A run
  // asked for while another of the project waits for the lock shares it: however often it is
  // asked, a project has at most one run waiting and one running.
  async runProject(project: ProjectId, trigger: RetentionRunRecord['trigger']): Promise<RetentionRunRecord> {
    const enforcement = this.deps.store.retention;
    if (enforcement === undefined) throw new LookoutError('conflict', `the ${this.deps.store.backend} store does not enforce retention`);
    const waiting = this.waiting.get(project);
    if (waiting) return waiting;
    const run = this.deps.lock.run(async () => {
      this.waiting.delete(project);
      const startedMs = this.now();
      const tiers = this.deps.policy.tiersOf(project);
      const cutoffs = cutoffsAt(startedMs, tiers);
      const record: RetentionRunRecord = {
        trigger,
        startedAt: new Date(startedMs).toISOString(),
        finishedAt: '',
        durationMs: 0,
        cutoffs: { contentBefore: cutoffs.contentBefore.toISOString(), spansBefore: cutoffs.spansBefore.toISOString(), rollupsBefore: cutoffs.rollupsBefore.toISOString() },
        archivedDays: null,
        contentStripped: { spans: 0, logs: 0 },
        deleted: { spans: 0, scores: 0, logs: 0, metricPoints: 0, rollupHours: 0 },
        error: null,
      };
      const clock = performance.now();
      try {
        if (this.deps.archive) record.archivedDays = (await this.deps.archive.archiveBefore(project, cutoffs.spansBefore)).days;
        await this.deps.policy.markGone(project, cutoffs);
        const result: RetentionResult = await enforcement.enforceRetention(project, {
          cutoffs,
          // Hashes stay on warm spans: duplicate prompts can still be found after the text is gone.
          content: contentPurgeSpec('metadata', this.deps.content, this.deps.chunkRows ?? RETENTION_CHUNK_ROWS),
          chunkRows: this.deps.chunkRows ?? RETENTION_CHUNK_ROWS,
        });
        record.contentStripped = result.contentStripped;
        record.deleted = result.deleted;
        this.count(result);
        this.metrics.runs.inc({ outcome: 'ok' });
      } catch (err) {
        record.error = (err as Error).message;
        this.metrics.runs.inc({ outcome: 'failed' });
        this.deps.logger.error({ err, event: 'retention_failed', project }, 'retention run failed');
      }
      record.durationMs = Math.round(performance.now() - clock);
      record.finishedAt = new Date(this.now()).toISOString();
      await this.deps.policy.recordRun(project, record);
      if (record.error === null) {
        this.deps.logger.info(
          { event: 'retention_run', project, trigger, cutoffs: record.cutoffs, archivedDays: record.archivedDays, contentStripped: record.contentStripped, deleted: record.deleted, durationMs: record.durationMs },
          'retention run',
        );
      }
      return record;
    });
    this.waiting.set(project, run);
    return run;
  }

  // Where the store can expire rows by itself (ClickHouse TTL), nothing outlives the longest tiers
  // of any project, even while no node runs the job. A failure here stops no run.
  private async applyBackstop(projects: string[]): Promise<void> {
    const enforcement = this.deps.store.retention;
    if (!enforcement?.applyBackstop) return;
    const longest = this.deps.policy.defaultTiers;
    for (const p of projects) {
      const t = this.deps.policy.tiersOf(p);
      longest.contentDays = Math.max(longest.contentDays, t.contentDays);
      longest.spansDays = Math.max(longest.spansDays, t.spansDays);
      longest.rollupsDays = Math.max(longest.rollupsDays, t.rollupsDays);
    }
    try {
      await enforcement.applyBackstop(longest);
    } catch (err) {
      this.deps.logger.error({ err, event: 'retention_backstop_failed', longest }, 'could not apply the retention backstop');
    }
  }

  private count(r: RetentionResult): void {
    this.metrics.deleted.inc({ tier: 'content' }, r.contentStripped.spans + r.contentStripped.logs);
    this.metrics.deleted.inc({ tier: 'spans' }, r.deleted.spans + r.deleted.scores + r.deleted.logs + r.deleted.metricPoints);
    this.metrics.deleted.inc({ tier: 'rollups' }, r.deleted.rollupHours);
  }
}
