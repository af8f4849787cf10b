import type { PriceOverride } from '../enrich/pricing/types.ts';
import type { ProjectId } from './project.ts';

// The control plane: projects and their settings, API keys, price overrides. Small tables that
// every node must see alike.

export const KEY_SCOPES = ['ingest', 'read', 'admin'] as const;

export type KeyScope = (typeof KEY_SCOPES)[number];

export interface ApiKeyInfo {
  id: string;
  projectId: ProjectId;
  prefix: string;
  scope: KeyScope;
  name: string | null;
  createdAt: string;
  revokedAt: string | null;
}

// E5: what of prompts and responses a project keeps. full: content and hashes; metadata: hashes
// only (duplicate prompts still show); off: neither.
export const CONTENT_CAPTURE_MODES = ['full', 'metadata', 'off'] as const;

export type ContentCapture = (typeof CONTENT_CAPTURE_MODES)[number];

export interface Project {
  id: ProjectId;
  name: string;
  createdAt: string;
  contentCapture: ContentCapture;
}

export interface StoredPriceOverride extends PriceOverride {
  source: 'file' | 'api';
}

export interface ControlPlane {
  listProjects(): Promise<Project[]>;
  createProject(id: ProjectId, name: string): Promise<Project>;
  setContentCapture(project: ProjectId, mode: ContentCapture): Promise<Project | null>;
  createApiKey(project: ProjectId, scope: KeyScope, name: string | null): Promise<{ info: ApiKeyInfo; key: string }>;
  resolveApiKey(key: string): Promise<ApiKeyInfo | null>;
  listApiKeys(project: ProjectId): Promise<ApiKeyInfo[]>;
  revokeApiKey(project: ProjectId, keyId: string): Promise<boolean>;
  countApiKeys(): Promise<number>;
  // Removes the project's row and every key of it (revoked ones too), its prompts and the roles
  // people had in it: its keys stop resolving at once and a project created later with this id
  // starts without any key or member. False when there was no such project. The project's records
  // are not touched (DataErasure does that); its audit entries stay until the audit retention.
  deleteProject(project: ProjectId): Promise<boolean>;
  listPriceOverrides(): Promise<StoredPriceOverride[]>;
  upsertPriceOverride(override: StoredPriceOverride): Promise<void>;
  deletePriceOverride(id: string): Promise<boolean>;
}
