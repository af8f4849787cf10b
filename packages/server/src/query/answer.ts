import type { AnalyticsBackend, AnalyticsResult } from './contract.ts';
import { parseAnalyticsQueryParams } from './params.ts';
import { retentionNote, type RetentionBounds } from './retention.ts';
import type { ProjectId } from '../store/store.ts';

// The answer to an analytics query given as the HTTP API's parameters (query/params.ts): what
// GET /api/v1/analytics/query and the MCP tool query_analytics both return, so they agree.
export async function answerAnalyticsQuery(analytics: AnalyticsBackend, project: ProjectId, raw: unknown, retention: RetentionBounds, nowMs: number): Promise<AnalyticsResult> {
  const q = { ...parseAnalyticsQueryParams(raw, nowMs), retention };
  const result = await analytics.query(project, q);
  return { ...result, retention: result.retention ?? retentionNote(q, q.retention, false) };
}
