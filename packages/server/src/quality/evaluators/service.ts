import { randomBytes } from 'node:crypto';
import { ConflictError, NotFoundError } from '../../errors.ts';
import type { Evaluator, EvaluatorSource } from '../../domain/quality.ts';
import type { StateDocument } from '../../state/document.ts';
import { prepareLanguageDetector } from '../../enrich/quality/heuristics/language.ts';
import { evaluatorFrom, MAX_EVALUATORS_PER_PROJECT, type ConfiguredEvaluator, type EvaluatorInput } from './schema.ts';

// Each project's evaluators, held in memory: ingest asks for them on every batch. Those made
// through the API are kept in the state document `evaluators` (a file, or a shared document when
// several nodes share the store: then re-read every few seconds, so one made through another node
// applies here too). Those of the config file are read-only and apply to the project they name,
// or to every project when they name none.

export type EvaluatorOrigin = 'api' | 'config';

export interface ListedEvaluator {
  evaluator: Evaluator;
  origin: EvaluatorOrigin;
}

export interface EvaluatorsDocument {
  projects: Record<string, Evaluator[]>;
}

const CONFIG_ID_PREFIX = 'config.';
const ID_RANDOM_BYTES = 8;

export class Evaluators implements EvaluatorSource {
  private readonly document: StateDocument<EvaluatorsDocument> | null;
  // Of the config file: for every project, and per project.
  private readonly everyProject: Evaluator[];
  private readonly configured: Map<string, Evaluator[]>;
  private projects: Record<string, Evaluator[]> = {};
  // What evaluatorsOf answers, per project: built on first ask after a change.
  private inForce = new Map<string, readonly Evaluator[]>();
  private following: NodeJS.Timeout | null = null;
  // Changes of this node one after another, each on the document as it is then.
  private changing: Promise<unknown> = Promise.resolve();
  private changes = 0;

  private constructor(configured: readonly ConfiguredEvaluator[], document: StateDocument<EvaluatorsDocument> | null) {
    this.document = document;
    const startedAt = new Date().toISOString();
    // A config evaluator's id comes from its name, so its scores keep their ids across restarts.
    const toEvaluator = (c: ConfiguredEvaluator) => evaluatorFrom(c.definition, `${CONFIG_ID_PREFIX}${c.definition.name}`, startedAt, null);
    this.everyProject = configured.filter((c) => c.project === null).map(toEvaluator);
    this.configured = new Map();
    for (const c of configured) {
      if (c.project === null) continue;
      this.configured.set(c.project, [...(this.configured.get(c.project) ?? []), toEvaluator(c)]);
    }
  }

  // `document` null: API evaluators live in memory only (tests).
  static async load(configured: readonly ConfiguredEvaluator[], document: StateDocument<EvaluatorsDocument> | null): Promise<Evaluators> {
    const evaluators = new Evaluators(configured, document);
    await evaluators.reload();
    evaluators.prepareHeuristics();
    return evaluators;
  }

  async reload(): Promise<void> {
    if (!this.document) return;
    const changesBefore = this.changes;
    const doc = await this.document.read({ projects: {} });
    // A change of this node stored while the read ran is newer than what the read saw.
    if (this.changes !== changesBefore) return;
    this.projects = doc.projects ?? {};
    this.inForce = new Map();
    this.prepareHeuristics();
  }

  // The language heuristic's tables load only once some evaluator needs them (language.ts), and
  // in the background, so that the first call judged does not wait for them.
  private prepareHeuristics(): void {
    const all = [...this.everyProject, ...[...this.configured.values()].flat(), ...Object.values(this.projects).flat()];
    if (all.some((e) => e.kind === 'heuristic' && e.criterion === 'language')) prepareLanguageDetector().catch(() => undefined);
  }

  follow(intervalMs: number, onError: (err: unknown) => void): void {
    this.following ??= setInterval(() => this.reload().catch(onError), intervalMs);
    this.following.unref();
  }

  stopFollowing(): void {
    if (this.following) clearInterval(this.following);
    this.following = null;
  }

  // The enabled evaluators of the project, config file's first.
  evaluatorsOf(projectId: string): readonly Evaluator[] {
    let found = this.inForce.get(projectId);
    if (found === undefined) {
      found = this.list(projectId)
        .map((l) => l.evaluator)
        .filter((e) => e.enabled);
      this.inForce.set(projectId, found);
    }
    return found;
  }

  list(projectId: string): ListedEvaluator[] {
    const config = [...this.everyProject, ...(this.configured.get(projectId) ?? [])].map((evaluator) => ({ evaluator, origin: 'config' as const }));
    const own = (this.projects[projectId] ?? []).map((evaluator) => ({ evaluator, origin: 'api' as const }));
    return [...config, ...own];
  }

  get(projectId: string, id: string): ListedEvaluator {
    const found = this.list(projectId).find((l) => l.evaluator.id === id);
    if (!found) throw new NotFoundError(`no evaluator ${id} in project ${projectId}`);
    return found;
  }

  async create(projectId: string, input: EvaluatorInput): Promise<Evaluator> {
    return this.change(projectId, (own) => {
      if (this.list(projectId).length >= MAX_EVALUATORS_PER_PROJECT) {
        throw new ConflictError(`a project may have at most ${MAX_EVALUATORS_PER_PROJECT} evaluators; delete one first`);
      }
      this.assertNameFree(projectId, input.name, null);
      const created = evaluatorFrom(input, `ev_${randomBytes(ID_RANDOM_BYTES).toString('hex')}`, new Date().toISOString(), null);
      return { own: [...own, created], answer: created };
    });
  }

  // Replaces the definition; the judge's key is kept unless the input names one (or null).
  async update(projectId: string, id: string, input: EvaluatorInput): Promise<Evaluator> {
    return this.change(projectId, (own) => {
      const at = own.findIndex((e) => e.id === id);
      if (at < 0) this.notOwn(projectId, id);
      this.assertNameFree(projectId, input.name, id);
      const updated = evaluatorFrom(input, id, new Date().toISOString(), own[at] ?? null);
      return { own: own.map((e, i) => (i === at ? updated : e)), answer: updated };
    });
  }

  async remove(projectId: string, id: string): Promise<Evaluator> {
    return this.change(projectId, (own) => {
      const found = own.find((e) => e.id === id);
      if (!found) this.notOwn(projectId, id);
      return { own: own.filter((e) => e.id !== id), answer: found as Evaluator };
    });
  }

  // A deleted project: its own evaluators (those of the config file stay: they are configuration).
  async forgetProject(projectId: string): Promise<void> {
    await this.change(projectId, () => ({ own: [], answer: undefined }));
  }

  private notOwn(projectId: string, id: string): never {
    if (this.list(projectId).some((l) => l.evaluator.id === id)) {
      throw new ConflictError(`evaluator ${id} comes from the configuration file; change or remove it there`);
    }
    throw new NotFoundError(`no evaluator ${id} in project ${projectId}`);
  }

  private assertNameFree(projectId: string, name: string, exceptId: string | null): void {
    const taken = this.list(projectId).find((l) => l.evaluator.name === name && l.evaluator.id !== exceptId);
    if (taken) throw new ConflictError(`name: the project already has an evaluator named '${name}' (${taken.evaluator.id}); scores are told apart by name`);
  }

  // Applies `edit` to the project's own evaluators as last stored (another node may have changed
  // them), stores the result, and answers what `edit` says.
  private change<T>(projectId: string, edit: (own: Evaluator[]) => { own: Evaluator[]; answer: T }): Promise<T> {
    const run = async (): Promise<T> => {
      await this.reload();
      const { own, answer } = edit(this.projects[projectId] ?? []);
      const projects = { ...this.projects };
      if (own.length) projects[projectId] = own;
      else delete projects[projectId];
      if (this.document) await this.document.write({ projects });
      this.projects = projects;
      this.changes++;
      this.inForce = new Map();
      this.prepareHeuristics();
      return answer;
    };
    const next = this.changing.then(run, run);
    this.changing = next.catch(() => undefined);
    return next;
  }
}
