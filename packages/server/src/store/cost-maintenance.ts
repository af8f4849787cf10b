import type { SpanRecord } from '../domain/span.ts';
import type { ProjectId } from './project.ts';

// Costs after the fact: the models no price matched, and re-costing stored spans when a price
// is added or changed (`lookout prices backfill`).

export interface UnknownModel {
  provider: string | null;
  model: string | null;
  calls: number;
  totalTokens: number;
  firstSeen: string;
  lastSeen: string;
}

export interface RepriceProgress {
  done: number;
  total: number;
}

export interface CostMaintenance {
  listUnknownModels(project: ProjectId): Promise<UnknownModel[]>;
  // Re-costs spans whose model matches one of `models` (or all unknown-cost spans when
  // `models` is null), in every project. `price` maps a stored span to its new cost.
  reprice(
    price: (span: SpanRecord) => SpanRecord['cost'],
    options: { onlyUnknown: boolean; models: string[] | null; onProgress?: (p: RepriceProgress) => void },
  ): Promise<{ updated: number }>;
}
