import { DAY_MS, HOUR_MS } from '../domain/time.ts';
import { LookoutError } from '../errors.ts';
import { TIER_NAMES, tierOrderProblems, type RetentionTiers } from '../config/retention.ts';
import type { StateDocument } from '../state/document.ts';
import type { RetentionCutoffs, RetentionResult } from '../store/retention.ts';

// Each project's retention tiers (the configured defaults, or the project's own, set through the
// API) and what the job last did for it. Kept in the state document `retention`: a file, or a
// shared document when several nodes share the store, so every node applies the same tiers.

export type TierName = keyof RetentionTiers;

export interface RetentionRunRecord {
  trigger: 'schedule' | 'manual';
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  cutoffs: { contentBefore: string; spansBefore: string; rollupsBefore: string };
  // Days written to the archive before their spans were deleted (null: archive off).
  archivedDays: number | null;
  contentStripped: RetentionResult['contentStripped'];
  deleted: RetentionResult['deleted'];
  error: string | null;
}

interface ProjectRetention {
  // The project's own tiers; a tier absent here is the configured default.
  tiers?: Partial<RetentionTiers>;
  // The latest cutoffs ever applied (ISO): nothing older remains of that tier, even after the
  // tiers are lengthened, so analytics know from where the spans and hourly totals are gone.
  spansGoneBefore?: string;
  rollupsGoneBefore?: string;
  lastRun?: RetentionRunRecord;
}

export interface RetentionDocument {
  projects: Record<string, ProjectRetention>;
}

// Where a project's rows stop: spans (and their scores and logs) and hourly totals older than
// these are gone; null: never removed.
export interface RetentionHorizon {
  spansFromMs: number | null;
  rollupsFromMs: number | null;
}

export interface EffectiveRetention extends RetentionTiers {
  isDefault: Record<TierName, boolean>;
}

// A change to a project's tiers: a number sets the tier, null returns it to the default,
// absent leaves it as it is.
export type TiersChange = Partial<Record<TierName, number | null>>;

// Cutoffs fall on whole hours, so the hourly totals of the spans deleted cover whole hours.
export function cutoffsAt(nowMs: number, tiers: RetentionTiers): RetentionCutoffs & { contentBefore: Date; spansBefore: Date; rollupsBefore: Date } {
  const at = (days: number) => new Date(Math.floor((nowMs - days * DAY_MS) / HOUR_MS) * HOUR_MS);
  return { contentBefore: at(tiers.contentDays), spansBefore: at(tiers.spansDays), rollupsBefore: at(tiers.rollupsDays) };
}

const laterOf = (a: string | undefined, b: Date): string => (a !== undefined && Date.parse(a) >= b.getTime() ? a : b.toISOString());

export class RetentionPolicy {
  private readonly defaults: RetentionTiers;
  private readonly document: StateDocument<RetentionDocument>;
  private projects: Record<string, ProjectRetention> = {};
  // Read-modify-writes of this node one at a time.
  private writing: Promise<unknown> = Promise.resolve();
  private following: NodeJS.Timeout | null = null;

  private constructor(defaults: RetentionTiers, document: StateDocument<RetentionDocument>) {
    this.defaults = { contentDays: defaults.contentDays, spansDays: defaults.spansDays, rollupsDays: defaults.rollupsDays };
    this.document = document;
  }

  static async load(defaults: RetentionTiers, document: StateDocument<RetentionDocument>): Promise<RetentionPolicy> {
    const policy = new RetentionPolicy(defaults, document);
    await policy.reload();
    return policy;
  }

  async reload(): Promise<void> {
    const doc = await this.document.read({ projects: {} });
    this.projects = doc.projects ?? {};
  }

  // On a store several nodes share: another node's changes apply here within `intervalMs`.
  follow(intervalMs: number, onError: (err: unknown) => void): void {
    this.following ??= setInterval(() => this.reload().catch(onError), intervalMs);
    this.following.unref();
  }

  stopFollowing(): void {
    if (this.following) clearInterval(this.following);
    this.following = null;
  }

  get defaultTiers(): RetentionTiers {
    return { ...this.defaults };
  }

  tiersOf(project: string): EffectiveRetention {
    const own = this.projects[project]?.tiers ?? {};
    const out = { ...this.defaults, isDefault: { contentDays: true, spansDays: true, rollupsDays: true } };
    for (const t of TIER_NAMES) {
      if (own[t] !== undefined) {
        out[t] = own[t];
        out.isDefault[t] = false;
      }
    }
    return out;
  }

  horizonOf(project: string): RetentionHorizon {
    const p = this.projects[project];
    const ms = (iso: string | undefined) => (iso === undefined ? null : Date.parse(iso));
    return { spansFromMs: ms(p?.spansGoneBefore), rollupsFromMs: ms(p?.rollupsGoneBefore) };
  }

  lastRunOf(project: string): RetentionRunRecord | null {
    return this.projects[project]?.lastRun ?? null;
  }

  // Applies a change to the project's tiers; the result must keep content ≤ spans ≤ rollups.
  async setTiers(project: string, change: TiersChange): Promise<EffectiveRetention> {
    await this.update(project, (p) => {
      const own: Partial<RetentionTiers> = { ...p.tiers };
      for (const t of TIER_NAMES) {
        const v = change[t];
        if (v === null) delete own[t];
        else if (v !== undefined) own[t] = v;
      }
      const problems = tierOrderProblems({ ...this.defaults, ...own });
      if (problems.length) {
        throw new LookoutError('invalid_request', problems.map((x) => `${x.tier}: ${x.message}`).join('; '), { details: { problems } });
      }
      return { ...p, tiers: Object.keys(own).length ? own : undefined };
    });
    return this.tiersOf(project);
  }

  // Before a run deletes anything: from now on the rows older than these cutoffs count as gone,
  // even if the run fails part way.
  async markGone(project: string, cutoffs: { spansBefore: Date; rollupsBefore: Date }): Promise<void> {
    await this.update(project, (p) => ({ ...p, spansGoneBefore: laterOf(p.spansGoneBefore, cutoffs.spansBefore), rollupsGoneBefore: laterOf(p.rollupsGoneBefore, cutoffs.rollupsBefore) }));
  }

  async recordRun(project: string, run: RetentionRunRecord): Promise<void> {
    await this.update(project, (p) => ({ ...p, lastRun: run }));
  }

  // A deleted project: its own tiers, horizons and last run.
  async forgetProject(project: string): Promise<void> {
    const next = this.writing.then(async () => {
      const doc = await this.document.read({ projects: {} });
      const projects = { ...doc.projects };
      const stored = project in projects;
      delete projects[project];
      if (stored) await this.document.write({ projects });
      this.projects = projects;
    });
    this.writing = next.catch(() => undefined);
    return next;
  }

  // Reads the document afresh, so a change another node wrote in between is kept.
  private update(project: string, change: (p: ProjectRetention) => ProjectRetention): Promise<void> {
    const next = this.writing.then(async () => {
      const doc = await this.document.read({ projects: {} });
      const projects = { ...doc.projects };
      projects[project] = change(projects[project] ?? {});
      await this.document.write({ projects });
      this.projects = projects;
    });
    this.writing = next.catch(() => undefined);
    return next;
  }
}
