import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AlertState } from '../../alerts/types.ts';
import { requireScope, type AppContext } from '../context.ts';
import { LookoutError } from '../../errors.ts';
import { auditChange } from '../audit-hook.ts';
import { errorResponses, errorSchema } from '../openapi.ts';
import { alertEventSchema, alertSchema, deliverySchema, groupOutcomeSchema, ruleBodySchema, ruleLoadErrorSchema, ruleSchemaOut, ruleViewSchema, silenceBodySchema, silenceListedSchema, silenceSchema } from '../schemas/alerts.ts';
import { parseInstant } from '../../domain/time.ts';
import { ruleToWire, withWireRule } from '../../alerts/rules/wire.ts';

// F1/F3: alerts, their history, rules, silences and test evaluations. Everything is scoped to
// the caller's project; reading needs a read key, changing rules and silences an admin key.

const STATES = ['pending', 'firing', 'resolved'] as const;

const listQuery = z
  .object({ state: z.string().optional().describe('pending, firing, resolved (comma-separated) or all; default pending,firing') })
  .strict();
const historyQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(5000).optional().describe('events, at most 5000 (all the server keeps); default 100'),
    rule: z.string().max(128).optional().describe('only the alerts of this rule id'),
    since: z.string().optional().describe('from this time (inclusive), or a duration back from now such as 24h'),
    until: z.string().optional().describe('before this time (exclusive), or a duration back from now'),
  })
  .strict();
const deliveriesQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).optional().describe('deliveries, at most 1000; default 100'),
    receiver: z.string().max(256).optional().describe('only those sent to this receiver'),
  })
  .strict();
const silencesQuery = z.object({ expired: z.enum(['true', 'false']).optional().describe('true: expired silences too') }).strict();
const idParams = z.object({ id: z.string().max(128) });
const ruleAnswer = z.object({ rule: ruleSchemaOut });

// Who a silence is recorded as made by: a signed-in person is their email, whatever the body says;
// a key is its id (with the name the body gives, if any); the keyless operator, the name given.
function silenceAuthor(request: FastifyRequest): string {
  const given = (request.body as { createdBy?: unknown } | undefined)?.createdBy;
  const named = typeof given === 'string' && given.trim() !== '' ? given.trim().slice(0, 150) : null;
  const actor = request.auth.actor;
  if (actor.kind === 'user') return actor.email;
  if (actor.kind === 'key') return named ? `${named} (key ${actor.keyId})` : `key ${actor.keyId}`;
  return named ?? 'operator';
}

export function registerAlertRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const engine = () => ctx.alerting.engine;

  app.get(
    '/api/v1/alerts',
    { config: { scope: 'read' }, schema: { summary: 'Alerts of the project, pending and firing by default', tags: ['alerts'], querystring: listQuery, response: { 200: z.object({ alerts: z.array(alertSchema) }), ...errorResponses } } },
    async (request) => {
      const project = requireScope(request, 'read');
      const q = request.query;
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
    },
  );

  app.get(
    '/api/v1/alerts/history',
    { config: { scope: 'read' }, schema: { summary: 'State changes of alerts, newest first', tags: ['alerts'], querystring: historyQuery, response: { 200: z.object({ events: z.array(alertEventSchema) }), ...errorResponses } } },
    async (request) => {
      const project = requireScope(request, 'read');
      const q = request.query;
      const sinceMs = q.since === undefined ? undefined : parseInstant(q.since, Date.now(), { name: 'since', relative: true });
      const untilMs = q.until === undefined ? undefined : parseInstant(q.until, Date.now(), { name: 'until', relative: true });
      return { events: engine().history(project, { limit: q.limit ?? 100, ruleId: q.rule, sinceMs, untilMs }) };
    },
  );

  app.get(
    '/api/v1/alerts/rules',
    { config: { scope: 'read' },
      schema: {
        summary: "The project's rules (default pack, rule files, API) with their health, and the rule files' errors",
        tags: ['alerts'],
        response: { 200: z.object({ rules: z.array(ruleViewSchema), loadErrors: z.array(ruleLoadErrorSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'read');
      return {
        rules: engine().rules(project).map(withWireRule),
        loadErrors: ctx.alerting.loadErrors.map((e) => ({ ...e.toJSON(), text: e.toString() })),
      };
    },
  );

  app.post(
    '/api/v1/alerts/rules',
    { config: { scope: 'admin' }, schema: { summary: 'Create a rule', tags: ['alerts'], body: ruleBodySchema, response: { 201: ruleAnswer, 409: errorSchema, ...errorResponses } } },
    async (request, reply) => {
      const project = requireScope(request, 'admin');
      const r = engine().validateRule(project, request.body);
      if (engine().rules(project).some((v) => v.rule.id === r.id && v.source === 'api')) {
        throw new LookoutError('conflict', `a rule '${r.id}' exists already; PUT /api/v1/alerts/rules/${r.id} replaces it`);
      }
      const rule = await engine().putRule(project, request.body);
      auditChange(request, { target: rule.id, after: ruleToWire(rule) });
      reply.code(201);
      return { rule: ruleToWire(rule) };
    },
  );

  app.put(
    '/api/v1/alerts/rules/:id',
    { config: { scope: 'admin' }, schema: { summary: 'Create or replace the rule with this id', tags: ['alerts'], params: idParams, body: ruleBodySchema, response: { 200: ruleAnswer, 409: errorSchema, ...errorResponses } } },
    async (request) => {
      const project = requireScope(request, 'admin');
      const before = engine().rules(project).find((v) => v.rule.id === request.params.id && v.source === 'api');
      const rule = ruleToWire(await engine().putRule(project, request.body, { id: request.params.id }));
      auditChange(request, { before: before ? ruleToWire(before.rule) : null, after: rule });
      return { rule };
    },
  );

  app.patch(
    '/api/v1/alerts/rules/:id',
    { config: { scope: 'admin' },
      schema: {
        summary: 'Turn a rule (of any source) on or off for the project',
        tags: ['alerts'],
        params: idParams,
        body: z.object({ enabled: z.boolean({ error: 'must be true or false' }) }).strict(),
        response: { 200: ruleViewSchema, ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'admin');
      const before = engine().rules(project).find((v) => v.rule.id === request.params.id);
      const changed = withWireRule(await engine().setEnabled(project, request.params.id, request.body.enabled));
      auditChange(request, { before: before ? { enabled: before.enabled } : null, after: { enabled: changed.enabled } });
      return changed;
    },
  );

  app.delete(
    '/api/v1/alerts/rules/:id',
    { config: { scope: 'admin' }, schema: { summary: 'Delete a rule made through the API', tags: ['alerts'], params: idParams, response: { 204: z.undefined(), 409: errorSchema, ...errorResponses } } },
    async (request, reply) => {
      const project = requireScope(request, 'admin');
      const before = engine().rules(project).find((v) => v.rule.id === request.params.id);
      await engine().deleteRule(project, request.params.id);
      auditChange(request, { before: before ? ruleToWire(before.rule) : null });
      reply.code(204);
    },
  );

  // Evaluates a rule against the data now, without creating alerts: what would fire, per group.
  app.post(
    '/api/v1/alerts/test-rule',
    { config: { scope: 'read', audit: false },
      schema: {
        summary: 'Evaluate a rule against the data now, without creating alerts: what would fire, per group',
        tags: ['alerts'],
        body: ruleBodySchema,
        response: { 200: z.object({ rule: ruleSchemaOut, noData: z.boolean(), wouldFire: z.number().int(), groups: z.array(groupOutcomeSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'read');
      const { rule, outcome } = await engine().testRule(project, request.body);
      return { rule: ruleToWire(rule), noData: outcome.noData, wouldFire: outcome.groups.filter((g) => g.active).length, groups: outcome.groups };
    },
  );

  // F4: what was sent where, newest first, with attempts and the receiver's answer.
  app.get(
    '/api/v1/alerts/deliveries',
    { config: { scope: 'read' },
      schema: {
        summary: "Notifications sent, newest first, with attempts and the receiver's answer",
        tags: ['alerts'],
        querystring: deliveriesQuery,
        response: { 200: z.object({ deliveries: z.array(deliverySchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'read');
      const q = request.query;
      return { deliveries: ctx.alerting.dispatcher.deliveries({ projectId: project, receiver: q.receiver, limit: q.limit ?? 100 }) };
    },
  );

  app.get(
    '/api/v1/alerts/silences',
    { config: { scope: 'read' }, schema: { summary: 'Silences of the project, active and pending', tags: ['alerts'], querystring: silencesQuery, response: { 200: z.object({ silences: z.array(silenceListedSchema) }), ...errorResponses } } },
    async (request) => {
      const project = requireScope(request, 'read');
      return { silences: engine().silences(project, { includeExpired: request.query.expired === 'true' }) };
    },
  );

  app.post(
    '/api/v1/alerts/silences',
    { config: { scope: 'member' }, schema: { summary: 'Silence the alerts whose labels match every matcher, for a while', tags: ['alerts'], body: silenceBodySchema, response: { 201: z.object({ silence: silenceSchema }), 409: errorSchema, ...errorResponses } } },
    async (request, reply) => {
      const project = requireScope(request, 'member');
      const silence = await engine().addSilence(project, { ...(request.body as object), createdBy: silenceAuthor(request) } as never);
      auditChange(request, { target: silence.id, after: silence });
      reply.code(201);
      return { silence };
    },
  );

  app.delete(
    '/api/v1/alerts/silences/:id',
    { config: { scope: 'member' }, schema: { summary: 'Expire a silence now', tags: ['alerts'], params: idParams, response: { 200: z.object({ silence: silenceSchema }), ...errorResponses } } },
    async (request) => {
      const project = requireScope(request, 'member');
      const s = await engine().expireSilence(project, request.params.id);
      if (!s) throw new LookoutError('not_found', `no silence '${request.params.id}'`);
      auditChange(request, { after: s });
      return { silence: s };
    },
  );
}
