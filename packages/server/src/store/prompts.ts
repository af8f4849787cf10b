import { ConflictError, NotFoundError } from '../errors.ts';
import {
  decodePrompt,
  labelsOf,
  LATEST_LABEL,
  type PromptLabel,
  type PromptLimits,
  type PromptRef,
  type PromptSummary,
  type PromptType,
  type PromptVersion,
  type PromptVersionInfo,
  type PromptVersionInput,
} from '../domain/prompts.ts';
import type { ProjectId } from './project.ts';

// D7: the prompt registry, control-plane data every node sees alike. Inputs come checked
// (domain/prompts.ts); the store keeps the numbering and the per-project bounds.
//
// Numbering: two requests creating a version of the same prompt at once, on one node or on two,
// get two different numbers and both versions are kept. Each backend says how. A version whose
// write failed is not seen by any read, and its number is given to the next one.

export interface PromptRegistry {
  // Writes version n+1 of `name` (version 1 of a new prompt), then points `labels` at it.
  // ConflictError when a bound of `limits` would be passed.
  createPromptVersion(project: ProjectId, name: string, input: PromptVersionInput, labels: readonly string[], limits: PromptLimits): Promise<PromptVersion>;
  // Every prompt of the project, by name.
  listPrompts(project: ProjectId): Promise<PromptSummary[]>;
  // The version `ref` names (a number, a label, or `latest`). NotFoundError naming what is missing.
  getPrompt(project: ProjectId, name: string, ref: PromptRef): Promise<PromptVersion>;
  // Newest first, without their text. NotFoundError when there is no such prompt.
  listPromptVersions(project: ProjectId, name: string): Promise<{ labels: Record<string, number>; versions: PromptVersionInfo[] }>;
  // Points `label` at `version` (moving it when it pointed elsewhere).
  setPromptLabel(project: ProjectId, name: string, label: string, version: number, updatedBy: string | null, limits: PromptLimits): Promise<PromptLabel>;
  // Removes a label; NotFoundError when the prompt or the label is not there.
  deletePromptLabel(project: ProjectId, name: string, label: string): Promise<void>;
  // Every prompt, version and label of the project (its deletion).
  deleteProjectPrompts(project: ProjectId): Promise<void>;
  // Writes a version as another store holds it, number, time and author kept (store/copy.ts);
  // false when the prompt has that number already (nothing written). No bounds are checked.
  importPromptVersion(project: ProjectId, version: PromptVersion): Promise<boolean>;
}

// The messages both backends give, so that they answer alike.
export const promptErrors = {
  noPrompt: (name: string) => new NotFoundError(`no prompt '${name}' in this project`),
  noVersion: (name: string, version: number) => new NotFoundError(`prompt '${name}' has no version ${version}`),
  noLabel: (name: string, label: string) =>
    new NotFoundError(`prompt '${name}' has no label '${label}'; set it with PUT /api/v1/prompts/${name}/labels/${label}, or ask for ?label=${LATEST_LABEL}`),
  tooManyPrompts: (max: number) => new ConflictError(`this project has ${max} prompts, the most it may hold; reuse a prompt name instead of adding one`),
  tooManyVersions: (name: string, max: number) => new ConflictError(`prompt '${name}' has ${max} versions, the most one prompt may hold; start a prompt under a new name`),
  tooManyLabels: (name: string, max: number) => new ConflictError(`prompt '${name}' has ${max} labels, the most one prompt may hold; delete one first`),
  tooManyBytes: (held: number, adding: number, max: number) =>
    new ConflictError(`this project's prompt versions hold ${held} bytes; this version's ${adding} would pass the ${max} bytes (${Math.round(max / 1024 / 1024)} MiB) a project may hold; shorten this version`),
};

// What both backends read back, turned into the registry's answers alike. A row is what the
// backend's client returns; each backend names the column that holds a version number.
type StoredRow = Record<string, unknown>;
const iso = (ms: unknown): string => new Date(Number(ms)).toISOString();
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

// The version a reference names: a number as it is, `latest`, or where a label points.
// NotFoundError naming the prompt or the label.
export function versionOfRef(name: string, ref: PromptRef, labels: Record<string, number>, latest: number): number {
  if (latest === 0) throw promptErrors.noPrompt(name);
  if ('version' in ref) return ref.version;
  if (ref.label === LATEST_LABEL) return latest;
  if (labels[ref.label] !== undefined) return labels[ref.label];
  throw promptErrors.noLabel(name, ref.label);
}

// A version row (type, model, message, created_ms, created_by) without its text.
export function versionInfoOf(name: string, version: number, r: StoredRow, labels: Record<string, number>, latest: number): PromptVersionInfo {
  return {
    name,
    version,
    type: r.type as PromptType,
    model: str(r.model),
    message: str(r.message),
    createdAt: iso(r.created_ms),
    createdBy: str(r.created_by),
    labels: labelsOf(version, labels, latest),
  };
}

// A version row with its text (body) and parameters.
export function versionOf(name: string, version: number, r: StoredRow, labels: Record<string, number>, latest: number): PromptVersion {
  return {
    ...versionInfoOf(name, version, r, labels, latest),
    prompt: decodePrompt(String(r.body)),
    parameters: r.parameters === null ? null : (JSON.parse(String(r.parameters)) as Record<string, unknown>),
  };
}

// The project's prompts from one row per prompt (name, type, latest, n, created_ms, updated_ms)
// and its labels (name, label, updated_ms, and the version under `labelVersion`); a prompt was
// last updated by its newest version or label move.
export function promptSummariesOf(rows: StoredRow[], labelRows: StoredRow[], labelVersion: string): PromptSummary[] {
  const byName = new Map<string, { labels: Record<string, number>; updatedMs: number }>();
  for (const l of labelRows) {
    const entry = byName.get(String(l.name)) ?? { labels: {}, updatedMs: 0 };
    entry.labels[String(l.label)] = Number(l[labelVersion]);
    entry.updatedMs = Math.max(entry.updatedMs, Number(l.updated_ms));
    byName.set(String(l.name), entry);
  }
  return rows.map((r) => {
    const l = byName.get(String(r.name));
    return {
      name: String(r.name),
      type: r.type as PromptType,
      latestVersion: Number(r.latest),
      versions: Number(r.n),
      labels: l?.labels ?? {},
      createdAt: iso(r.created_ms),
      updatedAt: iso(Math.max(Number(r.updated_ms), l?.updatedMs ?? 0)),
    };
  });
}
