import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BACKUPS_DIR, writeBackup } from '../../backup/backup.ts';
import { requireOperator, type AppContext } from '../context.ts';
import { errorResponses } from '../openapi.ts';

// The server picks where the backup goes (its own data directory): a path named by a caller
// would let an API key write files anywhere the server may.
export function registerBackupRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/api/v1/admin/backup',
    {
      config: { scope: 'operator' },
      schema: {
        summary: 'Back up the running DuckDB install into a new directory under <data dir>/backups (operator only)',
        tags: ['admin'],
        response: {
          200: z.object({
            dir: z.string().describe('the directory written, on the server'),
            createdAt: z.string(),
            files: z.array(z.string()).describe('what was copied from the data directory besides the database'),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      requireOperator(request);
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const dir = join(ctx.config.dataDir, BACKUPS_DIR, stamp);
      const manifest = await writeBackup(ctx.store, ctx.config.dataDir, dir);
      return { dir, createdAt: manifest.createdAt, files: manifest.files };
    },
  );
}
