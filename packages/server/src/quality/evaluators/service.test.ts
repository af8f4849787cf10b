import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../errors.ts';
import { JsonFile } from '../../state/json-file.ts';
import { SharedDocument } from '../../state/document.ts';
import type { DocumentStore } from '../../store/documents.ts';
import { evaluatorInputSchema, MAX_EVALUATORS_PER_PROJECT, type ConfiguredEvaluator } from './schema.ts';
import { Evaluators, type EvaluatorsDocument } from './service.ts';

const def = (over: Record<string, unknown> = {}) => evaluatorInputSchema.parse({ name: 'not-empty', kind: 'heuristic', criterion: 'empty_output', ...over });

function file(): JsonFile<EvaluatorsDocument> {
  return new JsonFile(join(mkdtempSync(join(tmpdir(), 'lookout-evaluators-')), 'evaluators.json'));
}

// The store's shared documents, as several nodes see them.
function sharedStore(): DocumentStore {
  const docs = new Map<string, string>();
  return {
    read: async (name) => docs.get(name) ?? null,
    write: async (name, text) => void docs.set(name, text),
    lease: async () => true,
  };
}

describe('Evaluators', () => {
  it("keeps a project's evaluators, the judge's key included, across a restart", async () => {
    const doc = file();
    const first = await Evaluators.load([], doc);
    const made = await first.create('shop', def());
    const judge = await first.create('shop', evaluatorInputSchema.parse({ name: 'helpful', kind: 'llm_judge', criterion: 'helpfulness', judge: { apiKey: 'sk-judge' } }));
    await first.update('shop', made.id, def({ enabled: false }));

    const again = await Evaluators.load([], doc);
    expect(again.list('shop').map((l) => [l.evaluator.id, l.evaluator.enabled, l.origin])).toEqual([
      [made.id, false, 'api'],
      [judge.id, true, 'api'],
    ]);
    expect(again.get('shop', judge.id).evaluator.judge?.apiKey).toBe('sk-judge');
    // Disabled ones are not in force; other projects have none.
    expect(again.evaluatorsOf('shop').map((e) => e.id)).toEqual([judge.id]);
    expect(again.evaluatorsOf('blog')).toEqual([]);

    await again.remove('shop', judge.id);
    expect((await Evaluators.load([], doc)).list('shop').map((l) => l.evaluator.id)).toEqual([made.id]);
  });

  it('adds those of the config file: for every project, or for the one they name; read-only', async () => {
    const configured: ConfiguredEvaluator[] = [
      { project: null, definition: def({ name: 'everywhere' }) },
      { project: 'shop', definition: def({ name: 'shop-only', criterion: 'refusal' }) },
    ];
    const evaluators = await Evaluators.load(configured, file());
    expect(evaluators.evaluatorsOf('shop').map((e) => e.id)).toEqual(['config.everywhere', 'config.shop-only']);
    expect(evaluators.evaluatorsOf('blog').map((e) => e.id)).toEqual(['config.everywhere']);
    expect(evaluators.list('shop').every((l) => l.origin === 'config')).toBe(true);

    await expect(evaluators.update('shop', 'config.shop-only', def({ name: 'shop-only' }))).rejects.toThrow(/comes from the configuration file/);
    await expect(evaluators.remove('blog', 'config.everywhere')).rejects.toBeInstanceOf(ConflictError);
    // Another project's config evaluator is not this project's.
    await expect(evaluators.remove('blog', 'config.shop-only')).rejects.toBeInstanceOf(NotFoundError);
    expect(() => evaluators.get('blog', 'config.shop-only')).toThrow(NotFoundError);
    // Its name is taken in the projects it applies to.
    await expect(evaluators.create('blog', def({ name: 'everywhere' }))).rejects.toThrow(/already has an evaluator named 'everywhere'/);
  });

  it(`holds at most ${MAX_EVALUATORS_PER_PROJECT} evaluators per project, config file included, and unique names`, async () => {
    const evaluators = await Evaluators.load([{ project: null, definition: def({ name: 'configured' }) }], null);
    await Promise.all(Array.from({ length: MAX_EVALUATORS_PER_PROJECT - 1 }, (_, i) => evaluators.create('shop', def({ name: `e${i}` }))));
    expect(evaluators.list('shop')).toHaveLength(MAX_EVALUATORS_PER_PROJECT);
    await expect(evaluators.create('shop', def({ name: 'one-more' }))).rejects.toThrow(`a project may have at most ${MAX_EVALUATORS_PER_PROJECT} evaluators`);
    await expect(evaluators.create('blog', def({ name: 'e1' }))).resolves.toBeTruthy();
    await expect(evaluators.create('blog', def({ name: 'e1' }))).rejects.toThrow(/already has an evaluator named 'e1'/);
  });

  it('loses none of several changes made at once', async () => {
    const doc = file();
    const evaluators = await Evaluators.load([], doc);
    await Promise.all(['a', 'b', 'c', 'd'].map((name) => evaluators.create(name === 'd' ? 'blog' : 'shop', def({ name }))));
    const again = await Evaluators.load([], doc);
    expect(again.list('shop').map((l) => l.evaluator.name).sort()).toEqual(['a', 'b', 'c']);
    expect(again.list('blog').map((l) => l.evaluator.name)).toEqual(['d']);
  });

  it('follows the shared document: a change made on another node applies here', async () => {
    const store = sharedStore();
    const here = await Evaluators.load([], new SharedDocument(store, 'evaluators'));
    const there = await Evaluators.load([], new SharedDocument(store, 'evaluators'));
    here.follow(10, (err) => {
      throw err;
    });
    try {
      const made = await there.create('shop', def());
      await expect.poll(() => here.evaluatorsOf('shop').map((e) => e.id)).toEqual([made.id]);
      // A change here starts from what the other node stored since, so neither is lost.
      here.stopFollowing();
      await there.create('shop', def({ name: 'second' }));
      await here.create('shop', def({ name: 'third' }));
      await there.reload();
      expect(there.list('shop').map((l) => l.evaluator.name)).toEqual(['not-empty', 'second', 'third']);
    } finally {
      here.stopFollowing();
    }
  });
});
