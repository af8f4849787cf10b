import { ConflictError, NotFoundError } from '../errors.ts';
import {
  LATEST_LABEL,
  type PromptLabel,
  type PromptLimits,
  type PromptRef,
  type PromptSummary,
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
