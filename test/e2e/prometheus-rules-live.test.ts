// The exported rules against the /metrics Lookout really serves: a real Prometheus scrapes a
// Lookout that ran `lookout demo`, with the file `lookout export prometheus-rules` wrote loaded as
// its rules. Every rule must evaluate without error, and every series an expression selects must
// exist, carrying the labels the expression groups by. A metric or label renamed in Lookout, or a
// label value it no longer emits, leaves a rule that is healthy but never fires: only this shows it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { makeTempDir, pollUntil, removeTempDir, requireBinary, runLookout, startLookout, startPrometheus, type LookoutServer } from './harness.ts';

let server: LookoutServer | undefined;
let dir = '';
let rulesPath = '';

beforeAll(async () => {
  dir = await makeTempDir('prometheus-rules-live');
  rulesPath = join(dir, 'lookout-rules.yml');
  const rules = await runLookout(['export', 'prometheus-rules', '--out', rulesPath]);
  expect(rules.code, rules.output).toBe(0);
  server = await startLookout({ dataDir: join(dir, 'data') });
  // A small demo with its incident: errors (rate limits among them), an unpriced model, prompt
  // cache reads and quality scores, so that every series the rules select has been counted.
  const demo = await runLookout(['demo', '--url', server.url, '--days', '1', '--calls', '300'], { timeoutMs: 120_000 });
  expect(demo.code, `lookout demo failed\n${demo.output}\n${server.output()}`).toBe(0);
});

afterAll(async () => {
  await server?.stop();
  if (dir) await removeTempDir(dir);
});

interface PromRule {
  type: 'recording' | 'alerting';
  name: string;
  query: string;
  health: 'ok' | 'err' | 'unknown';
  lastError?: string;
  lastEvaluation: string;
}

interface PromApi<T> {
  status: 'success' | 'error';
  data: T;
  error?: string;
}

interface Selector {
  text: string; // as written in the expression, matchers included
  metric: string;
}

interface ExpressionParts {
  selectors: Selector[];
  groupingLabels: string[]; // of every `by (...)` in the expression
}

// PromQL words that are not metric names: aggregation operators (`sum by (...) (...)` need not
// be followed by a parenthesis), binary operators and modifiers.
const keywords = new Set([
  ...['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile'],
  ...['by', 'without', 'and', 'or', 'unless', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'inf', 'nan'],
]);

// The series selectors and grouping labels of a rule expression. Enough PromQL for the rules
// Lookout exports: quoted strings are skipped, range and subquery brackets dropped, an identifier
// followed by `(` is a function call, one inside a number (1e6) is not an identifier, any other
// one is a metric name with its optional matchers.
function expressionParts(expr: string): ExpressionParts {
  const selectors: Selector[] = [];
  const groupingLabels = new Set<string>();
  const code = expr.replace(/\[[^\]]*\]/g, '');
  const token = /"(?:[^"\\]|\\.)*"|\b(by|without)\s*\(([^)]*)\)|(?<![\w.:])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\{(?:[^}"]|"(?:[^"\\]|\\.)*")*\})?(\s*\()?/g;
  for (const m of code.matchAll(token)) {
    const [, grouping, groupLabels, name, matchers, call] = m;
    if (grouping === 'by') for (const label of groupLabels.split(',')) if (label.trim()) groupingLabels.add(label.trim());
    if (grouping === 'without') throw new Error(`without (...) is not handled here: ${expr}`);
    if (name === undefined || call !== undefined || keywords.has(name.toLowerCase())) continue;
    selectors.push({ text: `${name}${matchers?.trim() ?? ''}`, metric: name });
  }
  return { selectors, groupingLabels: [...groupingLabels] };
}

describe('exported rules on a real Prometheus scraping Lookout after the demo', () => {
  it('reads the selectors and grouping of a rule expression', () => {
    expect(
      expressionParts(
        'sum by (provider, model) (rate(lookout_llm_requests_total{kind=~"generation|embedding", status="error"}[5m])) / avg_over_time(sum(rate(lookout:x:rate5m[1h]))[7d:1h]) > 1.5 and up{job="a}b"} == 0 or sum(lookout_y) > 1e+06',
      ),
    ).toEqual({
      selectors: [
        { text: 'lookout_llm_requests_total{kind=~"generation|embedding", status="error"}', metric: 'lookout_llm_requests_total' },
        { text: 'lookout:x:rate5m', metric: 'lookout:x:rate5m' },
        { text: 'up{job="a}b"}', metric: 'up' },
        { text: 'lookout_y', metric: 'lookout_y' },
      ],
      groupingLabels: ['provider', 'model'],
    });
  });

  it('evaluates every rule without error, and every series a rule selects exists with the labels it uses', async (ctx) => {
    const prometheusBin = requireBinary('prometheus', ctx);
    if (!server) throw new Error('the Lookout server did not start');
    const lookout = server;
    const prometheus = await startPrometheus(prometheusBin, new URL(lookout.url).host, () => lookout.output(), { ruleFiles: [rulesPath] });
    const context = () => `${prometheus.process.output()}\n${lookout.output()}`;
    const api = async <T>(path: string): Promise<T> => {
      if (!prometheus.process.running) throw new Error('prometheus exited');
      const response = await fetch(`${prometheus.url}${path}`, { signal: AbortSignal.timeout(5_000) });
      const body = (await response.json()) as PromApi<T>;
      if (body.status !== 'success') throw new Error(`GET ${path}: ${body.error}`);
      return body.data;
    };
    const rules = async () => {
      const data = await api<{ groups: Array<{ name: string; rules: PromRule[] }> }>('/api/v1/rules');
      return data.groups.flatMap((g) => g.rules.map((r) => ({ group: g.name, ...r })));
    };
    const series = (selector: string) => api<Array<Record<string, string>>>(`/api/v1/series?match[]=${encodeURIComponent(selector)}`);

    try {
      // rate() needs two samples: wait for three scrapes, then for every rule to be evaluated
      // again after that, so that recording rules have written their series.
      await pollUntil(
        'three scrapes of Lookout',
        async () => {
          const { result: samples } = await api<{ result: Array<{ value: [number, string] }> }>(`/api/v1/query?query=${encodeURIComponent('count_over_time(up{job="lookout"}[1m])')}`);
          if (samples.length > 0 && Number(samples[0].value[1]) >= 3) return true;
          throw new Error(`up{job="lookout"} samples in the last minute: ${JSON.stringify(samples)}`);
        },
        { timeoutMs: 60_000, context },
      );
      // Groups run independently and alerts read the recording group's series: two rounds of
      // every rule after the scrapes, so that every group has seen the recorded series.
      let evaluated: Awaited<ReturnType<typeof rules>> = [];
      for (const round of ['first', 'second']) {
        const since = Date.now();
        evaluated = await pollUntil(
          `a ${round} evaluation of every rule after three scrapes`,
          async () => {
            const all = await rules();
            return all.length > 0 && all.every((r) => Date.parse(r.lastEvaluation) > since) ? all : undefined;
          },
          { timeoutMs: 60_000, context },
        );
      }

      // Prometheus loaded every rule of the file.
      const file = parse(await readFile(rulesPath, 'utf8')) as { groups: Array<{ rules: unknown[] }> };
      expect(evaluated.length).toBe(file.groups.flatMap((g) => g.rules).length);
      expect(evaluated.filter((r) => r.type === 'alerting').length).toBeGreaterThan(10);
      const unhealthy = evaluated.filter((r) => r.health !== 'ok').map((r) => `${r.group}/${r.name}: ${r.health} ${r.lastError ?? ''}`);
      expect(unhealthy, context()).toEqual([]);

      const problems: string[] = [];
      const seenMetrics = new Set<string>();
      for (const rule of evaluated) {
        const parts = expressionParts(rule.query);
        expect(parts.selectors.length, `no series selector found in ${rule.query}`).toBeGreaterThan(0);
        for (const selector of parts.selectors) {
          seenMetrics.add(selector.metric);
          const found = await series(selector.text);
          if (found.length === 0) {
            problems.push(`${rule.name}: no series match ${selector.text}`);
            continue;
          }
          // Prometheus drops empty labels: a series without one of the grouping labels would be
          // summed into an unlabelled group.
          for (const label of parts.groupingLabels) {
            const without = found.filter((s) => !s[label]);
            if (without.length > 0) problems.push(`${rule.name}: ${without.length} of ${found.length} series of ${selector.text} have no ${label} label, e.g. ${JSON.stringify(without[0])}`);
          }
        }
      }
      expect(problems, `in ${rulesPath}`).toEqual([]);
      // The check covered the scraped series, not only the recorded ones (whose names have a colon).
      expect([...seenMetrics].filter((m) => !m.includes(':')).length, [...seenMetrics].join(' ')).toBeGreaterThanOrEqual(8);
    } finally {
      await prometheus.stop();
    }
  });
});
