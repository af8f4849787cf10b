import { AsyncLocalStorage } from 'node:async_hooks';

// Whose request a store read serves, so that the store can share its read connections out
// fairly (store/duckdb/db.ts). The tenant is the project: every key of a project, and the
// keyless operator (the default project), is one tenant, so that minting more keys buys no more
// of the store. Set once per request by the HTTP layer; reads outside any request (alert
// evaluation, start-up, background refreshes) are the server's own, INTERNAL_READS.
const tenant = new AsyncLocalStorage<string>();

export const INTERNAL_READS = '(internal)';
// The ingest pipeline's duplicate checks, for all clients at once.
export const INGEST_READS = '(ingest)';

export function readTenantOfProject(projectId: string): string {
  return `project:${projectId}`;
}

// The server's own reads: they go before every tenant's and have a connection no tenant may hold.
export function isServerRead(who: string): boolean {
  return who === INTERNAL_READS || who === INGEST_READS;
}

export function runAsReadTenant<T>(who: string, fn: () => T): T {
  return tenant.run(who, fn);
}

// For background work begun while serving a request (a timer, a loop kicked by an ingest call):
// AsyncLocalStorage hands the request's tag to everything started inside it, which would count
// the server's work against that project and queue it behind the project's analytics.
export function runAsServer<T>(fn: () => T): T {
  return tenant.run(INTERNAL_READS, fn);
}

export function currentReadTenant(): string {
  return tenant.getStore() ?? INTERNAL_READS;
}
