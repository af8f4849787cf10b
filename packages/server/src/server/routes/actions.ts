import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireScope, type AppContext } from '../context.ts';
import { LookoutError } from '../../errors.ts';
import { errorResponses, errorSchema } from '../openapi.ts';
import { actionListQuerySchema, activationIdParams, activationSchema, configuredActionSchema } from '../schemas/actions.ts';

// F5: automated responses of the caller's project: what is active now and what was (with the
// alert that triggered each), and reverting one. Reading needs a read key, reverting an admin key.

const ACTIVATION_ID = /^[A-Za-z0-9-]{1,64}$/;

export function registerActionRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const actions = () => ctx.alerting.actions;

  app.get(
    '/api/v1/actions',
    { config: { scope: 'read' },
      schema: {
        summary: 'Automated responses: the active activations, the recent history and the configured actions',
        tags: ['alerts'],
        querystring: actionListQuerySchema,
        response: {
          200: z.object({ active: z.array(activationSchema), history: z.array(activationSchema).describe('newest first'), configured: z.array(configuredActionSchema) }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const project = requireScope(request, 'read');
      const { active, history } = actions().list(project, { limit: request.query.limit ?? 100 });
      return { active, history, configured: actions().configured() };
    },
  );

  app.post(
    '/api/v1/actions/:id/revert',
    { config: { scope: 'admin' },
      schema: {
        summary: 'Revert an active automated response; it stays reverted until its alert resolves and fires again',
        tags: ['alerts'],
        params: activationIdParams,
        response: { 200: z.object({ activation: activationSchema }), ...errorResponses, 409: errorSchema },
      },
    },
    async (request) => {
      const project = requireScope(request, 'admin');
      const { id } = request.params;
      if (!ACTIVATION_ID.test(id)) throw new LookoutError('invalid_parameter', `'${id.slice(0, 80)}' is not an activation id; take one from GET /api/v1/actions`);
      return { activation: await actions().revert(project, id, { keyId: request.auth.keyId }) };
    },
  );
}
