import { LookoutError } from '../../errors.ts';
import { hashApiKey, mintApiKey } from '../api-keys.ts';
import type { ApiKeyInfo, ContentCapture, ControlPlane, KeyScope, Project, ProjectId, StoredPriceOverride } from '../store.ts';
import type { Ch } from './client.ts';
import { chTime } from './rows.ts';
import { nextVersion } from './version.ts';

// Projects, API keys and price overrides. Every shard keeps a full copy of these tables: a write
// goes to every shard, a read to the first shard that answers. A change (revoking a key, a new
// capture mode, a deleted override) is a newer version of the whole row; `deleted` hides a row.
// Times come back as epoch milliseconds and are formatted here the way the DuckDB backend
// formats them, so both backends answer alike.

type Row = Record<string, unknown>;

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

// Whole seconds (truncated), as DuckDB's strftime('%Y-%m-%dT%H:%M:%SZ').
function isoSeconds(ms: unknown): string {
  return `${new Date(Number(ms)).toISOString().slice(0, 19)}Z`;
}

// With milliseconds, as DuckDB's strftime('%Y-%m-%dT%H:%M:%S.%gZ').
function isoMillis(ms: unknown): string {
  return new Date(Number(ms)).toISOString();
}

// Milliseconds as DateTime64 text input.
const msTime = (ms: number): string => chTime(ms * 1000);

function parseTime(value: string, field: string, id: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new LookoutError('invalid_request', `price override ${id}: ${field} "${value}" is not an RFC 3339 time`);
  return ms;
}

const PROJECT_COLUMNS = 'id, name, content_capture, toUnixTimestamp64Milli(created_at) AS created_ms';

const KEY_COLUMNS = `id, project_id, key_hash, key_prefix, scope, name,
  toUnixTimestamp64Milli(created_at) AS created_ms, toUnixTimestamp64Milli(revoked_at) AS revoked_ms`;

const OVERRIDE_COLUMNS = `id, provider, model, toUnixTimestamp64Milli(effective_from) AS from_ms, toUnixTimestamp64Milli(effective_to) AS to_ms,
  input_per_mtok_usd, output_per_mtok_usd, cache_read_per_mtok_usd, cache_write_per_mtok_usd, reasoning_per_mtok_usd, audio_per_mtok_usd,
  source, toUnixTimestamp64Milli(created_at) AS created_ms`;

function rowToProject(r: Row): Project {
  return { id: String(r.id) as ProjectId, name: String(r.name), createdAt: isoSeconds(r.created_ms), contentCapture: r.content_capture as ContentCapture };
}

function rowToKey(r: Row): ApiKeyInfo {
  return {
    id: String(r.id),
    projectId: String(r.project_id) as ProjectId,
    prefix: String(r.key_prefix),
    scope: r.scope as KeyScope,
    name: str(r.name),
    createdAt: isoSeconds(r.created_ms),
    revokedAt: r.revoked_ms === null || r.revoked_ms === undefined ? null : isoSeconds(r.revoked_ms),
  };
}

function rowToOverride(r: Row): StoredPriceOverride {
  return {
    id: String(r.id),
    provider: str(r.provider),
    model: String(r.model),
    effectiveFrom: isoMillis(r.from_ms),
    effectiveTo: r.to_ms === null || r.to_ms === undefined ? null : isoMillis(r.to_ms),
    inputPerMtokUsd: Number(r.input_per_mtok_usd),
    outputPerMtokUsd: Number(r.output_per_mtok_usd),
    cacheReadPerMtokUsd: num(r.cache_read_per_mtok_usd),
    cacheWritePerMtokUsd: num(r.cache_write_per_mtok_usd),
    reasoningPerMtokUsd: num(r.reasoning_per_mtok_usd),
    audioPerMtokUsd: num(r.audio_per_mtok_usd),
    source: r.source as 'file' | 'api',
  };
}

export class ChControlPlane implements ControlPlane {
  private readonly ch: Ch;

  constructor(ch: Ch) {
    this.ch = ch;
  }

  private table(name: string): string {
    return `${this.ch.database}.${name}`;
  }

  async listProjects(): Promise<Project[]> {
    const rows = await this.ch.queryControl(`SELECT ${PROJECT_COLUMNS} FROM ${this.table('projects')} FINAL WHERE deleted = 0 ORDER BY id`);
    return rows.map(rowToProject);
  }

  // The stored row: created_at to the millisecond, for writing the project again.
  private async projectRow(id: ProjectId): Promise<Row | null> {
    const rows = await this.ch.queryControl(`SELECT ${PROJECT_COLUMNS} FROM ${this.table('projects')} FINAL WHERE id = {id:String} AND deleted = 0`, { id });
    return rows[0] ?? null;
  }

  private async writeProject(id: ProjectId, name: string, mode: ContentCapture, createdMs: number): Promise<void> {
    await this.ch.insertEveryShard(this.table('projects'), [
      { id, name, content_capture: mode, created_at: msTime(createdMs), version: nextVersion(), deleted: 0 },
    ]);
  }

  async createProject(id: ProjectId, name: string): Promise<Project> {
    const existing = await this.projectRow(id);
    if (existing) return rowToProject(existing);
    await this.writeProject(id, name, 'full', Date.now());
    const p = await this.projectRow(id);
    if (!p) throw new Error(`project ${id} could not be created`);
    return rowToProject(p);
  }

  async setContentCapture(project: ProjectId, mode: ContentCapture): Promise<Project | null> {
    const p = await this.projectRow(project);
    if (!p) return null;
    await this.writeProject(project, String(p.name), mode, Number(p.created_ms));
    const after = await this.projectRow(project);
    return after ? rowToProject(after) : null;
  }

  async createApiKey(project: ProjectId, scope: KeyScope, name: string | null): Promise<{ info: ApiKeyInfo; key: string }> {
    const { id, key, hash, prefix } = mintApiKey();
    if (!(await this.projectRow(project))) await this.createProject(project, project);
    await this.ch.insertEveryShard(this.table('api_keys'), [
      { id, project_id: project, key_hash: hash, key_prefix: prefix, scope, name, created_at: msTime(Date.now()), revoked_at: null, version: nextVersion(), deleted: 0 },
    ]);
    const info = (await this.listApiKeys(project)).find((k) => k.id === id);
    if (!info) throw new Error('api key was not stored');
    return { info, key };
  }

  async resolveApiKey(key: string): Promise<ApiKeyInfo | null> {
    const rows = await this.ch.queryControl(
      `SELECT ${KEY_COLUMNS} FROM ${this.table('api_keys')} FINAL WHERE key_hash = {hash:String} AND revoked_at IS NULL AND deleted = 0 LIMIT 1`,
      { hash: hashApiKey(key) },
    );
    return rows.length ? rowToKey(rows[0]) : null;
  }

  async listApiKeys(project: ProjectId): Promise<ApiKeyInfo[]> {
    const rows = await this.ch.queryControl(
      `SELECT ${KEY_COLUMNS} FROM ${this.table('api_keys')} FINAL WHERE project_id = {project:String} AND deleted = 0 ORDER BY created_at, id`,
      { project },
    );
    return rows.map(rowToKey);
  }

  async revokeApiKey(project: ProjectId, keyId: string): Promise<boolean> {
    const rows = await this.ch.queryControl(
      `SELECT ${KEY_COLUMNS} FROM ${this.table('api_keys')} FINAL
        WHERE project_id = {project:String} AND id = {id:String} AND revoked_at IS NULL AND deleted = 0`,
      { project, id: keyId },
    );
    if (!rows.length) return false;
    const r = rows[0];
    await this.ch.insertEveryShard(this.table('api_keys'), [
      {
        id: r.id, project_id: r.project_id, key_hash: r.key_hash, key_prefix: r.key_prefix, scope: r.scope, name: r.name,
        created_at: msTime(Number(r.created_ms)), revoked_at: msTime(Date.now()), version: nextVersion(), deleted: 0,
      },
    ]);
    return true;
  }

  async countApiKeys(): Promise<number> {
    const rows = await this.ch.queryControl(`SELECT count() AS n FROM ${this.table('api_keys')} FINAL WHERE revoked_at IS NULL AND deleted = 0`);
    return Number(rows[0].n);
  }

  // Tombstones (`deleted = 1`) for every key of the project, then for its row: each hides the
  // row at once (reads filter on `deleted`) and the row goes when its parts merge.
  async deleteProject(project: ProjectId): Promise<boolean> {
    const keys = await this.ch.queryControl(`SELECT ${KEY_COLUMNS} FROM ${this.table('api_keys')} FINAL WHERE project_id = {project:String} AND deleted = 0`, { project });
    if (keys.length) {
      await this.ch.insertEveryShard(
        this.table('api_keys'),
        keys.map((r) => ({
          id: r.id, project_id: r.project_id, key_hash: r.key_hash, key_prefix: r.key_prefix, scope: r.scope, name: r.name,
          created_at: msTime(Number(r.created_ms)), revoked_at: r.revoked_ms === null || r.revoked_ms === undefined ? null : msTime(Number(r.revoked_ms)),
          version: nextVersion(), deleted: 1,
        })),
      );
    }
    const p = await this.projectRow(project);
    if (!p) return false;
    await this.ch.insertEveryShard(this.table('projects'), [
      { id: project, name: String(p.name), content_capture: p.content_capture, created_at: msTime(Number(p.created_ms)), version: nextVersion(), deleted: 1 },
    ]);
    return true;
  }

  async listPriceOverrides(): Promise<StoredPriceOverride[]> {
    const rows = await this.ch.queryControl(`SELECT ${OVERRIDE_COLUMNS} FROM ${this.table('price_overrides')} FINAL WHERE deleted = 0 ORDER BY effective_from, id`);
    return rows.map(rowToOverride);
  }

  async upsertPriceOverride(o: StoredPriceOverride): Promise<void> {
    const fromMs = parseTime(o.effectiveFrom, 'effectiveFrom', o.id);
    const toMs = o.effectiveTo === null ? null : parseTime(o.effectiveTo, 'effectiveTo', o.id);
    await this.ch.insertEveryShard(this.table('price_overrides'), [
      {
        id: o.id, provider: o.provider, model: o.model, effective_from: msTime(fromMs), effective_to: toMs === null ? null : msTime(toMs),
        input_per_mtok_usd: o.inputPerMtokUsd, output_per_mtok_usd: o.outputPerMtokUsd,
        cache_read_per_mtok_usd: o.cacheReadPerMtokUsd ?? null, cache_write_per_mtok_usd: o.cacheWritePerMtokUsd ?? null,
        reasoning_per_mtok_usd: o.reasoningPerMtokUsd ?? null, audio_per_mtok_usd: o.audioPerMtokUsd ?? null,
        source: o.source, created_at: msTime(Date.now()), version: nextVersion(), deleted: 0,
      },
    ]);
  }

  async deletePriceOverride(id: string): Promise<boolean> {
    const rows = await this.ch.queryControl(`SELECT ${OVERRIDE_COLUMNS} FROM ${this.table('price_overrides')} FINAL WHERE id = {id:String} AND deleted = 0`, { id });
    if (!rows.length) return false;
    const r = rows[0];
    await this.ch.insertEveryShard(this.table('price_overrides'), [
      {
        id: r.id, provider: r.provider, model: r.model, effective_from: msTime(Number(r.from_ms)), effective_to: r.to_ms === null ? null : msTime(Number(r.to_ms)),
        input_per_mtok_usd: r.input_per_mtok_usd, output_per_mtok_usd: r.output_per_mtok_usd,
        cache_read_per_mtok_usd: r.cache_read_per_mtok_usd, cache_write_per_mtok_usd: r.cache_write_per_mtok_usd,
        reasoning_per_mtok_usd: r.reasoning_per_mtok_usd, audio_per_mtok_usd: r.audio_per_mtok_usd,
        source: r.source, created_at: msTime(Number(r.created_ms)), version: nextVersion(), deleted: 1,
      },
    ]);
    return true;
  }
}
