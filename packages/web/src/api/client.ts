// The client of the Lookout HTTP API (docs/api.md, docs/analytics.md); the shapes it carries
// are in types.ts. Every call goes through `api`: it adds the API key kept in sessionStorage and
// turns the server's error shape `{ error: { code, message } }` into an ApiError whose message a
// page can show as it is.

import type { ApiErrorBody, QueryResult } from './types.ts';

const KEY_STORAGE = 'lookout.apiKey';

export class ApiError extends Error {
  status: number;
  code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
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

// The app shell listens for `lookout:auth` (key changed: reload) and `lookout:unauthorized`
// (a 401: show the key form).
export function setApiKey(key: string | null): void {
  try {
    if (key) sessionStorage.setItem(KEY_STORAGE, key);
    else sessionStorage.removeItem(KEY_STORAGE);
  } catch {
    // Storage disabled: nothing to keep.
  }
  window.dispatchEvent(new Event('lookout:auth'));
}

export type Params = Record<string, string | number | boolean | null | undefined | string[]>;

export function queryString(params: Params): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const v of value) search.append(name, v);
    else search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

// One request with the stored key; an answer that is not 2xx becomes an ApiError. Returns the
// body as text.
async function send(path: string, accept: string, options: { method?: string; params?: Params; body?: unknown; signal?: AbortSignal }): Promise<string> {
  const headers: Record<string, string> = { accept };
  const key = apiKey();
  if (key) headers.authorization = `Bearer ${key}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`${path}${options.params ? queryString(options.params) : ''}`, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (err) {
    throw new ApiError(0, 'network', `The Lookout server could not be reached (${(err as Error).message}). Is it running?`);
  }
  const text = await res.text();
  if (!res.ok) {
    let error: ApiErrorBody['error'];
    try {
      error = (JSON.parse(text) as ApiErrorBody | null)?.error;
    } catch {
      error = undefined;
    }
    if (res.status === 401) window.dispatchEvent(new Event('lookout:unauthorized'));
    const write = options.method !== undefined && options.method !== 'GET';
    // A 403 names what the key lacks (a read key, or an admin key of another project changing
    // the whole instance); a read key is told plainly that it cannot change anything.
    const readOnly = res.status === 403 && write && /scope 'read'/.test(error?.message ?? '');
    let message = readOnly ? `This key is read-only: ${error?.message}` : res.status === 403 ? `Not allowed: ${error?.message ?? 'this key may not do this'}` : (error?.message ?? `${res.status} ${res.statusText}`);
    const retryAfter = res.headers.get('retry-after');
    if ((res.status === 429 || res.status === 503) && retryAfter) message += ` (retry in ${retryAfter} s)`;
    throw new ApiError(res.status, error?.code ?? String(res.status), message);
  }
  return text;
}

export async function api<T>(path: string, options: { method?: string; params?: Params; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const text = await send(path, 'application/json', options);
  if (!text) return null as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    return text as T;
  }
}

// A GET of a text resource (the server's /metrics), with the key and errors as for `api`.
export function apiText(path: string, options: { params?: Params; signal?: AbortSignal } = {}): Promise<string> {
  return send(path, 'text/plain', options);
}

// ---- /api/v1/analytics/query (docs/analytics.md) ----

// measures and groupBy comma-separated, filter repeated ("<dimension>:<value>[,<value>]"),
// from/to, bucket, orderBy, limit, scoreName.
export function analytics(params: Params): Promise<QueryResult> {
  return api<QueryResult>('/api/v1/analytics/query', { params });
}

// A file from the API (e.g. the chargeback CSV), saved by the browser. A plain link would not
// carry the API key, so the file is fetched here and handed over as a blob.
export async function download(path: string, params: Params, fallbackName: string): Promise<void> {
  const headers: Record<string, string> = {};
  const key = apiKey();
  if (key) headers.authorization = `Bearer ${key}`;
  const res = await fetch(`${path}${queryString(params)}`, { headers });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as ApiErrorBody | null;
    throw new ApiError(res.status, 'download', body?.error?.message ?? `${res.status} ${res.statusText}`);
  }
  const name = /filename="?([^";]+)"?/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
