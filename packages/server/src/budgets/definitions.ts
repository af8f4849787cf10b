import { randomBytes } from 'node:crypto';
import { JsonFile } from '../state/json-file.ts';
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

// The budgets and tiers each project defines, kept in <dataDir>/budgets.json (or in memory only),
// and indexed by whom they apply to so that a check finds a caller's budgets in a few lookups.

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

export class BudgetDefinitions {
  private readonly file: JsonFile<BudgetsDocument> | null;
  private readonly doc: BudgetsDocument = { version: 1, projects: {} };
  private readonly indexes = new Map<string, ProjectIndex>();

  private constructor(file: JsonFile<BudgetsDocument> | null) {
    this.file = file;
  }

  // `path` null: kept in memory only.
  static async load(path: string | null): Promise<BudgetDefinitions> {
    const file = path === null ? null : new JsonFile<BudgetsDocument>(path);
    const defs = new BudgetDefinitions(file);
    const raw = file ? await file.read(EMPTY_DOC) : EMPTY_DOC;
    for (const [project, p] of Object.entries(raw.projects ?? {})) defs.doc.projects[project] = normaliseProject(p);
    for (const project of Object.keys(defs.doc.projects)) defs.reindex(project);
    return defs;
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
  async upsert(projectId: ProjectId, input: unknown, nowMs: number): Promise<{ budget: Budget; created: boolean }> {
    const parsed = parseInput(budgetInputSchema, input);
    const subject = checkSubject(parsed.scope, parsed.subject);
    const p = this.project(projectId);
    const at = parsed.id === undefined ? -1 : p.budgets.findIndex((b) => b.id === parsed.id);
    if (at < 0 && p.budgets.length >= MAX_BUDGETS_PER_PROJECT) throw new BudgetInputError('budgets', `a project may have at most ${MAX_BUDGETS_PER_PROJECT} budgets`);
    const now = new Date(nowMs).toISOString();
    const previous = at >= 0 ? p.budgets[at] : null;
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
    };
    if (at >= 0) p.budgets[at] = budget;
    else p.budgets.push(budget);
    await this.commit(projectId);
    return { budget, created: at < 0 };
  }

  async remove(projectId: ProjectId, id: string): Promise<boolean> {
    const p = this.doc.projects[projectId];
    const at = p ? p.budgets.findIndex((b) => b.id === id) : -1;
    if (at < 0) return false;
    p.budgets.splice(at, 1);
    await this.commit(projectId);
    return true;
  }

  // Assigns a tier to a user (null: removes the assignment). Returns the previous tier.
  async setTier(projectId: ProjectId, user: string, tier: TierName | null): Promise<TierName | null> {
    if (user.length === 0 || user.length > MAX_SUBJECT_CHARS) throw new BudgetInputError('user', `must be 1-${MAX_SUBJECT_CHARS} characters`);
    if (tier !== null && !(TIER_NAMES as readonly string[]).includes(tier)) throw new BudgetInputError('tier', `must be one of ${TIER_NAMES.join(', ')}`);
    const p = this.project(projectId);
    const previous = p.users[user] ?? null;
    if (tier === null) {
      if (previous === null) return null;
      delete p.users[user];
    } else {
      if (previous === null && Object.keys(p.users).length >= MAX_TIER_ASSIGNMENTS_PER_PROJECT) {
        throw new BudgetInputError('user', `a project may assign tiers to at most ${MAX_TIER_ASSIGNMENTS_PER_PROJECT} users`);
      }
      p.users[user] = tier;
    }
    await this.commit(projectId);
    return previous;
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
    const p = this.project(projectId);
    if (parsed.limitsUsd) p.tiers.limitsUsd = { ...p.tiers.limitsUsd, ...Object.fromEntries(Object.entries(parsed.limitsUsd).filter(([, v]) => v !== undefined)) };
    if (parsed.defaultTier !== undefined) p.tiers.defaultTier = parsed.defaultTier;
    if (parsed.enforce !== undefined) p.tiers.enforce = parsed.enforce;
    if (parsed.warnAtPercent !== undefined) p.tiers.warnAtPercent = normaliseWarnLevels(parsed.warnAtPercent);
    await this.commit(projectId);
    return structuredClone(p.tiers);
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
    budgets: Array.isArray(raw?.budgets) ? raw.budgets : [],
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
      tier,
    };
  }
  return out;
}
