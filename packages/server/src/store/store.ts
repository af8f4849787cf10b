import type { AnalyticsBackend } from '../query/contract.ts';
import type { ContentMaintenance } from './content-maintenance.ts';
import type { ControlPlane } from './control-plane.ts';
import type { SharedState } from './documents.ts';
import type { CostMaintenance } from './cost-maintenance.ts';
import type { EventStore } from './events.ts';
import type { EventExport } from './export.ts';
import type { MetricPointStore } from './metric-points.ts';
import type { RollupSources } from './rollup-sources.ts';
import type { ScoreLogReads, SpanReads } from './span-reads.ts';
import type { SecurityEventReads } from './security-events.ts';
import type { QualityReads } from './quality.ts';
import type { RetrievalAggregates } from './drift.ts';
import type { PromptRepeatReads } from './prompt-repeats.ts';
import type { ExperimentReads } from './experiments.ts';
import type { ProjectExport } from './project-export.ts';
import type { DataErasure } from './erasure.ts';
import type { RetentionEnforcement } from './retention.ts';
import type { PromptRegistry } from './prompts.ts';
import type { PeopleStore } from './people.ts';
import type { AuditLog } from './audit.ts';

// The storage contract: one small interface per concern, each in its own file, and a store is a
// backend's implementation of all of them, opened by store/open.ts from `storage.backend`. A
// module that needs one concern takes that interface, not the whole store.

export * from './project.ts';
export * from './events.ts';
export * from './span-reads.ts';
export * from './metric-points.ts';
export * from './rollup-sources.ts';
export * from './control-plane.ts';
export * from './cost-maintenance.ts';
export * from './content-maintenance.ts';
export * from './documents.ts';
export * from './export.ts';
export * from './security-events.ts';
export * from './quality.ts';
export * from './drift.ts';
export * from './prompt-repeats.ts';
export * from './experiments.ts';
export * from './project-export.ts';
export * from './erasure.ts';
export * from './retention.ts';
export * from './prompts.ts';
export * from './people.ts';
export * from './audit.ts';

// Why a store turned a read away: it ran past the query timeout, or too many reads were waiting.
export type ReadRefusal = 'timeout' | 'busy';

export interface Store
  extends EventStore,
    SpanReads,
    ScoreLogReads,
    MetricPointStore,
    RollupSources,
    ControlPlane,
    CostMaintenance,
    ContentMaintenance,
    SharedState,
    EventExport,
    SecurityEventReads,
    QualityReads,
    RetrievalAggregates,
    PromptRepeatReads,
    ExperimentReads {
  readonly backend: string;
  readonly analytics: AnalyticsBackend;
  // D7: versioned prompts and their labels (control-plane data).
  readonly prompts: PromptRegistry;
  // E4: people, their roles and sessions (control-plane data), and the append-only audit log.
  readonly people: PeopleStore;
  readonly audit: AuditLog;
  // Downloads of one project's records; absent on a backend without it (ClickHouse, for now).
  readonly projectExport?: ProjectExport;
  // A consistent copy of an embedded database (DuckDB); absent where the backend has backup tools
  // of its own (ClickHouse).
  readonly localBackup?: LocalBackup;
  // I4 and I3: deleting what an erasure names, and enforcing retention tiers.
  readonly erasure?: DataErasure;
  readonly retention?: RetentionEnforcement;
  close(): Promise<void>;
}

export interface LocalBackup {
  // The database's file name in the data directory, as a backup holds it.
  readonly databaseFile: string;
  // Entries of the data directory a backup leaves out: the live database files (copied through
  // backupTo instead), loads and compactions in progress.
  readonly liveEntries: readonly string[];
  // Writes a consistent copy of the whole database to `file` while the store keeps serving.
  backupTo(file: string): Promise<void>;
}
