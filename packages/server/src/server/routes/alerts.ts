import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AlertState } from '../../alerts/types.ts';
import { requireScope, type AppContext } from '../context.ts';
import { LookoutError, parseWith } from '../../errors.ts';
import { parseTimeParam } from './params.ts';

// F1/F3: alerts, their history, rules, silences and test evaluations. Everything is scoped to
// the caller's project; reading needs a read key, changing rules and silences an admin key.

const STATES = ['pending', 'firing', 'resolved'] as const;

const listQuery = z
  .object({ state: z.string().optional() })
  .strict();
const historyQuery = z
  .object({ limit: z.coerce.number().int().min(1).max(5000).optional(), rule: z.string().optional(), since: z.string().optional(), until: z.string().optional() })
  .strict();

function parseQuery<T extends z.ZodType>(schema: T, query: unknown): z.output<T> {
  return parseWith(schema, query ?? {}, 'invalid_parameter');
}


export function registerAlertRoutes(app: FastifyInstance, ctx: AppContext): void {
  const engine = () => ctx.alerting.engine;

  app.get('/api/v1/alerts', async (request) => {
    const project = requireScope(request, 'read');
    const q = parseQuery(listQuery, request.query);
    let states: AlertState[] = ['pending', 'firing'];
    if (q.state !== undefined) {
      const wanted = q.state.split(',').map((s) => s.trim());
      if (wanted.length === 1 && wanted[0] === 'all') states = [...STATES];
      else {
        const bad = wanted.find((s) => !(STATES as readonly string[]).includes(s));
        if (bad !== undefined) throw new LookoutError('invalid_parameter', `state: '${bad}' is not a state; use pending, firing, resolved (comma-separated) or all`);
        states = wanted as AlertState[];
      }
    }
    return { alerts: engine().list(project, { states }) };
  });

  app.get('/api/v1/alerts/history', async (request) => {
    const project = requireScope(request, 'read');
    const q = parseQuery(historyQuery, request.query);
    const sinceMs = q.since === undefined ? undefined : parseTimeParam('since', q.since, Date.now());
    const untilMs = q.until === undefined ? undefined : parseTimeParam('until', q.until, Date.now());
    return { events: engine().history(project, { limit: q.limit ?? 100, ruleId: q.rule, sinceMs, untilMs }) };
  });

  app.get('/api/v1/alerts/rules', async (request) => {
    const project = requireScope(request, 'read');
    return {
      rules: engine().rules(project),
      loadErrors: ctx.alerting.loadErrors.map((e) => ({ ...e.toJSON(), text: e.toString() })),
    };
  });

  app.post('/api/v1/alerts/rules', async (request, reply) => {
    const project = requireScope(request, 'admin');
    const r = engine().validateRule(project, request.body);
    if (engine().rules(project).some((v) => v.rule.id === r.id && v.source === 'api')) {
      throw new LookoutError('conflict', `a rule '${r.id}' exists already; PUT /api/v1/alerts/rules/${r.id} replaces it`);
    }
    const rule = await engine().putRule(project, request.body);
    reply.code(201);
    return { rule };
  });

  app.put<{ Params: { id: string } }>('/api/v1/alerts/rules/:id', async (request) => {
    const project = requireScope(request, 'admin');
    return { rule: await engine().putRule(project, request.body, { id: request.params.id }) };
  });

  app.patch<{ Params: { id: string } }>('/api/v1/alerts/rules/:id', async (request) => {
    const project = requireScope(request, 'admin');
    const body = parseWith(z.object({ enabled: z.boolean({ error: 'must be true or false' }) }).strict(), request.body, 'invalid_request');
    return engine().setEnabled(project, request.params.id, body.enabled);
  });

  app.delete<{ Params: { id: string } }>('/api/v1/alerts/rules/:id', async (request, reply) => {
    const project = requireScope(request, 'admin');
    await engine().deleteRule(project, request.params.id);
    reply.code(204);
  });

  // Evaluates a rule against the data now, without creating alerts: what would fire, per group.
  app.post('/api/v1/alerts/test-rule', async (request) => {
    const project = requireScope(request, 'read');
    const { rule, outcome } = await engine().testRule(project, request.body);
    return { rule, noData: outcome.noData, wouldFire: outcome.groups.filter((g) => g.active).length, groups: outcome.groups };
  });

  // F4: what was sent where, newest first, with attempts and the receiver's answer.
  app.get('/api/v1/alerts/deliveries', async (request) => {
    const project = requireScope(request, 'read');
    const q = parseQuery(z.object({ limit: z.coerce.number().int().min(1).max(1000).optional(), receiver: z.string().optional() }).strict(), request.query);
    return { deliveries: ctx.alerting.dispatcher.deliveries({ projectId: project, receiver: q.receiver, limit: q.limit ?? 100 }) };
  });

  app.get('/api/v1/alerts/silences', async (request) => {
    const project = requireScope(request, 'read');
    const all = (request.query as { expired?: string } | undefined)?.expired === 'true';
    return { silences: engine().silences(project, { includeExpired: all }) };
  });

  app.post('/api/v1/alerts/silences', async (request, reply) => {
    const project = requireScope(request, 'admin');
    const silence = await engine().addSilence(project, request.body as never);
    reply.code(201);
    return { silence };
  });

  app.delete<{ Params: { id: string } }>('/api/v1/alerts/silences/:id', async (request) => {
    const project = requireScope(request, 'admin');
    const s = await engine().expireSilence(project, request.params.id);
    if (!s) throw new LookoutError('not_found', `no silence '${request.params.id}'`);
    return { silence: s };
  });
}
