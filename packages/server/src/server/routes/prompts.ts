import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DEFAULT_LABEL, MAX_PROMPT_BYTES, PROMPT_LIMITS, type PromptBody } from '../../domain/prompts.ts';
import { auditChange } from '../audit-hook.ts';
import { actorIdOf, requireScope, type AppContext } from '../context.ts';
import { errorResponses, errorSchema } from '../openapi.ts';
import {
  createPromptBodySchema,
  getPromptQuerySchema,
  promptLabelParams,
  promptLabelSchema,
  promptListSchema,
  promptNameParams,
  promptVersionListSchema,
  promptVersionSchema,
  setLabelBodySchema,
} from '../schemas/prompts.ts';

// D7: the prompt registry (docs/prompts.md#registry). Applications resolve a prompt with
// GET /api/v1/prompts/:name, which any key of the project may call (they hold ingest keys) and
// which does not wait for ingest to be loaded (the registry is not ingested data); reading the
// list and the history takes a read key, writing an admin key.

const tags = ['prompts'];

export const PROMPT_PATH = '/api/v1/prompts/:name';
// Routes that read no ingested record: not held back by read-your-writes (app.ts).
export const PROMPT_PATHS = ['/api/v1/prompts', PROMPT_PATH, '/api/v1/prompts/:name/versions', '/api/v1/prompts/:name/labels/:label'];

// A 256 KiB prompt sent as JSON, escapes and all.
const MAX_CREATE_BODY_BYTES = 8 * MAX_PROMPT_BYTES;

export function registerPromptRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const registry = ctx.store.prompts;

  app.post(
    '/api/v1/prompts',
    {
      // Writing prompts is the work of the project's engineers: members push versions and move
      // labels (docs/prompts.md); keys need admin, as no key is a member.
      config: { scope: 'member' },
      bodyLimit: MAX_CREATE_BODY_BYTES,
      schema: {
        summary: 'Writes the next version of a prompt (version 1 of a new one) and points the given labels at it',
        description: `Versions never change once written. At most ${PROMPT_LIMITS.promptsPerProject} prompts per project, ${PROMPT_LIMITS.versionsPerPrompt} versions per prompt, ${PROMPT_LIMITS.labelsPerPrompt} labels per prompt, ${PROMPT_LIMITS.bytesPerProject} bytes of versions per project (409 past them); the prompt at most ${MAX_PROMPT_BYTES} bytes.`,
        tags,
        body: createPromptBodySchema,
        response: { 201: promptVersionSchema, ...errorResponses, 409: errorSchema, 413: errorSchema },
      },
    },
    async (request, reply) => {
      const project = requireScope(request, 'member');
      const b = request.body;
      const prompt: PromptBody = b.prompt;
      const created = await registry.createPromptVersion(
        project,
        b.name,
        {
          type: b.type ?? (typeof prompt === 'string' ? 'text' : 'chat'),
          prompt,
          model: b.model ?? null,
          parameters: b.parameters ?? null,
          message: b.message ?? null,
          createdBy: actorIdOf(request.auth),
        },
        b.labels ?? [],
        PROMPT_LIMITS,
      );
      // The audit log names the version written, not its text (a prompt may hold customer data).
      auditChange(request, { target: created.name, after: { name: created.name, version: created.version, labels: b.labels ?? [] } });
      request.log.info({ event: 'prompt_version_created', project, prompt: created.name, version: created.version, labels: b.labels ?? [], keyId: request.auth.keyId }, 'prompt version created');
      reply.code(201);
      return created;
    },
  );

  app.get(
    '/api/v1/prompts',
    {
      config: { scope: 'read' },
      schema: { summary: "The project's prompts, each with its newest version number and its labels", tags, response: { 200: promptListSchema, ...errorResponses } },
    },
    async (request) => ({
      prompts: await registry.listPrompts(requireScope(request, 'read')),
      limits: { ...PROMPT_LIMITS, promptBytes: MAX_PROMPT_BYTES },
    }),
  );

  app.get(
    PROMPT_PATH,
    {
      config: { scope: 'ingest' },
      schema: {
        summary: 'One version of a prompt: the one a label points at (default production), `latest`, or a version number (any key of the project)',
        description: 'An ingest key reads the prompt text, model and parameters; `createdBy` and `message` are null for it.',
        tags,
        params: promptNameParams,
        querystring: getPromptQuerySchema,
        response: { 200: promptVersionSchema, ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'ingest');
      const { label, version } = request.query;
      const found = await registry.getPrompt(project, request.params.name, version !== undefined ? { version } : { label: label ?? DEFAULT_LABEL });
      // An ingest key (an application's) gets what it needs to run the prompt, not who wrote it
      // (admin key ids) nor why (commit messages): both are null for it.
      return request.auth.scope === 'ingest' ? { ...found, createdBy: null, message: null } : found;
    },
  );

  app.get(
    '/api/v1/prompts/:name/versions',
    {
      config: { scope: 'read' },
      schema: {
        summary: "A prompt's versions, newest first, without their text, and its labels",
        description: 'Fetch two versions with GET /api/v1/prompts/{name}?version=n to compare them.',
        tags,
        params: promptNameParams,
        response: { 200: promptVersionListSchema, ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'read');
      const { labels, versions } = await registry.listPromptVersions(project, request.params.name);
      return { name: request.params.name, labels, versions };
    },
  );

  app.put(
    '/api/v1/prompts/:name/labels/:label',
    {
      config: { scope: 'member', auditBody: ['version'] },
      schema: {
        summary: 'Points a label at a version, moving it when it pointed at another',
        tags,
        params: promptLabelParams,
        body: setLabelBodySchema,
        response: { 200: promptLabelSchema, ...errorResponses, 409: errorSchema },
      },
    },
    async (request) => {
      const project = requireScope(request, 'member');
      const { name, label } = request.params;
      const set = await registry.setPromptLabel(project, name, label, request.body.version, actorIdOf(request.auth), PROMPT_LIMITS);
      request.log.info({ event: 'prompt_label_set', project, prompt: name, label, version: set.version, keyId: request.auth.keyId }, 'prompt label set');
      return set;
    },
  );

  app.delete(
    '/api/v1/prompts/:name/labels/:label',
    {
      config: { scope: 'member' },
      schema: { summary: 'Removes a label from a prompt', tags, params: promptLabelParams, response: { 204: z.undefined(), ...errorResponses } },
    },
    async (request, reply) => {
      const project = requireScope(request, 'member');
      const { name, label } = request.params;
      await registry.deletePromptLabel(project, name, label);
      request.log.info({ event: 'prompt_label_removed', project, prompt: name, label, keyId: request.auth.keyId }, 'prompt label removed');
      reply.code(204);
    },
  );
}
