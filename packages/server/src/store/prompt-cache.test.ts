import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROMPT_LIMITS, type PromptRef, type PromptVersionInput } from '../domain/prompts.ts';
import { DuckDbStore } from './duckdb/store.ts';
import { CachedPromptRegistry } from './prompt-cache.ts';
import { projectId, type PromptRegistry } from './store.ts';

const A = projectId('alpha');
const B = projectId('beta');
const text = (prompt: string): PromptVersionInput => ({ type: 'text', prompt, model: null, parameters: null, message: null, createdBy: null });

let store: DuckDbStore;
let reads: number;
let inner: PromptRegistry;
// Lets a test hold the store's answer to a read.
let hold: Promise<void> | null;

beforeEach(async () => {
  store = await DuckDbStore.open(null, { hourRollups: 'manual' });
  reads = 0;
  hold = null;
  // The store's own registry behind the cache, with its reads counted.
  const real = store.prompts;
  inner = {
    async getPrompt(project, name, ref: PromptRef) {
      reads++;
      const value = await real.getPrompt(project, name, ref);
      if (hold) await hold;
      return value;
    },
    createPromptVersion: (...a) => real.createPromptVersion(...a),
    listPrompts: (...a) => real.listPrompts(...a),
    listPromptVersions: (...a) => real.listPromptVersions(...a),
    setPromptLabel: (...a) => real.setPromptLabel(...a),
    deletePromptLabel: (...a) => real.deletePromptLabel(...a),
    deleteProjectPrompts: (...a) => real.deleteProjectPrompts(...a),
    importPromptVersion: (...a) => real.importPromptVersion(...a),
  };
});
afterEach(async () => {
  await store.close();
});

describe('the prompt cache', () => {
  it('answers again from memory, and forgets the project at every write through it', async () => {
    const cache = new CachedPromptRegistry(inner, { maxAgeMs: Infinity });
    await cache.createPromptVersion(A, 'p', text('one'), ['production'], PROMPT_LIMITS);
    await cache.createPromptVersion(B, 'p', text('beta'), ['production'], PROMPT_LIMITS);
    expect((await cache.getPrompt(A, 'p', { label: 'production' })).prompt).toBe('one');
    expect((await cache.getPrompt(A, 'p', { label: 'production' })).prompt).toBe('one');
    expect((await cache.getPrompt(B, 'p', { label: 'production' })).prompt).toBe('beta');
    expect(reads).toBe(2);
    expect((await cache.getPrompt(A, 'p', { label: 'latest' })).version).toBe(1);
    await cache.createPromptVersion(A, 'p', text('two'), [], PROMPT_LIMITS);
    expect((await cache.getPrompt(A, 'p', { label: 'latest' })).version).toBe(2);
    await cache.setPromptLabel(A, 'p', 'production', 2, null, PROMPT_LIMITS);
    expect((await cache.getPrompt(A, 'p', { label: 'production' })).prompt).toBe('two');
    // Another project's entries stay.
    expect((await cache.getPrompt(B, 'p', { label: 'production' })).prompt).toBe('beta');
    expect(reads).toBe(5);
    await cache.deletePromptLabel(A, 'p', 'production');
    await expect(cache.getPrompt(A, 'p', { label: 'production' })).rejects.toThrow(/has no label 'production'/);
    await cache.getPrompt(A, 'p', { label: 'latest' });
    await cache.deleteProjectPrompts(A);
    await expect(cache.getPrompt(A, 'p', { label: 'latest' })).rejects.toThrow(/no prompt 'p'/);
  });

  it("sees another writer's change once an entry is maxAgeMs old", async () => {
    let now = 1_000;
    const cache = new CachedPromptRegistry(inner, { maxAgeMs: 1_000, now: () => now });
    await store.prompts.createPromptVersion(A, 'p', text('one'), ['production'], PROMPT_LIMITS);
    expect((await cache.getPrompt(A, 'p', { label: 'production' })).prompt).toBe('one');
    // Written past this cache, as by another node.
    await store.prompts.createPromptVersion(A, 'p', text('two'), ['production'], PROMPT_LIMITS);
    now += 999;
    expect((await cache.getPrompt(A, 'p', { label: 'production' })).prompt).toBe('one');
    now += 1;
    expect((await cache.getPrompt(A, 'p', { label: 'production' })).prompt).toBe('two');
  });

  it('does not keep an answer read before a write that ended while it was under way', async () => {
    const cache = new CachedPromptRegistry(inner, { maxAgeMs: Infinity });
    await cache.createPromptVersion(A, 'p', text('one'), ['production'], PROMPT_LIMITS);
    let release!: () => void;
    hold = new Promise((r) => (release = r));
    const slow = cache.getPrompt(A, 'p', { label: 'production' });
    await new Promise((r) => setTimeout(r, 20));
    hold = null;
    await cache.createPromptVersion(A, 'p', text('two'), ['production'], PROMPT_LIMITS);
    release();
    expect((await slow).prompt).toBe('one');
    expect((await cache.getPrompt(A, 'p', { label: 'production' })).prompt).toBe('two');
  });

  it('keeps at most maxBytes of prompts, dropping the oldest first', async () => {
    for (const name of ['a', 'b', 'c', 'd']) await store.prompts.createPromptVersion(A, name, text('x'.repeat(1_000)), [], PROMPT_LIMITS);
    const probe = new CachedPromptRegistry(inner, { maxAgeMs: Infinity });
    await probe.getPrompt(A, 'a', { label: 'latest' });
    const one = probe.cachedBytes;
    const cache = new CachedPromptRegistry(inner, { maxAgeMs: Infinity, maxBytes: 3 * one, maxProjectBytes: 3 * one });
    for (const name of ['a', 'b', 'c', 'd']) await cache.getPrompt(A, name, { label: 'latest' });
    expect(cache.cachedEntries).toBe(3);
    reads = 0;
    await cache.getPrompt(A, 'd', { label: 'latest' });
    expect(reads).toBe(0);
    await cache.getPrompt(A, 'a', { label: 'latest' });
    expect(reads).toBe(1);
  });

  it('counts parameters, model and commit message in the bytes, not the prompt text alone', async () => {
    const parameters = { json_schema: { description: 'y'.repeat(12_000) } };
    await store.prompts.createPromptVersion(A, 'p', { ...text('short'), parameters, model: 'm'.repeat(200), message: 'z'.repeat(2_000) }, [], PROMPT_LIMITS);
    const cache = new CachedPromptRegistry(inner, { maxAgeMs: Infinity });
    await cache.getPrompt(A, 'p', { label: 'latest' });
    expect(cache.cachedBytes).toBeGreaterThan(2 * (12_000 + 200 + 2_000));
    // A bound smaller than the version keeps nothing of it.
    const small = new CachedPromptRegistry(inner, { maxAgeMs: Infinity, maxBytes: 10_000 });
    await small.getPrompt(A, 'p', { label: 'latest' });
    expect(small.cachedEntries).toBe(0);
  });

  it("keeps one project within its share, so that it cannot push another project's prompts out", async () => {
    for (const name of ['a', 'b', 'c', 'd', 'e']) await store.prompts.createPromptVersion(A, name, text('x'.repeat(1_000)), [], PROMPT_LIMITS);
    await store.prompts.createPromptVersion(B, 'b1', text('x'.repeat(1_000)), [], PROMPT_LIMITS);
    const probe = new CachedPromptRegistry(inner, { maxAgeMs: Infinity });
    await probe.getPrompt(A, 'a', { label: 'latest' });
    const one = probe.cachedBytes;
    const cache = new CachedPromptRegistry(inner, { maxAgeMs: Infinity, maxBytes: 4 * one, maxProjectBytes: 2 * one });
    await cache.getPrompt(B, 'b1', { label: 'latest' });
    for (const name of ['a', 'b', 'c', 'd', 'e']) await cache.getPrompt(A, name, { label: 'latest' });
    expect(cache.cachedEntries).toBe(3);
    reads = 0;
    await cache.getPrompt(B, 'b1', { label: 'latest' });
    await cache.getPrompt(A, 'e', { label: 'latest' });
    await cache.getPrompt(A, 'd', { label: 'latest' });
    expect(reads).toBe(0);
    await cache.getPrompt(A, 'a', { label: 'latest' });
    expect(reads).toBe(1);
  });
});
