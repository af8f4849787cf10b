import type { ProjectId } from './project.ts';

// I4: what an erasure removes from a project's stored records.
//   user     every trace in which some span or score carries this user id: all of those traces'
//            spans, scores and logs, and the user's other scores and logs
//   session  the same for a session id
//   trace    one trace's spans, scores and logs
//   project  every record of the project: spans, scores, logs, metric points, hourly totals
// A trace is erased whole: a span without the user id under a root that has it is the user's too.
export type ErasureTarget =
  | { kind: 'user'; id: string }
  | { kind: 'session'; id: string }
  | { kind: 'trace'; id: string }
  | { kind: 'project' };

export const ERASURE_TARGET_KINDS = ['user', 'session', 'trace', 'project'] as const;

export interface ErasureCounts {
  spans: number;
  scores: number;
  logs: number;
  metricPoints: number;
  // Hourly totals summed again without the erased spans (or, for a project, deleted).
  rollupHours: number;
}

export interface ErasureResult {
  counts: ErasureCounts;
  // The database file still holds the erased rows in free blocks until it is rewritten, which
  // happens when the server stops (DuckDB); false where the backend leaves nothing behind.
  compactsOnStop: boolean;
}

export interface DataErasure {
  // Deletes what `target` names, `chunkRows` rows per transaction so ingest keeps the writer
  // between chunks. Idempotent: run again after a crash, it deletes what is left and counts that.
  // Once it returns, no read of the store returns any of it and the write-ahead log holds none of
  // it (a checkpoint follows the deletes).
  eraseRecords(project: ProjectId, target: ErasureTarget, options: { chunkRows: number }): Promise<ErasureResult>;
}
