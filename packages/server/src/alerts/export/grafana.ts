// G2: Grafana dashboards over Lookout's /metrics series, built with a small typed builder (seed 001 §7.3).
import { writeFile } from 'node:fs/promises';
import { MEASURE_SERIES, METRIC, TOKEN_TYPE } from '../../metrics/names.ts';

export type PanelType = 'timeseries' | 'stat' | 'gauge' | 'bargauge' | 'table';

export interface Target {
  refId: string;
  expr: string;
  legendFormat?: string;
  instant?: boolean;
  exemplar?: boolean;
  datasource: { type: 'prometheus'; uid: string };
}

export interface Threshold {
  value: number | null;
  color: string;
}

export interface PanelOptions {
  unit?: string;
  thresholds?: Threshold[];
  width?: number;
  height?: number;
  description?: string;
  min?: number;
  max?: number;
}

export interface QuerySpec {
  expr: string;
  legend?: string;
  // Over a histogram whose buckets carry trace-id exemplars: a time series shows them, linking to the trace.
  exemplar?: boolean;
}

export interface GrafanaPanel {
  id: number;
  type: PanelType | 'row';
  title: string;
  description?: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: 'prometheus'; uid: string };
  targets?: Target[];
  fieldConfig?: unknown;
  options?: unknown;
  collapsed?: boolean;
  panels?: GrafanaPanel[];
}

export interface GrafanaDashboard {
  uid: string;
  title: string;
  tags: string[];
  timezone: string;
  schemaVersion: number;
  version: number;
  editable: boolean;
  time: { from: string; to: string };
  refresh: string;
  templating: { list: unknown[] };
  annotations: { list: unknown[] };
  panels: GrafanaPanel[];
}

const DS = { type: 'prometheus' as const, uid: '${datasource}' };
const SCHEMA_VERSION = 39;
const GRID_WIDTH = 24;

/** A panel description before layout: the Row assigns positions and the Dashboard assigns ids. */
export interface PanelSpec {
  type: PanelType;
  title: string;
  queries: QuerySpec[];
  options: PanelOptions;
}

function panel(type: PanelType, title: string, queries: QuerySpec | QuerySpec[], options: PanelOptions = {}): PanelSpec {
  return { type, title, queries: Array.isArray(queries) ? queries : [queries], options };
}

export const Panel = {
  timeseries: (title: string, q: QuerySpec | QuerySpec[], o?: PanelOptions) => panel('timeseries', title, q, o),
  stat: (title: string, q: QuerySpec | QuerySpec[], o?: PanelOptions) => panel('stat', title, q, o),
  gauge: (title: string, q: QuerySpec | QuerySpec[], o?: PanelOptions) => panel('gauge', title, q, o),
  bargauge: (title: string, q: QuerySpec | QuerySpec[], o?: PanelOptions) => panel('bargauge', title, q, o),
  table: (title: string, q: QuerySpec | QuerySpec[], o?: PanelOptions) => panel('table', title, q, o),
};

export interface RowSpec {
  title: string;
  panels: PanelSpec[];
}

export function Row(title: string, panels: PanelSpec[]): RowSpec {
  return { title, panels };
}

const DEFAULT_THRESHOLDS: Threshold[] = [{ value: null, color: 'green' }];

function buildPanel(spec: PanelSpec, id: number, x: number, y: number, w: number, h: number): GrafanaPanel {
  const instant = spec.type === 'table' || spec.type === 'bargauge';
  const targets: Target[] = spec.queries.map((q, i) => ({
    refId: String.fromCharCode(65 + i),
    expr: q.expr,
    ...(q.legend ? { legendFormat: q.legend } : {}),
    ...(instant ? { instant: true } : {}),
    ...(q.exemplar && spec.type === 'timeseries' ? { exemplar: true } : {}),
    datasource: DS,
  }));
  const defaults: Record<string, unknown> = {
    unit: spec.options.unit ?? 'short',
    thresholds: { mode: 'absolute', steps: spec.options.thresholds ?? DEFAULT_THRESHOLDS },
    color: { mode: spec.type === 'timeseries' ? 'palette-classic' : 'thresholds' },
  };
  if (spec.options.min !== undefined) defaults.min = spec.options.min;
  if (spec.options.max !== undefined) defaults.max = spec.options.max;
  const options: Record<string, unknown> =
    spec.type === 'timeseries'
      ? { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'desc' } }
      : spec.type === 'table'
        ? { showHeader: true }
        : { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, orientation: 'auto' };
  return {
    id,
    type: spec.type,
    title: spec.title,
    ...(spec.options.description ? { description: spec.options.description } : {}),
    gridPos: { x, y, w, h },
    datasource: DS,
    targets,
    fieldConfig: { defaults, overrides: [] },
    options,
  };
}

export interface DashboardSpec {
  uid: string;
  title: string;
  tags?: string[];
  rows: RowSpec[];
  /** Whether to offer provider/model template variables (default true). */
  variables?: boolean;
}

function templating(withVars: boolean): unknown[] {
  const list: unknown[] = [
    { name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', current: {}, hide: 0, refresh: 1 },
  ];
  if (withVars) {
    for (const [name, query] of [
      ['provider', `label_values(${MEASURE_SERIES.requests}, provider)`],
      ['model', `label_values(${MEASURE_SERIES.requests}{provider=~"$provider"}, model)`],
    ] as const) {
      list.push({
        name,
        label: name[0].toUpperCase() + name.slice(1),
        type: 'query',
        datasource: DS,
        query: { query, refId: `${name}-var` },
        definition: query,
        refresh: 2,
        includeAll: true,
        multi: true,
        allValue: '.*',
        current: { text: 'All', value: '$__all' },
        sort: 1,
        hide: 0,
      });
    }
  }
  return list;
}

/** Lays out rows top to bottom; panels in a row share its 24 columns (wrapping after four). */
export function Dashboard(spec: DashboardSpec): GrafanaDashboard {
  const panels: GrafanaPanel[] = [];
  let id = 1;
  let y = 0;
  for (const row of spec.rows) {
    panels.push({ id: id++, type: 'row', title: row.title, collapsed: false, gridPos: { x: 0, y, w: GRID_WIDTH, h: 1 }, panels: [] });
    y += 1;
    const perLine = Math.min(4, row.panels.length);
    for (let i = 0; i < row.panels.length; i += perLine) {
      const line = row.panels.slice(i, i + perLine);
      const h = Math.max(...line.map((p) => p.options.height ?? 8));
      let x = 0;
      const w = Math.floor(GRID_WIDTH / line.length);
      for (const p of line) {
        const pw = Math.min(p.options.width ?? w, GRID_WIDTH - x);
        panels.push(buildPanel(p, id++, x, y, pw, p.options.height ?? h));
        x += pw;
      }
      y += h;
    }
  }
  return {
    uid: spec.uid,
    title: spec.title,
    tags: ['lookout', ...(spec.tags ?? [])],
    timezone: 'browser',
    schemaVersion: SCHEMA_VERSION,
    version: 1,
    editable: true,
    time: { from: 'now-6h', to: 'now' },
    refresh: '30s',
    templating: { list: templating(spec.variables ?? true) },
    annotations: { list: [] },
    panels,
  };
}

// ---- PromQL over Lookout's series (docs/metrics.md) ----
const SEL = '{provider=~"$provider", model=~"$model"}';
const PSEL = '{provider=~"$provider"}';
const RI = '$__rate_interval';
const q = (expr: string, legend?: string): QuerySpec => ({ expr, legend });

export const Q = {
  costRate: q(`sum(rate(${MEASURE_SERIES.cost}${SEL}[${RI}])) * 3600`, 'USD / hour'),
  costToday: q(`sum(increase(${MEASURE_SERIES.cost}${SEL}[1d]))`, 'last 24h'),
  costInRange: q(`sum(increase(${MEASURE_SERIES.cost}${SEL}[$__range]))`, 'in range'),
  costByModel: q(`sum by (model) (increase(${MEASURE_SERIES.cost}${SEL}[$__range]))`, '{{model}}'),
  costByProvider: q(`sum by (provider) (increase(${MEASURE_SERIES.cost}${SEL}[$__range]))`, '{{provider}}'),
  costRateByModel: q(`sum by (model) (rate(${MEASURE_SERIES.cost}${SEL}[${RI}])) * 3600`, '{{model}}'),
  costPerRequest: q(
    `sum(increase(${MEASURE_SERIES.cost}${SEL}[$__range])) / sum(increase(${MEASURE_SERIES.requests}${SEL}[$__range]))`,
    'USD / request',
  ),
  latency: (quantile: number) => ({
    ...q(`histogram_quantile(${quantile}, sum by (le) (rate(${MEASURE_SERIES.latency_ms}_bucket${SEL}[${RI}])))`, `p${Math.round(quantile * 100)}`),
    exemplar: true,
  }),
  costPerCall: (quantile: number) => ({
    ...q(`histogram_quantile(${quantile}, sum by (le) (rate(${METRIC.llmRequestCost}_bucket${SEL}[${RI}])))`, `p${Math.round(quantile * 100)}`),
    exemplar: true,
  }),
  latencyRange: (quantile: number) =>
    q(`histogram_quantile(${quantile}, sum by (le) (increase(${MEASURE_SERIES.latency_ms}_bucket${SEL}[$__range])))`, `p${Math.round(quantile * 100)}`),
  latencyByModel: q(`histogram_quantile(0.95, sum by (le, model) (increase(${MEASURE_SERIES.latency_ms}_bucket${SEL}[$__range])))`, '{{model}}'),
  ttftP95: q(`histogram_quantile(0.95, sum by (le) (increase(${MEASURE_SERIES.ttft_ms}_bucket${SEL}[$__range])))`, 'TTFT p95'),
  ttftP50: q(`histogram_quantile(0.5, sum by (le) (increase(${MEASURE_SERIES.ttft_ms}_bucket${SEL}[$__range])))`, 'TTFT p50'),
  // C3: the tokens_per_second and time_per_output_token measures of streamed calls, over the range.
  tokensPerSecond: (quantile: number) =>
    q(`histogram_quantile(${quantile}, sum by (le) (increase(${METRIC.llmOutputTokensPerSecond}_bucket${SEL}[$__range])))`, `p${Math.round(quantile * 100)}`),
  timePerOutputToken: (quantile: number) =>
    q(`histogram_quantile(${quantile}, sum by (le) (increase(${METRIC.llmTimePerOutputToken}_bucket${SEL}[$__range])))`, `p${Math.round(quantile * 100)}`),
  // C4: prompt tokens over the model's context window, and the calls past 90% of it (zero is a
  // true value: the counter has a series only once a call came near).
  contextWindowUseP95: q(`histogram_quantile(0.95, sum by (le) (increase(${METRIC.llmContextWindowUse}_bucket${SEL}[$__range])))`, 'p95'),
  nearContextLimit: q(`sum(increase(${METRIC.llmNearContextLimit}${SEL}[$__range])) or vector(0)`, 'near the limit'),
  tokensByType: q(`sum by (type) (rate(${MEASURE_SERIES.total_tokens}${SEL}[${RI}]))`, '{{type}}'),
  tokensByTypeRange: q(`sum by (type) (increase(${MEASURE_SERIES.total_tokens}${SEL}[$__range]))`, '{{type}}'),
  tokensByModel: q(`sum by (model) (increase(${MEASURE_SERIES.total_tokens}${SEL}[$__range]))`, '{{model}}'),
  ioRatio: q(
    `sum(increase(${MEASURE_SERIES.total_tokens}{provider=~"$provider", model=~"$model", type="${TOKEN_TYPE.input_tokens}"}[$__range])) / sum(increase(${MEASURE_SERIES.total_tokens}{provider=~"$provider", model=~"$model", type="${TOKEN_TYPE.output_tokens}"}[$__range]))`,
    'input / output',
  ),
  // The cache_hit_rate measure: cache reads over every prompt token (uncached input, cache reads
  // and cache writes), as the prompt-cache recording rule computes it (prometheus.ts).
  cacheHitRatio: q(
    `(sum(increase(${MEASURE_SERIES.total_tokens}{provider=~"$provider", model=~"$model", type="${TOKEN_TYPE.cache_read_tokens}"}[$__range])) or vector(0)) / sum(increase(${MEASURE_SERIES.total_tokens}{provider=~"$provider", model=~"$model", type=~"${[TOKEN_TYPE.input_tokens, TOKEN_TYPE.cache_read_tokens, TOKEN_TYPE.cache_write_tokens].join('|')}"}[$__range]))`,
    'cache hit ratio',
  ),
  // The app_cache_hit_rate measure: hits over lookups of the application's own caches (cache
  // spans and the gateway's response cache); both results' series start at 0. Without a lookup
  // in the range the ratio is no value ("No data"), as the measure's null, not 0/0.
  appCacheHitRatio: q(`sum(increase(${METRIC.appCacheLookups}{result="hit"}[$__range])) / (sum(increase(${METRIC.appCacheLookups}[$__range])) > 0)`, 'application cache hit ratio'),
  qualityAvg: q(`sum by (name) (increase(${MEASURE_SERIES.score}_sum[$__range])) / sum by (name) (increase(${MEASURE_SERIES.score}_count[$__range]))`, '{{name}}'),
  qualityCount: q(`sum by (name) (increase(${MEASURE_SERIES.score}_count[$__range]))`, '{{name}}'),
  requestRate: q(`sum(rate(${MEASURE_SERIES.requests}${SEL}[${RI}]))`, 'requests / s'),
  requestRateByModel: q(`sum by (model) (rate(${MEASURE_SERIES.requests}${SEL}[${RI}]))`, '{{model}}'),
  requestsInRange: q(`sum(increase(${MEASURE_SERIES.requests}${SEL}[$__range]))`, 'requests'),
  // Zero errors is a true value: the error counters only have series once a call has failed.
  errorRateByClass: q(`sum by (error_class) (rate(${MEASURE_SERIES.errors}${SEL}[${RI}])) or vector(0)`, '{{error_class}}'),
  errorRatio: q(
    `(sum(increase(${MEASURE_SERIES.errors}${SEL}[$__range])) or vector(0)) / sum(increase(${MEASURE_SERIES.requests}${SEL}[$__range]))`,
    'error ratio',
  ),
  rateLimitHits: q(`sum by (provider) (increase(${MEASURE_SERIES['errors.rate_limit']}${PSEL}[$__range])) or vector(0)`, '{{provider}}'),
  queueDepth: q(`sum(${MEASURE_SERIES.ingest_queue_depth})`, 'queue depth'),
  dropped: q(`sum by (reason) (increase(${METRIC.ingestDropped}[$__range])) or vector(0)`, '{{reason}}'),
  ingestRate: q(`sum by (source, outcome) (rate(${METRIC.ingestItems}[${RI}]))`, '{{source}} {{outcome}}'),
  rejectedItems: q(`sum(increase(${METRIC.ingestItems}{outcome="rejected"}[$__range])) or vector(0)`, 'rejected'),
  storeLoadP95: q(`histogram_quantile(0.95, sum by (le) (increase(${METRIC.storeWriteDuration}_bucket[$__range])))`, 'store write p95'),
  ingestLagP95: q(`histogram_quantile(0.95, sum by (le) (increase(${METRIC.ingestLag}_bucket[$__range])))`, 'ingest lag p95'),
  unknownCost: q(`sum by (model) (increase(${MEASURE_SERIES.unknown_cost_requests}${SEL}[$__range])) or vector(0)`, '{{model}}'),
  httpErrors: q(`sum(increase(${METRIC.httpRequests}{status=~"5.."}[$__range])) or vector(0)`, '5xx'),
  // Security: every label value of these counters exists from the start, at 0 (metrics/registry.ts).
  // Refusals may rightly stay at zero (`or vector(0)`, as errors and drops above).
  authFailures: q(`sum(increase(${METRIC.authFailures}[$__range])) or vector(0)`, 'refused keys'),
  piiByType: q(`sum by (type) (rate(${METRIC.piiDetected}[${RI}]))`, '{{type}}'),
  piiInRange: q(`sum(increase(${METRIC.piiDetected}[$__range]))`, 'values found'),
  injectionsBySeverity: q(`sum by (severity) (rate(${METRIC.promptInjectionDetected}[${RI}]))`, '{{severity}}'),
  injectionsInRange: q(`sum(increase(${METRIC.promptInjectionDetected}[$__range]))`, 'attempts'),
  authFailuresByReason: q(`sum by (reason) (rate(${METRIC.authFailures}[${RI}])) or vector(0)`, '{{reason}}'),
  rateLimitedByReason: q(`sum by (reason) (rate(${METRIC.rateLimited}[${RI}])) or vector(0)`, '{{reason}}'),
  up: q(`up`, '{{job}} {{instance}}'),
};

const money = { unit: 'currencyUSD' };
const seconds = { unit: 's' };
const tokensPerSecond = { unit: 'short', description: 'Output tokens / (duration - time to first token) of streamed calls.' };
const timePerToken = { unit: 's', description: '(Duration - time to first token) / output tokens of streamed calls.' };
const contextUse = {
  unit: 'percentunit',
  min: 0,
  max: 1,
  description: "Prompt tokens / the model's context window (pricing.contextWindows, else the price catalog's).",
  thresholds: [
    { value: null, color: 'green' },
    { value: 0.75, color: 'yellow' },
    { value: 0.9, color: 'red' },
  ],
};
const nearLimit = { description: "Calls whose prompt took more than 90% of the model's context window: truncation risk." };
const ratio = { unit: 'percentunit', min: 0, max: 1 };
const latencyThresholds: Threshold[] = [
  { value: null, color: 'green' },
  { value: 5, color: 'yellow' },
  { value: 10, color: 'red' },
];
const errorThresholds: Threshold[] = [
  { value: null, color: 'green' },
  { value: 0.01, color: 'yellow' },
  { value: 0.05, color: 'red' },
];

export function aiOpsDashboard(): GrafanaDashboard {
  return Dashboard({
    uid: 'lookout-ai-ops',
    title: 'Lookout — AI operations',
    tags: ['ai-ops'],
    rows: [
      Row('Cost', [
        Panel.timeseries('Cost rate (USD/hour)', Q.costRate, money),
        Panel.stat('Cost, last 24 hours', Q.costToday, money),
        Panel.bargauge('Cost by model', Q.costByModel, money),
        Panel.bargauge('Cost by provider', Q.costByProvider, money),
        Panel.stat('Cost per request', Q.costPerRequest, money),
        Panel.stat('Calls of unknown cost', Q.unknownCost, { description: 'Calls whose model has no price: cost unknown, never $0.' }),
      ]),
      Row('Latency', [
        Panel.timeseries('Latency p50 / p95 / p99', [Q.latency(0.5), Q.latency(0.95), Q.latency(0.99)], { ...seconds, thresholds: latencyThresholds }),
        Panel.stat('p95 latency', Q.latencyRange(0.95), { ...seconds, thresholds: latencyThresholds }),
        Panel.bargauge('p95 latency by model', Q.latencyByModel, seconds),
        Panel.stat('Time to first token p50 / p95', [Q.ttftP50, Q.ttftP95], seconds),
        Panel.stat('Streaming speed p50 / p95 (tokens/s)', [Q.tokensPerSecond(0.5), Q.tokensPerSecond(0.95)], tokensPerSecond),
        Panel.stat('Time per output token p50 / p95', [Q.timePerOutputToken(0.5), Q.timePerOutputToken(0.95)], timePerToken),
      ]),
      Row('Tokens', [
        Panel.timeseries('Tokens per second by type', Q.tokensByType),
        Panel.bargauge('Tokens by model', Q.tokensByModel),
        Panel.stat('Input / output token ratio', Q.ioRatio),
        Panel.gauge('Prompt cache hit ratio', Q.cacheHitRatio, ratio),
        Panel.gauge('Application cache hit ratio', Q.appCacheHitRatio, {
          ...ratio,
          description:
            "Lookups of the application's own caches that hit: spans with cache.hit, and the gateway's response cache. Not filtered by $provider or $model (the lookups carry neither); no data without a lookup in the range.",
        }),
        Panel.gauge('Context-window use p95', Q.contextWindowUseP95, contextUse),
        Panel.stat('Calls near the context limit', Q.nearContextLimit, nearLimit),
      ]),
      Row('Quality', [
        Panel.bargauge('Average quality score by name', Q.qualityAvg, { min: 0, max: 1 }),
        Panel.table('Scores recorded by name', Q.qualityCount),
      ]),
      Row('Operational health', [
        Panel.timeseries('Request rate', Q.requestRate, { unit: 'reqps' }),
        Panel.timeseries('Error rate by class', Q.errorRateByClass, { unit: 'reqps' }),
        Panel.stat('Error ratio', Q.errorRatio, { ...ratio, thresholds: errorThresholds }),
        Panel.stat('Rate-limit hits', Q.rateLimitHits),
        Panel.stat('Ingest queue depth', Q.queueDepth),
        Panel.stat('Dropped items', Q.dropped),
        Panel.stat('Store load latency p95', Q.storeLoadP95, seconds),
        Panel.stat('Ingest lag p95', Q.ingestLagP95, seconds),
      ]),
    ],
  });
}

export function personaDashboards(): GrafanaDashboard[] {
  return [
    Dashboard({
      uid: 'lookout-executive',
      title: 'Lookout — Executive',
      tags: ['persona', 'executive'],
      rows: [
        Row('Spend', [
          Panel.stat('Spend in range', Q.costInRange, money),
          Panel.stat('Spend, last 24 hours', Q.costToday, money),
          Panel.stat('Cost per request', Q.costPerRequest, money),
          Panel.bargauge('Spend by provider', Q.costByProvider, money),
        ]),
        Row('Service', [
          Panel.stat('Requests in range', Q.requestsInRange),
          Panel.stat('Error ratio', Q.errorRatio, { ...ratio, thresholds: errorThresholds }),
          Panel.stat('p95 latency', Q.latencyRange(0.95), seconds),
          Panel.bargauge('Average quality score', Q.qualityAvg, { min: 0, max: 1 }),
        ]),
      ],
    }),
    Dashboard({
      uid: 'lookout-operations',
      title: 'Lookout — Operations',
      tags: ['persona', 'operations'],
      rows: [
        Row('Traffic and errors', [
          Panel.timeseries('Request rate by model', Q.requestRateByModel, { unit: 'reqps' }),
          Panel.timeseries('Error rate by class', Q.errorRateByClass, { unit: 'reqps' }),
          Panel.stat('Rate-limit hits', Q.rateLimitHits),
          Panel.timeseries('Latency p50 / p95 / p99', [Q.latency(0.5), Q.latency(0.95), Q.latency(0.99)], seconds),
          Panel.gauge('Prompt cache hit ratio', Q.cacheHitRatio, ratio),
          Panel.stat('Calls near the context limit', Q.nearContextLimit, nearLimit),
        ]),
        Row('Pipeline', [
          Panel.stat('Ingest queue depth', Q.queueDepth),
          Panel.stat('Dropped items', Q.dropped),
          Panel.timeseries('Ingest items by source and outcome', Q.ingestRate),
          Panel.stat('Store load latency p95', Q.storeLoadP95, seconds),
          Panel.stat('Ingest lag p95', Q.ingestLagP95, seconds),
          Panel.stat('Server 5xx responses', Q.httpErrors),
          Panel.stat('Scrape target up', Q.up),
        ]),
      ],
    }),
    Dashboard({
      uid: 'lookout-cost',
      title: 'Lookout — Cost',
      tags: ['persona', 'cost'],
      rows: [
        Row('Spend', [
          Panel.timeseries('Cost rate by model (USD/hour)', Q.costRateByModel, money),
          Panel.timeseries('Cost of one call p50 / p95', [Q.costPerCall(0.5), Q.costPerCall(0.95)], money),
          Panel.stat('Spend in range', Q.costInRange, money),
          Panel.stat('Cost per request', Q.costPerRequest, money),
          Panel.stat('Calls of unknown cost', Q.unknownCost),
        ]),
        Row('Breakdown', [
          Panel.table('Cost by model', Q.costByModel, money),
          Panel.table('Cost by provider', Q.costByProvider, money),
          Panel.bargauge('Tokens by type', Q.tokensByTypeRange),
          Panel.gauge('Prompt cache hit ratio', Q.cacheHitRatio, ratio),
        ]),
      ],
    }),
    Dashboard({
      uid: 'lookout-security',
      title: 'Lookout — Security',
      tags: ['persona', 'security'],
      rows: [
        Row('Sensitive data and prompt injection', [
          Panel.timeseries('PII detected by type (values/s)', Q.piiByType, { unit: 'short', description: 'Sensitive values found in stored spans and redacted as the privacy settings say.' }),
          Panel.timeseries('Prompt injection attempts by severity', Q.injectionsBySeverity, { unit: 'short' }),
          Panel.stat('Sensitive values found', Q.piiInRange),
          Panel.stat('Injection attempts', Q.injectionsInRange),
        ]),
        Row('Access and abuse', [
          Panel.timeseries('Auth failures by reason', Q.authFailuresByReason, { unit: 'reqps', description: 'missing_key, invalid_key (401); forbidden (403: the key lacks the scope).' }),
          Panel.timeseries('Rate-limited requests by reason', Q.rateLimitedByReason, { unit: 'reqps', description: "429s Lookout answered: queue_full, too_many_queries, budget_exceeded, action." }),
          Panel.stat('Authentication failures', Q.authFailures),
          Panel.stat('Rejected ingest items', Q.rejectedItems),
        ]),
        Row('Traffic', [
          Panel.stat('Provider rate-limit hits', Q.rateLimitHits),
          Panel.timeseries('Request rate by model', Q.requestRateByModel, { unit: 'reqps' }),
        ]),
      ],
    }),
    Dashboard({
      uid: 'lookout-developer',
      title: 'Lookout — Developer',
      tags: ['persona', 'developer'],
      rows: [
        Row('Performance', [
          Panel.timeseries('Latency p50 / p95 / p99', [Q.latency(0.5), Q.latency(0.95), Q.latency(0.99)], seconds),
          Panel.bargauge('p95 latency by model', Q.latencyByModel, seconds),
          Panel.stat('Time to first token p50 / p95', [Q.ttftP50, Q.ttftP95], seconds),
          Panel.timeseries('Error rate by class', Q.errorRateByClass, { unit: 'reqps' }),
          Panel.stat('Streaming speed p50 / p95 (tokens/s)', [Q.tokensPerSecond(0.5), Q.tokensPerSecond(0.95)], tokensPerSecond),
          Panel.stat('Time per output token p50 / p95', [Q.timePerOutputToken(0.5), Q.timePerOutputToken(0.95)], timePerToken),
        ]),
        Row('Tokens and quality', [
          Panel.timeseries('Tokens per second by type', Q.tokensByType),
          Panel.stat('Input / output token ratio', Q.ioRatio),
          Panel.gauge('Context-window use p95', Q.contextWindowUseP95, contextUse),
          Panel.stat('Calls near the context limit', Q.nearContextLimit, nearLimit),
          Panel.bargauge('Average quality score by name', Q.qualityAvg, { min: 0, max: 1 }),
          Panel.stat('Calls of unknown cost', Q.unknownCost),
        ]),
      ],
    }),
  ];
}

export function allDashboards(): GrafanaDashboard[] {
  return [aiOpsDashboard(), ...personaDashboards()];
}

/** Every non-row panel of a dashboard. */
export function dashboardPanels(d: GrafanaDashboard): GrafanaPanel[] {
  return d.panels.filter((p) => p.type !== 'row');
}

export async function exportGrafana(options: { out?: string }, stdout: NodeJS.WritableStream): Promise<void> {
  const json = `${JSON.stringify({ dashboards: allDashboards() }, null, 2)}\n`;
  if (options.out) {
    await writeFile(options.out, json);
    stdout.write(`wrote ${allDashboards().length} dashboards to ${options.out}\n`);
  } else {
    stdout.write(json);
  }
}
