import { randomBytes } from 'node:crypto';
import type { StateDocument } from '../state/document.ts';
import type { ProjectId } from '../store/store.ts';
import {
  budgetInputSchema,
  BudgetInputError,
  checkSubject,
  defaultTierSettings,
  DEFAULT_TIER_LIMITS_USD,
  DEFAULT_WARN_AT_PERCENT,
  EACH_USER,
  MAX_BUDGETS_PER_PROJECT,
  MAX_SUBJECT_CHARS,
  MAX_TIER_ASSIGNMENTS_PER_PROJECT,
  normaliseWarnLevels,
  parseInput,
  tierSettingsInputSchema,
  TIER_NAMES,
  type Budget,
  type BudgetsDocument,
  type ProjectBudgets,
  type TierName,
  type TierSettings,
} from './schema.ts';

// The budgets and tiers each project defines, kept in the state document `budgets` (a file in the
// state directory, or a document in the store several nodes share; or in memory only), and
// indexed by whom they apply to so that a check finds a caller's budgets in a few lookups.
//
// Shared by several nodes, the document is read again before every change, and changes of this
// node are made one at a time, so a change made through another node is kept; two nodes changing
// it in the same moment (between one's read and its write) may still lose the first change.

export interface TierView {
  settings: TierSettings;
  assignments: { user: string; tier: TierName }[];
}

// A project's budgets by whom they apply to.
export interface ProjectIndex {
  project: Budget[];
  team: Map<string, Budget[]>;
  department: Map<string, Budget[]>;
  user: Map<string, Budget[]>;
  eachUser: Budget[];
  tierBudgets: Record<TierName, Budget>;
}

const EMPTY_DOC: BudgetsDocument = { version: 1, projects: {} };

// Who makes a change: recorded as a new budget's createdBy; `mayChange` (when given) is asked
// about an existing budget before it is replaced or removed, on the latest document, and throws
// to refuse.
export interface BudgetAuthor {
  id: string | null;
  // A member (not an admin) sets it: the budget is marked setByMember.
  member?: boolean;
  mayChange?: (existing: Budget) => void;
}

export class BudgetDefinitions {
  private readonly file: StateDocument<BudgetsDocument> | null;
  // Other nodes write the document too.
  private readonly shared: boolean;
  private readonly doc: BudgetsDocument = { version: 1, projects: {} };
  private readonly indexes = new Map<string, ProjectIndex>();
  // Shared: reads and changes of this node, one at a time.
  private turn: Promise<unknown> = Promise.resolve();

  private constructor(file: StateDocument<BudgetsDocument> | null, shared: boolean) {
    this.file = file;
    this.shared = shared;
  }

  // `document` null: kept in memory only. `shared`: other nodes change the document too.
  static async load(document: StateDocument<BudgetsDocument> | null, options: { shared?: boolean } = {}): Promise<BudgetDefinitions> {
    const defs = new BudgetDefinitions(document, options.shared === true && document !== null);
    defs.adopt(document ? await document.read(EMPTY_DOC) : EMPTY_DOC);
    return defs;
  }

  // Takes the document as other nodes left it (shared documents only; otherwise nothing to do).
  reload(): Promise<void> {
    if (!this.shared) return Promise.resolve();
    return this.exclusive(() => this.readNow());
  }

  private async readNow(): Promise<void> {
    this.adopt(await this.file!.read(EMPTY_DOC));
  }

  private adopt(raw: BudgetsDocument): void {
    const projects: Record<string, ProjectBudgets> = {};
    for (const [project, p] of Object.entries(raw.projects ?? {})) projects[project] = normaliseProject(p);
    this.doc.projects = projects;
    this.indexes.clear();
    for (const project of Object.keys(projects)) this.reindex(project);
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.turn.then(work);
    this.turn = next.catch(() => undefined);
    return next;
  }

  // Runs `change` on the latest document and writes it when `change` reports a change.
  private async change<T>(projectId: string, change: () => { value: T; changed: boolean }): Promise<T> {
    if (!this.shared) {
      const { value, changed } = change();
      if (changed) await this.commit(projectId);
      return value;
    }
    return this.exclusive(async () => {
      await this.readNow();
      const { value, changed } = change();
      if (changed) await this.commit(projectId);
      return value;
    });
  }

  projectIds(): string[] {
    return Object.keys(this.doc.projects);
  }

  // What a check needs of a project: its budgets by subject and its tier settings and assignments;
  // null for a project that never defined any.
  lookup(projectId: string): { index: ProjectIndex; budgets: ProjectBudgets } | null {
    const index = this.indexes.get(projectId);
    return index ? { index, budgets: this.doc.projects[projectId] } : null;
  }

  // The tier a user's calls are held to: the assigned one, else the default tier unless the user
  // has a budget of their own (by name or '*').
  tierOf(projectId: string, user: string): TierName | null {
    const found = this.lookup(projectId);
    if (!found) return null;
    const assigned = found.budgets.users[user];
    if (assigned !== undefined) return assigned;
    const { tiers } = found.budgets;
    if (tiers.defaultTier !== null && found.index.eachUser.length === 0 && !found.index.user.has(user)) return tiers.defaultTier;
    return null;
  }

  list(projectId: ProjectId): Budget[] {
    return [...(this.doc.projects[projectId]?.budgets ?? [])];
  }

  get(projectId: ProjectId, id: string): Budget | null {
    return this.doc.projects[projectId]?.budgets.find((b) => b.id === id) ?? null;
  }

  // Creates a budget, or replaces the one with `input.id`. Throws BudgetInputError naming the field.
  async upsert(projectId: ProjectId, input: unknown, nowMs: number, author: BudgetAuthor = { id: null }): Promise<{ budget: Budget; created: boolean }> {
    const parsed = parseInput(budgetInputSchema, input);
    const subject = checkSubject(parsed.scope, parsed.subject);
    return this.change(projectId, () => {
      const p = this.project(projectId);
      const at = parsed.id === undefined ? -1 : p.budgets.findIndex((b) => b.id === parsed.id);
      if (at < 0 && p.budgets.length >= MAX_BUDGETS_PER_PROJECT) throw new BudgetInputError('budgets', `a project may have at most ${MAX_BUDGETS_PER_PROJECT} budgets`);
      const now = new Date(nowMs).toISOString();
      const previous = at >= 0 ? p.budgets[at] : null;
      if (previous) author.mayChange?.(previous);
      const budget: Budget = {
        id: parsed.id ?? newBudgetId(),
        projectId,
        name: parsed.name ?? null,
        scope: parsed.scope,
        subject,
        period: parsed.period,
        limitUsd: parsed.limitUsd,
        warnAtPercent: normaliseWarnLevels(parsed.warnAtPercent ?? DEFAULT_WARN_AT_PERCENT),
        enforce: parsed.enforce ?? 'soft',
        createdAt: previous?.createdAt ?? now,
        updatedAt: now,
        createdBy: previous ? previous.createdBy : author.id,
        ...(author.member ? { setByMember: true as const } : {}),
      };
      if (at >= 0) p.budgets[at] = budget;
      else p.budgets.push(budget);
      return { value: { budget, created: at < 0 }, changed: true };
    });
  }

  remove(projectId: ProjectId, id: string, author: BudgetAuthor = { id: null }): Promise<boolean> {
    return this.change(projectId, () => {
      const p = this.doc.projects[projectId];
      const at = p ? p.budgets.findIndex((b) => b.id === id) : -1;
      if (at < 0) return { value: false, changed: false };
      author.mayChange?.(p.budgets[at]);
      p.budgets.splice(at, 1);
      return { value: true, changed: true };
    });
  }

  // Assigns a tier to a user (null: removes the assignment). Returns the previous tier.
  async setTier(projectId: ProjectId, user: string, tier: TierName | null): Promise<TierName | null> {
    if (user.length === 0 || user.length > MAX_SUBJECT_CHARS) throw new BudgetInputError('user', `must be 1-${MAX_SUBJECT_CHARS} characters`);
    if (tier !== null && !(TIER_NAMES as readonly string[]).includes(tier)) throw new BudgetInputError('tier', `must be one of ${TIER_NAMES.join(', ')}`);
    return this.change(projectId, () => {
      const p = this.project(projectId);
      const previous = p.users[user] ?? null;
      if (tier === null) {
        if (previous === null) return { value: null, changed: false };
        delete p.users[user];
      } else {
        if (previous === null && Object.keys(p.users).length >= MAX_TIER_ASSIGNMENTS_PER_PROJECT) {
          throw new BudgetInputError('user', `a project may assign tiers to at most ${MAX_TIER_ASSIGNMENTS_PER_PROJECT} users`);
        }
        p.users[user] = tier;
      }
      return { value: previous, changed: true };
    });
  }

  tierOfUser(projectId: ProjectId, user: string): { tier: TierName | null; assigned: boolean } {
    const assigned = this.doc.projects[projectId]?.users[user];
    if (assigned !== undefined) return { tier: assigned, assigned: true };
    return { tier: this.tierOf(projectId, user), assigned: false };
  }

  tiers(projectId: ProjectId): TierView {
    const p = this.doc.projects[projectId] ?? normaliseProject(undefined);
    return {
      settings: structuredClone(p.tiers),
      assignments: Object.entries(p.users)
        .map(([user, tier]) => ({ user, tier }))
        .sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : 0)),
    };
  }

  // Changes the tier limits, the default tier, enforcement or warning levels of a project.
  async setTierSettings(projectId: ProjectId, input: unknown): Promise<TierSettings> {
    const parsed = parseInput(tierSettingsInputSchema, input);
    return this.change(projectId, () => {
      const p = this.project(projectId);
      if (parsed.limitsUsd) p.tiers.limitsUsd = { ...p.tiers.limitsUsd, ...Object.fromEntries(Object.entries(parsed.limitsUsd).filter(([, v]) => v !== undefined)) };
      if (parsed.defaultTier !== undefined) p.tiers.defaultTier = parsed.defaultTier;
      if (parsed.enforce !== undefined) p.tiers.enforce = parsed.enforce;
      if (parsed.warnAtPercent !== undefined) p.tiers.warnAtPercent = normaliseWarnLevels(parsed.warnAtPercent);
      return { value: structuredClone(p.tiers), changed: true };
    });
  }

  // A deleted project: its budgets, tier settings and tier assignments.
  forgetProject(projectId: string): Promise<void> {
    const drop = async () => {
      if (!(projectId in this.doc.projects)) return;
      delete this.doc.projects[projectId];
      this.indexes.delete(projectId);
      if (this.file) await this.file.write(this.doc);
    };
    return this.shared ? this.exclusive(async () => (await this.readNow(), drop())) : drop();
  }

  private project(projectId: string): ProjectBudgets {
    let p = this.doc.projects[projectId];
    if (!p) {
      p = normaliseProject(undefined);
      this.doc.projects[projectId] = p;
    }
    return p;
  }

  private async commit(projectId: string): Promise<void> {
    this.reindex(projectId);
    if (this.file) await this.file.write(this.doc);
  }

  private reindex(projectId: string): void {
    const p = this.doc.projects[projectId];
    const index: ProjectIndex = { project: [], team: new Map(), department: new Map(), user: new Map(), eachUser: [], tierBudgets: tierBudgets(projectId, p.tiers) };
    for (const b of p.budgets) {
      if (b.scope === 'project') index.project.push(b);
      else if (b.scope === 'user' && b.subject === EACH_USER) index.eachUser.push(b);
      else {
        const map = index[b.scope];
        const list = map.get(b.subject!) ?? [];
        list.push(b);
        map.set(b.subject!, list);
      }
    }
    this.indexes.set(projectId, index);
  }
}

function newBudgetId(): string {
  return `b_${randomBytes(6).toString('hex')}`;
}

function normaliseProject(raw: Partial<ProjectBudgets> | undefined): ProjectBudgets {
  const defaults = defaultTierSettings();
  const tiers = raw?.tiers ?? defaults;
  return {
    // Budgets written before createdBy was recorded have none.
    budgets: Array.isArray(raw?.budgets) ? raw.budgets.map((b) => ({ ...b, createdBy: typeof b.createdBy === 'string' ? b.createdBy : null })) : [],
    tiers: {
      limitsUsd: { ...DEFAULT_TIER_LIMITS_USD, ...(tiers.limitsUsd ?? {}) },
      defaultTier: tiers.defaultTier ?? null,
      enforce: tiers.enforce ?? defaults.enforce,
      warnAtPercent: normaliseWarnLevels(tiers.warnAtPercent ?? DEFAULT_WARN_AT_PERCENT),
    },
    users: raw?.users && typeof raw.users === 'object' ? { ...raw.users } : {},
  };
}

// The budgets a tier gives each user it covers; they are not stored as budgets.
function tierBudgets(projectId: string, tiers: TierSettings): Record<TierName, Budget> {
  const out = {} as Record<TierName, Budget>;
  for (const tier of TIER_NAMES) {
    out[tier] = {
      id: `tier:${tier}`,
      projectId,
      name: `${tier} tier`,
      scope: 'user',
      subject: EACH_USER,
      period: 'daily',
      limitUsd: tiers.limitsUsd[tier],
      warnAtPercent: tiers.warnAtPercent,
      enforce: tiers.enforce,
      createdAt: '',
      updatedAt: '',
      createdBy: null,
      tier,
    };
  }
  return out;
}
