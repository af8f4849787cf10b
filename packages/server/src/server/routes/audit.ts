import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DAY_MS, parseRange } from '../../domain/time.ts';
import { LookoutError } from '../../errors.ts';
import { MAX_AUDIT_PAGE, projectId, type AuditEntry, type AuditQuery } from '../../store/store.ts';
import { auditRecorderOf, recordAudit } from '../audit-hook.ts';
import { isOperator, requireScope, type AppContext } from '../context.ts';
import { errorResponses } from '../openapi.ts';
import {
  auditExportQuerySchema,
  auditPageSchema,
  auditQuerySchema,
  DEFAULT_AUDIT_RANGE_DAYS,
  MAX_AUDIT_EXPORT_ENTRIES,
  MAX_AUDIT_RANGE_DAYS,
} from '../schemas/audit.ts';

// E4: reading the audit log (project admins: their project; the instance operator: any, or all
// with project=*), and exporting it as JSONL. Reading is not recorded; exporting is (audit.export).

const tags = ['audit'];
const EXPORT_PAGE = 1000;

type Filters = z.output<typeof auditExportQuerySchema>;

// A page's cursor: the last entry's (at, id), opaque to clients.
export function encodeCursor(e: Pick<AuditEntry, 'at' | 'id'>): string {
  return Buffer.from(`${e.at}\n${e.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(text: string): { at: string; id: string } {
  const [at, id, ...rest] = Buffer.from(text, 'base64url').toString('utf8').split('\n');
  if (rest.length || !id || !at || Number.isNaN(Date.parse(at)) || !/^[\x21-\x7e]{1,128}$/.test(id)) {
    throw new LookoutError('invalid_parameter', 'before: not a cursor this API gave; pass the `next` of the previous page as it came');
  }
  return { at, id };
}

function auditQuery(request: FastifyRequest, q: Filters, limit: number): Omit<AuditQuery, 'before'> & { rangeFrom: string; rangeTo: string } {
  const own = requireScope(request, 'admin');
  let project: AuditQuery['projectId'] = own;
  if (q.project !== undefined && q.project !== own) {
    if (!isOperator(request)) {
      throw new LookoutError('forbidden', `project: the audit log of ${q.project === '*' ? 'every project' : `project '${q.project}'`} is the instance operator's to read; this caller is an admin of '${own}'`);
    }
    project = q.project === '*' ? null : projectId(q.project);
  }
  // Without `to`, up to now inclusive: an entry of this very millisecond is in the answer.
  const now = Date.now();
  const { fromMs, toMs } = parseRange({ from: q.from, to: q.to }, q.to === undefined ? now + 1 : now, { spanMs: DEFAULT_AUDIT_RANGE_DAYS * DAY_MS });
  if (toMs - fromMs > MAX_AUDIT_RANGE_DAYS * DAY_MS) {
    throw new LookoutError('invalid_parameter', `from: the range spans at most ${MAX_AUDIT_RANGE_DAYS} days; narrow it with from and to`);
  }
  return {
    projectId: project,
    fromMs,
    toMs,
    ...(q.actor !== undefined ? { actor: q.actor } : {}),
    ...(q.action !== undefined ? { action: q.action } : {}),
    limit,
    rangeFrom: new Date(fromMs).toISOString(),
    rangeTo: new Date(toMs).toISOString(),
  };
}

export function registerAuditRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/v1/audit',
    {
      config: { scope: 'admin' },
      schema: {
        summary: 'The audit log: who changed what, when and from where, newest first (project admins; the operator may read any project, or all)',
        description: 'Entries of the range [from, to), filtered by actor and action, a page at a time: pass `next` as `before` for the following page. See docs/audit.md.',
        tags,
        querystring: auditQuerySchema,
        response: { 200: auditPageSchema, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const { rangeFrom, rangeTo, ...query } = auditQuery(request, q, q.limit);
      const before = q.before !== undefined ? decodeCursor(q.before) : undefined;
      // This node's own recent changes are in the answer.
      await auditRecorderOf(ctx).flush();
      // One more than asked says whether there is a next page (a full page of the store's
      // largest may be followed by an empty one).
      const ask = Math.min(query.limit + 1, MAX_AUDIT_PAGE);
      const found = await ctx.store.audit.list({ ...query, limit: ask, ...(before ? { before } : {}) });
      const entries = found.slice(0, query.limit);
      const more = found.length > query.limit || (ask === query.limit && found.length === ask);
      const next = more && entries.length ? encodeCursor(entries[entries.length - 1]) : null;
      return { entries, next, from: rangeFrom, to: rangeTo };
    },
  );

  app.get(
    '/api/v1/audit/export',
    {
      config: { scope: 'admin' },
      schema: {
        summary: 'The audit log as JSONL, one entry per line, newest first (recorded as audit.export)',
        description: `Same filters as GET /api/v1/audit. At most ${MAX_AUDIT_EXPORT_ENTRIES} entries: a longer export ends with a line {"truncated": true, "before": <cursor>} — export again with that \`before\` for the rest.`,
        tags,
        querystring: auditExportQuerySchema,
        response: {
          200: { description: 'the entries, streamed; Content-Disposition names the file', content: { 'application/x-ndjson': { schema: z.string() } } },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const max = q.limit ?? MAX_AUDIT_EXPORT_ENTRIES;
      const { rangeFrom, rangeTo, ...query } = auditQuery(request, q, EXPORT_PAGE);
      await auditRecorderOf(ctx).flush();
      // Exporting the log is itself recorded (reading a page is not).
      recordAudit(ctx, { action: 'audit.export', request, status: 200, target: null, details: { from: rangeFrom, to: rangeTo, project: q.project ?? null, actor: q.actor ?? null, action: q.action ?? null } });
      const log = ctx.store.audit;
      const logger = request.log;
      const start = q.before !== undefined ? decodeCursor(q.before) : undefined;
      async function* lines(): AsyncGenerator<string> {
        let before = start;
        let sent = 0;
        while (sent < max) {
          const want = Math.min(EXPORT_PAGE, max - sent);
          const page = await log.list({ ...query, limit: want, ...(before ? { before } : {}) });
          for (const e of page) {
            yield `${JSON.stringify(e)}\n`;
            sent++;
            before = { at: e.at, id: e.id };
          }
          if (page.length < want) return;
        }
        // `max` sent: the marker says whether entries remain, with the cursor of the last one sent
        // (entries of that same millisecond not sent yet come with the next export).
        if (before === undefined || (await log.list({ ...query, limit: 1, before })).length === 0) return;
        const cursor = encodeCursor(before);
        yield `${JSON.stringify({ truncated: true, entries: sent, before: cursor, lastAt: before.at, message: `at most ${max} entries per export; export again with before=${cursor} for the older ones` })}\n`;
      }
      const stream = Readable.from(lines(), { objectMode: false });
      stream.on('error', (err) => logger.error({ err, event: 'audit_export_failed' }, 'the audit export stopped'));
      const stamp = (s: string) => s.replace(/[:.]/g, '').replace(/\d{3}Z$/, 'Z');
      reply
        .header('content-type', 'application/x-ndjson; charset=utf-8')
        .header('content-disposition', `attachment; filename="lookout-audit-${stamp(rangeFrom)}-${stamp(rangeTo)}.jsonl"`)
        .header('cache-control', 'no-store');
      return reply.send(stream as unknown as string);
    },
  );
}
