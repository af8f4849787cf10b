// The typed client of the Lookout HTTP API. `schema.ts` is generated from the server's OpenAPI
// document (docs/openapi.json, `npm run openapi`), so a call's path, parameters, body and answer
// are checked against what the server declares. Used by the web UI, the CLI and the SDK.
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './schema.ts';

export type { components, paths };
export type Schemas = components['schemas'];

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;

// The JSON body of a route's success answer: `Answer<'/api/v1/spans', 'get'>`.
export type Answer<P extends keyof paths, M extends Method = 'get'> = paths[P][M] extends { responses: infer R }
  ? R extends { 200: infer S } ? JsonOf<S> : R extends { 201: infer S } ? JsonOf<S> : R extends { 202: infer S } ? JsonOf<S> : never
  : never;

// The JSON body a route takes: `Body<'/api/v1/budgets', 'post'>`.
export type Body<P extends keyof paths, M extends Method = 'post'> = paths[P][M] extends { requestBody?: infer B } ? JsonOf<NonNullable<B>> : never;

// The query parameters a route takes: `Query<'/api/v1/spans'>`.
export type Query<P extends keyof paths, M extends Method = 'get'> = paths[P][M] extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

export type ErrorBody = Schemas['Error'];

// An answer that is not 2xx, with the server's code and message (docs/errors.md).
export class LookoutApiError extends Error {
  override name = 'LookoutApiError';
  readonly status: number;
  readonly code: string;
  readonly retryable: boolean;
  constructor(status: number, code: string, message: string, retryable = false) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryable = retryable;
  }
}

export interface ClientOptions {
  baseUrl: string;
  // Sent as `Authorization: Bearer <key>`; a function is asked on every request.
  key?: string | null | (() => string | null | undefined);
  fetch?: (request: Request) => Promise<Response>;
}

export type LookoutClient = Client<paths>;

export function createLookoutClient(options: ClientOptions): LookoutClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    fetch: options.fetch,
    // Repeated parameters (`measures=cost&measures=requests`) as the server reads them.
    querySerializer: { array: { style: 'form', explode: true } },
  });
  client.use({
    onRequest({ request }) {
      const key = typeof options.key === 'function' ? options.key() : options.key;
      if (key) request.headers.set('authorization', `Bearer ${key}`);
      return request;
    },
  });
  return client;
}

// The body of a successful answer, or a LookoutApiError with the server's code and message.
export async function unwrap<T>(result: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await result;
  if (response.ok) return data as T;
  const body = (error as Partial<ErrorBody> | undefined)?.error;
  throw new LookoutApiError(
    response.status,
    body?.code ?? 'unknown',
    body?.message ?? `${response.status} ${response.statusText}`.trim(),
    body?.retryable ?? false,
  );
}
