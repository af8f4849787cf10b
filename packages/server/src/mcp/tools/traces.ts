import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { durationMs, effectiveModel, SPAN_KINDS, SPAN_STATUSES, type SpanRecord } from '../../domain/span.ts';
import type { ScoreRecord } from '../../domain/score.ts';
import { parseInstant } from '../../domain/time.ts';
import { LookoutError } from '../../errors.ts';
import { withGenAiEvents } from '../../ingest/otlp/events.ts';
import { SPAN_FILTER_BOUNDS } from '../../store/span-reads.ts';
import type { SpanFilter } from '../../store/store.ts';
import { jsonResult, registerReadTool, spanUrl, traceUrl, type McpCaller, type McpDeps } from '../deps.ts';

// Bounds that keep an answer within a model's context; the HTTP API allows more.
const MAX_TRACES = 100;
const DEFAULT_TRACES = 20;
const MAX_OFFSET = 10_000;
const MAX_SPANS = 500;
const MAX_SCORES = 200;
// Content (prompt, completion) shown per span when asked for, in characters.
const MAX_CONTENT_CHARS = 2_000;
// Log records (the prompt and completion events content is rebuilt from) read per trace.
const MAX_LOGS = 1_000;
// One limit reads every kind of a trace's items; one past a bound says it was truncated.
const TRACE_READ_LIMIT = Math.max(MAX_SPANS, MAX_SCORES, MAX_LOGS) + 1;

const traceId = z.string().regex(/^[0-9a-fA-F]{32}$/, 'must be a trace id: 32 hex characters').describe('32 hex characters');
const spanId = z.string().regex(/^[0-9a-fA-F]{16}$/, 'must be a span id: 16 hex characters').describe('16 hex characters');
const usd = z.number().min(0, 'must not be negative').max(SPAN_FILTER_BOUNDS.maxCostUsd, `must be at most ${SPAN_FILTER_BOUNDS.maxCostUsd}`);
const ms = z.number().min(0, 'must not be negative').max(SPAN_FILTER_BOUNDS.maxDurationMs, `must be at most ${SPAN_FILTER_BOUNDS.maxDurationMs}`);

const iso = (us: number) => new Date(Math.trunc(us / 1000)).toISOString();
const clip = (text: string | null) => (text === null || text.length <= MAX_CONTENT_CHARS ? text : `${text.slice(0, MAX_CONTENT_CHARS)}… [${text.length - MAX_CONTENT_CHARS} more characters]`);

function compactSpan(caller: McpCaller, s: SpanRecord, withContent: boolean) {
  return {
    spanId: s.spanId,
    parentSpanId: s.parentSpanId,
    name: s.name,
    kind: s.kind,
    status: s.status,
    start: iso(s.startUs),
    durationMs: durationMs(s),
    model: effectiveModel(s),
    provider: s.provider,
    usage: s.usage,
    cost: { status: s.cost.status, totalNanoUsd: s.cost.totalNanoUsd },
    ...(s.errorClass !== null || s.errorMessage !== null ? { error: { class: s.errorClass, message: s.errorMessage } } : {}),
    ...(s.ttftMs !== null ? { ttftMs: s.ttftMs } : {}),
    ...(withContent && s.content ? { content: { input: clip(s.content.input), output: clip(s.content.output) } } : {}),
    url: spanUrl(caller, s.traceId, s.spanId),
  };
}

function compactScore(s: ScoreRecord) {
  return { name: s.name, value: s.numericValue ?? s.stringValue, spanId: s.spanId, source: s.source, comment: s.comment, time: iso(s.timestampUs) };
}

export function registerTraceTools(server: McpServer, deps: McpDeps, caller: McpCaller): void {
  const project = caller.projectId;

  registerReadTool(
    server,
    caller,
    'list_traces',
    {
      title: 'List traces',
      description:
        'Find traces (one request or agent run each), newest first unless ordered by cost or duration, with total cost (USD), tokens, duration, error flag and models. ' +
        'Every filter is met by one of the trace\'s spans; cost and duration bounds apply to the whole trace. Same as GET /api/v1/traces. ' +
        'Open one with get_trace.',
      inputSchema: {
        from: z.string().max(64).optional().describe("start (inclusive): ISO 8601 time or a duration back from now such as '24h'; default all history"),
        to: z.string().max(64).optional().describe('end (exclusive): ISO 8601 time or a duration back from now; default now'),
        userId: z.string().max(256).optional(),
        sessionId: z.string().max(256).optional(),
        model: z.string().max(256).optional(),
        provider: z.string().max(256).optional(),
        feature: z.string().max(256).optional(),
        team: z.string().max(256).optional(),
        department: z.string().max(256).optional(),
        application: z.string().max(256).optional(),
        environment: z.string().max(256).optional(),
        status: z.enum(SPAN_STATUSES).optional().describe("'error': traces with a failed span"),
        kind: z.enum(SPAN_KINDS).optional(),
        tag: z.string().max(256).optional(),
        q: z.string().trim().min(1).max(256).optional().describe('free text on ids: a trace id or its first characters, a span or request id, a user or a session'),
        minCostUsd: usd.optional().describe('trace cost in USD, at least'),
        maxCostUsd: usd.optional().describe('trace cost in USD, at most'),
        minDurationMs: ms.optional().describe('trace duration in milliseconds, at least'),
        maxDurationMs: ms.optional().describe('trace duration in milliseconds, at most'),
        orderBy: z.enum(['start', 'duration', 'cost']).optional().describe('start (default): newest first; duration or cost: largest first'),
        limit: z.number().int().min(1).max(MAX_TRACES).optional().describe(`traces per page, default ${DEFAULT_TRACES}, at most ${MAX_TRACES}`),
        offset: z.number().int().min(0).max(MAX_OFFSET).optional().describe('traces to skip; to page far back, narrow `to` instead'),
      },
    },
    async (args) => {
      const { from, to, limit = DEFAULT_TRACES, offset = 0, ...rest } = args;
      if (rest.minCostUsd !== undefined && rest.maxCostUsd !== undefined && rest.minCostUsd > rest.maxCostUsd) throw new LookoutError('invalid_parameter', 'maxCostUsd: must not be below minCostUsd');
      if (rest.minDurationMs !== undefined && rest.maxDurationMs !== undefined && rest.minDurationMs > rest.maxDurationMs) throw new LookoutError('invalid_parameter', 'maxDurationMs: must not be below minDurationMs');
      const now = Date.now();
      const filter: SpanFilter = {
        ...rest,
        fromMs: from ? parseInstant(from, now, { name: 'from', relative: true }) : undefined,
        toMs: to ? parseInstant(to, now, { name: 'to', relative: true }) : undefined,
      };
      const page = await deps.store.listTraces(project, filter, { limit, offset }, { total: true });
      return jsonResult({
        total: page.total,
        limit,
        offset,
        traces: page.traces.map(({ startUs, ...t }) => ({ ...t, start: iso(startUs), url: traceUrl(caller, t.traceId) })),
      });
    },
  );

  registerReadTool(
    server,
    caller,
    'get_trace',
    {
      title: 'Get a trace',
      description:
        'One trace: its spans as a tree (parentSpanId), each with model, usage (tokens per bucket), cost (integer nano-dollars: 1 USD = 1e9; null when unknown) and error, plus the scores given to it. ' +
        `At most ${MAX_SPANS} spans and ${MAX_SCORES} scores (spansTruncated, scoresTruncated say when there are more). ` +
        `Prompts and completions only with includeContent (clipped to ${MAX_CONTENT_CHARS} characters each; read from at most ${MAX_LOGS} log records, logsTruncated says when there are more). ` +
        'Explain a span\'s cost with explain_cost.',
      inputSchema: {
        traceId,
        includeContent: z.boolean().optional().describe('include the captured input and output of each span (default false)'),
      },
    },
    async ({ traceId: id, includeContent = false }) => {
      const wanted = id.toLowerCase();
      const found = await deps.store.getTrace(project, wanted, TRACE_READ_LIMIT);
      if (!found.spans.length && !found.scores.length && !found.logs.length) throw new LookoutError('not_found', `no trace ${wanted} in this project`);
      const logs = found.logs.slice(0, MAX_LOGS);
      const spans = includeContent
        ? withGenAiEvents(found.spans.slice(0, MAX_SPANS), logs, { captureContent: deps.content.captures(project), hash: (text) => deps.content.hash(project, text) })
        : found.spans.slice(0, MAX_SPANS);
      const known = spans.filter((s) => s.cost.totalNanoUsd !== null);
      return jsonResult({
        traceId: wanted,
        url: traceUrl(caller, wanted),
        spanCount: Math.min(found.spans.length, MAX_SPANS),
        ...(found.spans.length > MAX_SPANS ? { spansTruncated: true } : {}),
        totalCostNanoUsd: known.length ? known.reduce((sum, s) => sum + (s.cost.totalNanoUsd ?? 0), 0) : null,
        unknownCostCalls: spans.filter((s) => s.cost.status === 'unknown_model').length,
        spans: spans.map((s) => compactSpan(caller, s, includeContent)),
        scores: found.scores.slice(0, MAX_SCORES).map(compactScore),
        ...(found.scores.length > MAX_SCORES ? { scoresTruncated: true } : {}),
        ...(includeContent && found.logs.length > MAX_LOGS ? { logsTruncated: true } : {}),
      });
    },
  );

  registerReadTool(
    server,
    caller,
    'explain_cost',
    {
      title: 'Explain a span\'s cost',
      description:
        "A span's cost line by line: per usage bucket the tokens, the unit price and the amount (nano-dollars), the price row and catalog version that produced it, and why a cost is unknown when it is. " +
        'Same as GET /api/v1/spans/{spanId}/cost. Take span ids from get_trace.',
      inputSchema: { spanId },
    },
    async ({ spanId: id }) => {
      const wanted = id.toLowerCase();
      const span = await deps.store.getSpan(project, wanted);
      if (!span) throw new LookoutError('not_found', `no span ${wanted} in this project`);
      return jsonResult({ spanId: span.spanId, traceId: span.traceId, usage: span.usage, ...deps.pricer.explain(span, span.cost), url: spanUrl(caller, span.traceId, span.spanId) });
    },
  );
}
