import { randomUUID } from 'node:crypto';
import type { ClickHouseSettings } from '@clickhouse/client';
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
import { LookoutError } from '../../errors.ts';
import { promptErrors, promptSummariesOf, versionInfoOf, versionOf, versionOfRef, type PromptRegistry } from '../prompts.ts';
import type { ProjectId } from '../store.ts';
import type { Ch } from './client.ts';
import type { ChDocuments } from './documents.ts';
import { chTime } from './rows.ts';
import { nextVersion } from './version.ts';

// The prompt registry in two control-plane tables (schema.ts): a full copy on every shard, written
// to all of them, read from the first that answers.
//
// Numbering when several nodes write at once (ClickHouse has no transaction to lean on): a
// project's registry writes take turns under a shared lease (documents.ts, `prompts:<project>`).
// The holder reads the highest number n, checks the bounds, inserts n+1 on every shard, reads it
// back and points the labels, then gives the lease up (in `finally`). A rival waits for the lease,
// so it reads n+1 and takes n+2. When the insert fails on any shard the row is withdrawn (a
// `deleted` version of it, on every shard) before the lease is given up, so no read shows a
// version the writer was told failed, and the next writer takes the same number.
// The read-back is a second guard: should two writers ever hold the lease at once (a claim slower
// than the lease's settling; see documents.ts), the first row of n by (created_at, id) keeps the
// number and the other writer withdraws its row and takes the next one.

const MAX_CLAIM_ATTEMPTS = 5;

const DELETE_SETTINGS: ClickHouseSettings = { lightweight_deletes_sync: '2' };

type Row = Record<string, unknown>;

const iso = (ms: unknown): string => new Date(Number(ms)).toISOString();
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const msTime = (ms: number): string => chTime(ms * 1000);
const VERSION_BYTES_SQL = 'length(body) + ifNull(length(parameters), 0) + ifNull(length(model), 0) + ifNull(length(message), 0)';

// The holder of each number: the first row by (created_at, id).
const WINNERS = 'ORDER BY prompt_version, created_at, id LIMIT 1 BY prompt_version';

const INFO_COLUMNS = 'prompt_version, id, type, model, message, toUnixTimestamp64Milli(created_at) AS created_ms, created_by';

export class ChPrompts implements PromptRegistry {
  private readonly ch: Ch;
  private readonly documents: ChDocuments;

  constructor(ch: Ch, documents: ChDocuments) {
    this.ch = ch;
    this.documents = documents;
  }

  private table(name: string): string {
    return `${this.ch.database}.${name}`;
  }

  // Runs `write` holding the project's registry lease (documents.ts), giving it up afterwards
  // whatever happened.
  private underLease<T>(project: ProjectId, write: () => Promise<T>): Promise<T> {
    return this.documents.underLease(`prompts:${project}`, 'other prompt changes of this project held the registry', write);
  }

  async createPromptVersion(project: ProjectId, name: string, input: PromptVersionInput, labels: readonly string[], limits: PromptLimits): Promise<PromptVersion> {
    const number = await this.underLease(project, () => this.writeVersion(project, name, input, labels, limits));
    return this.getPrompt(project, name, { version: number });
  }

  // Under the project's lease.
  private async writeVersion(project: ProjectId, name: string, input: PromptVersionInput, labels: readonly string[], limits: PromptLimits): Promise<number> {
    const body = encodePrompt(input.prompt);
    const parameters = input.parameters === null ? null : JSON.stringify(input.parameters);
    if (labels.length) await this.checkLabelRoom(project, name, labels, limits);
    for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
      const [top] = await this.ch.queryControl<{ latest: string; n: string }>(
        `SELECT max(prompt_version) AS latest, uniqExact(prompt_version) AS n FROM ${this.table('prompt_versions')} FINAL
          WHERE project_id = {project:String} AND name = {name:String} AND deleted = 0`,
        { project, name },
      );
      const latest = Number(top?.latest ?? 0);
      if (latest === 0) {
        const [prompts] = await this.ch.queryControl<{ n: string }>(
          `SELECT uniqExact(name) AS n FROM ${this.table('prompt_versions')} FINAL WHERE project_id = {project:String} AND deleted = 0`,
          { project },
        );
        if (Number(prompts.n) >= limits.promptsPerProject) throw promptErrors.tooManyPrompts(limits.promptsPerProject);
      }
      if (Number(top?.n ?? 0) >= limits.versionsPerPrompt) throw promptErrors.tooManyVersions(name, limits.versionsPerPrompt);
      if (limits.bytesPerProject !== undefined) {
        const [held] = await this.ch.queryControl<{ bytes: string }>(
          `SELECT sum(${VERSION_BYTES_SQL}) AS bytes FROM ${this.table('prompt_versions')} FINAL WHERE project_id = {project:String} AND deleted = 0`,
          { project },
        );
        const adding = versionBytes(input);
        if (Number(held?.bytes ?? 0) + adding > limits.bytesPerProject) throw promptErrors.tooManyBytes(Number(held?.bytes ?? 0), adding, limits.bytesPerProject);
      }
      const number = latest + 1;
      const id = randomUUID();
      const createdMs = Date.now();
      const row = {
        project_id: project, name, prompt_version: number, id, type: input.type, body, model: input.model, parameters, message: input.message,
        created_at: msTime(createdMs), created_by: input.createdBy, version: nextVersion(), deleted: 0,
      };
      try {
        await this.ch.insertEveryShard(this.table('prompt_versions'), [row]);
      } catch (err) {
        // Written on some shards, refused on others: withdrawn from those that took it.
        await this.withdraw(row);
        throw err;
      }
      const [first] = await this.ch.queryControl<{ id: string }>(
        `SELECT id FROM ${this.table('prompt_versions')} FINAL
          WHERE project_id = {project:String} AND name = {name:String} AND prompt_version = {number:UInt32} AND deleted = 0
          ORDER BY created_at, id LIMIT 1`,
        { project, name, number },
      );
      if (first?.id === id) {
        if (labels.length) await this.writeLabels(project, name, labels, number, input.createdBy, createdMs);
        return number;
      }
      await this.withdraw(row);
    }
    throw new LookoutError('store_unavailable', `prompt '${name}': other versions were being written at the same time ${MAX_CLAIM_ATTEMPTS} times over; send this one again`);
  }

  // A `deleted` version of the row on every shard that takes it (a shard that refuses it may well
  // be the one that refused the row).
  private async withdraw(row: Record<string, unknown>): Promise<void> {
    await this.ch.insertEveryShard(this.table('prompt_versions'), [{ ...row, version: nextVersion(), deleted: 1 }]).catch(() => undefined);
  }

  private async labelRows(project: ProjectId, name: string): Promise<Row[]> {
    return this.ch.queryControl(
      `SELECT label, prompt_version, toUnixTimestamp64Milli(updated_at) AS updated_ms FROM ${this.table('prompt_labels')} FINAL
        WHERE project_id = {project:String} AND name = {name:String} AND deleted = 0 ORDER BY label`,
      { project, name },
    );
  }

  private async checkLabelRoom(project: ProjectId, name: string, labels: readonly string[], limits: PromptLimits): Promise<void> {
    const existing = (await this.labelRows(project, name)).map((r) => String(r.label));
    if (new Set([...existing, ...labels]).size > limits.labelsPerPrompt) throw promptErrors.tooManyLabels(name, limits.labelsPerPrompt);
  }

  private async writeLabels(project: ProjectId, name: string, labels: readonly string[], number: number, by: string | null, nowMs: number): Promise<void> {
    await this.ch.insertEveryShard(
      this.table('prompt_labels'),
      labels.map((label) => ({ project_id: project, name, label, prompt_version: number, updated_at: msTime(nowMs), updated_by: by, version: nextVersion(), deleted: 0 })),
    );
  }

  private async labelsAndLatest(project: ProjectId, name: string): Promise<{ labels: Record<string, number>; latest: number }> {
    const [top] = await this.ch.queryControl<{ latest: string }>(
      `SELECT max(prompt_version) AS latest FROM ${this.table('prompt_versions')} FINAL WHERE project_id = {project:String} AND name = {name:String} AND deleted = 0`,
      { project, name },
    );
    const latest = Number(top?.latest ?? 0);
    const labels: Record<string, number> = {};
    if (latest > 0) for (const r of await this.labelRows(project, name)) labels[String(r.label)] = Number(r.prompt_version);
    return { labels, latest };
  }

  async listPrompts(project: ProjectId): Promise<PromptSummary[]> {
    const rows = await this.ch.queryControl(
      `SELECT name, argMax(type, prompt_version) AS type, max(prompt_version) AS latest, uniqExact(prompt_version) AS n,
              toUnixTimestamp64Milli(min(created_at)) AS created_ms, toUnixTimestamp64Milli(max(created_at)) AS updated_ms
         FROM ${this.table('prompt_versions')} FINAL WHERE project_id = {project:String} AND deleted = 0 GROUP BY name ORDER BY name`,
      { project },
    );
    const labels = await this.ch.queryControl(
      `SELECT name, label, prompt_version, toUnixTimestamp64Milli(updated_at) AS updated_ms FROM ${this.table('prompt_labels')} FINAL
        WHERE project_id = {project:String} AND deleted = 0 ORDER BY name, label`,
      { project },
    );
    return promptSummariesOf(rows, labels, 'prompt_version');
  }

  async getPrompt(project: ProjectId, name: string, ref: PromptRef): Promise<PromptVersion> {
    const { labels, latest } = await this.labelsAndLatest(project, name);
    const version = versionOfRef(name, ref, labels, latest);
    const [r] = await this.ch.queryControl(
      `SELECT ${INFO_COLUMNS}, body, parameters FROM ${this.table('prompt_versions')} FINAL
        WHERE project_id = {project:String} AND name = {name:String} AND prompt_version = {version:UInt32} AND deleted = 0
        ORDER BY created_at, id LIMIT 1`,
      { project, name, version },
    );
    if (!r) throw promptErrors.noVersion(name, version);
    return versionOf(name, version, r, labels, latest);
  }

  async listPromptVersions(project: ProjectId, name: string): Promise<{ labels: Record<string, number>; versions: PromptVersionInfo[] }> {
    const { labels, latest } = await this.labelsAndLatest(project, name);
    if (latest === 0) throw promptErrors.noPrompt(name);
    const rows = await this.ch.queryControl(
      `SELECT ${INFO_COLUMNS} FROM ${this.table('prompt_versions')} FINAL
        WHERE project_id = {project:String} AND name = {name:String} AND deleted = 0 ${WINNERS}`,
      { project, name },
    );
    return { labels, versions: rows.map((r) => versionInfoOf(name, Number(r.prompt_version), r, labels, latest)).reverse() };
  }

  async setPromptLabel(project: ProjectId, name: string, label: string, version: number, updatedBy: string | null, limits: PromptLimits): Promise<PromptLabel> {
    return this.underLease(project, async () => {
      const [r] = await this.ch.queryControl<{ latest: string; found: string }>(
        `SELECT max(prompt_version) AS latest, countIf(prompt_version = {version:UInt32}) AS found FROM ${this.table('prompt_versions')} FINAL
          WHERE project_id = {project:String} AND name = {name:String} AND deleted = 0`,
        { project, name, version },
      );
      if (Number(r?.latest ?? 0) === 0) throw promptErrors.noPrompt(name);
      if (Number(r.found) === 0) throw promptErrors.noVersion(name, version);
      await this.checkLabelRoom(project, name, [label], limits);
      const nowMs = Date.now();
      await this.writeLabels(project, name, [label], version, updatedBy, nowMs);
      return { name, label, version, updatedAt: iso(nowMs), updatedBy };
    });
  }

  async deletePromptLabel(project: ProjectId, name: string, label: string): Promise<void> {
    await this.underLease(project, async () => {
      const { latest } = await this.labelsAndLatest(project, name);
      if (latest === 0) throw promptErrors.noPrompt(name);
      const [r] = await this.ch.queryControl(
        `SELECT prompt_version, toUnixTimestamp64Milli(updated_at) AS updated_ms, updated_by FROM ${this.table('prompt_labels')} FINAL
          WHERE project_id = {project:String} AND name = {name:String} AND label = {label:String} AND deleted = 0`,
        { project, name, label },
      );
      if (!r) throw promptErrors.noLabel(name, label);
      await this.ch.insertEveryShard(this.table('prompt_labels'), [
        { project_id: project, name, label, prompt_version: Number(r.prompt_version), updated_at: msTime(Number(r.updated_ms)), updated_by: str(r.updated_by), version: nextVersion(), deleted: 1 },
      ]);
    });
  }

  async importPromptVersion(project: ProjectId, v: PromptVersion): Promise<boolean> {
    return this.underLease(project, async () => {
      const [there] = await this.ch.queryControl<{ n: string }>(
        `SELECT count() AS n FROM ${this.table('prompt_versions')} FINAL
          WHERE project_id = {project:String} AND name = {name:String} AND prompt_version = {version:UInt32} AND deleted = 0`,
        { project, name: v.name, version: v.version },
      );
      if (Number(there?.n ?? 0) > 0) return false;
      const row = {
        project_id: project, name: v.name, prompt_version: v.version, id: randomUUID(), type: v.type, body: encodePrompt(v.prompt), model: v.model,
        parameters: v.parameters === null ? null : JSON.stringify(v.parameters), message: v.message, created_at: msTime(Date.parse(v.createdAt)),
        created_by: v.createdBy, version: nextVersion(), deleted: 0,
      };
      try {
        await this.ch.insertEveryShard(this.table('prompt_versions'), [row]);
      } catch (err) {
        await this.withdraw(row);
        throw err;
      }
      return true;
    });
  }

  // Lightweight deletes on every shard's copy: the rows leave every read at once.
  async deleteProjectPrompts(project: ProjectId): Promise<void> {
    for (const table of ['prompt_labels', 'prompt_versions']) {
      await this.ch.everyShard(`DELETE FROM ${this.table(table)} WHERE project_id = {project:String}`, { project }, DELETE_SETTINGS);
    }
  }
}
