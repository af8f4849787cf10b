import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// eld's n-gram tables cost about 55 MB of heap: they must load only when a language evaluator
// exists. Checked in a fresh process, which records every module it resolves, because this
// test runner's own module graph would hide a static import.

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const SCRIPT = `
import { registerHooks } from 'node:module';
const seen = [];
registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); seen.push(r.url); return r; } });
const eldLoaded = () => seen.some((u) => u.includes('/node_modules/eld/'));
await import(${JSON.stringify(here('./index.ts'))});
const { Evaluators } = await import(${JSON.stringify(here('../../../quality/evaluators/service.ts'))});
const { evaluatorInputSchema } = await import(${JSON.stringify(here('../../../quality/evaluators/schema.ts'))});
const out = {};
const other = await Evaluators.load([{ project: null, definition: evaluatorInputSchema.parse({ name: 'not-empty', kind: 'heuristic', criterion: 'empty_output' }) }], null);
out.withoutLanguageEvaluator = eldLoaded();
const language = evaluatorInputSchema.parse({ name: 'lang', kind: 'heuristic', criterion: 'language', params: { language: 'de' } });
await other.create('default', language);
for (let i = 0; i < 200 && !eldLoaded(); i++) await new Promise((r) => setTimeout(r, 50));
out.afterLanguageEvaluatorCreated = eldLoaded();
process.stdout.write(JSON.stringify(out));
`;

describe('language heuristic loading', () => {
  it("loads eld's tables only once an evaluator needs them", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', SCRIPT], { timeout: 30_000 });
    expect(JSON.parse(stdout)).toEqual({ withoutLanguageEvaluator: false, afterLanguageEvaluatorCreated: true });
  }, 40_000);

  it('judges a call that comes while the tables are being prepared', async () => {
    const script = `
const { prepareLanguageDetector, language } = await import(${JSON.stringify(here('./language.ts'))});
const { makeSpan } = await import(${JSON.stringify(here('../../../testing/fixtures.ts'))});
const prepared = prepareLanguageDetector();
const span = makeSpan({ content: { input: 'question', output: 'Die Antwort steht in diesem Satz, und er ist lang genug, um die Sprache zu erkennen.' } });
const verdict = language(span, { language: 'de' });
await prepared;
process.stdout.write(JSON.stringify(verdict));
`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { timeout: 30_000 });
    expect(JSON.parse(stdout)).toMatchObject({ outcome: 'scored', value: 1 });
  }, 40_000);
});
