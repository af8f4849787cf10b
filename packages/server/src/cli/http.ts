import { ERRORS, LookoutError, type ErrorCode } from '../errors.ts';

// How the command-line tool talks to a running server: the same HTTP API a user would call.

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

export async function apiCall<T = unknown>(target: ApiTarget, method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (target.key) headers.authorization = `Bearer ${target.key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const url = new URL(path, target.url.endsWith('/') ? target.url : `${target.url}/`).toString();
  let response: Response;
  try {
    response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    if (isConnectionRefused(err)) throw new CliError(`no Lookout server answers at ${target.url}; start one with \`lookout serve\` or pass --url`, { code: 'store_unavailable', cause: err });
    throw err;
  }
  const text = await response.text();
  let data: unknown = text;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // a non-JSON body is reported as text below
  }
  if (!response.ok) {
    const error = (data as { error?: { message?: string; code?: string } })?.error;
    const code = error?.code !== undefined && Object.hasOwn(ERRORS, error.code) ? (error.code as ErrorCode) : 'internal';
    throw new CliError(`${method} ${path} failed with ${response.status}: ${error?.message ?? text}`, { code });
  }
  return data as T;
}
