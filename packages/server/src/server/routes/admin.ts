import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CONTENT_CAPTURE_MODES, KEY_SCOPES, projectId, type ProjectId } from '../../store/store.ts';
import { purgeStoredContent } from '../../ingest/content-policy.ts';
import { callerNoun, isOperator, requireScope, type AppContext } from '../context.ts';
import { ConflictError, LookoutError } from '../../errors.ts';
import { keyCacheOf } from '../auth.ts';
import { auditChange } from '../audit-hook.ts';
import { errorResponses, errorSchema } from '../openapi.ts';
import { apiKeyInfoSchema, contentPurgeResultSchema, projectSchema } from '../schemas/admin.ts';

export const PROJECT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

const projectSettingsSchema = z
  .object({
    contentCapture: z
      .enum(CONTENT_CAPTURE_MODES)
      .describe('what is kept of prompts and responses from now on: full (text and hashes), metadata (hashes only), off (neither)'),
    // Also remove what the new mode would not have kept from the spans and logs already stored.
    purge: z.boolean().default(false).describe('also remove it from the spans and logs already stored; only with metadata or off'),
  })
  .strict();

const createKeySchema = z
  .object({
    project: z
      .string()
      .regex(PROJECT_ID_PATTERN, 'must be 1-63 characters of a-z, 0-9, _ and -, starting with a letter or digit')
      .optional()
      .describe("the key's project (another one: operator only; a new id creates it); default: the caller's"),
    scope: z.enum(KEY_SCOPES).default('ingest').describe('ingest: send data; read: also read it; admin: also manage keys, budgets, rules'),
    name: z.string().max(200).nullish().describe('a label, at most 200 characters'),
  })
  .strict();

function targetProject(request: FastifyRequest, wanted: string | undefined): ProjectId {
  const own = requireScope(request, 'admin');
  if (wanted === undefined || wanted === own) return own;
  if (!isOperator(request)) throw new LookoutError('forbidden', `${callerNoun(request)} project '${own}' and cannot manage project '${wanted}'`);
  return projectId(wanted);
}

// Another project's keys are managed by the operator, naming it with ?project=.
const projectQuery = z.object({ project: z.string().optional().describe("another project's id (operator only); default: the key's own") });

export function registerAdminRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/v1/project',
    { config: { scope: 'read' },
      schema: {
        summary: "The key's project and scope",
        tags: ['admin'],
        response: {
          200: z.object({
            project: z.union([projectSchema, projectSchema.pick({ id: true, contentCapture: true }).describe('a project with nothing stored yet: its id and what it keeps')]),
            scope: z.enum([...KEY_SCOPES, 'member']).describe("the caller's grant in the project: a key's scope, or a person's role (viewer is read)"),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const project = requireScope(request, 'read');
      const all = await ctx.store.listProjects();
      return { project: all.find((p) => p.id === project) ?? { id: project, contentCapture: ctx.content.modeOf(project) }, scope: request.auth.scope };
    },
  );

  // E5: what the project keeps of prompts and responses.
  app.patch(
    '/api/v1/project',
    { config: { scope: 'admin' },
      schema: {
        summary: 'Change what the project keeps of prompts and responses, and purge what it no longer would',
        tags: ['admin'],
        body: projectSettingsSchema,
        response: { 200: z.object({ project: projectSchema, purged: contentPurgeResultSchema.optional().describe('with purge: true') }), ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'admin');
      const body = request.body;
      if (body.purge && body.contentCapture === 'full') {
        throw new LookoutError('invalid_request', "purge removes stored prompts and responses: it goes with contentCapture 'metadata' or 'off', not 'full'");
      }
      const before = ctx.content.modeOf(project);
      const updated = await ctx.store.setContentCapture(project, body.contentCapture);
      if (!updated) throw new LookoutError('not_found', `no project ${project}`);
      auditChange(request, { target: project, before: { contentCapture: before }, after: { contentCapture: updated.contentCapture }, details: { purge: body.purge } });
      ctx.content.set(project, updated.contentCapture);
      request.log.info({ event: 'project_updated', projectId: project, contentCapture: updated.contentCapture }, 'project settings changed');
      if (!body.purge) return { project: updated };
      // Rows submitted under the old mode land first, or they would bring their content back.
      await ctx.pipeline.settled();
      const purged = await purgeStoredContent(ctx.store, project, updated.contentCapture, ctx.content);
      request.log.info({ event: 'content_purged', projectId: project, ...purged }, 'stored content purged');
      return { project: updated, purged };
    },
  );

  app.get(
    '/api/v1/projects',
    { config: { scope: 'admin' },
      schema: {
        summary: "Projects: every project for the operator, the key's own for a project admin",
        tags: ['admin'],
        response: { 200: z.object({ projects: z.array(projectSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const own = requireScope(request, 'admin');
      const all = await ctx.store.listProjects();
      return { projects: isOperator(request) ? all : all.filter((p) => p.id === own) };
    },
  );

  app.post(
    '/api/v1/keys',
    {
      config: { scope: 'admin' },
      schema: {
        summary: 'Create an API key; the key itself is in this answer only',
        tags: ['admin'],
        body: createKeySchema,
        response: {
          201: apiKeyInfoSchema.extend({ key: z.string().describe('the bearer key: shown once, kept only as a hash'), note: z.string() }),
          ...errorResponses,
          409: errorSchema.describe('the project is being deleted'),
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const project = targetProject(request, body.project);
      // A key made now would bring back the project being deleted.
      if (ctx.projectDeletions.deleting(project)) throw new ConflictError(`project '${project}' is being deleted; create its keys once the deletion is done`);
      const { info, key } = await ctx.store.createApiKey(project, body.scope, body.name ?? null);
      // Never the key itself: its id, scope and name.
      auditChange(request, { target: info.id, project, after: { id: info.id, scope: info.scope, name: info.name } });
      request.log.info({ event: 'api_key_created', keyId: info.id, projectId: project, scope: info.scope }, 'api key created');
      reply.code(201);
      return { key, ...info, note: 'store this key now: it is shown only once and kept only as a hash' };
    },
  );

  app.get(
    '/api/v1/keys',
    {
      config: { scope: 'admin' },
      schema: {
        summary: "The project's API keys, revoked ones included (never the keys themselves)",
        tags: ['admin'],
        querystring: projectQuery,
        response: { 200: z.object({ keys: z.array(apiKeyInfoSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const project = targetProject(request, request.query.project);
      return { keys: await ctx.store.listApiKeys(project) };
    },
  );

  app.delete(
    '/api/v1/keys/:keyId',
    {
      config: { scope: 'admin' },
      schema: {
        summary: 'Revoke an API key; it stops working at once',
        tags: ['admin'],
        params: z.object({ keyId: z.string() }),
        querystring: projectQuery,
        response: { 200: z.object({ revoked: z.string() }), ...errorResponses },
      },
    },
    async (request) => {
      const project = targetProject(request, request.query.project);
      const revoked = await ctx.store.revokeApiKey(project, request.params.keyId);
      if (!revoked) throw new LookoutError('not_found', `no active key ${request.params.keyId} in project ${project}`);
      // Cached resolutions would let the key work for up to the cache's TTL on this node.
      keyCacheOf(ctx).forget(request.params.keyId);
      auditChange(request, { target: request.params.keyId, project });
      return { revoked: request.params.keyId };
    },
  );
}
