import type { Store } from '../store.ts';
import { analyticsReportsContract } from './analytics-reports.ts';
import { analyticsContract } from './analytics.ts';
import { coreContract } from './core.ts';
import { exportContract } from './export.ts';
import type { ContractOptions } from './fixtures.ts';
import { metricPointsContract } from './metric-points.ts';
import { repriceContract } from './reprice.ts';
import { rollupsContract } from './rollups.ts';
import { tracesContract } from './traces.ts';
import { securityEventsContract } from './security-events.ts';
import { qualityContract } from './quality.ts';
import { scoreContextContract } from './score-context.ts';
import { evaluationSpendContract } from './evaluation-spend.ts';
import { driftContract } from './drift.ts';
import { promptRepeatsContract } from './prompt-repeats.ts';
import { experimentsContract } from './experiments.ts';
import { refusalsContract } from './refusals.ts';
import { appCacheContract } from './app-cache.ts';
import { costMeasuresContract } from './cost-measures.ts';
import { erasureContract } from './erasure.ts';
import { retentionContract } from './retention.ts';

export type { ContractOptions } from './fixtures.ts';
export { analyticsContract } from './analytics.ts';
export { analyticsReportsContract } from './analytics-reports.ts';
export { coreContract } from './core.ts';
export { evaluationSpendContract } from './evaluation-spend.ts';
export { erasureContract } from './erasure.ts';
export { retentionContract } from './retention.ts';

// Every contract suite, written once against the Store interface. Each backend runs them from its
// own test file with a factory that opens a fresh, empty store; the answers must be the same from
// every backend, to the nano-dollar.
export function storeContracts(name: string, open: () => Promise<Store>, options: ContractOptions = {}): void {
  coreContract(name, open, options);
  tracesContract(name, open);
  analyticsContract(name, open, options);
  analyticsReportsContract(name, open, options);
  rollupsContract(name, open);
  repriceContract(name, open, options);
  metricPointsContract(name, open);
  exportContract(name, open);
  securityEventsContract(name, open);
  qualityContract(name, open);
  scoreContextContract(name, open);
  evaluationSpendContract(name, open, options);
  driftContract(name, open);
  promptRepeatsContract(name, open);
  experimentsContract(name, open);
  refusalsContract(name, open, options);
  appCacheContract(name, open, options);
  costMeasuresContract(name, open, options);
  erasureContract(name, open, options);
  retentionContract(name, open, options);
}
