import type { ErrorClass, SpanStatus } from '../../../domain/span.ts';

// C5: which class a failed call is counted under. Signals, most reliable first: an HTTP status
// (`http.response.status_code`, or an `error.type` that is a status number), then the error type
// names (`error.type`, `exception.type`), then the messages.

export interface ErrorSignals {
  otlpStatusCode: number; // 0 unset, 1 ok, 2 error
  failed: boolean; // a convention marks the span failed (Langfuse level ERROR, error.type set)
  httpStatus?: number;
  errorType?: string;
  exceptionType?: string;
  exceptionMessage?: string;
  statusMessage?: string;
  finishReason?: string | null;
}

export interface ErrorOutcome {
  status: SpanStatus;
  errorClass: ErrorClass | null;
  errorMessage: string | null;
}

export const MAX_ERROR_MESSAGE_CHARS = 2000;

// Below `full` capture an error message is kept only if it is a bare type name or code
// (`RateLimitError`, `openai.APITimeoutError`, `429`, `context_length_exceeded`): no spaces, no
// quotes, at most 200 characters. A message in words may quote the prompt. The pattern is in the
// syntax JavaScript and DuckDB (RE2) share: the purge applies it in SQL.
export const ERROR_TYPE_NAME_PATTERN = '[A-Za-z0-9_.:$-]{1,200}';
const ERROR_TYPE_NAME = new RegExp(`^(?:${ERROR_TYPE_NAME_PATTERN})$`);

export function errorTypeName(text: string | null | undefined): string | null {
  return text !== null && text !== undefined && ERROR_TYPE_NAME.test(text) ? text : null;
}

// Finish reasons that mean a safety system stopped the output (OpenAI, AI SDK, Gemini, Anthropic).
const CONTENT_FILTER_FINISH = new Set([
  'content_filter',
  'safety',
  'prohibited_content',
  'blocklist',
  'spii',
  'image_safety',
  'refusal',
  'recitation',
]);

export function isContentFilterFinish(reason: string | null | undefined): boolean {
  return reason !== null && reason !== undefined && CONTENT_FILTER_FINISH.has(reason);
}

export function classFromHttpStatus(status: number): ErrorClass | null {
  if (!Number.isInteger(status) || status < 400 || status > 599) return null;
  if (status === 429) return 'rate_limit';
  if (status === 408 || status === 504) return 'timeout';
  if (status === 401 || status === 403) return 'auth';
  if (status === 499) return 'cancelled';
  if (status >= 500) return 'server';
  return 'invalid_request';
}

// Order matters: "RateLimitError" must not fall into a broader pattern first.
const NAME_PATTERNS: readonly [RegExp, ErrorClass][] = [
  [/abort|cancel/i, 'cancelled'],
  [/rate.?limit|too.?many.?requests|quota|resource.?exhausted|throttl/i, 'rate_limit'],
  [/time.?out|deadline/i, 'timeout'],
  [/content.?filter|safety|moderation|blocked|refusal|prohibited/i, 'content_filter'],
  [/auth|permission|forbidden|api.?key|credential/i, 'auth'],
  [/internal.?server|server.?error|overload|unavailable|bad.?gateway|api.?connection|connection.?error|econnre|5\d\d/i, 'server'],
  [/bad.?request|invalid|not.?found|unprocessable|validation|context.?length|too.?long|4\d\d/i, 'invalid_request'],
];

export function classFromText(text: string | undefined): ErrorClass | null {
  if (text === undefined || text === '') return null;
  const trimmed = text.trim();
  if (/^\d{3}$/.test(trimmed)) return classFromHttpStatus(Number(trimmed));
  for (const [re, cls] of NAME_PATTERNS) if (re.test(trimmed)) return cls;
  return null;
}

export function classifyError(s: ErrorSignals): ErrorOutcome {
  const failed = s.otlpStatusCode === 2 || s.failed;
  if (!failed) return { status: 'ok', errorClass: null, errorMessage: null };

  const message = s.statusMessage || s.exceptionMessage || null;
  let errorClass: ErrorClass | null = null;
  if (s.httpStatus !== undefined) errorClass = classFromHttpStatus(s.httpStatus);
  errorClass ??= classFromText(s.errorType) ?? classFromText(s.exceptionType);
  errorClass ??= classFromText(s.statusMessage) ?? classFromText(s.exceptionMessage);
  // A failed call whose output a safety system stopped, and nothing more specific said why.
  if (errorClass === null && isContentFilterFinish(s.finishReason)) errorClass = 'content_filter';
  errorClass ??= 'other';
  return {
    status: errorClass === 'cancelled' ? 'cancelled' : 'error',
    errorClass,
    errorMessage: message === null ? (s.errorType ?? s.exceptionType ?? null) : message.slice(0, MAX_ERROR_MESSAGE_CHARS),
  };
}
