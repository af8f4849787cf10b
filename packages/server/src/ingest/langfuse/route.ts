import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../server/context.ts';

// The Langfuse SDKs' ingestion endpoints (POST /api/public/ingestion, GET /api/public/health).
export function registerLangfuseIngestRoutes(_fastify: FastifyInstance, _ctx: AppContext): void {}
