import { AsyncLocalStorage } from 'node:async_hooks';

// Whose request a store read serves (an API key id, or the project for requests without a key),
// so that the store can cap how many of its connections one tenant holds at a time. Set once per
// request by the HTTP layer; reads outside any request (alert evaluation, start-up) belong to
// INTERNAL_READS.
const tenant = new AsyncLocalStorage<string>();

export const INTERNAL_READS = '(internal)';
// The ingest pipeline's duplicate checks, for all clients at once.
export const INGEST_READS = '(ingest)';

export function runAsReadTenant<T>(who: string, fn: () => T): T {
  return tenant.run(who, fn);
}

export function currentReadTenant(): string {
  return tenant.getStore() ?? INTERNAL_READS;
}
