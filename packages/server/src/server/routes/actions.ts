import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireScope, type AppContext } from '../context.ts';
import { LookoutError, parseWith } from '../../errors.ts';

// F5: automated responses of the caller's project: what is active now and what was (with the
// alert that triggered each), and reverting one. Reading needs a read key, reverting an admin key.

const ACTIVATION_ID = /^[A-Za-z0-9-]{1,64}$/;

const listQuery = z
  .object({ limit: z.coerce.number().int().min(1).max(1000).optional() })
  .strict();

export function registerActionRoutes(app: FastifyInstance, ctx: AppContext): void {
  const actions = () => ctx.alerting.actions;

  app.get('/api/v1/actions', async (request) => {
    const project = requireScope(request, 'read');
    const { limit } = parseWith(listQuery, request.query ?? {}, 'invalid_parameter');
    const { active, history } = actions().list(project, { limit: limit ?? 100 });
    return { active, history, configured: actions().configured() };
  });

  app.post<{ Params: { id: string } }>('/api/v1/actions/:id/revert', async (request) => {
    const project = requireScope(request, 'admin');
    const { id } = request.params;
    if (!ACTIVATION_ID.test(id)) throw new LookoutError('invalid_parameter', `'${id.slice(0, 80)}' is not an activation id; take one from GET /api/v1/actions`);
    return { activation: await actions().revert(project, id, { keyId: request.auth.keyId }) };
  });
}
