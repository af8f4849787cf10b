import type { BudgetBook } from '../budgets/book.ts';
import type { Pricer } from '../enrich/pricing/index.ts';
import type { ContentPolicy } from '../ingest/content-policy.ts';
import type { Alerting } from '../alerts/service.ts';
import type { RetentionJob } from '../lifecycle/retention.ts';
import type { ProjectId, Store } from '../store/store.ts';

// What the tools read, each part the same object the HTTP API's routes read (the server's
// context satisfies this), so a tool and its route answer from the same functions.
export interface McpDeps {
  store: Store;
  pricer: Pricer;
  budgets: BudgetBook;
  alerting: Pick<Alerting, 'engine'>;
  retention: Pick<RetentionJob, 'policy'>;
  content: Pick<ContentPolicy, 'captures' | 'hash'>;
}

// One caller's view: the project its key belongs to, and where the web UI is, for links.
export interface McpCaller {
  projectId: ProjectId;
  // The web UI's origin as the caller reached the server ('' for paths relative to it).
  uiOrigin: string;
}

export const traceUrl = (caller: McpCaller, traceId: string): string => `${caller.uiOrigin}/traces/${traceId}`;
export const spanUrl = (caller: McpCaller, traceId: string, spanId: string): string => `${caller.uiOrigin}/traces/${traceId}?span=${spanId}`;
export const pageUrl = (caller: McpCaller, path: string): string => `${caller.uiOrigin}${path}`;

// A tool's answer: compact JSON (no indentation: the client's context is small).
export function jsonResult(value: unknown): { content: { type: 'text'; text: string }[] } {
  return { content: [{ type: 'text', text: JSON.stringify(value) }] };
}
