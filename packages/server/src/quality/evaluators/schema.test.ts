import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.ts';
import { formatZodIssue } from '../../errors.ts';
import { evaluatorFrom, evaluatorInputSchema } from './schema.ts';

function problem(input: unknown): string | null {
  const parsed = evaluatorInputSchema.safeParse(input);
  return parsed.success ? null : formatZodIssue(parsed.error.issues[0]!);
}

const heuristic = (over: Record<string, unknown> = {}) => ({ name: 'check', kind: 'heuristic', criterion: 'empty_output', ...over });

describe('evaluator definitions', () => {
  it('takes a criterion of its kind only, naming the ones it may use', () => {
    expect(problem(heuristic())).toBeNull();
    expect(problem(heuristic({ criterion: 'correctness' }))).toMatch(/^criterion: 'correctness' is not a criterion of kind heuristic; use one of empty_output, refusal/);
    expect(problem({ name: 'j', kind: 'llm_judge', criterion: 'regex' })).toMatch(/^criterion: 'regex' is not a criterion of kind llm_judge; use one of correctness/);
    expect(problem(heuristic({ kind: 'oracle' }))).toBe('kind: must be one of heuristic, llm_judge');
  });

  it('bounds the sample rate to 0..1 and defaults it by kind', () => {
    expect(problem(heuristic({ sampleRate: 1.5 }))).toBe('sampleRate: must be from 0 to 1');
    expect(problem(heuristic({ sampleRate: -0.1 }))).toBe('sampleRate: must be from 0 to 1');
    const now = new Date().toISOString();
    expect(evaluatorFrom(evaluatorInputSchema.parse(heuristic()), 'x', now, null).sampleRate).toBe(1);
    expect(evaluatorFrom(evaluatorInputSchema.parse({ name: 'j', kind: 'llm_judge', criterion: 'relevance' }), 'x', now, null).sampleRate).toBe(0.01);
  });

  it('compiles regular expressions with RE2 and JSON Schemas with ajv', () => {
    expect(problem(heuristic({ criterion: 'regex', params: { pattern: '^(a|b' } }))).toMatch(/^params\.pattern: is not a valid RE2 expression/);
    // A backreference is valid JavaScript but not linear time: refused.
    expect(problem(heuristic({ criterion: 'regex', params: { pattern: '(a)\\1' } }))).toMatch(/^params\.pattern: is not a valid RE2 expression/);
    expect(problem(heuristic({ criterion: 'regex', params: {} }))).toBe('params.pattern: is required for criterion regex');
    expect(problem(heuristic({ criterion: 'json_schema', params: { schema: { type: 'thing' } } }))).toMatch(/^params\.schema: is not a valid JSON Schema/);
    expect(problem(heuristic({ criterion: 'json_schema', params: { schema: 'object' } }))).toMatch(/^params\.schema: must be a JSON Schema/);
    expect(problem(heuristic({ criterion: 'json_schema', params: { schema: { type: 'object', required: ['answer'] } } }))).toBeNull();
    const huge = { type: 'object', description: 'x'.repeat(40_000) };
    expect(problem(heuristic({ criterion: 'json_schema', params: { schema: huge } }))).toMatch(/the limit is 32768/);
  });

  it("refuses params the criterion does not read, and checks the ones it needs", () => {
    expect(problem(heuristic({ params: { pattern: 'x' } }))).toBe('params.pattern: is not read by criterion empty_output, which takes no params');
    expect(problem(heuristic({ criterion: 'length', params: { pattern: 'x' } }))).toBe('params.pattern: is not read by criterion length, which takes minChars, maxChars');
    expect(problem(heuristic({ criterion: 'length', params: {} }))).toBe('params: criterion length needs minChars, maxChars or both');
    expect(problem(heuristic({ criterion: 'length', params: { minChars: 10, maxChars: 5 } }))).toBe('params.minChars: must not exceed maxChars (5)');
    expect(problem(heuristic({ criterion: 'latency_slo' }))).toBe('params.maxLatencyMs: is required for criterion latency_slo');
    expect(problem(heuristic({ criterion: 'cost_slo', params: { maxCostUsd: 0 } }))).toBe('params.maxCostUsd: must be more than 0');
    expect(problem(heuristic({ criterion: 'language', params: { language: 'english' } }))).toBe("params.language: must be an ISO 639-1 code such as 'en'");
    expect(problem(heuristic({ params: { colour: 1 } }))).toBe('params.colour: unknown field');
    expect(problem(heuristic({ judge: { model: 'm' } }))).toBe('judge: is for llm_judge evaluators only');
    expect(problem({ name: 'j', kind: 'llm_judge', criterion: 'relevance', params: { maxChars: 5 } })).toMatch(/^params\.maxChars: is a heuristic setting/);
  });

  it('needs a template with {{output}} and known placeholders for a custom judge', () => {
    const custom = (template?: unknown) => ({ name: 'tone', kind: 'llm_judge', criterion: 'custom', ...(template ? { judge: { template } } : {}) });
    expect(problem(custom())).toBe('judge.template: is required for criterion custom: give { version, system, user }');
    expect(problem(custom({ version: '1', system: '', user: 'Is {{outptu}} polite?' }))).toMatch(/^judge\.template\.user: \{\{outptu\}\} is not a placeholder; use \{\{input\}\}/);
    expect(problem(custom({ version: '1', system: '', user: 'Is {{input}} polite?' }))).toBe('judge.template.user: must contain {{output}}: the answer the judge is asked about');
    expect(problem(custom({ version: '1', system: 'Judge.', user: 'Q: {{input}} A: {{ output }}' }))).toBeNull();
    expect(problem(custom({ version: '1', system: '', user: 'x'.repeat(20_000) }))).toBe('judge.template.user: must be at most 16384 characters');
  });

  it('bounds names and filters', () => {
    expect(problem(heuristic({ name: 'Has Spaces' }))).toMatch(/^name: must be lowercase letters/);
    expect(problem(heuristic({ name: 'x'.repeat(65) }))).toBe('name: must be at most 64 characters');
    expect(problem(heuristic({ filter: { feature: 'x'.repeat(300) } }))).toBe('filter.feature: must be at most 256 characters');
    expect(problem(heuristic({ filter: { user: 'u' } }))).toBe('filter.user: unknown field');
  });

  it('keeps the judge key unless the new definition names one or null', () => {
    const now = new Date().toISOString();
    const first = evaluatorFrom(evaluatorInputSchema.parse({ name: 'j', kind: 'llm_judge', criterion: 'safety', judge: { apiKey: 'sk-1' } }), 'e', now, null);
    const kept = evaluatorFrom(evaluatorInputSchema.parse({ name: 'j', kind: 'llm_judge', criterion: 'safety', judge: { model: 'm' } }), 'e', now, first);
    expect(kept.judge).toEqual({ model: 'm', apiKey: 'sk-1' });
    const removed = evaluatorFrom(evaluatorInputSchema.parse({ name: 'j', kind: 'llm_judge', criterion: 'safety', judge: { apiKey: null } }), 'e', now, first);
    expect(removed.judge).toEqual({});
  });
});

describe('the config file section', () => {
  const configWith = (yaml: string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'lookout-evaluators-')), 'lookout.yaml');
    writeFileSync(file, yaml);
    return () => loadConfig({ file, env: {} });
  };

  it('reads definitions with an optional project', () => {
    const config = configWith('evaluators:\n  - name: not-empty\n    kind: heuristic\n    criterion: empty_output\n  - project: shop\n    name: polite\n    kind: llm_judge\n    criterion: helpfulness\n')();
    expect(config.evaluators).toEqual([
      { project: null, definition: { name: 'not-empty', kind: 'heuristic', criterion: 'empty_output' } },
      { project: 'shop', definition: { name: 'polite', kind: 'llm_judge', criterion: 'helpfulness' } },
    ]);
  });

  it('names the bad entry and where it came from', () => {
    expect(configWith('evaluators:\n  - name: r\n    kind: heuristic\n    criterion: regex\n    params: { pattern: "(" }\n')).toThrow(/evaluators\[0\]\.params\.pattern: is not a valid RE2 expression.*\(from config file/);
    expect(configWith('evaluators:\n  - { name: a, kind: heuristic, criterion: refusal }\n  - { project: shop, name: a, kind: heuristic, criterion: empty_output }\n')).toThrow(
      /evaluators\[1\]\.name: 'a' is also the name of evaluators\[0\] in the same project/,
    );
    expect(configWith('evaluators:\n  - { project: shop, name: a, kind: heuristic, criterion: refusal }\n  - { project: blog, name: a, kind: heuristic, criterion: refusal }\n')).not.toThrow();
  });
});
