import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../domain/time.ts';
import { securityEventFromLog } from '../../enrich/security/events.ts';
import { detectInjection } from '../../enrich/security/injection.ts';
import { applyPrivacyInput } from '../../enrich/redact/settings.ts';
import { LookoutError } from '../../errors.ts';
import { auditChange } from '../audit-hook.ts';
import { parseRangeParams } from '../../query/params.ts';
import type { SecurityEventCursor } from '../../store/store.ts';
import { requireScope, type AppContext } from '../context.ts';
import { errorResponses } from '../openapi.ts';
import {
  privacyAnswerSchema,
  privacyBodySchema,
  privacyTestAnswerSchema,
  privacyTestBodySchema,
  securityEventSchema,
  securityEventsPageSchema,
  securityEventsQuerySchema,
  securitySummaryQuerySchema,
  securitySummarySchema,
} from '../schemas/security.ts';

// E1/E2: the security event log (what was found, never the value) and each project's privacy
// settings, with a box to try text against them.

type WireEvent = z.output<typeof securityEventSchema>;

function encodeCursor(c: SecurityEventCursor): string {
  return Buffer.from(JSON.stringify([c.timestampUs, c.id])).toString('base64url');
}

function decodeCursor(text: string): SecurityEventCursor {
  try {
    const [timestampUs, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof timestampUs === 'number' && Number.isSafeInteger(timestampUs) && typeof id === 'string' && id.length <= 100) return { timestampUs, id };
  } catch {
    // answered below
  }
  throw new LookoutError('invalid_parameter', 'cursor: not a cursor this API gave; pass nextCursor of the previous page as it came');
}

// Points of the summary's series: about a hundred over any range.
function bucketFor(spanMs: number): number {
  if (spanMs <= 6 * HOUR_MS) return 5 * MINUTE_MS;
  if (spanMs <= 4 * DAY_MS) return HOUR_MS;
  return DAY_MS;
}

export function registerSecurityRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/v1/security/events',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'Security events: PII and secrets found, prompt injections, refused requests — newest first',
        tags: ['security'],
        querystring: securityEventsQuerySchema,
        response: { 200: securityEventsPageSchema, ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'read');
      const q = request.query;
      const range = parseRangeParams({ from: q.from, to: q.to }, Date.now());
      const logs = await ctx.store.listSecurityEvents(
        project,
        { fromUs: range.fromMs * 1000, toUs: range.toMs * 1000, type: q.type, userId: q.user, traceId: q.traceId },
        { limit: q.limit + 1, after: q.cursor ? decodeCursor(q.cursor) : null },
      );
      const page = logs.slice(0, q.limit);
      const last = page[page.length - 1];
      const events: WireEvent[] = page.map((l) => {
        const e = securityEventFromLog(l);
        const { projectId: _p, timestampUs, ...rest } = e;
        return { ...rest, time: new Date(timestampUs / 1000).toISOString() };
      });
      return { events, nextCursor: logs.length > q.limit && last ? encodeCursor({ timestampUs: last.timestampUs, id: last.id }) : null };
    },
  );

  app.get(
    '/api/v1/security/summary',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'Security events counted by type over time, and the users with most',
        tags: ['security'],
        querystring: securitySummaryQuerySchema,
        response: { 200: securitySummarySchema, ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'read');
      const range = parseRangeParams({ from: request.query.from, to: request.query.to }, Date.now());
      const bucketMs = bucketFor(range.toMs - range.fromMs);
      const counts = await ctx.store.securityEventCounts(
        project,
        { fromUs: range.fromMs * 1000, toUs: range.toMs * 1000 },
        { bucketUs: bucketMs * 1000, topUsers: request.query.top },
      );
      return {
        from: new Date(range.fromMs).toISOString(),
        to: new Date(range.toMs).toISOString(),
        bucketSeconds: bucketMs / 1000,
        byType: counts.byType,
        series: counts.series.map((s) => ({ time: new Date(s.bucketStartUs / 1000).toISOString(), type: s.type, events: s.events, values: s.values })),
        topUsers: counts.topUsers,
      };
    },
  );

  const privacyAnswer = (project: string) => ({
    redact: ctx.config.privacy.redact,
    settings: ctx.privacy.settingsOf(project),
    customised: ctx.privacy.isCustomised(project),
    defaults: ctx.config.privacy.defaults,
  });

  app.get(
    '/api/v1/privacy',
    {
      config: { scope: 'read' },
      schema: { summary: "The project's privacy settings: what is done with each kind of sensitive value", tags: ['security'], response: { 200: privacyAnswerSchema, ...errorResponses } },
    },
    async (request) => privacyAnswer(requireScope(request, 'read')),
  );

  app.put(
    '/api/v1/privacy',
    {
      config: { scope: 'admin' },
      schema: {
        summary: "Changes the project's privacy settings (fields not given keep their value); applies to records ingested from now on",
        tags: ['security'],
        body: privacyBodySchema,
        response: { 200: privacyAnswerSchema, ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'admin');
      // An empty change would make the instance's defaults this project's own, and no longer follow them.
      if (request.body === null || typeof request.body !== 'object' || Object.keys(request.body).length === 0) {
        throw new LookoutError('invalid_request', 'body: name at least one of modes, custom, gatewayInjection (DELETE goes back to the instance defaults)');
      }
      const before = ctx.privacy.settingsOf(project);
      await ctx.privacy.update(project, request.body);
      auditChange(request, { target: project, before, after: ctx.privacy.settingsOf(project) });
      request.log.info({ event: 'privacy_changed', project, settings: ctx.privacy.settingsOf(project) }, 'privacy settings changed');
      return privacyAnswer(project);
    },
  );

  app.delete(
    '/api/v1/privacy',
    {
      config: { scope: 'admin' },
      schema: { summary: "Puts the project back on the instance's default privacy settings", tags: ['security'], response: { 200: privacyAnswerSchema, ...errorResponses } },
    },
    async (request) => {
      const project = requireScope(request, 'admin');
      const before = ctx.privacy.settingsOf(project);
      await ctx.privacy.reset(project, request.log);
      auditChange(request, { target: project, before, after: ctx.privacy.settingsOf(project) });
      return privacyAnswer(project);
    },
  );

  app.post(
    '/api/v1/privacy/test',
    {
      config: { scope: 'read', audit: false },
      schema: {
        summary: 'What the redactor and the injection detector make of a text (nothing is stored)',
        description: "`settings`, when given, are merged over the project's own (as PUT would) and tried without being saved.",
        tags: ['security'],
        body: privacyTestBodySchema,
        response: { 200: privacyTestAnswerSchema, ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'read');
      const { text, settings } = request.body;
      // Redaction turned off for the instance: the text is stored as it is.
      if (!ctx.config.privacy.redact) return { text, failed: false, findings: [], injection: detectInjection(text, 'prompt') };
      const redactor = settings ? ctx.privacy.preview(project, validated(ctx, applyPrivacyInput(ctx.privacy.settingsOf(project), settings))) : ctx.privacy.redactorOf(project);
      const out = redactor.redact(text);
      const injection = detectInjection(out.text ?? '', 'prompt');
      return { text: out.text, failed: out.failed, findings: out.findings, injection };
    },
  );
}

function validated<T extends { custom: { name: string; pattern: string }[] }>(ctx: AppContext, settings: T): T {
  ctx.privacy.check(settings.custom);
  return settings;
}
