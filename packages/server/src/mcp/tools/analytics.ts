import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { ANALYTICS_MEASURES, APP_CACHE_MEASURES } from '../../domain/measures.ts';
import { BASE_DIMENSIONS, QUERY_LIMITS, TIME_BUCKETS } from '../../query/contract.ts';
import { answerAnalyticsQuery } from '../../query/answer.ts';
import { jsonResult, registerReadTool, pageUrl, type McpCaller, type McpDeps } from '../deps.ts';

// Rows a model can read whole; the API's own bound is far larger.
const MAX_ROWS = 200;
const DEFAULT_ROWS = 50;

const range = {
  from: z.string().max(64).optional().describe("start (inclusive): ISO 8601 time or a duration back from now such as '24h', '7d'; default 7 days before `to`"),
  to: z.string().max(64).optional().describe('end (exclusive): ISO 8601 time or a duration back from now; default now'),
};

export function registerAnalyticsTool(server: McpServer, deps: McpDeps, caller: McpCaller): void {
  registerReadTool(
    server,
    caller,
    'query_analytics',
    {
      title: 'Query analytics',
      description:
        'Aggregate LLM usage over a time range: cost, calls, tokens, latency, errors, scores, grouped by dimensions, filtered, optionally bucketed in time. ' +
        'The same query as GET /api/v1/analytics/query. Money measures are USD, unrounded. ' +
        "Example: measures ['cost','requests'], groupBy ['model'], from '7d'. " +
        'Use list_traces to see individual traces behind a row.',
      inputSchema: {
        measures: z
          .array(z.enum(ANALYTICS_MEASURES))
          .min(1, 'give at least one measure')
          .max(ANALYTICS_MEASURES.length)
          .describe(
            `what to compute: ${ANALYTICS_MEASURES.join(', ')}. ` +
              `${APP_CACHE_MEASURES.join(', ')} count lookups in the application's own caches, not calls: ask for them alone, without other measures (a query mixing them is refused).`,
          ),
        groupBy: z
          .array(z.string().max(128))
          .max(QUERY_LIMITS.maxGroupBy)
          .optional()
          .describe(`dimensions to group by (at most ${QUERY_LIMITS.maxGroupBy}): ${BASE_DIMENSIONS.join(', ')}, or metadata.<key>`),
        filters: z
          .array(z.string().max(1024))
          .max(QUERY_LIMITS.maxFilters)
          .optional()
          .describe("each '<dimension>:<value>[,<value>...]', all must hold; e.g. 'team:core', 'model:gpt-4o,gpt-4o-mini', 'status:error'"),
        ...range,
        bucket: z.enum(TIME_BUCKETS).optional().describe('split the rows by time bucket (a time series)'),
        orderBy: z.string().max(64).optional().describe("'<measure>[:asc|:desc]', one of the requested measures; default the first measure, descending"),
        limit: z.number().int().min(1).max(MAX_ROWS).optional().describe(`rows at most, default ${DEFAULT_ROWS}, at most ${MAX_ROWS}; 'truncated' says when more matched`),
        scoreName: z.string().max(256).optional().describe('narrows score_avg and score_count to one score name'),
      },
    },
    async (args) => {
      const raw = {
        measures: args.measures,
        groupBy: args.groupBy,
        filter: args.filters,
        from: args.from,
        to: args.to,
        bucket: args.bucket,
        orderBy: args.orderBy,
        limit: String(args.limit ?? DEFAULT_ROWS),
        scoreName: args.scoreName,
      };
      const defined = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
      const result = await answerAnalyticsQuery(deps.store.analytics, caller.projectId, defined, deps.retention.policy.horizonOf(caller.projectId), Date.now());
      return jsonResult({ ...result, from: new Date(result.fromMs).toISOString(), to: new Date(result.toMs).toISOString(), url: pageUrl(caller, '/cost') });
    },
  );
}
