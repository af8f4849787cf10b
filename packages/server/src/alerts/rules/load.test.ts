import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatRuleError, loadRuleFiles, parseRuleText, RuleLoadError, validateRule } from './load.ts';

// One file with a good rule first and last and one mistake of each kind in between. Line numbers
// in the expectations below refer to this text (line 1 is `rules:`).
const MIXED = `rules:
  - name: Good
    kind: threshold
    query: { measure: cost }
    window: 1h
    threshold: 5
    severity: warning
    category: cost
  - name: BadMeasure
    kind: threshold
    query: { measure: dollars }
    window: 1h
    threshold: 5
    severity: warning
    category: cost
  - name: BadWindow
    kind: rate
    query: { measure: errors }
    window: 5 minutes
    threshold: 1
    severity: warning
    category: availability
  - name: NoThreshold
    kind: ratio
    query: { numerator: errors, denominator: requests }
    window: 5m
    severity: critical
    category: availability
  - name: Colour
    kind: threshold
    query: { measure: total_tokens }
    window: 1h
    threshold: 1
    colour: red
    severity: info
    category: cost
  - name: WrongType
    kind: threshold
    query: { measure: total_tokens, groupBy: model }
    window: 1h
    threshold: lots
    severity: warning
    category: cost
  - name: NoSeverity
    kind: threshold
    query: { measure: total_tokens }
    window: 1h
    threshold: 3
    category: cost
  - name: AlsoGood
    kind: percentile
    query: { measure: latency_ms, percentile: 95, groupBy: [provider, model] }
    window: 5m
    threshold: 5000
    severity: warning
    category: performance
`;

const GOOD = (name: string, extra = '') => `  - name: ${name}
    kind: threshold
    query: { measure: total_tokens }
    window: 1h
    threshold: 1
    severity: info
    category: cost
${extra}`;

describe('parseRuleText', () => {
  const { rules, errors } = parseRuleText(MIXED, 'rules.yaml');
  const lines = errors.map(String);

  it('loads the good rules of a file that also has bad ones', () => {
    expect(rules.map((r) => r.id)).toEqual(['Good', 'AlsoGood']);
    expect(rules[1]).toMatchObject({ kind: 'percentile', window: 300_000, threshold: 5000, op: '>', for: 0, enabled: true });
  });

  it('reports an unknown measure at its value', () => {
    expect(lines.some((l) => /^rules\.yaml:11:23 rules\[1\]\.query\.measure: unknown measure "dollars"; one of: requests, errors, /.test(l))).toBe(true);
    expect(errors.find((e) => e.path === 'rules[1].query.measure')).toMatchObject({ source: 'rules.yaml', line: 11, column: 23 });
  });

  it('reports a bad duration with an example', () => {
    expect(lines).toContain("rules.yaml:19:13 rules[2].window: '5 minutes' is not a duration; use e.g. 90s, 5m, 1h30m, 7d or 2w");
  });

  it('reports a missing threshold at the rule that lacks it', () => {
    expect(lines).toContain('rules.yaml:23:5 rules[3].threshold: a ratio rule needs a threshold');
  });

  it('reports an unknown field at its key, with the fields there are', () => {
    const e = errors.find((x) => x.path === 'rules[4].colour');
    expect(e).toMatchObject({ line: 34, column: 5 });
    expect(e?.message).toMatch(/^unknown field 'colour'; the fields are: name, id, kind, query, window, /);
  });

  it('reports values of the wrong type', () => {
    expect(lines).toContain("rules.yaml:39:46 rules[5].query.groupBy: must be a list, not the string 'model'");
    expect(lines).toContain('rules.yaml:41:16 rules[5].threshold: threshold must be a number');
  });

  it('reports a missing required field with its choices', () => {
    expect(lines).toContain('rules.yaml:44:5 rules[6].severity: required; one of: info, warning, critical');
  });

  it('reports each mistake once, in file order', () => {
    expect(errors.map((e) => e.path)).toEqual([
      'rules[1].query.measure',
      'rules[2].window',
      'rules[3].threshold',
      'rules[4].colour',
      'rules[5].query.groupBy',
      'rules[5].threshold',
      'rules[6].severity',
    ]);
  });

  it('reports YAML syntax errors with their position and still loads rules away from them', () => {
    const text = `rules:\n${GOOD('First')}  - name: Broken\n    kind: "threshold\n`;
    const result = parseRuleText(text, 'broken.yaml');
    expect(result.rules.map((r) => r.id)).toEqual(['First']);
    // The parser notices the missing quote where the text ends.
    expect(result.errors.map(String)).toEqual(['broken.yaml:11:1 YAML syntax error: Missing closing "quote']);
  });

  it('reports a duplicate key as a syntax error at the second key', () => {
    const result = parseRuleText(`rules:\n${GOOD('First')}${GOOD('Twice', '    kind: rate\n')}`, 'dup.yaml');
    expect(result.rules.map((r) => r.id)).toEqual(['First']);
    expect(result.errors.map(String)).toEqual(['dup.yaml:16:5 YAML syntax error: Map keys must be unique']);
  });

  it('reports unknown top-level keys and a file that is not a rule file', () => {
    expect(parseRuleText(`groups: []\nrules: []\n`, 'g.yaml').errors.map(String)).toEqual([
      "g.yaml:1:1 groups: unknown top-level key 'groups'; a rule file has one key, rules",
    ]);
    expect(parseRuleText(`- name: A\n`, 'l.yaml').errors.map(String)).toEqual(['l.yaml:1:1 a rule file is a mapping with one key, rules: a list of rules']);
    expect(parseRuleText(`rules: 3\n`, 'n.yaml').errors.map(String)).toEqual(['n.yaml:1:8 rules: must be a list of rules (each item starts with "- ")']);
    expect(parseRuleText(`rules:\n  - just a string\n`, 's.yaml').errors.map(String)).toEqual([
      's.yaml:2:5 rules[0]: a rule is a mapping of fields (name, kind, query, threshold, ...)',
    ]);
  });

  it('accepts an empty file and an empty list', () => {
    expect(parseRuleText('', 'e.yaml')).toEqual({ rules: [], errors: [] });
    expect(parseRuleText('# nothing yet\nrules: []\n', 'e.yaml')).toEqual({ rules: [], errors: [] });
  });

  it('gives a name used by several rules of the file ids with the severity', () => {
    const text = `rules:\n${GOOD('Levels')}${GOOD('Levels').replace('severity: info', 'severity: critical')}${GOOD('Single')}${GOOD('Own', '    id: my-own.id\n')}`;
    const result = parseRuleText(text, 'levels.yaml');
    expect(result.errors).toEqual([]);
    expect(result.rules.map((r) => r.id)).toEqual(['Levels:info', 'Levels:critical', 'Single', 'my-own.id']);
  });

  it('reports a duplicate id at the second rule, naming the first', () => {
    const result = parseRuleText(`rules:\n${GOOD('Same')}${GOOD('Other', '    id: Same\n')}`, 'ids.yaml');
    expect(result.rules.map((r) => r.id)).toEqual(['Same']);
    expect(result.errors.map(String)).toEqual([
      "ids.yaml:16:9 rules[1]: duplicate rule id 'Same', first defined at ids.yaml:2:11 (rules[0]); give one of them another id (or name)",
    ]);
  });

  it('reports the schema rules of each kind', () => {
    const text = `rules:
  - name: Spike
    kind: anomaly
    query: { measure: latency_ms }
    window: 10m
    baseline: { kind: preceding, factor: 2 }
    severity: warning
    category: cost
`;
    expect(parseRuleText(text, 'a.yaml').errors.map(String)).toEqual([
      'a.yaml:4:23 rules[0].query.measure: an anomaly rule needs a counter measure',
      'a.yaml:6:15 rules[0].baseline.lookback: a preceding baseline needs a lookback, e.g. 1h',
    ]);
  });
});

describe('RuleLoadError', () => {
  it('prints file:line:column path: message, and without a position for API input', () => {
    const e = new RuleLoadError({ source: 'rules.yaml', line: 14, column: 7, path: 'rules[2].window', message: 'bad' });
    expect(String(e)).toBe('rules.yaml:14:7 rules[2].window: bad');
    expect(formatRuleError({ source: 'api', line: null, column: null, path: 'threshold', message: 'bad' })).toBe('api threshold: bad');
    expect(JSON.parse(JSON.stringify(e))).toEqual({ source: 'rules.yaml', line: 14, column: 7, path: 'rules[2].window', message: 'bad' });
  });
});

describe('validateRule', () => {
  it('returns the parsed rule with its id and defaults', () => {
    const { rule, errors } = validateRule({ name: 'Cost', kind: 'threshold', query: { measure: 'cost' }, window: '1d', threshold: 10, severity: 'warning', category: 'cost' });
    expect(errors).toEqual([]);
    expect(rule).toMatchObject({ id: 'Cost', window: 86_400_000, for: 0, cooldown: 0, minSamples: 0, labels: {}, enabled: true, query: { filter: {}, groupBy: [] } });
  });

  it('reports field paths without positions', () => {
    const { rule, errors } = validateRule(
      { name: 'x', kind: 'budget', threshold: 80, budget: { scope: 'user', period: 'weekly' }, severity: 'warning', category: 'cost', labels: { '1x': 'y' } },
      'POST /api/v1/alerts/rules',
    );
    expect(rule).toBeUndefined();
    expect(errors.map(String)).toEqual([
      "POST /api/v1/alerts/rules budget.period: the string 'weekly' is not one of: daily, monthly",
      'POST /api/v1/alerts/rules labels.1x: invalid key: a label name is letters, digits and _ and does not start with a digit',
    ]);
    expect(errors[0]).toMatchObject({ line: null, column: null, path: 'budget.period' });
  });

  it('reports a non-object', () => {
    expect(validateRule(null).errors.map(String)).toEqual(['api must be a mapping, not empty (null)']);
  });
});

describe('loadRuleFiles', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lookout-rules-'));
    await mkdir(join(dir, 'rules.d'));
    await mkdir(join(dir, 'rules.d', 'nested.yaml')); // a directory named like a file: skipped
    await writeFile(join(dir, 'rules.d', 'b.yml'), `rules:\n${GOOD('B')}`);
    await writeFile(join(dir, 'rules.d', 'a.yaml'), `rules:\n${GOOD('A1')}${GOOD('A2')}`);
    await writeFile(join(dir, 'rules.d', 'c.yaml'), `rules:\n${GOOD('C')}${GOOD('A1')}`);
    await writeFile(join(dir, 'rules.d', 'notes.txt'), 'not rules');
    await writeFile(join(dir, 'extra.yaml'), `rules:\n${GOOD('Extra', '    window: soon\n').replace('    window: 1h\n', '')}${GOOD('Fine')}`);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a directory of *.yaml and *.yml in name order, then the files after it', async () => {
    const { rules, errors } = await loadRuleFiles([join(dir, 'rules.d'), join(dir, 'extra.yaml')]);
    expect(rules.map((r) => r.id)).toEqual(['A1', 'A2', 'B', 'C', 'Fine']);
    expect(errors.map(String)).toEqual([
      `${join(dir, 'rules.d', 'c.yaml')}:9:11 rules[1]: duplicate rule id 'A1', first defined at ${join(dir, 'rules.d', 'a.yaml')}:2:11 (rules[0]); give one of them another id (or name)`,
      `${join(dir, 'extra.yaml')}:8:13 rules[0].window: 'soon' is not a duration; use e.g. 90s, 5m, 1h30m, 7d or 2w`,
    ]);
  });

  it('reports a path that does not exist and loads the rest', async () => {
    const missing = join(dir, 'missing.yaml');
    const { rules, errors } = await loadRuleFiles([missing, join(dir, 'rules.d', 'b.yml')]);
    expect(rules.map((r) => r.id)).toEqual(['B']);
    expect(errors.map(String)).toEqual([`${missing} cannot read rules: no such file or directory`]);
  });
});

describe('bounds (issue 13)', () => {
  it('reports a rule reaching past the rollups at its field, with file and line, and loads the rest', () => {
    const text = `rules:
${GOOD('Fine')}  - name: TokenSpike
    kind: anomaly
    query: { measure: total_tokens }
    window: 1s
    baseline: { kind: preceding, lookback: 9999999d, factor: 2 }
    severity: warning
    category: cost
  - name: Slow
    kind: threshold
    query: { measure: total_tokens }
    window: 1h
    threshold: 1
    for: 45d
    severity: info
    category: cost
`;
    const { rules, errors } = parseRuleText(text, 'bounds.yaml');
    expect(rules.map((r) => r.id)).toEqual(['Fine']);
    const lines = errors.map(String);
    expect(lines).toEqual([
      'bounds.yaml:13:44 rules[1].baseline.lookback: the window and look-back together reach at most 8d: hour rollups are kept for 8 days',
      'bounds.yaml:21:10 rules[2].for: at most 30d',
    ]);
  });
});
