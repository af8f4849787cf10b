import type { LookoutClient, Schemas } from '@lookout/client';
import type { IngestItemInput } from '../../ingest/api/schema.ts';
import { answeringClient, CliError, isServerDown } from '../http.ts';
import { FREE_TIER_DAILY_LIMIT_USD } from './scenarios.ts';
import type { DemoTierAssignment } from './types.ts';

// How the demo's records reach the server: batches posted to the native ingest API, re-sent after
// back-pressure (429/503) and network errors, and the over-budget user's tier set through the
// budgets API.

const MAX_SEND_ATTEMPTS = 10;
const MAX_RETRY_WAIT_MS = 30_000;
const DEFAULT_RETRY_WAIT_MS = 1_000;
const REQUEST_TIMEOUT_MS = 60_000;

export type IngestAnswer = Schemas['IngestResult'] | Schemas['IngestPartialResult'];

export interface IngestTarget {
  api: LookoutClient; // hands back every answer: the sender reads the status itself
  endpoint: string; // the server's native ingest API, as messages name it
  base: string; // the server's URL, ending in a slash
}

export function ingestTarget(url: string, key?: string): IngestTarget {
  const base = url.endsWith('/') ? url : `${url}/`;
  return { api: answeringClient({ url, key }), endpoint: new URL('api/v1/ingest', base).toString(), base };
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

const notRunningAt = (endpoint: string, cause: unknown) => new DemoError(`no Lookout server answers at ${endpoint}; start one with \`lookout serve\` or pass --url`, { cause });

// The server's message in an answer that is not 2xx: its error message, else the body as text.
function messageOf(body: unknown, maxChars: number): string {
  const message = (body as { error?: { message?: string } } | null | undefined)?.error?.message;
  if (message !== undefined) return message;
  return (typeof body === 'string' ? body : (JSON.stringify(body) ?? '')).slice(0, maxChars);
}

export async function postBatch(target: IngestTarget, batch: IngestItemInput[], onRetry: () => void): Promise<IngestAnswer> {
  const { api, endpoint } = target;
  for (let attempt = 1; ; attempt++) {
    let result: Awaited<ReturnType<typeof send>>;
    try {
      result = await send(api, batch);
    } catch (err) {
      if (isServerDown(err)) throw notRunningAt(endpoint, err);
      if (attempt >= MAX_SEND_ATTEMPTS) throw new DemoError(`POST ${endpoint} failed ${attempt} times: ${(err as Error).message}`);
      onRetry();
      await sleep(DEFAULT_RETRY_WAIT_MS);
      continue;
    }
    const { data, error, response } = result;
    if (response.status === 429 || response.status === 503) {
      if (attempt >= MAX_SEND_ATTEMPTS) {
        throw new DemoError(`the server kept refusing the batch (${response.status}) after ${attempt} attempts: ${messageOf(error, Infinity)}`);
      }
      onRetry();
      await sleep(retryAfterMs(response.headers.get('retry-after')));
      continue;
    }
    if (response.status === 200 && data) return data;
    // 207/400: some items were refused. The demo's items are meant to be valid, so this is a bug.
    const answered = data ?? error;
    const results = (answered as { results?: Schemas['IngestItemResult'][] } | undefined)?.results ?? [];
    const refused = results.filter((r) => r.status === 'rejected').slice(0, 5);
    const detail = refused.length ? refused.map((r) => r.error).join('; ') : messageOf(answered, 500);
    throw new DemoError(`the server answered ${response.status} to a demo batch: ${detail}`);
  }
}

function send(api: LookoutClient, batch: IngestItemInput[]) {
  return api.POST('/api/v1/ingest', { body: { batch }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
}

// Puts the incident's over-budget user on the free tier. The traffic does not depend on it: an
// older server without the budgets API, or a key that may not change budgets, is reported, not fatal.
export async function assignFreeTier(target: IngestTarget, user: string): Promise<DemoTierAssignment> {
  const endpoint = new URL(`api/v1/budgets/tiers/${encodeURIComponent(user)}`, target.base).toString();
  const result = (status: DemoTierAssignment['status'], detail: string): DemoTierAssignment => ({ user, tier: 'free', status, detail });
  let response: Response;
  let error: unknown;
  try {
    ({ response, error } = await target.api.PUT('/api/v1/budgets/tiers/{user}', {
      params: { path: { user } },
      body: { tier: 'free' },
      // Only the status matters; whatever a 2xx carries is not read.
      parseAs: 'text',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    }));
  } catch (err) {
    if (isServerDown(err)) throw notRunningAt(endpoint, err);
    return result('failed', `PUT ${endpoint}: ${(err as Error).message}`);
  }
  if (response.ok) return result('assigned', `${user} is on the free tier ($${FREE_TIER_DAILY_LIMIT_USD}/day)`);
  const message = messageOf(error, 300);
  if (response.status === 404) return result('unsupported', 'this server has no budgets API, so no user budget can fire');
  if (response.status === 401 || response.status === 403) return result('refused', `the key may not assign tiers (${response.status}: ${message}); assign it with an admin key: lookout budgets tier ${user} free`);
  return result('failed', `PUT ${endpoint} answered ${response.status}: ${message}`);
}
