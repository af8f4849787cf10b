import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpCaller, McpDeps } from './deps.ts';
import { registerAnalyticsTool } from './tools/analytics.ts';
import { registerOperationTools } from './tools/operations.ts';
import { registerTraceTools } from './tools/traces.ts';

export const MCP_SERVER_NAME = 'lookout';
const VERSION = '0.1.0';

const INSTRUCTIONS =
  'Lookout holds the traces, costs, quality scores, alerts and budgets of LLM applications. ' +
  'Start broad with query_analytics or top_issues, narrow with list_traces, then open a trace with get_trace and a cost with explain_cost. ' +
  "Time ranges take ISO 8601 times or durations back from now ('24h', '7d'). " +
  'Money: fields ending in Usd are US dollars, fields ending in NanoUsd integer nano-dollars (1 USD = 1e9); a null cost is unknown, never zero. ' +
  'Every answer has url fields linking to the Lookout web UI.';

// A server holding the read-only tools for one caller, scoped to its project. Cheap to build: the
// HTTP route builds one per request (stateless), so no state is shared between callers.
export function createMcpServer(deps: McpDeps, caller: McpCaller): McpServer {
  const server = new McpServer({ name: MCP_SERVER_NAME, version: VERSION }, { instructions: INSTRUCTIONS, capabilities: { tools: {} } });
  // The SDK offers tool-list notifications; a server that lives for one request can send none.
  server.server.registerCapabilities({ tools: { listChanged: false } });
  registerAnalyticsTool(server, deps, caller);
  registerTraceTools(server, deps, caller);
  registerOperationTools(server, deps, caller);
  return server;
}
