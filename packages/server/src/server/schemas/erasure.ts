import { z } from 'zod';
import { ERASURE_TARGET_KINDS } from '../../store/store.ts';
import type { ErasureJob } from '../../lifecycle/erasure.ts';
import type { Assert, Extends } from './check.ts';

// An erasure job as the erasure routes answer with it: also the audit log's entry.

export const erasureCountsSchema = z
  .object({
    spans: z.number().int(),
    scores: z.number().int(),
    logs: z.number().int(),
    metricPoints: z.number().int(),
    rollupHours: z.number().int().describe('hourly totals summed again without the erased calls'),
  })
  .meta({ id: 'ErasureCounts' });

export const erasureJobSchema = z
  .object({
    id: z.string(),
    project: z.string(),
    target: z.object({
      kind: z.enum(ERASURE_TARGET_KINDS),
      idHash: z.string().nullable().describe("a keyed hash of the erased id (the project's content hash key): the id itself is not kept"),
    }),
    requestedBy: z.string().describe("who asked: the API key's id, 'user:<id> (<email>)' for a signed-in person, or 'operator' (no key, on a loopback-bound server)"),
    requestedFrom: z.string().nullable().describe('the address the request came from'),
    requestedAt: z.string().describe('RFC 3339, UTC'),
    status: z.enum(['running', 'done', 'failed']),
    counts: erasureCountsSchema.nullable().describe('what was deleted; null until done'),
    finishedAt: z.string().nullable(),
    error: z.string().nullable(),
    compactsOnStop: z.boolean().describe('the database file keeps the erased rows in free blocks until the server stops and rewrites it'),
  })
  .meta({ id: 'ErasureJob' });

export type ErasureChecks = [Assert<Extends<ErasureJob, z.output<typeof erasureJobSchema>>>, Assert<Extends<z.output<typeof erasureJobSchema>, ErasureJob>>];
