import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROMPT_LIMITS, type PromptVersionInput } from '../../domain/prompts.ts';
import { failure } from './fixtures.ts';
import { projectId, type Store } from '../store.ts';

// D7: the prompt registry, alike on every backend. `otherNode` opens a second store on the same
// data, as a second Lookout node would (a backend several nodes share); without it the concurrent
// writes all go through one store.
export interface PromptsContractOptions {
  otherNode?: (store: Store) => Promise<Store>;
}

const A = projectId('alpha');
const B = projectId('beta');

function text(prompt: string, over: Partial<PromptVersionInput> = {}): PromptVersionInput {
  return { type: 'text', prompt, model: null, parameters: null, message: null, createdBy: 'key-1', ...over };
}

export function promptsContract(name: string, open: () => Promise<Store>, options: PromptsContractOptions = {}): void {
  describe(`store contract (prompts): ${name}`, () => {
    let store: Store;
    const others: Store[] = [];
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      for (const o of others.splice(0)) await o.close();
      await store.close();
    });

    it('numbers versions 1, 2, 3…, keeps each as written and resolves labels, latest and numbers', async () => {
      const v1 = await store.prompts.createPromptVersion(A, 'support-reply', text('Hello {{name}}', { message: 'first' }), [], PROMPT_LIMITS);
      expect(v1).toMatchObject({ name: 'support-reply', version: 1, type: 'text', prompt: 'Hello {{name}}', message: 'first', createdBy: 'key-1', labels: ['latest'] });
      expect(Date.parse(v1.createdAt)).toBeGreaterThan(Date.now() - 60_000);
      const chat = [
        { role: 'system' as const, content: 'You are terse. "quotes" and\nnew lines stay' },
        { role: 'user' as const, content: '{{question}}' },
      ];
      const v2 = await store.prompts.createPromptVersion(
        A,
        'support-reply',
        { type: 'chat', prompt: chat, model: 'gpt-4o-mini', parameters: { temperature: 0.2, stop: ['\n\n'] }, message: 'chat form', createdBy: null },
        ['production', 'staging'],
        PROMPT_LIMITS,
      );
      expect(v2).toMatchObject({ version: 2, type: 'chat', prompt: chat, model: 'gpt-4o-mini', parameters: { temperature: 0.2, stop: ['\n\n'] }, createdBy: null, labels: ['production', 'staging', 'latest'] });
      const v3 = await store.prompts.createPromptVersion(A, 'support-reply', text('Hi {{name}}'), ['staging'], PROMPT_LIMITS);
      expect(v3.labels).toEqual(['staging', 'latest']);

      expect((await store.prompts.getPrompt(A, 'support-reply', { label: 'production' })).version).toBe(2);
      expect((await store.prompts.getPrompt(A, 'support-reply', { label: 'staging' })).prompt).toBe('Hi {{name}}');
      expect((await store.prompts.getPrompt(A, 'support-reply', { label: 'latest' })).version).toBe(3);
      const first = await store.prompts.getPrompt(A, 'support-reply', { version: 1 });
      expect(first).toEqual({ ...v1, labels: [] });

      const list = await store.prompts.listPromptVersions(A, 'support-reply');
      expect(list.labels).toEqual({ production: 2, staging: 3 });
      expect(list.versions.map((v) => [v.version, v.labels, v.message])).toEqual([
        [3, ['staging', 'latest'], null],
        [2, ['production'], 'chat form'],
        [1, [], 'first'],
      ]);
      expect(list.versions[1]).not.toHaveProperty('prompt');

      await store.prompts.createPromptVersion(A, 'classifier', text('Label: {{x}}'), [], PROMPT_LIMITS);
      const summaries = await store.prompts.listPrompts(A);
      expect(summaries.map((s) => [s.name, s.type, s.latestVersion, s.versions, s.labels])).toEqual([
        ['classifier', 'text', 1, 1, {}],
        ['support-reply', 'text', 3, 3, { production: 2, staging: 3 }],
      ]);
      expect(Date.parse(summaries[1].updatedAt)).toBeGreaterThanOrEqual(Date.parse(summaries[1].createdAt));
    });

    it('moves and removes labels, and names what is missing', async () => {
      await store.prompts.createPromptVersion(A, 'p', text('one'), ['production'], PROMPT_LIMITS);
      await store.prompts.createPromptVersion(A, 'p', text('two'), [], PROMPT_LIMITS);
      const moved = await store.prompts.setPromptLabel(A, 'p', 'production', 2, 'key-2', PROMPT_LIMITS);
      expect(moved).toMatchObject({ name: 'p', label: 'production', version: 2, updatedBy: 'key-2' });
      expect((await store.prompts.getPrompt(A, 'p', { label: 'production' })).prompt).toBe('two');
      await store.prompts.setPromptLabel(A, 'p', 'production', 1, 'key-2', PROMPT_LIMITS);
      expect((await store.prompts.getPrompt(A, 'p', { label: 'production' })).prompt).toBe('one');
      await store.prompts.deletePromptLabel(A, 'p', 'production');
      expect(await failure(store.prompts.getPrompt(A, 'p', { label: 'production' }))).toMatchObject({ code: 'not_found', message: expect.stringMatching(/^prompt 'p' has no label 'production'/) });
      expect(await failure(store.prompts.deletePromptLabel(A, 'p', 'production'))).toMatchObject({ code: 'not_found', message: expect.stringMatching(/no label 'production'/) });
      expect(await failure(store.prompts.getPrompt(A, 'p', { version: 7 }))).toEqual({ code: 'not_found', message: "prompt 'p' has no version 7" });
      expect(await failure(store.prompts.setPromptLabel(A, 'p', 'staging', 7, null, PROMPT_LIMITS))).toEqual({ code: 'not_found', message: "prompt 'p' has no version 7" });
      expect(await failure(store.prompts.getPrompt(A, 'nope', { label: 'production' }))).toEqual({ code: 'not_found', message: "no prompt 'nope' in this project" });
      expect(await failure(store.prompts.listPromptVersions(A, 'nope'))).toMatchObject({ code: 'not_found' });
      expect(await failure(store.prompts.setPromptLabel(A, 'nope', 'production', 1, null, PROMPT_LIMITS))).toMatchObject({ code: 'not_found', message: "no prompt 'nope' in this project" });
      expect(await failure(store.prompts.deletePromptLabel(A, 'nope', 'production'))).toMatchObject({ code: 'not_found', message: "no prompt 'nope' in this project" });
    });

    it("keeps each project's prompts to itself, and deleting a project removes its prompts only", async () => {
      await store.createProject(A, 'alpha');
      await store.createProject(B, 'beta');
      await store.prompts.createPromptVersion(A, 'shared-name', text('alpha text'), ['production'], PROMPT_LIMITS);
      await store.prompts.createPromptVersion(B, 'shared-name', text('beta text'), [], PROMPT_LIMITS);
      await store.prompts.createPromptVersion(B, 'shared-name', text('beta text 2'), ['production'], PROMPT_LIMITS);
      expect((await store.prompts.getPrompt(A, 'shared-name', { label: 'production' })).prompt).toBe('alpha text');
      expect((await store.prompts.getPrompt(B, 'shared-name', { label: 'production' })).version).toBe(2);
      expect((await store.prompts.listPrompts(A)).map((p) => p.latestVersion)).toEqual([1]);
      await store.prompts.createPromptVersion(A, 'only-alpha', text('x'), [], PROMPT_LIMITS);
      expect(await failure(store.prompts.getPrompt(B, 'only-alpha', { label: 'latest' }))).toMatchObject({ code: 'not_found' });

      expect(await store.deleteProject(A)).toBe(true);
      expect(await store.prompts.listPrompts(A)).toEqual([]);
      expect(await failure(store.prompts.getPrompt(A, 'shared-name', { label: 'latest' }))).toMatchObject({ code: 'not_found' });
      expect((await store.prompts.getPrompt(B, 'shared-name', { label: 'production' })).prompt).toBe('beta text 2');
      // A project made again with the id starts without prompts, numbering from 1.
      expect((await store.prompts.createPromptVersion(A, 'shared-name', text('new'), [], PROMPT_LIMITS)).version).toBe(1);
    });

    it('refuses to pass its bounds, naming the bound', async () => {
      const limits = { versionsPerPrompt: 2, promptsPerProject: 2, labelsPerPrompt: 2 };
      await store.prompts.createPromptVersion(A, 'a', text('1'), ['production', 'staging'], limits);
      await store.prompts.createPromptVersion(A, 'a', text('2'), ['production'], limits);
      expect(await failure(store.prompts.createPromptVersion(A, 'a', text('3'), [], limits))).toEqual({
        code: 'conflict',
        message: "prompt 'a' has 2 versions, the most one prompt may hold; start a prompt under a new name",
      });
      expect(await failure(store.prompts.setPromptLabel(A, 'a', 'canary', 1, null, limits))).toMatchObject({ code: 'conflict', message: expect.stringMatching(/^prompt 'a' has 2 labels/) });
      // Moving a label it has is no new label.
      expect((await store.prompts.setPromptLabel(A, 'a', 'staging', 2, null, limits)).version).toBe(2);
      await store.prompts.createPromptVersion(A, 'b', text('1'), [], limits);
      expect(await failure(store.prompts.createPromptVersion(A, 'c', text('1'), [], limits))).toMatchObject({ code: 'conflict', message: expect.stringMatching(/^this project has 2 prompts/) });
      expect(await failure(store.prompts.createPromptVersion(A, 'b', text('2'), ['x', 'y', 'z'], limits))).toMatchObject({ code: 'conflict', message: expect.stringMatching(/^prompt 'b' has 2 labels/) });
      // Other projects have bounds of their own.
      expect((await store.prompts.createPromptVersion(B, 'c', text('1'), [], limits)).version).toBe(1);
    });

    it("bounds the bytes a project's versions hold together: text, parameters, model and message all count", async () => {
      const limits = { ...PROMPT_LIMITS, bytesPerProject: 10_000 };
      // 4,000 bytes of parameters, 2,000 of text and message: 6,000 and a few.
      const big = text('t'.repeat(1_000), { parameters: { note: 'p'.repeat(4_000) }, message: 'm'.repeat(1_000) });
      await store.prompts.createPromptVersion(A, 'a', big, [], limits);
      const refused = await failure(store.prompts.createPromptVersion(A, 'b', big, [], limits));
      expect(refused.code).toBe('conflict');
      expect(refused.message).toMatch(/^this project's prompt versions hold 60\d\d bytes; this version's 60\d\d would pass the 10000 bytes/);
      // Nothing of the refused version is kept, and a smaller one still fits.
      expect(await failure(store.prompts.getPrompt(A, 'b', { label: 'latest' }))).toMatchObject({ code: 'not_found' });
      expect((await store.prompts.createPromptVersion(A, 'a', text('small'), [], limits)).version).toBe(2);
      // Another project has a bound of its own.
      expect((await store.prompts.createPromptVersion(B, 'b', big, [], limits)).version).toBe(1);
    });

    it('gives versions written at the same time different numbers and loses none', async () => {
      const writers = [store];
      if (options.otherNode) {
        const other = await options.otherNode(store);
        others.push(other);
        writers.push(other);
      }
      const n = 8;
      const created = await Promise.all(
        Array.from({ length: n }, (_, i) => writers[i % writers.length].prompts.createPromptVersion(A, 'busy', text(`body ${i}`), [], PROMPT_LIMITS)),
      );
      expect(created.map((v) => v.version).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      for (const reader of writers) {
        const { versions } = await reader.prompts.listPromptVersions(A, 'busy');
        expect(versions.map((v) => v.version)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
        // Each number holds the body its writer was told it got.
        for (const v of created) expect((await reader.prompts.getPrompt(A, 'busy', { version: v.version })).prompt).toBe(v.prompt);
      }
      expect(new Set(created.map((v) => v.prompt)).size).toBe(n);
    }, 120_000);
  });
}
