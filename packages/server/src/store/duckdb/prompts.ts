import {
  encodePrompt,
  type PromptLabel,
  type PromptLimits,
  type PromptRef,
  type PromptSummary,
  type PromptVersion,
  type PromptVersionInfo,
  type PromptVersionInput,
  versionBytes,
} from '../../domain/prompts.ts';
import { promptErrors, promptSummariesOf, versionInfoOf, versionOf, versionOfRef, type PromptRegistry } from '../prompts.ts';
import type { ProjectId } from '../store.ts';
import type { DuckDb } from './db.ts';

// The prompt registry in two tables of the database (migration 6). One process owns the database
// and every write runs in a transaction on its one writer connection, one after another: reading
// the highest number and writing the next happen with no other write in between, and the primary
// key (project, name, version) refuses a second row of a number should that ever change.
// Reads use the control-plane connection: small keyed lookups, never queued behind analytics.

const iso = (ms: unknown): string => new Date(Number(ms)).toISOString();

const VERSION_COLUMNS = 'version, type, model, message, created_ms, created_by';

export class DuckDbPrompts implements PromptRegistry {
  private readonly db: DuckDb;

  constructor(db: DuckDb) {
    this.db = db;
  }

  async createPromptVersion(project: ProjectId, name: string, input: PromptVersionInput, labels: readonly string[], limits: PromptLimits): Promise<PromptVersion> {
    const version = await this.db.transaction(async () => {
      const [top] = await this.db.writeAll('SELECT max(version) AS latest, count(*) AS n FROM prompt_versions WHERE project_id = $project AND name = $name', { project, name });
      const latest = top.latest === null ? 0 : Number(top.latest);
      if (latest === 0) {
        const [prompts] = await this.db.writeAll('SELECT count(DISTINCT name) AS n FROM prompt_versions WHERE project_id = $project', { project });
        if (Number(prompts.n) >= limits.promptsPerProject) throw promptErrors.tooManyPrompts(limits.promptsPerProject);
      }
      if (Number(top.n) >= limits.versionsPerPrompt) throw promptErrors.tooManyVersions(name, limits.versionsPerPrompt);
      if (limits.bytesPerProject !== undefined) {
        const [held] = await this.db.writeAll(
          'SELECT coalesce(sum(strlen(body) + coalesce(strlen(parameters), 0) + coalesce(strlen(model), 0) + coalesce(strlen(message), 0)), 0) AS bytes FROM prompt_versions WHERE project_id = $project',
          { project },
        );
        const adding = versionBytes(input);
        if (Number(held.bytes) + adding > limits.bytesPerProject) throw promptErrors.tooManyBytes(Number(held.bytes), adding, limits.bytesPerProject);
      }
      const next = latest + 1;
      const nowMs = Date.now();
      await this.db.run(
        `INSERT INTO prompt_versions (project_id, name, version, type, body, model, parameters, message, created_ms, created_by)
         VALUES ($project, $name, $version, $type, $body, $model, $parameters, $message, $created, $by)`,
        {
          project, name, version: next, type: input.type, body: encodePrompt(input.prompt), model: input.model,
          parameters: input.parameters === null ? null : JSON.stringify(input.parameters), message: input.message, created: nowMs, by: input.createdBy,
        },
      );
      await this.writeLabels(project, name, labels, next, input.createdBy, nowMs, limits);
      return next;
    });
    return this.getPrompt(project, name, { version });
  }

  // Inside a transaction.
  private async writeLabels(project: ProjectId, name: string, labels: readonly string[], version: number, by: string | null, nowMs: number, limits: PromptLimits): Promise<void> {
    if (!labels.length) return;
    const existing = (await this.db.writeAll('SELECT label FROM prompt_labels WHERE project_id = $project AND name = $name', { project, name })).map((r) => String(r.label));
    const after = new Set([...existing, ...labels]);
    if (after.size > limits.labelsPerPrompt) throw promptErrors.tooManyLabels(name, limits.labelsPerPrompt);
    for (const label of labels) {
      await this.db.run('INSERT OR REPLACE INTO prompt_labels (project_id, name, label, version, updated_ms, updated_by) VALUES ($project, $name, $label, $version, $now, $by)', {
        project, name, label, version, now: nowMs, by,
      });
    }
  }

  private async labelsAndLatest(project: ProjectId, name: string): Promise<{ labels: Record<string, number>; latest: number }> {
    const [top] = await this.db.control('SELECT max(version) AS latest FROM prompt_versions WHERE project_id = $project AND name = $name', { project, name });
    const latest = top.latest === null ? 0 : Number(top.latest);
    const labels: Record<string, number> = {};
    if (latest > 0) {
      for (const r of await this.db.control('SELECT label, version FROM prompt_labels WHERE project_id = $project AND name = $name ORDER BY label', { project, name })) {
        labels[String(r.label)] = Number(r.version);
      }
    }
    return { labels, latest };
  }

  async listPrompts(project: ProjectId): Promise<PromptSummary[]> {
    const rows = await this.db.control(
      `SELECT v.name, arg_max(v.type, v.version) AS type, max(v.version) AS latest, count(*) AS n, min(v.created_ms) AS created_ms, max(v.created_ms) AS updated_ms
         FROM prompt_versions v WHERE v.project_id = $project GROUP BY v.name ORDER BY v.name`,
      { project },
    );
    const labels = await this.db.control('SELECT name, label, version, updated_ms FROM prompt_labels WHERE project_id = $project ORDER BY name, label', { project });
    return promptSummariesOf(rows, labels, 'version');
  }

  async getPrompt(project: ProjectId, name: string, ref: PromptRef): Promise<PromptVersion> {
    const { labels, latest } = await this.labelsAndLatest(project, name);
    const version = versionOfRef(name, ref, labels, latest);
    const [r] = await this.db.control(
      `SELECT ${VERSION_COLUMNS}, body, parameters FROM prompt_versions WHERE project_id = $project AND name = $name AND version = $version`,
      { project, name, version },
    );
    if (!r) throw promptErrors.noVersion(name, version);
    return versionOf(name, version, r, labels, latest);
  }

  async listPromptVersions(project: ProjectId, name: string): Promise<{ labels: Record<string, number>; versions: PromptVersionInfo[] }> {
    const { labels, latest } = await this.labelsAndLatest(project, name);
    if (latest === 0) throw promptErrors.noPrompt(name);
    const rows = await this.db.control(`SELECT ${VERSION_COLUMNS} FROM prompt_versions WHERE project_id = $project AND name = $name ORDER BY version DESC`, { project, name });
    return { labels, versions: rows.map((r) => versionInfoOf(name, Number(r.version), r, labels, latest)) };
  }

  async setPromptLabel(project: ProjectId, name: string, label: string, version: number, updatedBy: string | null, limits: PromptLimits): Promise<PromptLabel> {
    const nowMs = Date.now();
    await this.db.transaction(async () => {
      const [r] = await this.db.writeAll('SELECT max(version) AS latest, count(*) FILTER (WHERE version = $version) AS found FROM prompt_versions WHERE project_id = $project AND name = $name', {
        project, name, version,
      });
      if (r.latest === null) throw promptErrors.noPrompt(name);
      if (Number(r.found) === 0) throw promptErrors.noVersion(name, version);
      await this.writeLabels(project, name, [label], version, updatedBy, nowMs, limits);
    });
    return { name, label, version, updatedAt: iso(nowMs), updatedBy };
  }

  async deletePromptLabel(project: ProjectId, name: string, label: string): Promise<void> {
    await this.db.transaction(async () => {
      const [r] = await this.db.writeAll('SELECT count(*) AS n FROM prompt_versions WHERE project_id = $project AND name = $name', { project, name });
      if (Number(r.n) === 0) throw promptErrors.noPrompt(name);
      const gone = await this.db.writeAll('DELETE FROM prompt_labels WHERE project_id = $project AND name = $name AND label = $label RETURNING label', { project, name, label });
      if (!gone.length) throw promptErrors.noLabel(name, label);
    });
  }

  async importPromptVersion(project: ProjectId, v: PromptVersion): Promise<boolean> {
    return this.db.transaction(async () => {
      const [there] = await this.db.writeAll('SELECT count(*) AS n FROM prompt_versions WHERE project_id = $project AND name = $name AND version = $version', {
        project, name: v.name, version: v.version,
      });
      if (Number(there.n) > 0) return false;
      await this.db.run(
        `INSERT INTO prompt_versions (project_id, name, version, type, body, model, parameters, message, created_ms, created_by)
         VALUES ($project, $name, $version, $type, $body, $model, $parameters, $message, $created, $by)`,
        {
          project, name: v.name, version: v.version, type: v.type, body: encodePrompt(v.prompt), model: v.model,
          parameters: v.parameters === null ? null : JSON.stringify(v.parameters), message: v.message, created: Date.parse(v.createdAt), by: v.createdBy,
        },
      );
      return true;
    });
  }

  async deleteProjectPrompts(project: ProjectId): Promise<void> {
    await this.db.transaction(() => deleteProjectPromptRows(this.db, project));
  }
}

// Inside a transaction (the project's deletion runs this with its other control-plane rows).
export async function deleteProjectPromptRows(db: DuckDb, project: ProjectId): Promise<void> {
  await db.run('DELETE FROM prompt_labels WHERE project_id = $project', { project });
  await db.run('DELETE FROM prompt_versions WHERE project_id = $project', { project });
}
