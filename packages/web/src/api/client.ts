// The client of the Lookout HTTP API, on the typed client generated from the server's OpenAPI
// document (@lookout/client): a call names a documented path, and its parameters, body and answer
// have the types the server declares. Every call adds the API key kept in sessionStorage — or,
// without one, the signed-in person's CSRF token and chosen project (./session.ts; the session
// cookie goes by itself) — and turns the server's error shape `{ error: { code, message } }` into
// an ApiError whose message a page can show as it is.

import { createLookoutClient, LookoutApiError, type Answer, type Body, type LookoutClient, type paths, type Query } from '@lookout/client';
import { csrf, isCsrfRefusal, selectedProject, sessionHeaders, setCsrf } from './session.ts';
import type { ApiErrorBody, AuthConfig, Me, QueryResult } from './types.ts';

const KEY_STORAGE = 'lookout.apiKey';

// The catalog's error with the wording the pages show; `network` when the server was not reached.
export class ApiError extends LookoutApiError {
  override name = 'ApiError';
}

// What to show for a failed call: the API's message as it is.
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function apiKey(): string | null {
  try {
    return sessionStorage.getItem(KEY_STORAGE);
  } catch {
    return null;
  }
}

// The app shell listens for `lookout:auth` (key or sign-in changed: reload) and
// `lookout:unauthorized` (a 401: show the sign-in screen).
export function setApiKey(key: string | null): void {
  try {
    if (key) sessionStorage.setItem(KEY_STORAGE, key);
    else sessionStorage.removeItem(KEY_STORAGE);
  } catch {
    // Storage disabled: nothing to keep.
  }
  window.dispatchEvent(new Event('lookout:auth'));
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Operation<P extends keyof paths, M extends Method> = paths[P][M];
type PathsWith<M extends Method> = { [P in keyof paths]: paths[P] extends { [K in M]: { responses: unknown } } ? P : never }[keyof paths];
type PathParams<P extends keyof paths, M extends Method> = Operation<P, M> extends { parameters: { path: infer X } } ? X : never;
// The path parameters, as a last argument for the routes that have them and none for the others.
type PathArg<P extends keyof paths, M extends Method> = [PathParams<P, M>] extends [never] ? [] : [pathParams: PathParams<P, M>];
// A query string is text either way: a number may be given where the server reads a string (sent
// as its decimal text) and text where it reads a number (a form field; the server checks it). An
// empty string, null or undefined leaves the parameter out.
type Loose<Q> = { [K in keyof Q]?: Q[K] | (string extends NonNullable<Q[K]> ? number : never) | (number extends NonNullable<Q[K]> ? string : never) | null };
export type QueryOf<P extends keyof paths, M extends Method = 'get'> = Loose<Query<P, M>>;
// What a route takes as its body; undefined for the routes that take none.
type BodyOf<P extends keyof paths, M extends Method> = [Body<P, M>] extends [never] ? undefined : Body<P, M>;

// Created on first use, so that the page's origin and the test's stubs are in place.
let client: LookoutClient | null = null;
function lookout(): LookoutClient {
  client ??= createLookoutClient({
    baseUrl: globalThis.location?.origin ?? '',
    key: apiKey,
    // The global fetch as it is at each call, as a bare fetch() would use it.
    fetch: (request) => globalThis.fetch(request),
  });
  client.use({
    onRequest({ request }) {
      for (const [name, value] of Object.entries(sessionHeaders({ method: request.method, key: apiKey(), csrfToken: csrf(), project: selectedProject() }))) request.headers.set(name, value);
      return request;
    },
  });
  return client;
}

// The parameters worth sending: an empty text box does not filter.
function presentParams(query: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!query) return undefined;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    out[name] = value;
  }
  return out;
}

type ParseAs = 'text' | 'blob';
interface Sent<T> {
  data: T;
  response: Response;
}

// One request with the stored key; an answer that is not 2xx becomes an ApiError.
async function send<T extends string | Blob>(
  method: Method,
  path: string,
  options: { query?: Record<string, unknown>; pathParams?: unknown; body?: unknown; accept: string; parseAs: ParseAs; signal?: AbortSignal },
): Promise<Sent<T>> {
  const call = lookout()[method.toUpperCase() as Uppercase<Method>] as unknown as (
    path: string,
    init: { params: { query?: Record<string, unknown>; path?: unknown }; body?: unknown; headers: Record<string, string>; parseAs: ParseAs; signal?: AbortSignal },
  ) => Promise<{ data?: T; error?: unknown; response: Response }>;
  const attempt = async () => {
    try {
      return await call(path, {
        params: { query: presentParams(options.query), path: options.pathParams },
        body: options.body,
        headers: { accept: options.accept },
        parseAs: options.parseAs,
        signal: options.signal,
      });
    } catch (err) {
      throw new ApiError(0, 'network', `The Lookout server could not be reached (${(err as Error).message}). Is it running?`);
    }
  };
  let result = await attempt();
  // A session's CSRF token refused (none yet, or the session was rotated): a fresh one from
  // GET /api/v1/me, and the change sent once more.
  if (!apiKey() && isCsrfRefusal(result.response.status, errorOf(result.error))) {
    const before = csrf();
    await loadMe().catch(() => null);
    if (csrf() && csrf() !== before) result = await attempt();
  }
  const { response: res } = result;
  if (!res.ok) throw failure(res, method, result.error);
  return { data: result.data as T, response: res };
}

function errorOf(body: unknown): Partial<ApiErrorBody['error']> | undefined {
  return typeof body === 'object' && body !== null ? (body as Partial<ApiErrorBody>).error : undefined;
}

function failure(res: Response, method: Method, body: unknown): ApiError {
  const error = errorOf(body);
  if (res.status === 401) window.dispatchEvent(new Event('lookout:unauthorized'));
  // A 403 names what the key lacks (a read key, or an admin key of another project changing
  // the whole instance); a read key is told plainly that it cannot change anything.
  const readOnly = res.status === 403 && method !== 'get' && /scope 'read'/.test(error?.message ?? '') && !!apiKey();
  let message = readOnly ? `This key is read-only: ${error?.message}` : res.status === 403 ? `Not allowed: ${error?.message ?? 'you may not do this'}` : (error?.message ?? `${res.status} ${res.statusText}`);
  const retryAfter = res.headers.get('retry-after');
  if ((res.status === 429 || res.status === 503) && retryAfter) message += ` (retry in ${retryAfter} s)`;
  return new ApiError(res.status, error?.code ?? String(res.status), message, error?.retryable ?? false);
}

async function json<P extends keyof paths, M extends Method>(
  method: M,
  path: P,
  options: { query?: object; pathParams?: unknown; body?: unknown; signal?: AbortSignal },
): Promise<Answer<P, M>> {
  const { data: text } = await send<string>(method, path, { ...options, query: options.query as Record<string, unknown> | undefined, accept: 'application/json', parseAs: 'text' });
  if (!text) return null as Answer<P, M>;
  try {
    return JSON.parse(text) as Answer<P, M>;
  } catch {
    return text as Answer<P, M>;
  }
}

// GET of a documented path: `get('/api/v1/spans', { limit: 10 })`,
// `get('/api/v1/traces/{traceId}', undefined, { traceId })`.
export function get<P extends PathsWith<'get'>>(path: P, query?: QueryOf<P>, ...pathParams: PathArg<P, 'get'>): Promise<Answer<P, 'get'>> {
  return json('get', path, { query, pathParams: pathParams[0] });
}

export function post<P extends PathsWith<'post'>>(path: P, body: BodyOf<P, 'post'>, ...pathParams: PathArg<P, 'post'>): Promise<Answer<P, 'post'>> {
  return json('post', path, { body, pathParams: pathParams[0] });
}

export function put<P extends PathsWith<'put'>>(path: P, body: BodyOf<P, 'put'>, ...pathParams: PathArg<P, 'put'>): Promise<Answer<P, 'put'>> {
  return json('put', path, { body, pathParams: pathParams[0] });
}

export function patch<P extends PathsWith<'patch'>>(path: P, body: BodyOf<P, 'patch'>, ...pathParams: PathArg<P, 'patch'>): Promise<Answer<P, 'patch'>> {
  return json('patch', path, { body, pathParams: pathParams[0] });
}

export function del<P extends PathsWith<'delete'>>(path: P, ...pathParams: PathArg<P, 'delete'>): Promise<Answer<P, 'delete'>> {
  return json('delete', path, { pathParams: pathParams[0] });
}

// A GET whose answer type the caller names, for the app shell; pages use `get`, which knows the
// answer from the path.
export function api<T>(path: PathsWith<'get'>, options: { params?: Record<string, unknown>; signal?: AbortSignal } = {}): Promise<T> {
  return json('get', path, { query: options.params, signal: options.signal }) as Promise<T>;
}

// A GET of a text resource (the server's /metrics), with the key and errors as for `get`.
export async function getText<P extends PathsWith<'get'>>(path: P, query?: QueryOf<P>): Promise<string> {
  return (await send<string>('get', path, { query, accept: 'text/plain', parseAs: 'text' })).data;
}

// ---- /api/v1/analytics/query (docs/analytics.md) ----

export type AnalyticsParams = QueryOf<'/api/v1/analytics/query'>;

// measures and groupBy comma-separated, filter repeated ("<dimension>:<value>[,<value>]"),
// from/to, bucket, orderBy, limit, scoreName.
export function analytics(params: AnalyticsParams): Promise<QueryResult> {
  return get('/api/v1/analytics/query', params);
}

// A file from the API (e.g. the chargeback CSV), saved by the browser. A plain link would not
// carry the API key, so the file is fetched here and handed over as a blob.
export async function download<P extends PathsWith<'get'>>(path: P, query: QueryOf<P>, fallbackName: string): Promise<void> {
  const { data, response } = await send<Blob>('get', path, { query, accept: '*/*', parseAs: 'blob' });
  const name = /filename="?([^";]+)"?/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(data);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// ---- people (docs/auth.md) ----
// The routes a person signs in with live under /auth, outside the API: plain fetch, same-origin,
// the session cookie set and sent by the browser.

async function authCall(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { accept: 'application/json', ...sessionHeaders({ method, key: null, csrfToken: csrf(), project: null }) };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await globalThis.fetch(new Request(`${globalThis.location?.origin ?? ''}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' }));
  } catch (err) {
    throw new ApiError(0, 'network', `The Lookout server could not be reached (${(err as Error).message}). Is it running?`);
  }
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  if (!res.ok) {
    const error = errorOf(parsed);
    let message = error?.message ?? `${res.status} ${res.statusText}`.trim();
    const retryAfter = res.headers.get('retry-after');
    if (res.status === 429 && retryAfter) message += ` (retry in ${retryAfter} s)`;
    throw new ApiError(res.status, error?.code ?? String(res.status), message, error?.retryable ?? false);
  }
  return { status: res.status, body: parsed };
}

// What the sign-in screen offers; null from a server that has no sign-in (only keys).
export async function authConfig(): Promise<AuthConfig | null> {
  try {
    return (await authCall('GET', '/auth/config')).body as AuthConfig;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

export async function signIn(email: string, password: string): Promise<void> {
  await authCall('POST', '/auth/login', { email, password });
  setCsrf(null);
}

// Ends the session on the server; the provider's logout address when it has one to visit.
export async function signOut(): Promise<string | null> {
  let answer: { status: number; body: unknown };
  try {
    answer = await authCall('POST', '/auth/logout', {});
  } catch (err) {
    // The token of a rotated session: a fresh one, and once more.
    if (!(err instanceof ApiError) || !isCsrfRefusal(err.status, { code: err.code, message: err.message })) throw err;
    await loadMe().catch(() => null);
    answer = await authCall('POST', '/auth/logout', {});
  }
  setCsrf(null);
  const end = (answer.body as { endSessionUrl?: unknown } | null)?.endSessionUrl;
  return typeof end === 'string' && end ? end : null;
}

// GET /api/v1/me, keeping the session's CSRF token for the changes that follow; null from a
// server without the route.
export async function loadMe(): Promise<Me | null> {
  try {
    const me: Me = await get('/api/v1/me');
    setCsrf(me.kind === 'user' ? me.csrfToken : null);
    return me;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}
