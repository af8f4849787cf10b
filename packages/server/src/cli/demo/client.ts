import type { IngestItemInput } from '../../ingest/api/schema.ts';
import { CliError } from '../http.ts';
import { FREE_TIER_DAILY_LIMIT_USD } from './scenarios.ts';
import type { DemoTierAssignment } from './types.ts';

// How the demo's records reach the server: batches posted to the native ingest API, re-sent after
// back-pressure (429/503) and network errors, and the over-budget user's tier set through the
// budgets API.

const MAX_SEND_ATTEMPTS = 10;
const MAX_RETRY_WAIT_MS = 30_000;
const DEFAULT_RETRY_WAIT_MS = 1_000;
const REQUEST_TIMEOUT_MS = 60_000;

interface IngestResponse {
  accepted?: number;
  duplicates?: number;
  rejected?: number;
  results?: { index: number; type: string | null; status: string; error?: string }[];
  error?: { code?: string; message?: string };
}

export interface IngestTarget {
  base: string; // the server's URL, ending in a slash
  endpoint: string; // its native ingest API
  headers: Record<string, string>;
}

export function ingestTarget(url: string, key?: string): IngestTarget {
  const base = url.endsWith('/') ? url : `${url}/`;
  const endpoint = new URL('api/v1/ingest', base).toString();
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  return { base, endpoint, headers };
}

// A CliError, so that `lookout demo` prints the message without a stack trace.
export class DemoError extends CliError {
  override name = 'DemoError';
}

function retryAfterMs(header: string | null): number {
  if (!header) return DEFAULT_RETRY_WAIT_MS;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(MAX_RETRY_WAIT_MS, seconds * 1000);
  const at = Date.parse(header);
  if (Number.isFinite(at)) return Math.min(MAX_RETRY_WAIT_MS, Math.max(0, at - Date.now()));
  return DEFAULT_RETRY_WAIT_MS;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function postBatch(
  endpoint: string,
  headers: Record<string, string>,
  batch: IngestItemInput[],
  onRetry: () => void,
): Promise<IngestResponse> {
  const body = JSON.stringify({ batch });
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(endpoint, { method: 'POST', headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    } catch (err) {
      const code = (err as { cause?: { code?: string } }).cause?.code;
      if (code === 'ECONNREFUSED') throw new DemoError(`no Lookout server answers at ${endpoint}; start one with \`lookout serve\` or pass --url`);
      if (attempt >= MAX_SEND_ATTEMPTS) throw new DemoError(`POST ${endpoint} failed ${attempt} times: ${(err as Error).message}`);
      onRetry();
      await sleep(DEFAULT_RETRY_WAIT_MS);
      continue;
    }
    const text = await response.text();
    let data: IngestResponse | null = null;
    try {
      data = text ? (JSON.parse(text) as IngestResponse) : null;
    } catch {
      // reported as text below
    }
    if (response.status === 429 || response.status === 503) {
      if (attempt >= MAX_SEND_ATTEMPTS) {
        throw new DemoError(`the server kept refusing the batch (${response.status}) after ${attempt} attempts: ${data?.error?.message ?? text}`);
      }
      onRetry();
      await sleep(retryAfterMs(response.headers.get('retry-after')));
      continue;
    }
    if (response.status === 200 && data) return data;
    // 207/400: some items were refused. The demo's items are meant to be valid, so this is a bug.
    const refused = (data?.results ?? []).filter((r) => r.status === 'rejected').slice(0, 5);
    const detail = refused.length ? refused.map((r) => r.error).join('; ') : (data?.error?.message ?? text.slice(0, 500));
    throw new DemoError(`the server answered ${response.status} to a demo batch: ${detail}`);
  }
}

// Puts the incident's over-budget user on the free tier. The traffic does not depend on it: an
// older server without the budgets API, or a key that may not change budgets, is reported, not fatal.
export async function assignFreeTier(base: string, headers: Record<string, string>, user: string): Promise<DemoTierAssignment> {
  const endpoint = new URL(`api/v1/budgets/tiers/${encodeURIComponent(user)}`, base).toString();
  const result = (status: DemoTierAssignment['status'], detail: string): DemoTierAssignment => ({ user, tier: 'free', status, detail });
  let response: Response;
  try {
    response = await fetch(endpoint, { method: 'PUT', headers, body: JSON.stringify({ tier: 'free' }), signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (err) {
    const code = (err as { cause?: { code?: string } }).cause?.code;
    if (code === 'ECONNREFUSED') throw new DemoError(`no Lookout server answers at ${endpoint}; start one with \`lookout serve\` or pass --url`);
    return result('failed', `PUT ${endpoint}: ${(err as Error).message}`);
  }
  const text = await response.text();
  let message = text.slice(0, 300);
  try {
    message = (JSON.parse(text) as IngestResponse).error?.message ?? message;
  } catch {
    // not JSON: the text is the message
  }
  if (response.ok) return result('assigned', `${user} is on the free tier ($${FREE_TIER_DAILY_LIMIT_USD}/day)`);
  if (response.status === 404) return result('unsupported', 'this server has no budgets API, so no user budget can fire');
  if (response.status === 401 || response.status === 403) return result('refused', `the key may not assign tiers (${response.status}: ${message}); assign it with an admin key: lookout budgets tier ${user} free`);
  return result('failed', `PUT ${endpoint} answered ${response.status}: ${message}`);
}
