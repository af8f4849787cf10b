import type { McpServer, ToolCallback } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ShapeOutput, ZodRawShapeCompat } from '@modelcontextprotocol/sdk/server/zod-compat.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { BudgetBook } from '../budgets/book.ts';
import type { Pricer } from '../enrich/pricing/index.ts';
import type { ContentPolicy } from '../ingest/content-policy.ts';
import type { Alerting } from '../alerts/service.ts';
import type { RetentionJob } from '../lifecycle/retention.ts';
import { LookoutError } from '../errors.ts';
import type { ProjectId, Store } from '../store/store.ts';

// What the tools read, each part the same object the HTTP API's routes read (the server's
// context satisfies this), so a tool and its route answer from the same functions.
export interface McpDeps {
  store: Store;
  pricer: Pricer;
  budgets: BudgetBook;
  alerting: Pick<Alerting, 'engine'>;
  retention: Pick<RetentionJob, 'policy'>;
  content: Pick<ContentPolicy, 'captures' | 'hash'>;
}

// One caller's view: the project its key belongs to, and where the web UI is, for links.
export interface McpCaller {
  projectId: ProjectId;
  // The web UI's origin as the caller reached the server ('' for paths relative to it).
  uiOrigin: string;
  // The HTTP request's id and logger: a failure the caller is not told about is logged with it.
  requestId: string;
  log: { error(details: object, message: string): void };
}

export const traceUrl = (caller: McpCaller, traceId: string): string => `${caller.uiOrigin}/traces/${traceId}`;
export const spanUrl = (caller: McpCaller, traceId: string, spanId: string): string => `${caller.uiOrigin}/traces/${traceId}?span=${spanId}`;
export const pageUrl = (caller: McpCaller, path: string): string => `${caller.uiOrigin}${path}`;

// A tool's answer: compact JSON (no indentation: the client's context is small).
export function jsonResult(value: unknown): { content: { type: 'text'; text: string }[] } {
  return { content: [{ type: 'text', text: JSON.stringify(value) }] };
}

function toolError(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

// Every tool reads the caller's project and nothing outside Lookout.
const READ_ONLY_TOOL = { readOnlyHint: true, openWorldHint: false } as const;

// Registers a read-only tool whose failures are answered as the HTTP API answers them: a
// LookoutError with its message (it is written for the caller), anything else logged and answered
// with the request id only, since its text (a database's, a library's) says nothing to the caller
// and may say too much about the server.
export function registerReadTool<Shape extends ZodRawShapeCompat>(
  server: McpServer,
  caller: McpCaller,
  name: string,
  config: { title: string; description: string; inputSchema: Shape },
  handler: (args: ShapeOutput<Shape>) => Promise<CallToolResult>,
): void {
  const guarded = async (args: ShapeOutput<Shape>): Promise<CallToolResult> => {
    try {
      return await handler(args);
    } catch (err) {
      if (err instanceof LookoutError) return toolError(err.message);
      caller.log.error({ err, tool: name }, 'MCP tool failed');
      return toolError(`internal error (request id ${caller.requestId}); the server log has the details`);
    }
  };
  // ToolCallback<Shape> is a conditional type TypeScript cannot resolve for a generic Shape; for a
  // raw shape it is this function's type.
  server.registerTool(name, { ...config, annotations: READ_ONLY_TOOL }, guarded as unknown as ToolCallback<Shape>);
}
