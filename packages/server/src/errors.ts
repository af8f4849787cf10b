// The one error catalog. Every error a client can see has a stable code, an HTTP status,
// whether retrying can help, and a message a person can act on. Bad input never becomes a 500.
// Domain errors extend LookoutError with one of these codes, so the server's one error handler
// (server/app.ts) answers each with its status, wherever it was thrown. Every code is listed in
// docs/errors.md (a test checks).
import type { z } from 'zod';

export interface ErrorSpec {
  status: number;
  retryable: boolean;
  title: string;
}

export const ERRORS = {
  invalid_json: { status: 400, retryable: false, title: 'The body is not valid JSON' },
  invalid_utf8: { status: 400, retryable: false, title: 'The body is not valid UTF-8' },
  invalid_request: { status: 400, retryable: false, title: 'The request does not match the schema' },
  invalid_parameter: { status: 400, retryable: false, title: 'A query parameter is invalid' },
  unauthorized: { status: 401, retryable: false, title: 'An API key is required' },
  forbidden: { status: 403, retryable: false, title: 'The API key may not do this' },
  host_not_allowed: { status: 403, retryable: false, title: 'The Host header names a host this server does not answer for' },
  cross_site_request: { status: 403, retryable: false, title: 'A state-changing request from another site' },
  not_found: { status: 404, retryable: false, title: 'Not found' },
  method_not_allowed: { status: 405, retryable: false, title: 'Method not allowed' },
  conflict: { status: 409, retryable: false, title: 'Conflict' },
  body_too_large: { status: 413, retryable: false, title: 'The body is too large' },
  batch_too_large: { status: 413, retryable: false, title: 'The batch has too many items' },
  unsupported_media_type: { status: 415, retryable: false, title: 'Unsupported content type' },
  queue_full: { status: 429, retryable: true, title: 'The write queue is full' },
  too_many_queries: { status: 429, retryable: true, title: 'Too many queries are waiting for the store' },
  too_many_sign_ins: { status: 429, retryable: true, title: 'Too many failed sign-ins' },
  query_timeout: { status: 503, retryable: false, title: 'The query took too long' },
  store_unavailable: { status: 503, retryable: true, title: 'The store is unavailable' },
  shutting_down: { status: 503, retryable: true, title: 'The server is shutting down' },
  identity_provider_unavailable: { status: 503, retryable: true, title: 'The identity provider cannot be reached' },
  invalid_config: { status: 400, retryable: false, title: 'The configuration is not valid' },
  invalid_argument: { status: 400, retryable: false, title: 'A command-line argument is invalid' },
  outbound_refused: { status: 400, retryable: false, title: 'A receiver address is not allowed' },
  judge_failed: { status: 502, retryable: true, title: 'The judge endpoint gave no judgement' },
  internal: { status: 500, retryable: true, title: 'Internal error' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export interface LookoutErrorOptions {
  retryAfterSeconds?: number;
  details?: unknown;
  cause?: unknown;
}

export class LookoutError extends Error {
  override name = 'LookoutError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly retryAfterSeconds: number | null;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, options: LookoutErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = ERRORS[code].status;
    this.retryable = ERRORS[code].retryable;
    this.retryAfterSeconds = options.retryAfterSeconds ?? null;
    this.details = options.details;
  }

  toJSON(): Record<string, unknown> {
    return {
      error: {
        code: this.code,
        message: this.message,
        retryable: this.retryable,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

// The two domain errors most features raise: a thing of the project that is not there, and one
// that is there already (or a per-project limit reached).
export class NotFoundError extends LookoutError {
  override name = 'NotFoundError';
  constructor(message: string) {
    super('not_found', message);
  }
}

export class ConflictError extends LookoutError {
  override name = 'ConflictError';
  constructor(message: string) {
    super('conflict', message);
  }
}

// "batch[3].usage.input: must not be negative" from a zod issue path and message.
export function describeIssue(path: readonly PropertyKey[], message: string, prefix = ''): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out ? `${out}: ${message}` : message;
}

export interface IssueFormat {
  // Put before the path: 'batch[3]', 'rules[0]'.
  prefix?: string;
  // What an unrecognised key is called: a query 'parameter' or a body 'field'.
  noun?: 'parameter' | 'field';
}

// One zod issue as a person reads it: "limit: must be at most 1000", "colour: unknown parameter".
export function formatZodIssue(issue: z.core.$ZodIssue, format: IssueFormat = {}): string {
  if (issue.code === 'unrecognized_keys') {
    const noun = format.noun ?? 'field';
    const keys = issue.keys.map((k) => describeIssue([...issue.path, k], '', format.prefix).replace(/: $/, ''));
    return `${keys.join(', ')}: unknown ${noun}${keys.length > 1 ? 's' : ''}`;
  }
  return describeIssue(issue.path, issue.message, format.prefix);
}
