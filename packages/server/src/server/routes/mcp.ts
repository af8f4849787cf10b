import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';

// The MCP server over Streamable HTTP (POST /mcp).
export function registerMcpRoutes(_fastify: FastifyInstance, _ctx: AppContext): void {}
