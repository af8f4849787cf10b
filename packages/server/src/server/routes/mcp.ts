import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { LookoutError } from '../../errors.ts';
import { auditChange } from '../audit-hook.ts';
import { createMcpServer } from '../../mcp/server.ts';
import { requireScope, type AppContext } from '../context.ts';
import { documentedOnly, errorResponses, errorSchema } from '../openapi.ts';

// The MCP server over Streamable HTTP, stateless: every POST carries its own key and is answered
// by a server built for it, so any node of a deployment answers any request and nothing is held
// between requests. Tool calls are JSON-RPC messages of a few hundred bytes.
const MCP_PATH = '/mcp';
const MAX_MCP_BODY_BYTES = 1024 * 1024;

const jsonRpcSchema = z.unknown().describe('a JSON-RPC 2.0 message of the Model Context Protocol (initialize, tools/list, tools/call, ...)');
const tags = ['mcp'];
const jsonRpcErrorSchema = z.object({ jsonrpc: z.literal('2.0'), error: z.object({ code: z.number().int(), message: z.string() }), id: z.null() });

// Without sessions there is no stream to open (GET) or session to end (DELETE).
function notAllowed(_request: FastifyRequest, reply: FastifyReply) {
  reply.code(405).header('allow', 'POST');
  return { jsonrpc: '2.0' as const, error: { code: -32000, message: 'this MCP server is stateless: send each message with POST' }, id: null };
}

export function registerMcpRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post(
    MCP_PATH,
    {
      config: { scope: 'read', audit: false },
      bodyLimit: MAX_MCP_BODY_BYTES,
      schema: {
        summary: 'The MCP server (Streamable HTTP transport, stateless): read-only tools over the caller\'s project',
        description: 'Tools: query_analytics, list_traces, get_trace, explain_cost, list_alerts, check_budget, top_issues. See docs/mcp.md.',
        tags,
        body: documentedOnly(jsonRpcSchema),
        response: {
          200: { description: 'the JSON-RPC response', content: { 'application/json': { schema: jsonRpcSchema } } },
          202: { description: 'a notification or response was accepted', content: { 'application/json': { schema: z.null() } } },
          406: jsonRpcErrorSchema.describe('the client does not accept both application/json and text/event-stream, as the transport requires'),
          413: errorSchema,
          415: errorSchema,
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const projectId = requireScope(request, 'read');
      // A batch would run its calls at once, each answer as large as one request may get; the
      // protocol this server speaks (2025-06-18) has no batches.
      if (Array.isArray(request.body)) throw new LookoutError('invalid_request', 'send one JSON-RPC message per request: this server takes no batches');
      // Read-your-writes, as every /api/* read does before its handler (app.ts).
      await ctx.pipeline.caughtUp();
      const server = createMcpServer(ctx, { projectId, uiOrigin: `${request.protocol}://${request.host}`, requestId: request.id, log: request.log });
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      // The transport writes the response itself; the headers set so far (request id, security
      // headers) go with it.
      reply.hijack();
      for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) reply.raw.setHeader(name, value);
      reply.raw.on('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(request.raw, reply.raw, request.body);
    },
  );

  for (const method of ['GET', 'DELETE'] as const) {
    app.route({
      method,
      url: MCP_PATH,
      config: { scope: 'read' },
      schema: { summary: 'Not used by this stateless MCP server (405): send every message with POST', tags, response: { 405: jsonRpcErrorSchema, ...errorResponses } },
      handler: notAllowed,
    });
  }
}
