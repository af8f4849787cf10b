import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { MEASURE_ALIASES, RULE_MEASURES } from '../../domain/measures.ts';
import { MINUTE_MS } from '../../domain/time.ts';
import { Rollups } from '../../rollups/rollups.ts';
import { JsonFile } from '../../state/json-file.ts';
import { makeSpan } from '../../testing/fixtures.ts';
import { AlertEngine, type AlertStateDoc } from '../engine/engine.ts';
import { evaluateRule } from '../engine/evaluate.ts';
import { validateApiRule } from '../service.ts';
import { parseRuleText, validateRule } from './load.ts';

// Rules written with the measure names alert rules used before they were shared with analytics
// (cost_usd, tokens, tokens.cacheRead, ...) load, and evaluate, as the canonical names do.

const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);

// Every old spelling once, in a rule file; the canonical file is the same text with the names
// replaced.
const ruleFile = (names: Record<string, string>) => `rules:
  - name: Spend
    kind: threshold
    query: { measure: ${names.cost}, groupBy: [model] }
    window: 1h
    threshold: 1
    severity: warning
    category: cost
  - name: CostPerCall
    kind: ratio
    query: { numerator: ${names.cost}, denominator: requests }
    window: 1h
    threshold: 0.5
    severity: warning
    category: cost
  - name: Cache
    kind: ratio
    query: { numerator: ${names.cache_read_tokens}, denominator: prompt_tokens }
    window: 1h
    op: '<'
    threshold: 0.4
    severity: warning
    category: cost
${['total_tokens', 'input_tokens', 'output_tokens', 'cache_write_tokens', 'reasoning_tokens', 'audio_tokens']
  .map(
    (m, i) => `  - name: Tokens${i}
    kind: rate
    query: { measure: ${names[m]} }
    window: 1h
    threshold: 10
    severity: info
    category: cost
`,
  )
  .join('')}`;

const canonicalNames = Object.fromEntries(Object.values(MEASURE_ALIASES).map((m) => [m, m]));
const oldNames = Object.fromEntries(Object.entries(MEASURE_ALIASES).map(([old, m]) => [m, old]));
const CANONICAL = ruleFile(canonicalNames);
const OLD = ruleFile(oldNames);

function call(atMs: number, model: string, costNanoUsd: number) {
  return makeSpan({
    requestModel: model,
    startUs: atMs * 1000,
    endUs: atMs * 1000 + 500_000,
    usage: { input: 100, output: 50, cacheRead: 20, cacheWrite: 5, reasoning: 7, audio: 3 },
    cost: { status: 'priced', totalNanoUsd: costNanoUsd, byBucketNanoUsd: {}, priceRowId: 'x', catalogVersion: 'v' },
  });
}

function filledRollups() {
  const rollups = new Rollups({ now: () => T0 });
  rollups.onAccepted([call(T0 - 5 * MINUTE_MS, 'gpt-4o', 1.5e9), call(T0 - 3 * MINUTE_MS, 'gpt-4o-mini', 0.2e9), call(T0 - MINUTE_MS, 'gpt-4o', 0.4e9)], []);
  return rollups;
}

describe('older measure spellings', () => {
  it('every alias names a rule measure, and the old file spells each alias', () => {
    for (const name of Object.values(MEASURE_ALIASES)) expect(RULE_MEASURES).toContain(name);
    for (const old of Object.keys(MEASURE_ALIASES)) expect(OLD).toContain(` ${old}`);
  });

  it('a rule file written with them loads as the canonical file does', () => {
    const canonical = parseRuleText(CANONICAL, 'new.yaml');
    const old = parseRuleText(OLD, 'old.yaml');
    expect(canonical.errors).toEqual([]);
    expect(old.errors).toEqual([]);
    expect(old.rules).toHaveLength(9);
    expect(old.rules).toEqual(canonical.rules);
    expect(old.rules[0].query.measure).toBe('cost');
    expect(old.rules[2].query.numerator).toBe('cache_read_tokens');
  });

  it('and evaluates the same', async () => {
    const rollups = filledRollups();
    const canonical = parseRuleText(CANONICAL, 'new.yaml').rules;
    const old = parseRuleText(OLD, 'old.yaml').rules;
    for (const [i, rule] of old.entries()) {
      const want = await evaluateRule(canonical[i], 'default', T0, { rollups });
      const got = await evaluateRule(rule, 'default', T0, { rollups });
      expect(got).toEqual(want);
      expect(got.noData).toBe(false);
    }
    const spend = await evaluateRule(old[0], 'default', T0, { rollups });
    expect(spend.groups.map((g) => [g.labels.model, g.value, g.active])).toEqual(
      expect.arrayContaining([
        ['gpt-4o', expect.closeTo(1.9, 9), true],
        ['gpt-4o-mini', expect.closeTo(0.2, 9), false],
      ]),
    );
    const tokens = await evaluateRule(old[3], 'default', T0, { rollups });
    expect(tokens.groups[0].value).toBeCloseTo((3 * 185) / 3600, 9);
  });

  it('an unknown measure is refused with the canonical names listed, not the old ones', () => {
    const { errors } = validateRule({ name: 'X', kind: 'threshold', query: { measure: 'dollars' }, window: '1h', threshold: 1, severity: 'info', category: 'cost' });
    expect(errors).toHaveLength(1);
    expect(errors[0].path).toBe('query.measure');
    expect(errors[0].message).toMatch(/^unknown measure "dollars"; one of: requests, errors, /);
    expect(errors[0].message).toContain(' cost, ');
    expect(errors[0].message).toContain(' cache_read_tokens, ');
    expect(errors[0].message).not.toContain('cost_usd');
    expect(errors[0].message).not.toContain('tokens.');
    const ratio = validateRule({ name: 'X', kind: 'ratio', query: { numerator: 'cost_usd', denominator: 'latency_ms' }, window: '1h', threshold: 1, severity: 'info', category: 'cost' });
    expect(ratio.errors.map((e) => `${e.path}: ${e.message}`)).toEqual([expect.stringMatching(/^query\.denominator: "latency_ms" is not a counter measure; one of: requests, .* cost, /)]);
  });

  it('an API rule stored with them (alerts.json) is read at start as the canonical rule, and fires the same', async () => {
    const statePath = join(mkdtempSync(join(tmpdir(), 'lookout-aliases-')), 'alerts.json');
    const input = (measure: string, name: string) => ({ name, kind: 'threshold', query: { measure, groupBy: ['model'] }, window: '1h', threshold: 1, severity: 'warning', category: 'cost' });
    const stored: AlertStateDoc = {
      version: 1,
      alerts: [],
      history: [],
      silences: [],
      apiRules: [
        { projectId: 'default', input: input('cost_usd', 'OldSpend'), createdAtMs: T0 - 1 },
        { projectId: 'default', input: input('cost', 'NewSpend'), createdAtMs: T0 - 1 },
      ],
      overrides: [],
    };
    writeFileSync(statePath, JSON.stringify(stored));
    const engine = new AlertEngine(
      {
        sources: { rollups: filledRollups() },
        projects: async () => ['default'],
        state: new JsonFile<AlertStateDoc>(statePath),
        sink: { update: () => {} },
        now: () => T0,
        validate: (i, projectId) => validateApiRule(i, { projectId }),
        registry: new Registry(),
      },
      { intervalMs: 30_000, packRules: [], fileRules: [] },
    );
    await engine.open();
    const byName = new Map(engine.rules('default').map((v) => [v.rule.name, v.rule]));
    expect(byName.get('OldSpend')?.query.measure).toBe('cost');
    const { name: _old, id: _oldId, ...oldRule } = byName.get('OldSpend')!;
    const { name: _new, id: _newId, ...newRule } = byName.get('NewSpend')!;
    expect(oldRule).toEqual(newRule);
    await engine.evaluate();
    const firing = (name: string) =>
      engine
        .list('default')
        .filter((a) => a.labels.alertname === name)
        .map((a) => [a.labels.model, a.state, a.value]);
    expect(firing('OldSpend')).toEqual([['gpt-4o', 'firing', expect.closeTo(1.9, 9)]]);
    expect(firing('OldSpend')).toEqual(firing('NewSpend'));
    await engine.stop();
  });
});
