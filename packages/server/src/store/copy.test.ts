// The prompt registry moves with the rest of a store (lookout migrate): between two DuckDB stores
// here; copy.clickhouse.test.ts copies everything else into ClickHouse.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROMPT_LIMITS, type PromptVersionInput } from '../domain/prompts.ts';
import { copyStore } from './copy.ts';
import { DuckDbStore } from './duckdb/store.ts';
import { projectId } from './store.ts';

const A = projectId('alpha');
const text = (prompt: string, createdBy: string | null = 'key-1'): PromptVersionInput => ({ type: 'text', prompt, model: null, parameters: null, message: `wrote ${prompt}`, createdBy });

let source: DuckDbStore;
let target: DuckDbStore;
beforeEach(async () => {
  source = await DuckDbStore.open(null, { hourRollups: 'manual' });
  target = await DuckDbStore.open(null, { hourRollups: 'manual' });
});
afterEach(async () => {
  await source.close();
  await target.close();
});

describe('copying a store', () => {
  it('copies prompt versions with their numbers, times, authors and labels, once', async () => {
    await source.createProject(A, 'alpha');
    await source.prompts.createPromptVersion(A, 'support', text('one'), ['production'], PROMPT_LIMITS);
    await new Promise((r) => setTimeout(r, 5));
    await source.prompts.createPromptVersion(A, 'support', { type: 'chat', prompt: [{ role: 'system', content: 'two' }], model: 'gpt-4o', parameters: { temperature: 0 }, message: null, createdBy: null }, ['staging'], PROMPT_LIMITS);
    await source.prompts.createPromptVersion(A, 'classifier', text('label it'), [], PROMPT_LIMITS);

    const report = await copyStore(source, target);
    expect(report.promptVersions).toEqual({ copied: 3, skipped: 0 });
    expect(report.promptLabels).toEqual({ copied: 2, skipped: 0 });
    for (const name of ['support', 'classifier']) {
      expect(await target.prompts.listPromptVersions(A, name)).toEqual(await source.prompts.listPromptVersions(A, name));
    }
    for (const version of [1, 2]) expect(await target.prompts.getPrompt(A, 'support', { version })).toEqual(await source.prompts.getPrompt(A, 'support', { version }));
    expect((await target.prompts.getPrompt(A, 'support', { label: 'production' })).prompt).toBe('one');
    // The labels were set by the copy: only when a label last moved differs.
    const summary = (list: { updatedAt: string }[]) => list.map(({ updatedAt: _, ...rest }) => rest);
    expect(summary(await target.prompts.listPrompts(A))).toEqual(summary(await source.prompts.listPrompts(A)));

    // Again: nothing new. A version written to the source since goes across alone.
    expect((await copyStore(source, target)).promptVersions).toEqual({ copied: 0, skipped: 3 });
    await source.prompts.createPromptVersion(A, 'support', text('three'), ['production'], PROMPT_LIMITS);
    const again = await copyStore(source, target);
    expect(again.promptVersions).toEqual({ copied: 1, skipped: 3 });
    expect(again.promptLabels).toEqual({ copied: 1, skipped: 1 });
    expect((await target.prompts.getPrompt(A, 'support', { label: 'production' })).version).toBe(3);
  });
});
