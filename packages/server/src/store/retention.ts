import type { ProjectId } from './project.ts';
import type { ContentPurge } from './content-maintenance.ts';

// I3: the tiers of one project, as times: what is older than each cutoff leaves its tier.
//   contentBefore  spans and logs that started before it lose their content (hot → warm): the
//                  content purge of `content`, restricted to those rows; hashes are kept
//   spansBefore    spans, scores, logs and metric points before it are deleted (warm → cold); the
//                  hourly totals of those hours are summed first, so long-range answers remain
//   rollupsBefore  hourly totals before it are deleted (cold → gone)
// null: that tier keeps everything.
export interface RetentionCutoffs {
  contentBefore: Date | null;
  spansBefore: Date | null;
  rollupsBefore: Date | null;
}

export interface RetentionRun {
  cutoffs: RetentionCutoffs;
  // What the content purge removes (ingest/content-policy.ts contentPurgeSpec), applied to rows
  // older than contentBefore only.
  content: ContentPurge;
  chunkRows: number;
}

export interface RetentionResult {
  contentStripped: { spans: number; logs: number };
  deleted: { spans: number; scores: number; logs: number; metricPoints: number; rollupHours: number };
  compactsOnStop: boolean;
}

// The longest tiers of any project, in days.
export interface RetentionBackstop {
  contentDays: number;
  spansDays: number;
  rollupsDays: number;
}

export interface RetentionEnforcement {
  // Applies the cutoffs to one project, in bounded chunks (each its own short transaction).
  // Idempotent; safe to run while ingest goes on.
  enforceRetention(project: ProjectId, run: RetentionRun): Promise<RetentionResult>;
  // Where the database can expire rows by itself (ClickHouse TTL): nothing outlives `longest`
  // (plus a margin) even while no node runs enforceRetention; null removes it. Call it with the
  // current longest tiers before each round of runs: it changes the tables only when they differ.
  applyBackstop?(longest: RetentionBackstop | null): Promise<void>;
}
