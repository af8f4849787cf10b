import { sdkEndpoint, swallow } from './core.ts';

// getPrompt(): a prompt of Lookout's registry (GET /api/v1/prompts/:name), for the application to
// send to its model. Kept in a local cache: within `cacheTtlMs` the cached version is returned
// without asking; after it, the cached version is still returned at once while a refresh runs
// behind it; when Lookout cannot answer, the last version it gave stays in use. With nothing
// cached and no answer, the `fallback` is returned: an outage of Lookout never stops the
// application. A numbered version never changes, so it is cached for good.
// Calls asking for the same prompt while it is being fetched share that one request. A failed
// fetch of a prompt not cached is remembered for RETRY_AFTER_FAILURE_MS: meanwhile calls get the
// fallback (or the error) at once, without waiting on Lookout again. When Lookout says the prompt
// or label is not there (or the key may not read it: a 4xx other than 408 and 429), a cached
// version is dropped on its next refresh, and the fallback is used from then on.

export type ChatRole = 'system' | 'developer' | 'user' | 'assistant' | 'tool';

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

export type PromptContent = string | ChatMessage[];

export type PromptVariables = Record<string, string | number | boolean>;

export interface GetPromptOptions {
  // The label to resolve (default 'production'; 'latest' is the newest version), or a version.
  label?: string;
  version?: number;
  // Used when Lookout cannot be asked and nothing is cached, or the prompt (label, version) is
  // not there: a text prompt (a string) or chat messages.
  fallback?: PromptContent;
  // How long an answer is used before it is asked for again (default 60 s), from when Lookout gave it.
  cacheTtlMs?: number;
  // How long to wait for Lookout when nothing is cached (default 2 s).
  timeoutMs?: number;
}

export interface Prompt {
  name: string;
  // null for a fallback.
  version: number | null;
  type: 'text' | 'chat';
  prompt: PromptContent;
  model: string | null;
  parameters: Record<string, unknown> | null;
  labels: string[];
  // `name@version`, as the x-lookout-prompt header and the lookout.prompt.* attributes carry it;
  // null for a fallback.
  ref: string | null;
  // server: just fetched; cache: cached, within its TTL; stale: cached, past its TTL (a refresh
  // is under way or Lookout did not answer it); fallback: the caller's fallback.
  source: 'server' | 'cache' | 'stale' | 'fallback';
  // Why the fallback or a stale version was given.
  error?: string;
  // The prompt with {{variable}} replaced by the variables' values.
  compile(variables?: PromptVariables): PromptContent;
}

export class PromptUnavailableError extends Error {
  override name = 'PromptUnavailableError';
  // The HTTP status Lookout answered with; undefined when it did not answer.
  readonly status?: number;

  constructor(message: string, status?: number) {
    super(message);
    if (status !== undefined) this.status = status;
  }
}

// Lookout's final word on this prompt, label or key, not an outage.
function isAuthoritative(error: unknown): boolean {
  const status = (error as PromptUnavailableError)?.status;
  return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

const DEFAULT_TTL_MS = 60_000;
const DEFAULT_TIMEOUT_MS = 2_000;
// A failed refresh is not tried again before this (or the TTL, when shorter).
const RETRY_AFTER_FAILURE_MS = 5_000;
const MAX_CACHED_PROMPTS = 1_000;

interface Fetched {
  name: string;
  version: number;
  type: 'text' | 'chat';
  prompt: PromptContent;
  model: string | null;
  parameters: Record<string, unknown> | null;
  labels: string[];
}

interface Entry {
  value: Fetched;
  fetchedAtMs: number;
  // A numbered version: never asked for again.
  pinned: boolean;
  refreshing: Promise<void> | null;
  // The last refresh's failure, and when the next may be tried.
  lastError?: string;
  retryAtMs: number;
}

const cache = new Map<string, Entry>();
// Fetches under way for prompts not cached, shared by the calls that wait for them.
const inflight = new Map<string, Promise<Fetched>>();
// Prompts not cached whose last fetch failed: the failure, and until when it stands.
const failures = new Map<string, { error: PromptUnavailableError; untilMs: number }>();

// Forgets every cached prompt (and every remembered failure).
export function clearPromptCache(): void {
  cache.clear();
  failures.clear();
}

const VARIABLE = /\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}/g;

function fill(text: string, variables: PromptVariables): string {
  return text.replace(VARIABLE, (whole, key: string) => (Object.hasOwn(variables, key) ? String(variables[key]) : whole));
}

// {{variable}} (spaces inside the braces allowed) replaced by its value; a variable not given is
// left as it is.
export function compilePrompt(prompt: PromptContent, variables: PromptVariables = {}): PromptContent {
  if (typeof prompt === 'string') return fill(prompt, variables);
  return prompt.map((m) => ({ ...m, content: fill(m.content, variables) }));
}

function toPrompt(value: Fetched, source: Prompt['source'], error?: string): Prompt {
  return {
    ...value,
    ref: `${value.name}@${value.version}`,
    source,
    ...(error === undefined ? {} : { error }),
    compile: (variables) => compilePrompt(value.prompt, variables),
  };
}

function fallbackPrompt(name: string, fallback: PromptContent, error: string): Prompt {
  return {
    name,
    version: null,
    type: typeof fallback === 'string' ? 'text' : 'chat',
    prompt: fallback,
    model: null,
    parameters: null,
    labels: [],
    ref: null,
    source: 'fallback',
    error,
    compile: (variables) => compilePrompt(fallback, variables),
  };
}

function isFetched(body: unknown): body is Fetched {
  const b = body as Partial<Fetched> | null;
  return !!b && typeof b.name === 'string' && typeof b.version === 'number' && (typeof b.prompt === 'string' || Array.isArray(b.prompt)) && (b.type === 'text' || b.type === 'chat');
}

async function fetchPrompt(name: string, query: string, timeoutMs: number): Promise<Fetched> {
  const { endpoint, apiKey } = sdkEndpoint();
  let response: Response;
  try {
    response = await fetch(`${endpoint}/api/v1/prompts/${encodeURIComponent(name)}?${query}`, {
      headers: { accept: 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    if ((error as Error)?.name === 'TimeoutError') throw new PromptUnavailableError(`no answer from Lookout within ${timeoutMs} ms`);
    throw new PromptUnavailableError(`Lookout unreachable: ${(error as Error)?.message ?? String(error)}`);
  }
  const text = await response.text().catch(() => '');
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // reported below as an unreadable answer
  }
  if (!response.ok) {
    const message = (body as { error?: { message?: string } } | null)?.error?.message;
    throw new PromptUnavailableError(`Lookout answered ${response.status}${message ? `: ${message}` : ''}`, response.status);
  }
  if (!isFetched(body)) throw new PromptUnavailableError(`Lookout answered ${response.status} without a prompt`);
  return { name: body.name, version: body.version, type: body.type, prompt: body.prompt, model: body.model ?? null, parameters: body.parameters ?? null, labels: body.labels ?? [] };
}

function remember(key: string, entry: Entry): void {
  cache.delete(key);
  cache.set(key, entry);
  // The oldest entries go first once the cache is full.
  while (cache.size > MAX_CACHED_PROMPTS) cache.delete(cache.keys().next().value!);
}

function rememberFailure(key: string, error: PromptUnavailableError, retryMs: number): void {
  failures.delete(key);
  failures.set(key, { error, untilMs: Date.now() + retryMs });
  while (failures.size > MAX_CACHED_PROMPTS) failures.delete(failures.keys().next().value!);
}

export async function getPrompt(name: string, options: GetPromptOptions = {}): Promise<Prompt> {
  const pinned = options.version !== undefined;
  const query = pinned ? `version=${encodeURIComponent(String(options.version))}` : `label=${encodeURIComponent(options.label ?? 'production')}`;
  const { endpoint, apiKey } = sdkEndpoint();
  // One cache per server and key: a key of another project sees other prompts.
  const key = `${endpoint}\u0000${apiKey ?? ''}\u0000${name}\u0000${query}`;
  const ttlMs = Math.max(0, options.cacheTtlMs ?? DEFAULT_TTL_MS);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const now = Date.now();
  const cached = cache.get(key);

  if (cached) {
    // Fresh by the caller's TTL, measured from when Lookout gave it.
    if (cached.pinned || now - cached.fetchedAtMs < ttlMs) return toPrompt(cached.value, 'cache');
    if (!cached.refreshing && now >= cached.retryAtMs) {
      cached.refreshing = fetchPrompt(name, query, timeoutMs)
        .then((value) => {
          remember(key, { value, fetchedAtMs: Date.now(), pinned, refreshing: null, retryAtMs: 0 });
        })
        .catch((error: unknown) => {
          cached.lastError = (error as Error)?.message ?? String(error);
          cached.retryAtMs = Date.now() + Math.min(ttlMs, RETRY_AFTER_FAILURE_MS);
          if (!(error instanceof PromptUnavailableError)) swallow(error);
          // The prompt or label is gone (or the key may not read it): the version is not served on.
          else if (isAuthoritative(error)) {
            if (cache.get(key) === cached) cache.delete(key);
            rememberFailure(key, error, Math.min(ttlMs, RETRY_AFTER_FAILURE_MS));
          }
        })
        .finally(() => {
          cached.refreshing = null;
        });
    }
    return toPrompt(cached.value, 'stale', cached.lastError);
  }

  try {
    const failed = failures.get(key);
    if (failed && now < failed.untilMs) throw failed.error;
    let fetching = inflight.get(key);
    if (!fetching) {
      fetching = fetchPrompt(name, query, timeoutMs)
        .then((value) => {
          failures.delete(key);
          remember(key, { value, fetchedAtMs: Date.now(), pinned, refreshing: null, retryAtMs: 0 });
          return value;
        })
        .catch((error: unknown) => {
          if (error instanceof PromptUnavailableError) rememberFailure(key, error, Math.min(Math.max(ttlMs, 1), RETRY_AFTER_FAILURE_MS));
          throw error;
        })
        .finally(() => inflight.delete(key));
      inflight.set(key, fetching);
    }
    return toPrompt(await fetching, 'server');
  } catch (error) {
    const reason = (error as Error)?.message ?? String(error);
    if (!(error instanceof PromptUnavailableError)) swallow(error);
    if (options.fallback !== undefined) return fallbackPrompt(name, options.fallback, reason);
    throw new PromptUnavailableError(`prompt '${name}' (${query.replace('=', ' ')}): ${reason}; pass a fallback to getPrompt to go on without it`);
  }
}
