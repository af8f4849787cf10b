// Traffic and read-back for Lookout nodes sharing one ClickHouse cluster: generation spans sent
// through the official OTLP exporter and the native ingest API, a ledger of what was acknowledged
// with the cost each span must have, and the totals one node answers through its HTTP API.
import { createHash } from 'node:crypto';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { createClient } from '@clickhouse/client';
import { calcPrice } from '@pydantic/genai-prices';
import type { ClickHouseHarness } from '../../packages/server/src/testing/clickhouse.ts';
import { sumSamples } from './harness.ts';

const requestTimeoutMs = 15_000;
const pageSize = 1_000;
export const MODELS = ['gpt-4o-mini', 'gpt-4o'] as const;
type Model = (typeof MODELS)[number];

// The settings that put a Lookout node on the cluster.
export function clusterEnv(cluster: ClickHouseHarness, database: string): NodeJS.ProcessEnv {
  return {
    LOOKOUT_STORAGE: 'clickhouse',
    LOOKOUT_CLICKHOUSE_URL: cluster.urls.join(','),
    LOOKOUT_CLICKHOUSE_CLUSTER: cluster.cluster,
    LOOKOUT_CLICKHOUSE_DATABASE: database,
  };
}

export interface SentSpan {
  spanId: string;
  traceId: string;
  model: Model;
  input: number;
  output: number;
}

// Catalog price of one call in nano-dollars, each token bucket rounded to a whole nano-dollar on
// its own, as Lookout prices it; computed here from the catalog, not read from Lookout.
export function costNano(model: Model, input: number, output: number): bigint {
  const bucket = (usage: { input_tokens?: number; output_tokens?: number }) => {
    const price = calcPrice(usage, model, { providerId: 'openai' });
    if (!price) throw new Error(`no catalog price for ${model}`);
    return BigInt(Math.round(price.total_price * 1e9));
  };
  return bucket({ input_tokens: input }) + bucket({ output_tokens: output });
}

export interface Totals {
  spans: number;
  traces: number;
  costNano: bigint;
  byModel: Record<string, { requests: number; costNano: bigint; inputTokens: number; outputTokens: number }>;
}

// Every distinct span acknowledged so far, by span id: what every node must answer.
export class Ledger {
  readonly spans = new Map<string, SentSpan>();

  add(spans: Iterable<SentSpan>): void {
    for (const span of spans) {
      const known = this.spans.get(span.spanId);
      if (known && JSON.stringify(known) !== JSON.stringify(span)) throw new Error(`span ${span.spanId} was sent with two different contents`);
      this.spans.set(span.spanId, span);
    }
  }

  totals(): Totals {
    const byModel: Totals['byModel'] = {};
    let cost = 0n;
    for (const s of this.spans.values()) {
      const row = (byModel[s.model] ??= { requests: 0, costNano: 0n, inputTokens: 0, outputTokens: 0 });
      const nano = costNano(s.model, s.input, s.output);
      row.requests++;
      row.costNano += nano;
      row.inputTokens += s.input;
      row.outputTokens += s.output;
      cost += nano;
    }
    return { spans: this.spans.size, traces: new Set([...this.spans.values()].map((s) => s.traceId)).size, costNano: cost, byModel };
  }
}

export function hexId(label: string, chars: number): string {
  return createHash('sha256').update(`clickhouse-cluster:${label}`).digest('hex').slice(0, chars);
}

// Token counts that differ from span to span, so that a span counted twice or lost changes every sum.
function usageOf(label: string): { model: Model; input: number; output: number } {
  const n = Number.parseInt(hexId(`usage:${label}`, 8), 16);
  return { model: MODELS[n % MODELS.length], input: 50 + (n % 977), output: 5 + ((n >>> 10) % 331) };
}

export interface OtlpBatch {
  spans: ReadableSpan[];
  sent: SentSpan[];
}

// `traces` traces of `perTrace` chat generations each (the first the parent of the others), made
// by the OpenTelemetry SDK with GenAI semantic-convention attributes, starting from `startMs`.
export function otlpBatch(label: string, traces: number, perTrace: number, startMs: number): OtlpBatch {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'cluster-e2e' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  });
  const tracer = provider.getTracer('clickhouse-cluster-e2e');
  const sent: SentSpan[] = [];
  for (let t = 0; t < traces; t++) {
    let parent = ROOT_CONTEXT;
    for (let i = 0; i < perTrace; i++) {
      const usage = usageOf(`${label}:${t}:${i}`);
      const start = startMs + t * 1_000 + i * 100;
      const span = tracer.startSpan(
        `chat ${usage.model}`,
        {
          startTime: start,
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': 'openai',
            'gen_ai.request.model': usage.model,
            'gen_ai.response.model': usage.model,
            'gen_ai.usage.input_tokens': usage.input,
            'gen_ai.usage.output_tokens': usage.output,
          },
        },
        parent,
      );
      span.end(start + 80 + i);
      const context = span.spanContext();
      sent.push({ spanId: context.spanId, traceId: context.traceId, ...usage });
      if (i === 0) parent = trace.setSpan(ROOT_CONTEXT, span);
    }
  }
  const spans = memory.getFinishedSpans();
  void provider.shutdown();
  return { spans, sent };
}

// Sends the spans as one OTLP/HTTP protobuf request with the official exporter; resolves once the
// node acknowledged them with a 2xx.
export async function exportOtlp(url: string, spans: ReadableSpan[]): Promise<void> {
  const exporter = new OTLPTraceExporter({ url: `${url}/v1/traces`, timeoutMillis: requestTimeoutMs });
  try {
    await new Promise<void>((resolve, reject) => {
      exporter.export(spans, (result) => {
        if (result.code === ExportResultCode.SUCCESS) resolve();
        else reject(new Error(`OTLP export to ${url} failed: ${result.error?.message ?? 'no reason given'}`));
      });
    });
  } finally {
    await exporter.shutdown();
  }
}

export interface NativeItem extends Record<string, unknown> {
  spanId: string;
  traceId: string;
}

// A native ingest batch of generations under one trace, deterministic: the same label gives the
// same bytes, as a client's retry does.
export function nativeBatch(label: string, items: number, startMs: number): { items: NativeItem[]; sent: SentSpan[] } {
  const traceId = hexId(`trace:${label}`, 32);
  const sent: SentSpan[] = [];
  const list = Array.from({ length: items }, (_, i) => {
    const usage = usageOf(`${label}:${i}`);
    const spanId = hexId(`span:${label}:${i}`, 16);
    sent.push({ spanId, traceId, ...usage });
    return {
      type: 'generation',
      traceId,
      spanId,
      name: 'chat.completions',
      startTime: new Date(startMs + i * 10).toISOString(),
      durationMs: 100 + i,
      provider: 'openai',
      model: usage.model,
      usage: { input: usage.input, output: usage.output },
    };
  });
  return { items: list, sent };
}

export interface NativeResult {
  status: number;
  // Per item: accepted, duplicate or rejected; empty unless the answer was 200 or 207.
  outcomes: string[];
  text: string;
}

export async function postNative(url: string, items: NativeItem[]): Promise<NativeResult> {
  const response = await fetch(`${url}/api/v1/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ batch: items }),
    signal: AbortSignal.timeout(requestTimeoutMs),
  });
  const text = await response.text();
  if (response.status !== 200 && response.status !== 207) return { status: response.status, outcomes: [], text };
  const body = JSON.parse(text) as { results: { index: number; status: string }[] };
  const outcomes: string[] = new Array(items.length);
  for (const r of body.results) outcomes[r.index] = r.status;
  return { status: response.status, outcomes, text };
}

export async function getJson<T>(url: string): Promise<{ status: number; body: T; text: string; elapsedMs: number }> {
  const started = Date.now();
  const response = await fetch(url, { signal: AbortSignal.timeout(requestTimeoutMs) });
  const text = await response.text();
  let body: T;
  try {
    body = JSON.parse(text) as T;
  } catch {
    body = undefined as T;
  }
  return { status: response.status, body, text, elapsedMs: Date.now() - started };
}

async function getOk<T>(url: string): Promise<T> {
  const result = await getJson<T>(url);
  if (result.status !== 200) throw new Error(`GET ${url} answered ${result.status}: ${result.text.slice(0, 1_000)}`);
  return result.body;
}

export interface NodeView {
  // How many times each span id is listed.
  listed: Map<string, number>;
  // Sum of the listed spans' own costs.
  listedCostNano: bigint;
  listedTotal: number;
  traces: number;
  analytics: Totals['byModel'];
  analyticsCostNano: bigint;
}

interface ListedSpan {
  spanId: string;
  cost: { totalNanoUsd: number | null };
}

const usdToNano = (usd: number) => BigInt(Math.round(usd * 1e9));

// What one node answers about everything since `fromIso`: every span (paged), the trace count,
// and the analytics totals by model.
export async function readView(url: string, fromIso: string): Promise<NodeView> {
  const from = encodeURIComponent(fromIso);
  const listed = new Map<string, number>();
  let listedCostNano = 0n;
  let listedTotal = 0;
  for (let offset = 0; ; ) {
    const page = await getOk<{ spans: ListedSpan[]; total: number }>(`${url}/api/v1/spans?from=${from}&limit=${pageSize}&offset=${offset}`);
    listedTotal = page.total;
    for (const span of page.spans) {
      listed.set(span.spanId, (listed.get(span.spanId) ?? 0) + 1);
      listedCostNano += BigInt(span.cost.totalNanoUsd ?? 0);
    }
    offset += page.spans.length;
    if (page.spans.length === 0 || offset >= page.total) break;
  }
  const traces = await getOk<{ total: number }>(`${url}/api/v1/traces?from=${from}&limit=1`);
  const query = await getOk<{ rows: Record<string, string | number | null>[] }>(
    `${url}/api/v1/analytics/query?measures=cost,requests,input_tokens,output_tokens&groupBy=model&from=${from}`,
  );
  const analytics: Totals['byModel'] = {};
  let analyticsCostNano = 0n;
  for (const row of query.rows) {
    const cost = usdToNano(Number(row.cost));
    analytics[String(row.model)] = {
      requests: Number(row.requests),
      costNano: cost,
      inputTokens: Number(row.input_tokens),
      outputTokens: Number(row.output_tokens),
    };
    analyticsCostNano += cost;
  }
  return { listed, listedCostNano, listedTotal, traces: traces.total, analytics, analyticsCostNano };
}

export interface ReadyBody {
  status: string;
  store: string;
  queueDepth: number;
  loads?: { status: 'ok' | 'failing'; failingSince: string | null; error: string | null };
}

export async function readyz(url: string): Promise<{ status: number; body: ReadyBody }> {
  const { status, body } = await getJson<ReadyBody>(`${url}/readyz`);
  return { status, body };
}

// Ingest counters of one node's /metrics: items it acknowledged per source and outcome, and the
// LLM calls it counted.
export async function ingestCounters(url: string): Promise<{ accepted: Record<string, number>; duplicate: Record<string, number>; llmRequests: number; llmCostUsd: number }> {
  const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(requestTimeoutMs) });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url}/metrics answered ${response.status}: ${text.slice(0, 500)}`);
  const lines = text.split('\n');
  const pick = (name: string, ...labels: string[]) =>
    sumSamples(lines.filter((line) => line.startsWith(name) && labels.every((label) => line.includes(label))).join('\n'), name).sum;
  const bySource = (outcome: string) => ({
    otlp: pick('lookout_ingest_items_total', `outcome="${outcome}"`, 'source="otlp"'),
    api: pick('lookout_ingest_items_total', `outcome="${outcome}"`, 'source="api"'),
  });
  return {
    accepted: bySource('accepted'),
    duplicate: bySource('duplicate'),
    llmRequests: pick('lookout_llm_requests_total'),
    llmCostUsd: pick('lookout_llm_cost_usd_total'),
  };
}

// Span rows in the cluster as stored, and as read with FINAL (each row's latest version once):
// more stored than read means the same span reached ClickHouse more than once.
export async function storedSpanRows(cluster: ClickHouseHarness, database: string): Promise<{ stored: number; final: number }> {
  const client = createClient({ url: cluster.urls[0] });
  try {
    const count = async (sql: string) => {
      const rows = await (await client.query({ query: sql, format: 'JSONEachRow' })).json<{ n: string }>();
      return Number(rows[0].n);
    };
    return { stored: await count(`SELECT count() AS n FROM ${database}.spans`), final: await count(`SELECT count() AS n FROM ${database}.spans FINAL`) };
  } finally {
    await client.close();
  }
}
