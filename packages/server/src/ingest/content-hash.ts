import { createHash } from 'node:crypto';

// The digest of a prompt or response kept beside (or instead of) its text; the pipeline keys it
// with the project's secret before it is stored. A module of its own so that the OTLP mapping can
// use it on a worker thread without loading the native API's mapping and the price catalog.
export function contentHash(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}
