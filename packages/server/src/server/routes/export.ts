import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LookoutError } from '../../errors.ts';
import { parseRangeParams } from '../../query/params.ts';
import { QUERY_LIMITS } from '../../query/contract.ts';
import { EXPORT_FORMATS, EXPORT_KINDS, type ExportFormat, type ExportKind } from '../../store/store.ts';
import { requireScope, type AppContext } from '../context.ts';
import { errorResponses } from '../openapi.ts';
import { metadataFilter, spanFilterFields } from './spans.ts';

// G4: one project's spans, scores or logs as a CSV, JSONL or Parquet download. The store writes
// the file (store/project-export.ts), the answer streams it from disk and the file is removed
// when the answer ends, so memory stays flat however many rows match. Columns:
// docs/data-lifecycle.md#export.

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/x-ndjson',
  parquet: 'application/vnd.apache.parquet',
};

const range = {
  from: z.string().optional().describe("start of the range (inclusive): an instant or a duration back from now ('24h', '7d'); default: 7 days before `to`"),
  to: z.string().optional().describe('end of the range (exclusive): an instant or a duration back from now; default: now'),
};
const common = {
  format: z.enum(EXPORT_FORMATS, { message: `must be one of ${EXPORT_FORMATS.join(', ')}` }).default('csv').describe('csv (default, with a header line), jsonl or parquet'),
  content: z.enum(['true', 'false'], { message: "must be 'true' or 'false'" }).default('true').describe('false: prompt and response text and log bodies are left out (null)'),
};
const traceId = z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex characters').optional().describe('only those of this trace');

const amountOrder = (q: { minCostUsd?: number; maxCostUsd?: number; minDurationMs?: number; maxDurationMs?: number }, ctx: z.RefinementCtx) => {
  if (q.minCostUsd !== undefined && q.maxCostUsd !== undefined && q.minCostUsd > q.maxCostUsd) ctx.addIssue({ code: 'custom', message: 'must not be below minCostUsd', path: ['maxCostUsd'] });
  if (q.minDurationMs !== undefined && q.maxDurationMs !== undefined && q.minDurationMs > q.maxDurationMs) {
    ctx.addIssue({ code: 'custom', message: 'must not be below minDurationMs', path: ['maxDurationMs'] });
  }
};

const QUERIES = {
  spans: z.object({ ...spanFilterFields, ...range, ...common }).strict().superRefine(amountOrder),
  scores: z.object({ ...range, ...common, traceId, userId: z.string().optional() }).strict(),
  logs: z.object({ ...range, ...common, traceId }).strict(),
} satisfies Record<ExportKind, z.ZodType>;

const SUMMARIES: Record<ExportKind, string> = {
  spans: "The project's spans matching every filter, as a CSV, JSONL or Parquet download",
  scores: "The project's scores, as a CSV, JSONL or Parquet download",
  logs: "The project's logs, as a CSV, JSONL or Parquet download",
};

function fileName(kind: ExportKind, format: ExportFormat, fromMs: number, toMs: number): string {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 19).replaceAll(':', '');
  return `lookout-${kind}-${day(fromMs)}-${day(toMs)}.${format}`;
}

export function registerExportRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  // Directories of files still being sent: removed on close too, since a stop right after an
  // answer can come before the stream's own clean-up has run.
  const pending = new Set<string>();
  fastify.addHook('onClose', async () => {
    await Promise.all([...pending].map((dir) => rm(dir, { recursive: true, force: true }).catch(() => undefined)));
  });
  for (const kind of EXPORT_KINDS) {
    app.get(
      `/api/v1/export/${kind}`,
      { config: { scope: 'read' },
        schema: {
          summary: SUMMARIES[kind],
          description: `The range defaults to the 7 days before 'to' and spans at most ${QUERY_LIMITS.maxRangeDays} days, as for analytics. Columns and types: docs/data-lifecycle.md#export.`,
          tags: ['export'],
          querystring: QUERIES[kind],
          response: {
            200: {
              description: 'the file, streamed; Content-Disposition names it',
              content: Object.fromEntries(EXPORT_FORMATS.map((f) => [CONTENT_TYPES[f].split(';')[0], { schema: z.string() }])),
            },
            ...errorResponses,
          },
        },
      },
      async (request, reply) => {
        const project = requireScope(request, 'read');
        const exporter = ctx.store.projectExport;
        if (!exporter) throw new LookoutError('invalid_request', `export is not available on the ${ctx.store.backend} backend`);
        const { format, content, from, to, metadata, prompt, ...filters } = request.query as z.output<(typeof QUERIES)['spans']>;
        const { fromMs, toMs } = parseRangeParams({ from, to }, Date.now());
        // mkdtemp makes the directory private (0700): the file may hold prompts until it is sent.
        const dir = await mkdtemp(join(tmpdir(), 'lookout-download-'));
        const path = join(dir, `export.${format}`);
        pending.add(dir);
        const cleanup = () =>
          rm(dir, { recursive: true, force: true })
            .then(() => pending.delete(dir))
            .catch(() => undefined);
        try {
          const { rows } = await exporter.exportToFile(project, { kind, format, content: content === 'true', filter: { ...filters, metadata: metadataFilter(metadata, prompt), fromMs, toMs } }, path);
          const stream = createReadStream(path);
          stream.once('close', () => void cleanup());
          reply
            .header('content-type', CONTENT_TYPES[format])
            .header('content-disposition', `attachment; filename="${fileName(kind, format, fromMs, toMs)}"`)
            .header('x-lookout-rows', String(rows));
          // The schema documents the file as a string; Fastify sends a stream as it is, unserialised.
          return reply.send(stream as unknown as string);
        } catch (err) {
          await cleanup();
          throw err;
        }
      },
    );
  }
}
