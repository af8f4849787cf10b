import type { Logger } from 'pino';
import { LookoutError } from '../../errors.ts';
import type { StateDocument } from '../../state/document.ts';
import { compileCustomPattern, Redactor } from './redactor.ts';
import { applyPrivacyInput, type PrivacySettings, type PrivacySettingsInput } from './settings.ts';
import type { CustomPattern, PiiType } from './types.ts';

// Each project's privacy settings and the redactor built from them, held in memory (ingest reads
// them on every record). The instance's defaults come from the config file; a project's own
// settings are kept in the state document `privacy` (a file, or a shared document when several
// nodes share the store: then re-read every few seconds, so a change made through another node
// applies here too).

export interface PrivacyDocument {
  projects: Record<string, PrivacySettings>;
}

// The keyed token of a hashed value: the same value gives the same token within a project.
export type HashToken = (projectId: string, type: PiiType, value: string) => string;

export class Privacy {
  private readonly defaults: PrivacySettings;
  private readonly document: StateDocument<PrivacyDocument> | null;
  private readonly hashToken: HashToken;
  private projects: Record<string, PrivacySettings> = {};
  private readonly redactors = new Map<string, Redactor>();
  private following: NodeJS.Timeout | null = null;

  private constructor(defaults: PrivacySettings, document: StateDocument<PrivacyDocument> | null, hashToken: HashToken) {
    this.defaults = defaults;
    this.document = document;
    this.hashToken = hashToken;
  }

  // `document` null: project settings live in memory only (tests).
  static async load(defaults: PrivacySettings, document: StateDocument<PrivacyDocument> | null, hashToken: HashToken): Promise<Privacy> {
    for (const p of defaults.custom) assertCompiles(p.name, p.pattern, 'privacy.custom in the configuration');
    const privacy = new Privacy(defaults, document, hashToken);
    await privacy.reload();
    return privacy;
  }

  async reload(): Promise<void> {
    if (!this.document) return;
    const doc = await this.document.read({ projects: {} });
    this.projects = doc.projects ?? {};
    this.redactors.clear();
  }

  follow(intervalMs: number, onError: (err: unknown) => void): void {
    this.following ??= setInterval(() => this.reload().catch(onError), intervalMs);
    this.following.unref();
  }

  stopFollowing(): void {
    if (this.following) clearInterval(this.following);
    this.following = null;
  }

  settingsOf(projectId: string): PrivacySettings {
    return this.projects[projectId] ?? this.defaults;
  }

  // Whether the project has settings of its own (else the instance's defaults apply).
  isCustomised(projectId: string): boolean {
    return this.projects[projectId] !== undefined;
  }

  // One redactor per project (projects are few: they are made through the API), hashing with the
  // project's key.
  redactorOf(projectId: string): Redactor {
    let r = this.redactors.get(projectId);
    if (r === undefined) {
      r = this.preview(projectId, this.settingsOf(projectId));
      this.redactors.set(projectId, r);
    }
    return r;
  }

  // A redactor for these settings, hashing as the project does (also the settings page's test box).
  preview(projectId: string, settings: PrivacySettings): Redactor {
    return new Redactor(settings, { hashToken: (type, value) => this.hashToken(projectId, type, value) });
  }

  // Throws invalid_request naming the first pattern that cannot be used.
  check(custom: readonly CustomPattern[]): void {
    custom.forEach((p, i) => assertCompiles(p.name, p.pattern, `custom[${i}]`));
    const names = new Set<string>();
    for (const p of custom) {
      if (names.has(p.name)) throw new LookoutError('invalid_request', `custom: the pattern name '${p.name}' is used twice`);
      names.add(p.name);
    }
  }

  // Validates and stores the project's settings; answers what now applies.
  async update(projectId: string, input: PrivacySettingsInput): Promise<PrivacySettings> {
    const next = applyPrivacyInput(this.settingsOf(projectId), input);
    this.check(next.custom);
    if (this.document) {
      const doc = await this.document.read({ projects: {} });
      doc.projects = { ...(doc.projects ?? {}), [projectId]: next };
      await this.document.write(doc);
    }
    this.projects = { ...this.projects, [projectId]: next };
    this.redactors.delete(projectId);
    return next;
  }

  // Back to the instance's defaults.
  async reset(projectId: string, logger?: Pick<Logger, 'info'>): Promise<PrivacySettings> {
    if (this.document) {
      const doc = await this.document.read({ projects: {} });
      const rest = { ...(doc.projects ?? {}) };
      delete rest[projectId];
      await this.document.write({ projects: rest });
    }
    const rest = { ...this.projects };
    delete rest[projectId];
    this.projects = rest;
    this.redactors.delete(projectId);
    logger?.info({ event: 'privacy_reset', project: projectId }, 'privacy settings back to the instance defaults');
    return this.defaults;
  }
}

function assertCompiles(name: string, pattern: string, where: string): void {
  const compiled = compileCustomPattern({ name, pattern });
  if (!compiled.ok) throw new LookoutError('invalid_request', `${where}: the pattern '${name}' ${compiled.message.replace(/^custom pattern '[^']*' /, '')}`);
}
