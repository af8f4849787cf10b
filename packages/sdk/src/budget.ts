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

export interface BudgetStatusInfo {
  budget: { id: string; name: string | null; scope: 'project' | 'team' | 'department' | 'user'; subject: string | null; period: 'daily' | 'monthly'; limitUsd: number; enforce: 'soft' | 'hard'; warnAtPercent: number[]; tier?: string };
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

export interface BudgetCheckResult {
  allowed: boolean;
  checked: boolean; // false: Lookout did not answer; `allowed` is then true (fail open)
  user: string | null;
  team: string | null;
  department: string | null;
  budgets: BudgetStatusInfo[];
  blockedBy: BudgetStatusInfo | null;
  warnings: string[];
  error?: string;
}

const DEFAULT_TIMEOUT_MS = 2_000;

export async function checkBudget(input: BudgetCheckInput = {}): Promise<BudgetCheckResult> {
  let who = { user: input.user ?? null, team: input.team ?? null, department: input.department ?? null };
  try {
    const ctx = currentContext();
    who = { user: who.user ?? ctx?.userId ?? null, team: who.team ?? ctx?.team ?? null, department: who.department ?? ctx?.department ?? null };
    const { endpoint, apiKey } = sdkEndpoint();
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(who)) if (v) params.set(k, v);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (apiKey) headers.authorization = `Bearer ${apiKey}`;
    const res = await fetch(`${endpoint}/api/v1/budgets/check?${params.toString()}`, { headers, signal: AbortSignal.timeout(input.timeoutMs ?? DEFAULT_TIMEOUT_MS) });
    const body = (await res.json().catch(() => null)) as (Omit<BudgetCheckResult, 'checked' | 'error'> & { error?: { message?: string } }) | null;
    if (!res.ok || body === null || typeof body.allowed !== 'boolean') {
      const message = body?.error?.message;
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
