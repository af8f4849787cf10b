import { z } from 'zod';
import { ingestItemSchema, type ItemResult } from '../../ingest/api/schema.ts';
import { errorSchema } from '../openapi.ts';
import type { Assert, Extends } from './check.ts';

// The native ingest API: what POST /api/v1/ingest takes and answers.

export const ingestBatchSchema = z
  .object({
    batch: z.array(ingestItemSchema.meta({ id: 'IngestItem' })),
  })
  .strict()
  .meta({
    id: 'IngestBatch',
    description:
      'Items are validated one by one: a bad item is refused with a message naming its fields while the others are stored. Timestamps are RFC 3339 strings or epoch milliseconds.',
  });

export const ingestItemResultSchema = z
  .object({
    index: z.number().int().describe('the position of the item in the batch'),
    type: z.string().nullable().describe('null when the item had no known type'),
    status: z.enum(['accepted', 'duplicate', 'rejected']).describe('duplicate: stored before, by id; nothing changed'),
    id: z.string().optional(),
    traceId: z.string().optional(),
    spanId: z.string().optional(),
    error: z.string().optional().describe('why the item was refused, field by field'),
  })
  .meta({ id: 'IngestItemResult' });

const ingestCounts = {
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.number().int(),
  results: z.array(ingestItemResultSchema).describe('one per item, in the order of the batch'),
};

export const ingestResultSchema = z.object(ingestCounts).meta({ id: 'IngestResult', description: 'every item stored (or stored before)' });

// 207 and the 400 of a batch with every item refused: the results, and an error naming the count.
export const ingestPartialResultSchema = z
  .object({ ...ingestCounts, error: errorSchema.shape.error })
  .meta({ id: 'IngestPartialResult', description: 'some or all items refused: see results[].error' });

export type IngestChecks = [Assert<Extends<ItemResult, z.output<typeof ingestItemResultSchema>>>, Assert<Extends<z.output<typeof ingestItemResultSchema>, ItemResult>>];
