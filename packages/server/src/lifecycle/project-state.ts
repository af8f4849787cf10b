import type { Alerting } from '../alerts/service.ts';
import type { BudgetBook } from '../budgets/book.ts';
import type { Privacy } from '../enrich/redact/privacy.ts';
import type { ContentPolicy } from '../ingest/content-policy.ts';
import type { IngestPipeline } from '../ingest/pipeline.ts';
import type { Evaluators } from '../quality/evaluators/service.ts';
import type { Judge } from '../quality/judge/judge.ts';
import { projectId as toProjectId } from '../store/store.ts';
import type { RetentionPolicy } from './retention-policy.ts';
import type { ChargebackStore } from '../query/chargeback-store.ts';

// Everything the server holds of a project outside the store's records and control plane, and how
// each owner forgets it when the project is deleted. Files in the data directory (budgets.json,
// alerts.json, actions.json, evaluators.json, privacy.json, retention.json, chargeback.json, judge-queue.json; or
// the shared documents of the same names) are written again without the project by their owner.
export interface ProjectStateHolder {
  name: string;
  forgetProject(project: string): void | Promise<void>;
}

export function projectStateHolders(deps: {
  pipeline: IngestPipeline;
  content: ContentPolicy;
  privacy: Privacy;
  evaluators: Evaluators;
  judge: Judge | null;
  budgets: BudgetBook;
  alerting: Alerting;
  retention: RetentionPolicy | null;
  chargeback?: ChargebackStore;
}): ProjectStateHolder[] {
  const { alerting } = deps;
  const holders: (ProjectStateHolder | null)[] = [
    // Duplicate-check keys of its recent spans, and the chain's memory of its traces.
    { name: 'the ingest pipeline', forgetProject: (p) => deps.pipeline.forgetProject(p) },
    { name: 'the content capture settings', forgetProject: (p) => deps.content.forgetProject(p) },
    { name: 'the privacy settings', forgetProject: async (p) => void (await deps.privacy.reset(p)) },
    { name: 'the evaluators', forgetProject: (p) => deps.evaluators.forgetProject(p) },
    deps.judge && { name: "the judge's queue", forgetProject: (p) => deps.judge!.forgetProject(p) },
    { name: 'the budgets', forgetProject: (p) => deps.budgets.forgetProject(toProjectId(p)) },
    // Before the alert engine: a project the rollups still held would be evaluated again.
    { name: 'the rollups', forgetProject: (p) => alerting.rollups.forgetProject(p) },
    { name: 'the alert rules and silences', forgetProject: (p) => alerting.engine.forgetProject(p) },
    { name: 'the automated responses', forgetProject: (p) => alerting.actions.forgetProject(p) },
    deps.retention && { name: 'the retention settings', forgetProject: (p) => deps.retention!.forgetProject(p) },
    (deps.chargeback ?? null) && { name: 'the chargeback markups and other costs', forgetProject: (p) => deps.chargeback!.forgetProject(p) },
  ];
  return holders.filter((h): h is ProjectStateHolder => h !== null);
}
