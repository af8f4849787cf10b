import { z } from 'zod';
import type { ProjectDeletion } from '../../lifecycle/project-deletion.ts';
import type { Assert, Extends } from './check.ts';
import { erasureCountsSchema } from './erasure.ts';

// A project deletion as the API answers with it.
export const projectDeletionSchema = z
  .object({
    id: z.string().describe('the deletion id, for GET /api/v1/project-deletions/{id}'),
    project: z.string(),
    requestedBy: z.string().describe("who asked: the API key's id, 'user:<id> (<email>)' for a signed-in person, or 'operator' (a keyless request to a loopback-bound server)"),
    requestedAt: z.string().describe('RFC 3339, UTC'),
    status: z.enum(['running', 'done', 'failed']),
    erasureId: z.string().nullable().describe("the erasure job that removed the project's records"),
    counts: erasureCountsSchema.nullable().describe('what was deleted; null until done'),
    finishedAt: z.string().nullable().describe('RFC 3339, UTC; null while running'),
    error: z.string().nullable().describe('why it failed; asking again runs it again'),
    compactsOnStop: z.boolean().describe('the database file keeps the deleted rows in free blocks until the server stops and rewrites it'),
  })
  .meta({ id: 'ProjectDeletion' });

export type ProjectDeletionChecks = [
  Assert<Extends<ProjectDeletion, z.output<typeof projectDeletionSchema>>>,
  Assert<Extends<z.output<typeof projectDeletionSchema>, ProjectDeletion>>,
];
