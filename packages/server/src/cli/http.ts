import { createLookoutClient, type LookoutClient } from '@lookout/client';
import { ERRORS, LookoutError, type ErrorCode } from '../errors.ts';

// How the command-line tool talks to a running server: the same HTTP API a user would call,
// through the typed client generated from the server's OpenAPI document.

export interface ApiTarget {
  url: string;
  key?: string;
}

// What the command-line tool reports before exiting 1: a bad argument, or the server's answer
// (with the server's error code when it gave one).
export class CliError extends LookoutError {
  override name = 'CliError';
  constructor(message: string, options: { code?: ErrorCode; cause?: unknown } = {}) {
    super(options.code ?? 'invalid_argument', message, { cause: options.cause });
  }
}

export function defaultUrl(env: NodeJS.ProcessEnv = process.env): string {
  const port = env.LOOKOUT_PORT || '4318';
  return `http://127.0.0.1:${port}`;
}

export function isConnectionRefused(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string } })?.cause;
  return cause?.code === 'ECONNREFUSED';
}

// A request that found no server listening at the target (as answeringClient and apiClient report it).
export function isServerDown(err: unknown): boolean {
  return err instanceof CliError && isConnectionRefused(err.cause);
}

function notRunning(url: string, cause: unknown): CliError {
  return new CliError(`no Lookout server answers at ${url}; start one with \`lookout serve\` or pass --url`, { code: 'store_unavailable', cause });
}

// The typed client of a server that hands every answer back, 2xx or not, for callers that read
// the status themselves (the demo's sender retries on back-pressure). A server that is not
// running is a CliError whose cause tells it apart (isConnectionRefused).
export function answeringClient(target: ApiTarget): LookoutClient {
  return createLookoutClient({
    baseUrl: target.url,
    key: target.key,
    fetch: async (request) => {
      if (!request.headers.has('accept')) request.headers.set('accept', 'application/json');
      try {
        return await fetch(request);
      } catch (err) {
        if (isConnectionRefused(err)) throw notRunning(target.url, err);
        throw err;
      }
    },
  });
}

// The typed client of a server for a command: an answer that is not 2xx becomes a CliError
// "<METHOD> <path> failed with <status>: <the server's message>" with the server's error code.
export function apiClient(target: ApiTarget): LookoutClient {
  const client = answeringClient(target);
  client.use({
    async onResponse({ request, response }) {
      if (!response.ok) throw await failure(target, request, response);
      return undefined;
    },
  });
  return client;
}

// The body of a 2xx answer of apiClient(), typed by the route (apiClient has thrown on the others).
export async function answer<T>(result: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  return (await result).data as T;
}

async function failure(target: ApiTarget, request: Request, response: Response): Promise<CliError> {
  const text = await response.text();
  let data: unknown = text;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // a non-JSON body is reported as text below
  }
  const error = (data as { error?: { message?: string; code?: string } } | null)?.error;
  const code = error?.code !== undefined && Object.hasOwn(ERRORS, error.code) ? (error.code as ErrorCode) : 'internal';
  return new CliError(`${request.method} ${pathOf(target, request.url)} failed with ${response.status}: ${error?.message ?? text}`, { code });
}

// The request's path and query as the API names them, without the server's URL (and any path
// prefix it has).
function pathOf(target: ApiTarget, url: string): string {
  const { pathname, search } = new URL(url);
  const prefix = new URL(target.url).pathname.replace(/\/+$/, '');
  return (prefix && pathname.startsWith(`${prefix}/`) ? pathname.slice(prefix.length) : pathname) + search;
}
