// E4: what an audit entry may hold of a request or a setting. Secrets never reach the audit log:
// values under a key that names a secret, and URLs given for webhooks, receivers and endpoints
// (their path or query often is the credential), become "[redacted]". Entries stay small: depth,
// keys, items and text are bounded, and the whole details at most MAX_DETAILS_CHARS.

export const REDACTED = '[redacted]';
export const TRUNCATED = '[truncated]';

// `token` but not token counts (inputTokens, tokensPerRequest) nor timeToFirstToken.
export const SECRET_KEY = /secret|password|passwd|(?<!first)token(?!s)|api[-_]?key|authorization|cookie|headers|credential|private[-_]?key|routing[-_]?key|session/i;
// A key whose string value is a URL to hide (webhook.url, slack.url, judge endpoint, ...).
const URL_KEY = /url|uri|webhook|endpoint|href|dsn/i;
const URL_VALUE = /^[a-z][a-z0-9+.-]*:\/\//i;

export const MAX_DETAILS_CHARS = 16 * 1024;
const MAX_DEPTH = 8;
const MAX_KEYS = 100;
const MAX_ITEMS = 100;
const MAX_STRING = 2_000;

// A URL with a user or password in it is a secret wherever it appears.
function urlWithCredentials(v: string): boolean {
  if (!URL_VALUE.test(v)) return false;
  try {
    const u = new URL(v);
    return u.username !== '' || u.password !== '';
  } catch {
    return false;
  }
}

function clean(value: unknown, key: string | null, depth: number): unknown {
  // A flag (apiKeySet: true) or a removal (apiKey: null) says nothing secret.
  if (key !== null && SECRET_KEY.test(key) && value !== null && value !== undefined && typeof value !== 'boolean') return REDACTED;
  if (typeof value === 'string') {
    if ((key !== null && URL_KEY.test(key) && URL_VALUE.test(value.trim())) || urlWithCredentials(value.trim())) return REDACTED;
    return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…${TRUNCATED}` : value;
  }
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (depth >= MAX_DEPTH) return TRUNCATED;
  if (Array.isArray(value)) {
    // Items of a list under a URL-ish key (a list of webhook URLs) are hidden like the key's value.
    const items = value.slice(0, MAX_ITEMS).map((v) => clean(v, key !== null && URL_KEY.test(key) ? key : null, depth + 1));
    if (value.length > MAX_ITEMS) items.push(`${TRUNCATED} ${value.length - MAX_ITEMS} more`);
    return items;
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    const entries = Object.entries(value as Record<string, unknown>);
    for (const [k, v] of entries.slice(0, MAX_KEYS)) {
      const c = clean(v, k, depth + 1);
      if (c !== undefined) out[k] = c;
    }
    if (entries.length > MAX_KEYS) out[TRUNCATED] = `${entries.length - MAX_KEYS} more keys`;
    return out;
  }
  return String(value);
}

// `value` with secrets replaced and sizes bounded; never throws.
export function redactValue(value: unknown): unknown {
  return clean(value, null, 0);
}

// An entry's details: redacted, then cut to MAX_DETAILS_CHARS of JSON (a larger one keeps a
// prefix of its JSON text under `preview`, marked truncated).
export function redactDetails(details: Record<string, unknown> | null | undefined): Record<string, unknown> | null {
  if (details === null || details === undefined) return null;
  const cleaned = clean(details, null, 0) as Record<string, unknown>;
  if (Object.keys(cleaned).length === 0) return null;
  const json = JSON.stringify(cleaned);
  if (json.length <= MAX_DETAILS_CHARS) return cleaned;
  return { truncated: true, originalChars: json.length, preview: json.slice(0, MAX_DETAILS_CHARS - 200) };
}
