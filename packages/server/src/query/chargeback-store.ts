import { randomBytes } from 'node:crypto';
import { ConflictError, LookoutError, NotFoundError } from '../errors.ts';
import type { StateDocument } from '../state/document.ts';
import {
  EMPTY_MARKUP,
  markupProblem,
  MAX_OTHER_COSTS,
  otherCostProblem,
  type MarkupSettings,
  type OtherCost,
  type OtherCostInput,
} from './chargeback-settings.ts';

// Each project's markup tiers and other costs, kept in the state document `chargeback` (a file in
// the state directory, or a document in the store several nodes share). Read afresh for every
// report and before every change, so a change made through another node is seen at once; changes
// of this node are made one at a time.

interface ProjectBilling {
  markup?: MarkupSettings;
  costs?: OtherCost[];
}

export interface ChargebackDocument {
  version: 1;
  projects: Record<string, ProjectBilling>;
}

export interface ProjectBillingSettings {
  markup: MarkupSettings;
  costs: OtherCost[];
}

const EMPTY_DOC: ChargebackDocument = { version: 1, projects: {} };

function invalid(problem: { field: string; message: string }): LookoutError {
  return new LookoutError('invalid_request', `${problem.field}: ${problem.message}`, { details: { field: problem.field } });
}

export class ChargebackStore {
  private readonly document: StateDocument<ChargebackDocument>;
  private writing: Promise<unknown> = Promise.resolve();

  constructor(document: StateDocument<ChargebackDocument>) {
    this.document = document;
  }

  async of(project: string): Promise<ProjectBillingSettings> {
    const p = (await this.document.read(EMPTY_DOC)).projects?.[project];
    return { markup: p?.markup ?? EMPTY_MARKUP, costs: p?.costs ?? [] };
  }

  async setMarkup(project: string, markup: MarkupSettings): Promise<MarkupSettings> {
    const problem = markupProblem(markup);
    if (problem) throw invalid(problem);
    await this.update(project, (p) => ({ ...p, markup }));
    return markup;
  }

  async addCost(project: string, input: OtherCostInput, now: Date): Promise<OtherCost> {
    const problem = otherCostProblem(input);
    if (problem) throw invalid(problem);
    const at = now.toISOString();
    const cost: OtherCost = { id: `oc_${randomBytes(8).toString('hex')}`, ...input, createdAt: at, updatedAt: at };
    await this.update(project, (p) => {
      const costs = p.costs ?? [];
      if (costs.length >= MAX_OTHER_COSTS) throw new ConflictError(`the project has ${MAX_OTHER_COSTS} other costs, the most it may have; delete one first`);
      return { ...p, costs: [...costs, cost] };
    });
    return cost;
  }

  async replaceCost(project: string, id: string, input: OtherCostInput, now: Date): Promise<OtherCost> {
    const problem = otherCostProblem(input);
    if (problem) throw invalid(problem);
    let replaced: OtherCost | null = null;
    await this.update(project, (p) => {
      const costs = p.costs ?? [];
      const i = costs.findIndex((c) => c.id === id);
      if (i < 0) throw new NotFoundError(`no other cost '${id}' in this project`);
      replaced = { id, ...input, createdAt: costs[i].createdAt, updatedAt: now.toISOString() };
      return { ...p, costs: costs.map((c, j) => (j === i ? replaced! : c)) };
    });
    return replaced!;
  }

  async deleteCost(project: string, id: string): Promise<void> {
    await this.update(project, (p) => {
      const costs = p.costs ?? [];
      if (!costs.some((c) => c.id === id)) throw new NotFoundError(`no other cost '${id}' in this project`);
      return { ...p, costs: costs.filter((c) => c.id !== id) };
    });
  }

  // A deleted project: its tiers and costs.
  async forgetProject(project: string): Promise<void> {
    await this.update(project, () => null);
  }

  // `change` null: the project's entry goes. A change that throws writes nothing.
  private update(project: string, change: (p: ProjectBilling) => ProjectBilling | null): Promise<void> {
    const next = this.writing.then(async () => {
      const doc = await this.document.read(EMPTY_DOC);
      const projects = { ...doc.projects };
      const changed = change(projects[project] ?? {});
      if (changed === null) {
        if (!(project in projects)) return;
        delete projects[project];
      } else projects[project] = changed;
      await this.document.write({ version: 1, projects });
    });
    this.writing = next.catch(() => undefined);
    return next;
  }
}
