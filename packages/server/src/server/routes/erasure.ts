import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LookoutError } from '../../errors.ts';
import { projectId, type ErasureTarget, type ProjectId } from '../../store/store.ts';
import { auditChange } from '../audit-hook.ts';
import { clientAddressOf } from '../client-address.ts';
import { callerNoun, isOperator, requesterOf, requireScope, type AppContext } from '../context.ts';
import { errorResponses } from '../openapi.ts';
import { erasureJobSchema } from '../schemas/erasure.ts';

// I4: erasing a user's, a session's or a trace's records (lifecycle/erasure.ts), and the audit
// log of the erasures made. The project's admin asks; the operator may name another project.

// As long as ingest accepts a user or session id (a label), and the id of a trace.
const MAX_LABEL_CHARS = 500;
const MAX_JOB_ID_CHARS = 64;

const label = (what: string) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(MAX_LABEL_CHARS, `must be at most ${MAX_LABEL_CHARS} characters`)
    .optional()
    .describe(`erase every trace ${what}, and its other scores and logs`);

const erasureRequestSchema = z
  .object({
    userId: label('in which a span or score carries this user id'),
    sessionId: label('of this session'),
    traceId: z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex characters').optional().describe('erase this trace: 32 lowercase hex characters'),
  })
  .strict()
  .refine((b) => [b.userId, b.sessionId, b.traceId].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of userId, sessionId or traceId',
  });

const projectQuery = z
  .object({ project: z.string().max(63).optional().describe("another project's id (operator only); default: the key's own") })
  .strict();

const jobParams = z.object({ id: z.string().min(1).max(MAX_JOB_ID_CHARS) });

function targetProject(request: FastifyRequest, wanted: string | undefined): ProjectId {
  const own = requireScope(request, 'admin');
  if (wanted === undefined || wanted === own) return own;
  if (!isOperator(request)) throw new LookoutError('forbidden', `${callerNoun(request)} project '${own}' and cannot erase records of project '${wanted}'`);
  return projectId(wanted);
}

function targetOf(body: z.output<typeof erasureRequestSchema>): ErasureTarget {
  if (body.userId !== undefined) return { kind: 'user', id: body.userId };
  if (body.sessionId !== undefined) return { kind: 'session', id: body.sessionId };
  return { kind: 'trace', id: body.traceId! };
}

export function registerErasureRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/api/v1/erasure',
    {
      config: { scope: 'admin' },
      schema: {
        summary: "Erase a user's, a session's or a trace's records (runs in the background; poll GET /api/v1/erasure/{id})",
        description:
          'Everything of the traces named is deleted from the store, and the in-memory figures (rollups, budget spend, the judge\'s queue, the gateway\'s response cache) are rebuilt without them. Records acknowledged before the request are covered. The job record keeps a keyed hash of the id, never the id itself. See docs/data-lifecycle.md#erasure.',
        tags: ['admin'],
        querystring: projectQuery,
        body: erasureRequestSchema,
        response: { 202: erasureJobSchema.pick({ id: true, status: true }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const project = targetProject(request, request.query.project);
      const job = await ctx.erasures.start(project, targetOf(request.body), requesterOf(request.auth), clientAddressOf(ctx, request));
      // The audit entry keeps what the erasure record keeps: the kind and the keyed hash of the id,
      // never the id; filed under the project erased.
      auditChange(request, { target: job.id, project, after: { erasureId: job.id, project, kind: job.target.kind, idHash: job.target.idHash } });
      reply.code(202);
      return { id: job.id, status: job.status };
    },
  );

  app.get(
    '/api/v1/erasure/:id',
    {
      config: { scope: 'admin' },
      schema: {
        summary: 'One erasure: its status and, once done, what it deleted',
        tags: ['admin'],
        params: jobParams,
        querystring: projectQuery,
        response: { 200: erasureJobSchema, ...errorResponses },
      },
    },
    async (request) => {
      const project = targetProject(request, request.query.project);
      const job = await ctx.erasures.get(project, request.params.id);
      if (!job) throw new LookoutError('not_found', `no erasure ${request.params.id} in project ${project}`);
      return job;
    },
  );

  app.get(
    '/api/v1/erasure',
    {
      config: { scope: 'admin' },
      schema: {
        summary: "The project's erasures, newest first (the audit log)",
        tags: ['admin'],
        querystring: projectQuery,
        response: { 200: z.object({ erasures: z.array(erasureJobSchema), available: z.boolean().describe('whether this store can erase records') }), ...errorResponses },
      },
    },
    async (request) => {
      const project = targetProject(request, request.query.project);
      return { erasures: await ctx.erasures.list(project), available: ctx.erasures.available };
    },
  );
}
