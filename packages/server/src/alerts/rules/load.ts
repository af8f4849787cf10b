import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { baselineSchema, budgetRefSchema, querySchema, ruleIdOf, ruleSchema, type Rule } from './schema.ts';

// F1: rule files. Every problem is reported with the file, line and column it is at and the path
// of the field (`rules[2].window`), and one bad rule never keeps the others from loading.

export class RuleLoadError {
  readonly source: string;
  readonly line: number | null; // 1-based; null when the input was not text (API objects)
  readonly column: number | null;
  readonly path: string; // e.g. rules[2].query.groupBy[0]; '' for the file as a whole
  readonly message: string;

  constructor(fields: { source: string; line: number | null; column: number | null; path: string; message: string }) {
    this.source = fields.source;
    this.line = fields.line;
    this.column = fields.column;
    this.path = fields.path;
    this.message = fields.message;
  }

  toString(): string {
    return formatRuleError(this);
  }

  toJSON(): { source: string; line: number | null; column: number | null; path: string; message: string } {
    return { source: this.source, line: this.line, column: this.column, path: this.path, message: this.message };
  }
}

// `rules.yaml:14:7 rules[2].window: '5 minutes' is not a duration; use e.g. 90s, 5m, 1h30m, 7d or 2w`
export function formatRuleError(e: { source: string; line: number | null; column: number | null; path: string; message: string }): string {
  const where = e.line === null ? e.source : `${e.source}:${e.line}:${e.column ?? 1}`;
  return `${where} ${e.path ? `${e.path}: ` : ''}${e.message}`;
}

export interface RuleLoadResult {
  rules: Rule[];
  errors: RuleLoadError[];
}

interface Place {
  source: string;
  line: number | null;
  column: number | null;
  path: string;
}

interface PlacedRule {
  rule: Rule;
  place: Place; // where its id comes from: the `id` field, else the `name` field
}

const FIELDS_OF: Record<string, readonly string[]> = {
  '': Object.keys(ruleSchema.shape),
  query: Object.keys(querySchema.shape),
  baseline: Object.keys(baselineSchema.shape),
  budget: Object.keys(budgetRefSchema.shape),
};

type Issue = z.core.$ZodIssue & { input?: unknown };

// One zod issue → one or more (path, message) pairs, the path relative to the rule.
function explainIssue(issue: Issue): Array<{ path: PropertyKey[]; message: string }> {
  if (issue.code === 'unrecognized_keys') {
    const parent = issue.path.filter((p) => typeof p === 'string').join('.');
    const known = FIELDS_OF[parent];
    const hint = known ? `; the fields are: ${known.join(', ')}` : '';
    return issue.keys.map((key) => ({ path: [...issue.path, key], message: `unknown field '${key}'${hint}` }));
  }
  // A missing field: zod leaves `input` out when it is undefined.
  if ((issue.code === 'invalid_type' || issue.code === 'invalid_value') && issue.input === undefined) {
    const options = issue.code === 'invalid_value' ? `; one of: ${issue.values.map(String).join(', ')}` : '';
    return [{ path: issue.path, message: `required${options}` }];
  }
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // A filter value: a string or a list of strings. Report the simpler of the alternatives.
    const first = issue.errors.map((alt) => alt[0]).find((alt) => alt !== undefined);
    if (first) return [{ path: [...issue.path, ...first.path], message: first.message }];
  }
  return [{ path: issue.path, message: plainMessage(issue) }];
}

const KIND_OF_VALUE: Record<string, string> = { array: 'a list', object: 'a mapping', string: 'a string', number: 'a number', boolean: 'true or false', record: 'a mapping' };

function describeValue(value: unknown): string {
  if (value === null) return 'empty (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string '${value}'`;
  return `${typeof value} ${String(value)}`;
}

// zod's generic wording ("Invalid input: expected array, received string") in the words of a
// rule file; messages the schema spells out itself are kept.
function plainMessage(issue: Issue): string {
  if (issue.code === 'invalid_key' && issue.issues[0]) return `invalid key: ${issue.issues[0].message}`;
  const generic = /^(Invalid input|Invalid option|Invalid string|Too small|Too big)/.test(issue.message);
  if (!generic) return issue.message;
  switch (issue.code) {
    case 'invalid_value':
      return `${describeValue(issue.input)} is not one of: ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'regex' && 'pattern' in issue
        ? `${describeValue(issue.input)} does not match ${String(issue.pattern)}`
        : `${describeValue(issue.input)} is not a valid ${issue.format}`;
    case 'invalid_type':
      return `must be ${KIND_OF_VALUE[issue.expected] ?? issue.expected}, not ${describeValue(issue.input)}`;
    case 'too_small':
      if (issue.origin === 'array' || issue.origin === 'string') return 'must not be empty';
      return `must be ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}`;
    case 'too_big':
      if (issue.origin === 'array' || issue.origin === 'string') return `must have at most ${String(issue.maximum)} ${issue.origin === 'array' ? 'items' : 'characters'}`;
      return `must be ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}`;
    default:
      return issue.message;
  }
}

// Validates one rule object (the API's input, or one entry of a rule file).
export function validateRule(input: unknown, source = 'api', nameHasLevels = false): { rule?: Rule; errors: RuleLoadError[] } {
  const parsed = ruleSchema.safeParse(input, { reportInput: true });
  if (parsed.success) return { rule: { ...parsed.data, id: ruleIdOf(parsed.data, nameHasLevels) }, errors: [] };
  const errors = parsed.error.issues.flatMap((issue) =>
    explainIssue(issue as Issue).map(({ path, message }) => new RuleLoadError({ source, line: null, column: null, path: pathText(path), message })),
  );
  return { errors };
}

// The same spelling as describeIssue (server/errors.ts): rules[2].query.groupBy[0].
function pathText(path: readonly PropertyKey[], prefix = ''): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

// The node a path leads to, or the deepest one that exists on the way (a missing field is
// reported at the object that lacks it). For a key of a map, `keyNode` is the key itself.
function nodeAt(root: Node, path: readonly PropertyKey[]): { node: Node; exact: boolean } {
  let node: Node = root;
  for (const part of path) {
    let next: Node | undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(part));
      if (pair) next = isNode(pair.value) ? pair.value : isNode(pair.key) ? pair.key : undefined;
    } else if (isSeq(node) && typeof part === 'number') {
      const item = node.items[part];
      if (isNode(item)) next = item;
    }
    if (!next) return { node, exact: false };
    node = next;
  }
  return { node, exact: true };
}

function keyNodeAt(root: Node, path: readonly PropertyKey[]): Node | undefined {
  if (path.length === 0) return undefined;
  const parent = nodeAt(root, path.slice(0, -1));
  if (!parent.exact || !isMap(parent.node)) return undefined;
  const last = String(path[path.length - 1]);
  const pair = parent.node.items.find((p) => isScalar(p.key) && String(p.key.value) === last);
  return pair && isNode(pair.key) ? pair.key : undefined;
}

function startOf(node: Node | null | undefined, lines: LineCounter): { line: number; column: number } {
  const offset = node?.range?.[0] ?? 0;
  const pos = lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

// Parses a rule file's text. `source` names it in errors (usually the path).
export function parseRuleText(text: string, source: string): RuleLoadResult {
  const { placed, errors } = parsePlaced(text, source);
  const rules = dropDuplicates(placed, errors, new Map());
  return { rules, errors: sortErrors(errors) };
}

function parsePlaced(text: string, source: string): { placed: PlacedRule[]; errors: RuleLoadError[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true }) as Document.Parsed;
  const errors: RuleLoadError[] = [];
  const at = (offset: number, path: string, message: string) => {
    const pos = lines.linePos(offset);
    errors.push(new RuleLoadError({ source, line: pos.line, column: pos.col, path, message }));
  };

  const syntaxRanges: Array<[number, number]> = [];
  for (const e of doc.errors) {
    syntaxRanges.push([e.pos[0], e.pos[1]]);
    at(e.pos[0], '', `YAML syntax error: ${e.message.split('\n')[0]}`);
  }
  const hitsSyntaxError = (node: Node) => {
    const [start, , end] = node.range ?? [0, 0, 0];
    return syntaxRanges.some(([from, to]) => from <= end && to >= start);
  };

  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) {
    if (doc.errors.length === 0) return { placed: [], errors }; // an empty file has no rules
    return { placed: [], errors };
  }
  if (!isMap(root)) {
    if (doc.errors.length === 0) at(root.range?.[0] ?? 0, '', 'a rule file is a mapping with one key, rules: a list of rules');
    return { placed: [], errors };
  }

  let rulesNode: Node | undefined;
  for (const pair of root.items) {
    if (!isPair(pair)) continue;
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (key === 'rules') {
      rulesNode = isNode(pair.value) ? pair.value : undefined;
      if (!rulesNode || !isSeq(rulesNode)) {
        const node = isNode(pair.value) ? pair.value : (pair.key as Node);
        if (!hitsSyntaxError(node)) at(node.range?.[0] ?? 0, 'rules', 'must be a list of rules (each item starts with "- ")');
        rulesNode = undefined;
      }
    } else {
      const keyNode = isNode(pair.key) ? pair.key : root;
      if (!hitsSyntaxError(keyNode)) at(keyNode.range?.[0] ?? 0, key ?? '', `unknown top-level key${key === undefined ? '' : ` '${key}'`}; a rule file has one key, rules`);
    }
  }
  if (!root.items.some((p) => isScalar(p.key) && p.key.value === 'rules')) {
    if (doc.errors.length === 0) at(root.range?.[0] ?? 0, '', 'a rule file needs the key rules: a list of rules');
    return { placed: [], errors };
  }
  if (!rulesNode || !isSeq(rulesNode)) return { placed: [], errors };

  // A name used by several rules of the file has levels: their ids default to name:severity.
  const items = rulesNode.items;
  const nameCount = new Map<string, number>();
  for (const item of items) {
    if (isMap(item)) {
      const name = item.get('name');
      if (typeof name === 'string') nameCount.set(name, (nameCount.get(name) ?? 0) + 1);
    }
  }

  const placed: PlacedRule[] = [];
  items.forEach((item, index) => {
    const rulePath = `rules[${index}]`;
    if (!isNode(item)) {
      at(rulesNode.range?.[0] ?? 0, rulePath, 'an empty list item; a rule is a mapping of fields');
      return;
    }
    if (hitsSyntaxError(item)) return; // reported above; what the parser made of it is not what was meant
    if (!isMap(item)) {
      at(item.range?.[0] ?? 0, rulePath, 'a rule is a mapping of fields (name, kind, query, threshold, ...)');
      return;
    }
    const input = item.toJS(doc) as unknown;
    const name = item.get('name');
    const nameHasLevels = typeof name === 'string' && (nameCount.get(name) ?? 0) > 1;
    const parsed = ruleSchema.safeParse(input, { reportInput: true });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        for (const { path, message } of explainIssue(issue as Issue)) {
          const found = issue.code === 'unrecognized_keys' ? keyNodeAt(item, path) : undefined;
          const node = found ?? nodeAt(item, path).node;
          at(node.range?.[0] ?? 0, pathText(path, rulePath), message);
        }
      }
      return;
    }
    const rule: Rule = { ...parsed.data, id: ruleIdOf(parsed.data, nameHasLevels) };
    const idNode = nodeAt(item, [parsed.data.id === undefined ? 'name' : 'id']).node;
    const pos = startOf(idNode, lines);
    placed.push({ rule, place: { source, line: pos.line, column: pos.column, path: rulePath } });
  });
  return { placed, errors };
}

// Keeps the first rule of each id; a later one is an error that names both places.
function dropDuplicates(placed: PlacedRule[], errors: RuleLoadError[], seen: Map<string, Place>): Rule[] {
  const rules: Rule[] = [];
  for (const { rule, place } of placed) {
    const first = seen.get(rule.id);
    if (first) {
      const there = first.line === null ? first.source : `${first.source}:${first.line}:${first.column}`;
      errors.push(
        new RuleLoadError({
          ...place,
          message: `duplicate rule id '${rule.id}', first defined at ${there} (${first.path}); give one of them another id (or name)`,
        }),
      );
      continue;
    }
    seen.set(rule.id, place);
    rules.push(rule);
  }
  return rules;
}

function sortErrors(errors: RuleLoadError[]): RuleLoadError[] {
  // Stable: by position within a source; sources keep the order they were loaded in.
  const order = new Map<string, number>();
  for (const e of errors) if (!order.has(e.source)) order.set(e.source, order.size);
  return [...errors].sort(
    (a, b) => order.get(a.source)! - order.get(b.source)! || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
  );
}

const RULE_FILE = /\.ya?ml$/i;

// Loads rule files in order. A path is a file, or a directory whose *.yaml / *.yml files (not
// sub-directories) are loaded in name order. Ids must be unique across everything loaded.
export async function loadRuleFiles(paths: readonly string[]): Promise<RuleLoadResult> {
  const files: string[] = [];
  const errors: RuleLoadError[] = [];
  const fail = (source: string, message: string) => errors.push(new RuleLoadError({ source, line: null, column: null, path: '', message }));
  for (const path of paths) {
    try {
      const info = await stat(path);
      if (info.isDirectory()) {
        const entries = await readdir(path, { withFileTypes: true });
        const names = entries.filter((e) => e.isFile() && RULE_FILE.test(e.name)).map((e) => e.name);
        names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        files.push(...names.map((name) => join(path, name)));
      } else {
        files.push(path);
      }
    } catch (err) {
      fail(path, `cannot read rules: ${describeFsError(err)}`);
    }
  }

  const seen = new Map<string, Place>();
  const rules: Rule[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      fail(file, `cannot read rules: ${describeFsError(err)}`);
      continue;
    }
    const parsed = parsePlaced(text, file);
    errors.push(...parsed.errors);
    rules.push(...dropDuplicates(parsed.placed, errors, seen));
  }
  return { rules, errors: sortErrors(errors) };
}

function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT') return 'no such file or directory';
  if (e?.code === 'EACCES') return 'permission denied';
  return e?.message ?? String(err);
}
