import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';

// The Langfuse public API's read endpoints and scores, in Langfuse's response shapes.
export function registerLangfusePublicRoutes(_fastify: FastifyInstance, _ctx: AppContext): void {}
