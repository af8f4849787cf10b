import { versionBytes, type PromptLimits, type PromptRef, type PromptVersion, type PromptVersionInput } from '../domain/prompts.ts';
import type { ProjectId } from './project.ts';
import type { PromptRegistry } from './prompts.ts';

// Resolved prompt versions kept in memory, so that the call applications make
// (GET /api/v1/prompts/:name) is answered without the store. Every write through this registry
// forgets the project's entries at once; writes by other nodes sharing the store are seen once an
// entry is `maxAgeMs` old (a store one process owns has no other writer: its entries never age).
// A read that started before a write does not keep its answer. Bounded by the versions' bytes
// (text, parameters, model, message), in all and per project, so that one project's prompts cannot
// push every other project's out.

export interface PromptCacheOptions {
  maxAgeMs: number;
  maxBytes?: number;
  // At most this share of maxBytes for one project (default an eighth).
  maxProjectBytes?: number;
  now?: () => number;
}

interface Entry {
  project: string;
  value: PromptVersion;
  bytes: number;
  atMs: number;
}

const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;

export class CachedPromptRegistry implements PromptRegistry {
  private readonly inner: PromptRegistry;
  private readonly maxAgeMs: number;
  private readonly maxBytes: number;
  private readonly now: () => number;
  // Oldest first: the first entries go when the bytes pass maxBytes.
  private readonly entries = new Map<string, Entry>();
  // Per project, bumped by each write: an answer read under an older one is not kept.
  private readonly generations = new Map<string, number>();
  private bytes = 0;
  private readonly maxProjectBytes: number;
  private readonly projectBytes = new Map<string, number>();

  constructor(inner: PromptRegistry, options: PromptCacheOptions) {
    this.inner = inner;
    this.maxAgeMs = options.maxAgeMs;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.maxProjectBytes = options.maxProjectBytes ?? Math.floor(this.maxBytes / 8);
    this.now = options.now ?? Date.now;
  }

  private key(project: ProjectId, name: string, ref: PromptRef): string {
    return `${project}\u0000${name}\u0000${'version' in ref ? `v${ref.version}` : `l${ref.label}`}`;
  }

  // Forgets the project's entries (a write here, or the project's deletion).
  forget(project: ProjectId): void {
    this.generations.set(project, (this.generations.get(project) ?? 0) + 1);
    const prefix = `${project}\u0000`;
    for (const [key] of this.entries) if (key.startsWith(prefix)) this.drop(key);
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
    const left = (this.projectBytes.get(entry.project) ?? 0) - entry.bytes;
    if (left > 0) this.projectBytes.set(entry.project, left);
    else this.projectBytes.delete(entry.project);
  }

  get cachedBytes(): number {
    return this.bytes;
  }

  get cachedEntries(): number {
    return this.entries.size;
  }

  async getPrompt(project: ProjectId, name: string, ref: PromptRef): Promise<PromptVersion> {
    const key = this.key(project, name, ref);
    const hit = this.entries.get(key);
    if (hit && this.now() - hit.atMs < this.maxAgeMs) return hit.value;
    const generation = this.generations.get(project) ?? 0;
    const value = await this.inner.getPrompt(project, name, ref);
    if ((this.generations.get(project) ?? 0) === generation) this.keep(project, key, value);
    return value;
  }

  // An entry's size: every field it holds (strings as UTF-16 in memory, two bytes a character,
  // counted from their UTF-8 size as a bound) and the object around them.
  private static sizeOf(v: PromptVersion): number {
    const chars = (s: string | null) => (s === null ? 0 : s.length);
    return versionBytes(v) * 2 + (chars(v.name) + chars(v.createdBy) + chars(v.createdAt) + v.labels.join('').length) * 2 + 512;
  }

  private keep(project: string, key: string, value: PromptVersion): void {
    this.drop(key);
    const bytes = CachedPromptRegistry.sizeOf(value);
    if (bytes > this.maxProjectBytes || bytes > this.maxBytes) return;
    this.entries.set(key, { project, value, bytes, atMs: this.now() });
    this.bytes += bytes;
    this.projectBytes.set(project, (this.projectBytes.get(project) ?? 0) + bytes);
    // The project's own oldest entries first, then anyone's.
    for (const [k, e] of this.entries) {
      if ((this.projectBytes.get(project) ?? 0) <= this.maxProjectBytes) break;
      if (e.project === project && k !== key) this.drop(k);
    }
    for (const [k] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.drop(k);
    }
  }

  async createPromptVersion(project: ProjectId, name: string, input: PromptVersionInput, labels: readonly string[], limits: PromptLimits): Promise<PromptVersion> {
    this.forget(project);
    try {
      return await this.inner.createPromptVersion(project, name, input, labels, limits);
    } finally {
      this.forget(project);
    }
  }

  listPrompts(project: ProjectId) {
    return this.inner.listPrompts(project);
  }

  listPromptVersions(project: ProjectId, name: string) {
    return this.inner.listPromptVersions(project, name);
  }

  async setPromptLabel(project: ProjectId, name: string, label: string, version: number, updatedBy: string | null, limits: PromptLimits) {
    this.forget(project);
    try {
      return await this.inner.setPromptLabel(project, name, label, version, updatedBy, limits);
    } finally {
      this.forget(project);
    }
  }

  async deletePromptLabel(project: ProjectId, name: string, label: string): Promise<void> {
    this.forget(project);
    try {
      await this.inner.deletePromptLabel(project, name, label);
    } finally {
      this.forget(project);
    }
  }

  async importPromptVersion(project: ProjectId, version: PromptVersion): Promise<boolean> {
    this.forget(project);
    try {
      return await this.inner.importPromptVersion(project, version);
    } finally {
      this.forget(project);
    }
  }

  async deleteProjectPrompts(project: ProjectId): Promise<void> {
    this.forget(project);
    try {
      await this.inner.deleteProjectPrompts(project);
    } finally {
      this.forget(project);
    }
  }
}
