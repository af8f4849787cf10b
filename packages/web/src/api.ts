// The typed client of the Lookout HTTP API (docs/api.md, docs/analytics.md). Every call goes
// through `api`: it adds the API key kept in sessionStorage and turns the server's error shape
// `{ error: { code, message } }` into an ApiError whose message a page can show as it is.

const KEY_STORAGE = 'lookout.apiKey';

export type KeyScope = 'ingest' | 'read' | 'admin';

export interface Project {
  project: { id: string; name: string; createdAt: string; contentCapture: 'full' | 'metadata' | 'off' };
  scope: KeyScope;
}

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
    let error: { code?: string; message?: string } | undefined;
    try {
      error = (JSON.parse(text) as { error?: { code?: string; message?: string } } | null)?.error;
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

export type Row = Record<string, string | number | null>;

export interface QueryResult {
  fromMs: number;
  toMs: number;
  bucket: 'minute' | 'hour' | 'day' | 'week' | 'month' | null;
  columns: { name: string; kind: string; unit?: string }[];
  rows: Row[];
  truncated: boolean;
}

// measures and groupBy comma-separated, filter repeated ("<dimension>:<value>[,<value>]"),
// from/to, bucket, orderBy, limit, scoreName.
export function analytics(params: Params): Promise<QueryResult> {
  return api<QueryResult>('/api/v1/analytics/query', { params });
}

// ---- budgets (docs/budgets.md) ----

export type BudgetScope = 'project' | 'team' | 'department' | 'user';
export type TierName = 'free' | 'pro' | 'enterprise';

export interface Budget {
  id: string;
  name: string | null;
  scope: BudgetScope;
  subject: string | null; // the team, department or user; null for the project; '*' for each user
  period: 'daily' | 'monthly';
  limitUsd: number;
  warnAtPercent: number[];
  enforce: 'soft' | 'hard';
  createdAt: string;
  updatedAt: string;
  tier?: TierName; // set on the budgets a tier gives
}

// A budget with its spend in the current period (GET /api/v1/budgets/status, the check).
export interface BudgetStatus {
  budget: Budget;
  subject: string | null;
  spentUsd: number;
  limitUsd: number;
  remainingUsd: number;
  percent: number;
  periodStart: string;
  periodEnd: string;
  burnRateUsdPerHour: number;
  forecastUsd: number;
  warningLevel: number | null;
  exceeded: boolean;
  forecastExceeds: boolean;
}

// ---- spans and traces (docs/api.md) ----

export interface Usage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  reasoning: number;
  audio: number;
}

export interface Span {
  projectId: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: string;
  startUs: number;
  endUs: number;
  provider: string | null;
  requestModel: string | null;
  responseModel: string | null;
  usage: Usage;
  cost: { status: string; totalNanoUsd: number | null; priceRowId?: string | null; catalogVersion?: string | null };
  status: string;
  errorClass: string | null;
  errorMessage: string | null;
  finishReason: string | null;
  ttftMs: number | null;
  attribution: Record<string, string | null>;
  tags: string[];
  metadata: Record<string, string>;
  content: { input: string | null; output: string | null } | null;
  requestId: string | null;
}

export interface TraceSummary {
  traceId: string;
  name: string;
  startUs: number;
  durationMs: number;
  spans: number;
  calls: number;
  costUsd: number | null;
  unknownCostCalls: number;
  tokens: number;
  hasError: boolean;
  userId: string | null;
  sessionId: string | null;
  models: string[];
}

// A file from the API (e.g. the chargeback CSV), saved by the browser. A plain link would not
// carry the API key, so the file is fetched here and handed over as a blob.
export async function download(path: string, params: Params, fallbackName: string): Promise<void> {
  const headers: Record<string, string> = {};
  const key = apiKey();
  if (key) headers.authorization = `Bearer ${key}`;
  const res = await fetch(`${path}${queryString(params)}`, { headers });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
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
