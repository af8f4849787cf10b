import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LookoutError, NotFoundError } from '../../errors.ts';
import { auditChange } from '../audit-hook.ts';
import { callerNoun, isOperator, requesterOf, requireScope, type AppContext } from '../context.ts';
import { errorResponses, errorSchema } from '../openapi.ts';
import { projectDeletionSchema } from '../schemas/project-deletion.ts';
import { projectId } from '../../store/store.ts';
import { PROJECT_ID_PATTERN } from './admin.ts';

// I4: deleting a project (lifecycle/project-deletion.ts). The operator deletes any project but the
// default one; a project's admin may delete their own. The deletion runs in the background: the
// answer is 202 with its id, or 200 once done when the caller waited for it (`wait`). Its keys are
// refused from the moment it starts, so a project admin follows it no further: the operator reads
// it at GET /api/v1/project-deletions/{id}.

// How long a request may hold its answer for the deletion to end.
const MAX_WAIT_SECONDS = 60;

const deletionParams = z.object({ id: z.string().min(1).max(64) });

export function registerProjectLifecycleRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.delete(
    '/api/v1/projects/:id',
    {
      config: { scope: 'admin' },
      schema: {
        summary: "Delete a project: its records, keys, budgets, rules, evaluators and settings (operator, or the project's own admin)",
        description:
          "Its API keys stop working at once and it takes no more data; its records are erased (an erasure job of kind project) and everything held for it is removed, so a new project with the same id starts empty. The default project cannot be deleted (409). Answers 202 while the deletion runs, or 200 once it is done if it ended within `wait` seconds. See docs/data-lifecycle.md#deleting-a-project.",
        tags: ['admin'],
        params: z.object({ id: z.string().regex(PROJECT_ID_PATTERN, 'must be a project id: 1-63 characters of a-z, 0-9, _ and -, starting with a letter or digit') }),
        querystring: z
          .object({
            wait: z.coerce
              .number()
              .int('must be a whole number of seconds')
              .min(0, 'must not be negative')
              .max(MAX_WAIT_SECONDS, `must be at most ${MAX_WAIT_SECONDS}`)
              .default(0)
              .describe(`seconds to hold the answer for the deletion to end (0-${MAX_WAIT_SECONDS}); 0: answer at once`),
          })
          .strict(),
        response: { 200: z.object({ deletion: projectDeletionSchema }), 202: z.object({ deletion: projectDeletionSchema }), ...errorResponses, 409: errorSchema },
      },
    },
    async (request, reply) => {
      const own = requireScope(request, 'admin');
      const project = request.params.id;
      if (project !== own && !isOperator(request)) {
        throw new LookoutError('forbidden', `${callerNoun(request)} project '${own}' and cannot delete project '${project}'`);
      }
      let deletion = await ctx.projectDeletions.start(project, requesterOf(request.auth));
      auditChange(request, { target: project, project: projectId(project), details: { deletionId: deletion.id, project } });
      request.log.info({ event: 'project_deletion_requested', deletionId: deletion.id, projectId: project }, 'project deletion requested');
      const end = ctx.projectDeletions.waitFor(deletion.id);
      if (request.query.wait > 0 && end !== null) {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), request.query.wait * 1000)));
        deletion = (await Promise.race([end, timeout])) ?? deletion;
        clearTimeout(timer);
      }
      reply.code(deletion.status === 'running' ? 202 : 200);
      return { deletion };
    },
  );

  app.get(
    '/api/v1/project-deletions',
    {
      config: { scope: 'operator' },
      schema: {
        summary: 'Project deletions, newest first: who deleted which project, when, and what was removed (operator)',
        tags: ['admin'],
        response: { 200: z.object({ deletions: z.array(projectDeletionSchema) }), ...errorResponses },
      },
    },
    async () => ({ deletions: await ctx.projectDeletions.list() }),
  );

  app.get(
    '/api/v1/project-deletions/:id',
    {
      config: { scope: 'operator' },
      schema: {
        summary: 'One project deletion and its status (operator)',
        tags: ['admin'],
        params: deletionParams,
        response: { 200: z.object({ deletion: projectDeletionSchema }), ...errorResponses },
      },
    },
    async (request) => {
      const deletion = await ctx.projectDeletions.get(request.params.id);
      if (!deletion) throw new NotFoundError(`no project deletion ${request.params.id}`);
      return { deletion };
    },
  );
}
