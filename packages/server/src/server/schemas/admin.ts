import { z } from 'zod';
import { CONTENT_CAPTURE_MODES, KEY_SCOPES, type ApiKeyInfo, type ContentPurgeResult, type Project } from '../../store/store.ts';
import type { Assert, Extends } from './check.ts';

// Projects and API keys as the admin routes answer with them.

export const projectSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    createdAt: z.string().describe('RFC 3339, UTC'),
    contentCapture: z.enum(CONTENT_CAPTURE_MODES).describe('what the project keeps of prompts and responses'),
  })
  .meta({ id: 'Project' });

export const apiKeyInfoSchema = z
  .object({
    id: z.string(),
    projectId: z.string(),
    prefix: z.string().describe('the first characters of the key, to tell keys apart'),
    scope: z.enum(KEY_SCOPES),
    name: z.string().nullable(),
    createdAt: z.string().describe('RFC 3339, UTC'),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiKey' });

export const contentPurgeResultSchema = z
  .object({
    spans: z.number().int().describe('spans changed'),
    logs: z.number().int().describe('logs changed'),
    compactsOnStop: z.boolean().describe('the database file still holds the old row versions until the server stops'),
  })
  .meta({ id: 'ContentPurgeResult' });

export type AdminChecks = [
  Assert<Extends<Project, z.output<typeof projectSchema>>>,
  Assert<Extends<z.output<typeof projectSchema>, Omit<Project, 'id'> & { id: string }>>,
  Assert<Extends<ApiKeyInfo, z.output<typeof apiKeyInfoSchema>>>,
  Assert<Extends<z.output<typeof apiKeyInfoSchema>, Omit<ApiKeyInfo, 'projectId'> & { projectId: string }>>,
  Assert<Extends<ContentPurgeResult, z.output<typeof contentPurgeResultSchema>>>,
  Assert<Extends<z.output<typeof contentPurgeResultSchema>, ContentPurgeResult>>,
];
