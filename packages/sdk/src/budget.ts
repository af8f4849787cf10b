import { createLookoutClient, type Answer, type Query, type Schemas } from '#client';
import { currentContext } from './context.ts';
import { sdkEndpoint, swallow } from './core.ts';

// checkBudget(): asks Lookout whether a user may make another call (GET /api/v1/budgets/check),
// before the application calls the model. The server answers from memory. Availability fails
// open: when Lookout cannot be reached in time the answer is `allowed: true, checked: false` with
// the reason in `error`; it never throws.

export interface BudgetCheckInput {
  user?: string; // default: userId of the active withContext
  team?: string; // default: the active context's team, else the team of the user's latest call
  department?: string;
  timeoutMs?: number; // default 2000
}

// As the server declares them (GET /api/v1/budgets/check in its OpenAPI document).
export type BudgetStatusInfo = Schemas['BudgetStatus'];

export type BudgetCheckResult = Answer<'/api/v1/budgets/check'> & {
  checked: boolean; // false: Lookout did not answer; `allowed` is then true (fail open)
  error?: string;
};

const DEFAULT_TIMEOUT_MS = 2_000;

export async function checkBudget(input: BudgetCheckInput = {}): Promise<BudgetCheckResult> {
  let who = { user: input.user ?? null, team: input.team ?? null, department: input.department ?? null };
  try {
    const ctx = currentContext();
    who = { user: who.user ?? ctx?.userId ?? null, team: who.team ?? ctx?.team ?? null, department: who.department ?? ctx?.department ?? null };
    const { endpoint, apiKey } = sdkEndpoint();
    const query = Object.fromEntries(Object.entries(who).filter(([, v]) => v)) as Query<'/api/v1/budgets/check'>;
    const client = createLookoutClient({ baseUrl: endpoint, key: apiKey });
    const { data: body, error, response: res } = await client.GET('/api/v1/budgets/check', {
      params: { query },
      signal: AbortSignal.timeout(input.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
    if (!res.ok || body === undefined || typeof body.allowed !== 'boolean') {
      const message = (error as { error?: { message?: string } } | undefined)?.error?.message;
      return unchecked(who, `Lookout answered ${res.status}${message ? `: ${message}` : ''}`);
    }
    return { allowed: body.allowed, checked: true, user: body.user, team: body.team, department: body.department, budgets: body.budgets, blockedBy: body.blockedBy, warnings: body.warnings };
  } catch (error) {
    const reason = (error as Error)?.name === 'TimeoutError' ? `no answer from Lookout within ${input.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms` : `Lookout unreachable: ${(error as Error)?.message ?? String(error)}`;
    if ((error as Error)?.name !== 'TimeoutError' && !(error instanceof TypeError)) swallow(error);
    return unchecked(who, reason);
  }
}

function unchecked(who: { user: string | null; team: string | null; department: string | null }, error: string): BudgetCheckResult {
  return { allowed: true, checked: false, ...who, budgets: [], blockedBy: null, warnings: [], error };
}
